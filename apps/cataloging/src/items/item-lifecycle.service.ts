import { ConflictException, Injectable } from '@nestjs/common';
import { canTransition, EventEnvelope, ItemStatus, ItemStatusChanged, ItemUpdated } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { BibRecord } from '../records/bib-record.entity';
import { CatalogItem } from './catalog-item.entity';
import { ItemStatusHistory } from './item-status-history.entity';
import { toItemSnapshot } from './item-snapshot';

/** Columns that may change together with the status (or on their own, through `amend`). */
export type ItemChanges = Partial<
  Pick<
    CatalogItem,
    'callNumber' | 'callNumberScheme' | 'shelfKey' | 'collection' | 'processingComplete' | 'conditions' | 'checkoutCount' | 'lastCirculatedAt' | 'shelvedAt'
  >
>;

export interface TransitionOptions {
  /** Who moved the item: the user id for HTTP, the person named in the causing event otherwise. */
  actor: string;
  reason?: string | null;
  /**
   * The consumed event that caused the change (its id becomes the history's event id). Omit it for
   * HTTP requests: then the `cataloging.item.status-changed` event published here is the cause of record.
   */
  causedBy?: Pick<EventEnvelope, 'id'> | null;
  /** Other columns that change with the status, written in the same UPDATE (e.g. `shelvedAt`). */
  set?: ItemChanges;
  /** When it happened; now by default. */
  at?: Date;
}

export interface TransitionResult {
  from: ItemStatus | null;
  to: ItemStatus;
  version: number;
  /** The history row's event id. */
  eventId: string;
}

/** 409 naming the item and its current status: "item 3… is AVAILABLE; it cannot be shelved". */
export class ItemStatusConflictError extends ConflictException {
  constructor(item: CatalogItem, consequence: string) {
    super(`item ${item.label} is ${item.status}; ${consequence}`);
  }
}

/** A move the transition table refuses. Event handlers check `canTransition` first rather than catch this. */
export class IllegalTransitionError extends ItemStatusConflictError {
  constructor(item: CatalogItem, to: ItemStatus) {
    super(item, `it cannot become ${to}`);
  }
}

/** The row moved under us although the caller should have held it locked: a retry will see the news. */
export class ConcurrentChangeError extends ConflictException {
  constructor(item: CatalogItem) {
    super(`item ${item.label} changed meanwhile (version ${item.version} is stale); try again`);
  }
}

const ACTOR_MAX = 200;
const REASON_MAX = 500;

/**
 * The one way an item's status changes (SPEC §2): refuse what `canTransition` refuses, bump the
 * version (shared with `amend`), record the history row and publish `cataloging.item.status-changed`, all in the caller's
 * transaction. Callers load the item locked (`ItemsService.lock*`, `SELECT … FOR UPDATE`); the
 * version check and the unique (item_id, version) history index catch anyone who did not.
 */
@Injectable()
export class ItemLifecycle {
  /** Enters a new item into the catalog as RECEIVED, version 1 (history `null → RECEIVED`). */
  async admit(tx: Transaction, item: CatalogItem, options: TransitionOptions): Promise<TransitionResult> {
    const at = options.at ?? new Date();
    Object.assign(item, options.set ?? {}, { status: ItemStatus.RECEIVED, version: 1, statusChangedAt: at });
    await tx.manager.insert(CatalogItem, item);
    return this.record(tx, item, null, at, options);
  }

  /** Moves a (locked) item to `to`; throws `IllegalTransitionError` (409) for a move the table refuses. */
  async transition(tx: Transaction, item: CatalogItem, to: ItemStatus, options: TransitionOptions): Promise<TransitionResult> {
    if (!canTransition(item.status, to)) throw new IllegalTransitionError(item, to);
    const from = item.status;
    const at = options.at ?? new Date();
    const changes = { ...options.set, status: to, version: item.version + 1, statusChangedAt: at };
    const result = await tx.manager
      .createQueryBuilder()
      .update(CatalogItem)
      .set(changes)
      .where('id = :id AND version = :version', { id: item.id, version: item.version })
      .execute();
    if (result.affected !== 1) throw new ConcurrentChangeError(item);
    Object.assign(item, changes);
    return this.record(tx, item, from, at, options);
  }

  /**
   * Changes facts of a (locked) item that are not its status — a call number corrected, circulation
   * counted — and publishes `cataloging.item.updated`. The version goes up here too: it is the one
   * counter other services' read models order every item event by (so history versions may skip the
   * numbers of such updates).
   */
  async amend(tx: Transaction, item: CatalogItem, changes: ItemChanges, changed: string[]): Promise<void> {
    const update = { ...changes, version: item.version + 1 };
    const result = await tx.manager
      .createQueryBuilder()
      .update(CatalogItem)
      .set(update)
      .where('id = :id AND version = :version', { id: item.id, version: item.version })
      .execute();
    if (result.affected !== 1) throw new ConcurrentChangeError(item);
    Object.assign(item, update);
    const record = await this.recordOf(tx, item);
    tx.publish(
      ItemUpdated,
      { itemId: item.id, barcode: item.barcode, branch: item.branch, status: item.status, version: item.version, changed, item: toItemSnapshot(item, record) },
      { branch: item.branch },
    );
  }

  private async record(tx: Transaction, item: CatalogItem, from: ItemStatus | null, at: Date, options: TransitionOptions): Promise<TransitionResult> {
    const actor = options.actor.slice(0, ACTOR_MAX);
    const reason = options.reason ? options.reason.slice(0, REASON_MAX) : null;
    const record = await this.recordOf(tx, item);
    const event = tx.publish(
      ItemStatusChanged,
      {
        itemId: item.id,
        barcode: item.barcode,
        branch: item.branch,
        from,
        to: item.status,
        version: item.version,
        actor,
        reason,
        item: toItemSnapshot(item, record),
      },
      { branch: item.branch },
    );
    const eventId = options.causedBy?.id ?? event.id;
    await tx.manager.insert(ItemStatusHistory, {
      itemId: item.id,
      version: item.version,
      fromStatus: from,
      toStatus: item.status,
      at,
      actor,
      reason,
      eventId,
      correlationId: event.correlationId,
    });
    return { from, to: item.status, version: item.version, eventId };
  }

  /** The item's bibliographic record, loaded once per item object. */
  private async recordOf(tx: Transaction, item: CatalogItem): Promise<BibRecord> {
    if (!item.record || item.record.id !== item.recordId) item.record = await tx.manager.findOneByOrFail(BibRecord, { id: item.recordId });
    return item.record;
  }
}
