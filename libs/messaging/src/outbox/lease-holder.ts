import { randomInt } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Client, ClientConfig } from 'pg';

/**
 * The first key of every outbox lease holder's advisory lock (the second is the holder's id): a
 * namespace of its own, so no other advisory lock of the database can be mistaken for a holder.
 */
export const OUTBOX_HOLDER_LOCK_SPACE = 0x6f7574; // "out"

/** The largest holder id: positive int4, so it reads back unchanged from pg_locks' `objid` (an oid). */
const MAX_HOLDER_ID = 2 ** 31 - 1;

/**
 * The live lease holders of this database, as a subquery: the holder ids whose advisory lock is held.
 * A holder's lock is released the moment its session ends, so a process that dies (or loses its
 * session) drops out of this list at once, and its rows with it.
 */
export const LIVE_HOLDERS = `SELECT objid::bigint FROM pg_locks
  WHERE locktype = 'advisory' AND classid = ${OUTBOX_HOLDER_LOCK_SPACE} AND objsubid = 2 AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/**
 * This process's stake in the outbox rows it leases: an id, and a PostgreSQL advisory lock on it held
 * by a session of its own for as long as the process lives. Rows are leased to the holder id; the
 * sweep of any relay takes leased rows at once when their holder's lock is gone (`LIVE_HOLDERS`), so
 * a crashed process's events wait for the next sweep, not for their lease to run out. The lease's
 * time still bounds the wait when the holder lives but cannot publish (a stuck process, a broker it
 * cannot reach), and when its host vanished without closing the connection: PostgreSQL notices that
 * only by TCP keepalive, long after.
 */
export class OutboxLeaseHolder {
  private readonly logger = new Logger(OutboxLeaseHolder.name);
  private client?: Client;
  private heldId?: number;
  /** The id last held: taken again after a lost session, so rows already leased stay this holder's. */
  private lastId?: number;

  constructor(private readonly config: () => ClientConfig) {}

  /** The id rows may be leased to now; undefined while the lock is not held (rows are then left to the sweep). */
  get id(): number | undefined {
    return this.heldId;
  }

  /** Takes the lock if it is not held; safe to call on every relay pass. */
  async hold(): Promise<void> {
    if (this.client) return;
    // Bounded, so that a database that does not answer holds up no relay pass for long.
    const client = new Client({ connectionTimeoutMillis: 10_000, query_timeout: 10_000, ...this.config() });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    this.client = client;
    try {
      await client.connect();
      for (let attempt = 0; attempt < 5; attempt++) {
        const id = attempt === 0 && this.lastId !== undefined ? this.lastId : randomInt(1, MAX_HOLDER_ID);
        const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', [OUTBOX_HOLDER_LOCK_SPACE, id]);
        // Taken: another process holds it (the last id was reused, or a one-in-two-billion draw).
        if (!rows[0].held) continue;
        if (this.client !== client) return; // the session was lost while the lock was taken
        this.heldId = this.lastId = id;
        return;
      }
      throw new Error('no free outbox lease holder id in 5 draws');
    } catch (error) {
      this.lost(client);
      throw error;
    }
  }

  /** Ends the session, which releases the lock: rows still leased to this holder go to the next sweep. */
  async release(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.lost(client);
    await client.end().catch(() => undefined);
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    if (error && this.heldId !== undefined) this.logger.warn(`outbox lease holder ${this.heldId} lost its session (${error.message}); its rows are left to the sweep until it holds again`);
    this.client = undefined;
    this.heldId = undefined;
    client.end().catch(() => undefined);
  }
}
