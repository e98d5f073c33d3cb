import { Pool } from 'pg';
import { BenchWorld, DATABASE_URL } from './world';

export interface ArrivalLatency {
  /** Intake's commit of the item, epoch ms. */
  createdAt: number;
  /** Intake's commit to cataloging's first recorded transition of the item, ms (issue 7's figure). */
  latencyMs: number;
  /** Intake's receipt of the request (its `receivedAt`, before the statement waited for a connection and a core) to the same transition, ms. */
  fromReceiptMs: number;
}

/**
 * Reads timestamps straight from the services' tables, for measurement only (the services never
 * read each other's schemas): polling an HTTP API would add its poll interval to every latency.
 *
 * Intake's commit: the `created_at` (`now()`) of the `intake.item.received` outbox row. A single-item
 * shipment is one statement without BEGIN (`UnitOfWork.runSingleStatement`), so this is the start of
 * the statement that commits it: the figure includes the statement's own run and commit, never less.
 * intake.item.created_at is the shipment's `receivedAt`, taken when intake began handling the request.
 * Cataloging's item_status_history.at is taken by the handler inside the transaction that commits it.
 */
export class Measurements {
  private readonly pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
  private readonly intake: string;
  private readonly cataloging: string;

  constructor(world: BenchWorld) {
    this.intake = world.schemaFor('intake');
    this.cataloging = world.schemaFor('cataloging');
  }

  /** Fails with a clear message if the tables the queries rely on have changed shape. */
  async verifySchema(): Promise<void> {
    const expected: Array<[string, string, string[]]> = [
      [this.intake, 'item', ['id', 'created_at']],
      [this.intake, 'outbox_message', ['type', 'payload', 'created_at']],
      [this.cataloging, 'item_status_history', ['item_id', 'to_status', 'at']],
      [this.cataloging, 'catalog_item', ['id', 'status']],
    ];
    for (const [schema, table, columns] of expected) {
      const { rows } = await this.pool.query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, table],
      );
      const present = new Set(rows.map((r) => r.column_name));
      const missing = columns.filter((c) => !present.has(c));
      if (missing.length) {
        throw new Error(`bench measurements need ${schema}.${table}(${columns.join(', ')}); missing ${missing.join(', ')} — update bench/support/measurements.ts`);
      }
    }
  }

  /** Latency of each given item that has reached the catalog (items not there yet are left out), in order of commit. */
  async arrivalLatencies(itemIds: string[]): Promise<ArrivalLatency[]> {
    const { rows } = await this.pool.query<{ committed_ms: number; latency_ms: number; from_receipt_ms: number }>(
      `WITH items AS (
         SELECT id, created_at FROM "${this.intake}".item WHERE id = ANY($1::uuid[])
       ), receipts AS (
         SELECT (o.payload::jsonb -> 'data' ->> 'itemId')::uuid AS item_id, o.created_at
           FROM "${this.intake}".outbox_message o
          WHERE o.type = 'intake.item.received' AND o.created_at >= (SELECT min(created_at) FROM items) - interval '1 minute'
       )
       SELECT (extract(epoch FROM r.created_at) * 1000)::float8 AS committed_ms,
              (extract(epoch FROM h.first_at - r.created_at) * 1000)::float8 AS latency_ms,
              (extract(epoch FROM h.first_at - i.created_at) * 1000)::float8 AS from_receipt_ms
         FROM items i
         JOIN receipts r ON r.item_id = i.id
         JOIN (SELECT item_id, min(at) AS first_at FROM "${this.cataloging}".item_status_history
                WHERE item_id = ANY($1::uuid[]) GROUP BY item_id) h ON h.item_id = i.id
        ORDER BY r.created_at`,
      [itemIds],
    );
    return rows.map((r) => ({ createdAt: r.committed_ms, latencyMs: r.latency_ms, fromReceiptMs: r.from_receipt_ms }));
  }

  /** How many of the items have reached the catalog, and when the last of them did (epoch ms). */
  async catalogEntry(itemIds: string[]): Promise<{ count: number; lastAt: number | null }> {
    const { rows } = await this.pool.query<{ count: string; last_ms: number | null }>(
      `SELECT count(*) AS count, (extract(epoch FROM max(first_at)) * 1000)::float8 AS last_ms
         FROM (SELECT min(at) AS first_at FROM "${this.cataloging}".item_status_history
                WHERE item_id = ANY($1::uuid[]) GROUP BY item_id) f`,
      [itemIds],
    );
    return { count: Number(rows[0].count), lastAt: rows[0].last_ms };
  }

  /** How many of the items have become `status`, and when the last of them did (epoch ms). */
  async reached(itemIds: string[], status: string): Promise<{ count: number; lastAt: number | null }> {
    const { rows } = await this.pool.query<{ count: string; last_ms: number | null }>(
      `SELECT count(DISTINCT item_id) AS count, (extract(epoch FROM max(at)) * 1000)::float8 AS last_ms
         FROM "${this.cataloging}".item_status_history WHERE item_id = ANY($1::uuid[]) AND to_status = $2`,
      [itemIds, status],
    );
    return { count: Number(rows[0].count), lastAt: rows[0].last_ms };
  }

  /** Every status transition cataloging has recorded for the items so far: a measure of progress. */
  async transitions(itemIds: string[]): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM "${this.cataloging}".item_status_history WHERE item_id = ANY($1::uuid[])`,
      [itemIds],
    );
    return Number(rows[0].count);
  }

  /** Each item's status of record in the catalog now (items the catalog does not know are left out). */
  async currentStatuses(itemIds: string[]): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ id: string; status: string }>(
      `SELECT id, status FROM "${this.cataloging}".catalog_item WHERE id = ANY($1::uuid[])`,
      [itemIds],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * For each (item, status, since): milliseconds from `since` (epoch ms, the moment a request was
   * sent) to the first time cataloging recorded the item in that status at or after it; null where it
   * has not (yet). In the order given.
   */
  async visibleAfter(effects: ReadonlyArray<{ itemId: string; status: string; sinceMs: number }>): Promise<Array<number | null>> {
    if (effects.length === 0) return [];
    const { rows } = await this.pool.query<{ ord: string; latency_ms: number | null }>(
      `SELECT e.ord, (extract(epoch FROM min(h.at)) * 1000)::float8 - e.since_ms AS latency_ms
         FROM unnest($1::uuid[], $2::text[], $3::float8[]) WITH ORDINALITY AS e(item_id, status, since_ms, ord)
         LEFT JOIN "${this.cataloging}".item_status_history h
           ON h.item_id = e.item_id AND h.to_status = e.status AND h.at >= to_timestamp(e.since_ms / 1000.0)
        GROUP BY e.ord, e.since_ms
        ORDER BY e.ord`,
      [effects.map((e) => e.itemId), effects.map((e) => e.status), effects.map((e) => e.sinceMs)],
    );
    return rows.map((r) => r.latency_ms);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
