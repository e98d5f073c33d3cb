import { Injectable, Logger } from '@nestjs/common';
import { EventEnvelope } from '@app/contracts';
import { HandlerOutcome, Outcome, Transaction } from '@app/messaging';
import { firstApplication } from '../items/applied-facts';
import { ItemLifecycle } from '../items/item-lifecycle.service';
import { ItemsService } from '../items/items.service';
import { decideMovement, MovementRule } from './movement-rule';

export interface Movement {
  itemId: string;
  /** The reported fact's own identity (its pull request, repair, lot, withdrawal, listing): applied once. */
  factId: string;
  rule: MovementRule;
  actor: string;
  reason: string;
}

/**
 * Applies what conservation and disposal report to the status of record, through the one lifecycle
 * method. A fact that came too early is retried; one that would move an item back is parked in the
 * dead-letter queue with the item's status, for a person to look at.
 */
@Injectable()
export class MovementsService {
  private readonly logger = new Logger(MovementsService.name);

  constructor(
    private readonly items: ItemsService,
    private readonly lifecycle: ItemLifecycle,
  ) {}

  async apply(tx: Transaction, event: EventEnvelope, movements: Movement[]): Promise<HandlerOutcome | void> {
    // Lock in a fixed order so two events over the same items cannot deadlock each other.
    const ordered = [...movements].sort((a, b) => a.itemId.localeCompare(b.itemId));
    for (const movement of ordered) {
      const item = await this.items.lockById(tx.manager, movement.itemId);
      if (!item) return Outcome.retry(`item ${movement.itemId} is not in the catalog yet`);
      // The same fact under a new message id (a replay, a resend) must not move the item a second time.
      if (!(await firstApplication(tx.manager, `${event.type}/${movement.factId}/${item.id}`, item.id, event.id))) {
        this.logger.debug(`${event.type} ${event.id}: ${movement.factId} was applied to item ${item.label} already`);
        continue;
      }
      const decision = decideMovement(item.status, movement.rule);
      if (decision === 'already-there') {
        this.logger.debug(`${event.type} ${event.id}: item ${item.label} is already ${item.status}`);
        continue;
      }
      if (decision === 'wait') return Outcome.retry(`item ${item.label} is ${item.status}; ${event.type} waits for an earlier event`);
      if (decision === 'refuse') {
        return Outcome.deadLetter(`item ${item.label} is ${item.status}; ${event.type} cannot move it to ${movement.rule.to}`);
      }
      await this.lifecycle.transition(tx, item, movement.rule.to, { actor: movement.actor, reason: movement.reason, causedBy: event });
    }
  }
}
