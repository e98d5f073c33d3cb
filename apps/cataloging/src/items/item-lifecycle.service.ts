import { ConflictException, Injectable } from '@nestjs/common';
import { canTransition, EventEnvelope, ItemStatus, ItemStatusChanged, ItemUpdated } from '@app/contracts';
import { In } from 'typeorm';
import { Transaction } from '@app/messaging';
import { insertEntities } from '@app/platform';
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
  causedBy?: Pick<EventEnvelope, 'id' | 'correlationId'> | null;
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

/** One item's move, for `transitionAll`. */
export interface Move {
  item: CatalogItem;
  to: ItemStatus;
  options: TransitionOptions;
}

/** A new item entering the catalog and, usually, moving straight on to where it waits. */
export interface Admission {
  item: CatalogItem;
  /** An item is admitted because intake said it arrived: that event is the receipt's cause and announcement. */
  options: TransitionOptions & { causedBy: NonNullable<TransitionOptions['causedBy']> };
  then?: { to: ItemStatus; options: TransitionOptions };
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
 * transaction. Callers load the items locked (`ItemsService.lock*`, `SELECT … FOR UPDATE`); the
 * version check and the unique (item_id, version) history index catch anyone who did not. Items move
 * one at a time or many at once (a consumer's batch): the same statements either way, one of each per
 * call rather than per item.
 */
@Injectable()
export class ItemLifecycle {
  /**
   * Enters new items into the catalog as RECEIVED, version 1 (history `null → RECEIVED`), and moves
   * each on to its `then` status (version 2) in the same insert. The history shows both steps; only
   * the status the item is committed with is published. No one could ever read the item as RECEIVED,
   * and intake's `intake.item.received` (the history row's event) has announced the receipt itself;
   * a status change for it would double the events every receipt sends to the read models.
   */
  async admit(tx: Transaction, admissions: readonly Admission[]): Promise<void> {
    if (admissions.length === 0) return;
    const steps: Step[] = [];
    for (const { item, options, then } of admissions) {
      const at = options.at ?? new Date();
      Object.assign(item, options.set ?? {}, { status: ItemStatus.RECEIVED, version: 1, statusChangedAt: at });
      steps.push({ item, from: null, to: ItemStatus.RECEIVED, version: 1, at, options, announcedBy: then ? options.causedBy : undefined });
      if (then) {
        if (!canTransition(ItemStatus.RECEIVED, then.to)) throw new IllegalTransitionError(item, then.to);
        const thenAt = then.options.at ?? new Date();
        Object.assign(item, then.options.set ?? {}, { status: then.to, version: 2, statusChangedAt: thenAt });
        steps.push({ item, from: ItemStatus.RECEIVED, to: then.to, version: 2, at: thenAt, options: then.options });
      }
    }
    await insertEntities(tx.manager, CatalogItem, admissions.map((admission) => admission.item));
    await this.record(tx, steps);
  }

  /** Moves a (locked) item to `to`; throws `IllegalTransitionError` (409) for a move the table refuses. */
  async transition(tx: Transaction, item: CatalogItem, to: ItemStatus, options: TransitionOptions): Promise<TransitionResult> {
    const [result] = await this.transitionAll(tx, [{ item, to, options }]);
    return result;
  }

  /**
   * Moves (locked) items, each to its status; nothing is written unless every move is allowed. One
   * UPDATE per kind of move (the same columns changing), one history insert.
   */
  async transitionAll(tx: Transaction, moves: readonly Move[]): Promise<TransitionResult[]> {
    for (const { item, to } of moves) if (!canTransition(item.status, to)) throw new IllegalTransitionError(item, to);
    const seen = new Set<string>();
    for (const { item } of moves) {
      if (seen.has(item.id)) throw new Error(`item ${item.label} moved twice in one call`);
      seen.add(item.id);
    }
    const planned = moves.map(({ item, to, options }) => ({
      item,
      from: item.status,
      changes: { ...definedOnly(options.set), status: to, version: item.version + 1, statusChangedAt: options.at ?? new Date() } as ItemChanges & ItemMove,
      options,
    }));
    const groups = new Map<string, typeof planned>();
    for (const move of planned) {
      const key = Object.keys(move.changes).sort().join(',');
      groups.set(key, [...(groups.get(key) ?? []), move]);
    }
    for (const group of groups.values()) {
      const moved = await this.updateVersioned(tx, group.map(({ item, changes }) => ({ item, changes })));
      const stale = group.find(({ item }) => !moved.has(item.id));
      if (stale) throw new ConcurrentChangeError(stale.item);
    }
    const steps: Step[] = planned.map(({ item, from, changes, options }) => {
      Object.assign(item, changes);
      return { item, from, to: changes.status, version: changes.version, at: changes.statusChangedAt, options };
    });
    return this.record(tx, steps);
  }

  /**
   * Changes facts of a (locked) item that are not its status — a call number corrected, circulation
   * counted — and publishes `cataloging.item.updated`. The version goes up here too: it is the one
   * counter other services' read models order every item event by (so history versions may skip the
   * numbers of such updates).
   */
  async amend(tx: Transaction, item: CatalogItem, changes: ItemChanges, changed: string[]): Promise<void> {
    const update = { ...definedOnly(changes), version: item.version + 1 };
    const moved = await this.updateVersioned(tx, [{ item, changes: update }]);
    if (!moved.has(item.id)) throw new ConcurrentChangeError(item);
    Object.assign(item, update);
    const [record] = await this.recordsOf(tx, [item]);
    tx.publish(
      ItemUpdated,
      { itemId: item.id, barcode: item.barcode, branch: item.branch, status: item.status, version: item.version, changed, item: toItemSnapshot(item, record) },
      { branch: item.branch },
    );
  }

  /**
   * Writes each item's changes where its row still has the version we read (the optimistic check);
   * every item of one call changes the same columns. Answers the ids that were written.
   */
  private async updateVersioned(tx: Transaction, updates: { item: CatalogItem; changes: Partial<CatalogItem> }[]): Promise<Set<string>> {
    const metadata = tx.manager.connection.getMetadata(CatalogItem);
    const columns = Object.keys(updates[0].changes).map((property) => {
      const column = metadata.findColumnWithPropertyName(property);
      if (!column) throw new Error(`catalog_item has no column for ${property}`);
      return { property, name: column.databaseName, type: `${String(column.type)}${column.isArray ? '[]' : ''}` };
    });
    const rows = updates.map(({ item, changes }) => {
      const row: Record<string, unknown> = { id: item.id, read_version: item.version };
      for (const { property, name } of columns) row[name] = (changes as Record<string, unknown>)[property] ?? null;
      return row;
    });
    // Wrapped in a SELECT because TypeORM answers a bare UPDATE … RETURNING as [rows, count].
    const moved: { id: string }[] = await tx.manager.query(
      `WITH moved AS (
         UPDATE catalog_item i SET ${columns.map(({ name }) => `"${name}" = f."${name}"`).join(', ')}
           FROM jsonb_to_recordset($1::jsonb) AS f(id uuid, read_version integer, ${columns.map(({ name, type }) => `"${name}" ${type}`).join(', ')})
          WHERE i.id = f.id AND i.version = f.read_version
         RETURNING i.id)
       SELECT id FROM moved`,
      [JSON.stringify(rows)],
    );
    return new Set(moved.map((row) => row.id));
  }

  /** History rows (one insert) and a `cataloging.item.status-changed` event per announced step. */
  private async record(tx: Transaction, steps: Step[]): Promise<TransitionResult[]> {
    const records = await this.recordsOf(tx, steps.map((step) => step.item));
    const history: Partial<ItemStatusHistory>[] = [];
    const results = steps.map((step, i) => {
      const { item, from, to, version, at, options } = step;
      const actor = options.actor.slice(0, ACTOR_MAX);
      const reason = options.reason ? options.reason.slice(0, REASON_MAX) : null;
      const event =
        step.announcedBy ??
        tx.publish(
          ItemStatusChanged,
          { itemId: item.id, barcode: item.barcode, branch: item.branch, from, to, version, actor, reason, item: toItemSnapshot(item, records[i]) },
          { branch: item.branch, causedBy: options.causedBy ?? undefined },
        );
      const eventId = options.causedBy?.id ?? event.id;
      history.push({ itemId: item.id, version, fromStatus: from, toStatus: to, at, actor, reason, eventId, correlationId: event.correlationId });
      return { from, to, version, eventId };
    });
    await insertEntities(tx.manager, ItemStatusHistory, history);
    return results;
  }

  /** Each item's bibliographic record, loading the ones not yet attached in one query. */
  private async recordsOf(tx: Transaction, items: CatalogItem[]): Promise<BibRecord[]> {
    const missing = [...new Set(items.filter((item) => !item.record || item.record.id !== item.recordId).map((item) => item.recordId))];
    if (missing.length > 0) {
      const loaded = new Map((await tx.manager.findBy(BibRecord, { id: In(missing) })).map((record) => [record.id, record]));
      for (const item of items) {
        if (item.record && item.record.id === item.recordId) continue;
        const record = loaded.get(item.recordId);
        if (!record) throw new Error(`item ${item.label} names record ${item.recordId}, which does not exist`);
        item.record = record;
      }
    }
    return items.map((item) => item.record!);
  }
}

/** The changes that say something: like TypeORM's own updates, an undefined property leaves its column alone. */
function definedOnly(changes: ItemChanges | undefined): ItemChanges {
  return Object.fromEntries(Object.entries(changes ?? {}).filter(([, value]) => value !== undefined)) as ItemChanges;
}

/** The columns every move writes. */
interface ItemMove {
  status: ItemStatus;
  version: number;
  statusChangedAt: Date;
}

/** One history row and event to write: an item's step from one status to the next. */
interface Step {
  item: CatalogItem;
  from: ItemStatus | null;
  to: ItemStatus;
  version: number;
  at: Date;
  options: TransitionOptions;
  /**
   * For a step the item moved past in the same transaction (admission's RECEIVED), the event that
   * announced it instead of a status change of its own: the history row names that event.
   */
  announcedBy?: Pick<EventEnvelope, 'id' | 'correlationId'>;
}
