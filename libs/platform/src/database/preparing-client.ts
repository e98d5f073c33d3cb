import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** Uses of one statement text on a connection before it is prepared (as JDBC's `prepareThreshold`). */
export const PREPARE_AFTER_USES = 3;
/** Statements prepared per connection at most: each holds its parse tree and plan in the backend. */
export const MAX_PREPARED_PER_CONNECTION = 100;
/** Statement texts counted per connection before the count starts over (texts that vary never add up). */
const MAX_COUNTED_TEXTS = 1_000;

/**
 * A `pg` client that prepares the statements its connection runs again and again. TypeORM sends every
 * query unnamed, so PostgreSQL parses, analyses and plans it on each call; for the statements every
 * item passes through (the receipt, a consumer's inbox insert and its handler's upsert) that is most
 * of what PostgreSQL spends on them: a single-item receipt took 0.52-0.57 ms named against 0.76-1.13 ms
 * unnamed, and a consumer's two statements cost the backend 1.08 ms of CPU against 1.33-1.76 ms.
 *
 * Only parameterised statements are named: they travel by the extended protocol already, which takes
 * one statement at a time, so a text with several statements (sent as a simple query) is never
 * named. A text is named once it has been used `PREPARE_AFTER_USES` times on this connection, so
 * one-off statements (migrations, an unusual search) never are, and at most
 * `MAX_PREPARED_PER_CONNECTION` are; the rest go unnamed, as before. PostgreSQL replans a prepared
 * statement when a table it reads changes (DDL, new statistics), and chooses between generic and
 * custom plans itself (`plan_cache_mode`), as it does for every driver that prepares.
 */
export class PreparingClient extends Client {
  private readonly uses = new Map<string, number>();
  private readonly names = new Map<string, string>();

  // pg's query() has a dozen overloads; this one only looks at (text, values) and passes the rest on.
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = this.nameFor(text);
      if (name) return (super.query as (...a: unknown[]) => never)({ name, text, values }, ...args.slice(2));
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }

  /** The statement's name on this connection, once it has earned one; undefined until then. */
  private nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known) return known;
    if (this.names.size >= MAX_PREPARED_PER_CONNECTION) return undefined;
    const uses = (this.uses.get(text) ?? 0) + 1;
    if (uses < PREPARE_AFTER_USES) {
      if (this.uses.size >= MAX_COUNTED_TEXTS) this.uses.clear();
      this.uses.set(text, uses);
      return undefined;
    }
    this.uses.delete(text);
    // Named by content: the same text has the same name on every connection, and two texts never share one.
    const name = `s_${createHash('sha1').update(text).digest('base64url')}`;
    this.names.set(text, name);
    return name;
  }
}
