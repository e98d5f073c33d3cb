import { Injectable, Logger } from '@nestjs/common';
import { EventEnvelope } from '@app/contracts';
import { HandlerOutcome, Outcome, Transaction } from '@app/messaging';
import { firstApplications } from '../items/applied-facts';
import { ItemLifecycle, Move } from '../items/item-lifecycle.service';
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

  /**
   * Applies every movement of one event, or none: the items are locked with one query (in a fixed
   * order, so two events over the same items cannot deadlock each other), the facts recorded with one
   * statement, and the moves made with one update — a lot of 300 books is a handful of statements.
   */
  async apply(tx: Transaction, event: EventEnvelope, movements: Movement[]): Promise<HandlerOutcome | void> {
    const ordered = [...movements].sort((a, b) => a.itemId.localeCompare(b.itemId));
    const items = new Map((await this.items.lockByIds(tx.manager, ordered.map((m) => m.itemId))).map((item) => [item.id, item]));
    const missing = ordered.find((movement) => !items.has(movement.itemId));
    if (missing) return Outcome.retry(`item ${missing.itemId} is not in the catalog yet`);
    // The same fact under a new message id (a replay, a resend) must not move the item a second time.
    const facts = ordered.map((movement) => ({ movement, key: `${event.type}/${movement.factId}/${movement.itemId}` }));
    const first = await firstApplications(tx.manager, facts.map(({ movement, key }) => ({ key, itemId: movement.itemId })), event.id);
    let moves: Move[] = [];
    for (const { movement, key } of facts) {
      const item = items.get(movement.itemId)!;
      if (!first.has(key)) {
        this.logger.debug(`${event.type} ${event.id}: ${movement.factId} was applied to item ${item.label} already`);
        continue;
      }
      first.delete(key); // the same fact named twice in one event applies once
      // An item moved by two facts of one event: the first move is made before the second is decided.
      if (moves.some((move) => move.item === item)) moves = await this.moveNow(tx, moves);
      const decision = decideMovement(item.status, movement.rule);
      if (decision === 'already-there') {
        this.logger.debug(`${event.type} ${event.id}: item ${item.label} is already ${item.status}`);
        continue;
      }
      if (decision === 'wait') return Outcome.retry(`item ${item.label} is ${item.status}; ${event.type} waits for an earlier event`);
      if (decision === 'refuse') {
        return Outcome.deadLetter(`item ${item.label} is ${item.status}; ${event.type} cannot move it to ${movement.rule.to}`);
      }
      moves.push({ item, to: movement.rule.to, options: { actor: movement.actor, reason: movement.reason, causedBy: event } });
    }
    await this.moveNow(tx, moves);
  }

  private async moveNow(tx: Transaction, moves: Move[]): Promise<Move[]> {
    if (moves.length > 0) await this.lifecycle.transitionAll(tx, moves);
    return [];
  }
}
