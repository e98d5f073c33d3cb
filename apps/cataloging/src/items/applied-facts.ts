import { EntityManager } from 'typeorm';

/**
 * Facts other systems report are applied once, whatever envelope they come in. The inbox drops a
 * message seen before (same id); the same fact sent again under a new id — a producer replaying its
 * events, a partner resending — is known by its own identity (the pull request, the repair, the lot,
 * the withdrawal, the listing, the checkout's barcode and time), recorded here in the transaction
 * that applies it. False when the fact was applied before: the caller leaves the item alone. A
 * handler that declines (retry, dead-letter) rolls the record back with everything else.
 */
export async function firstApplication(manager: EntityManager, fact: string, itemId: string, messageId: string): Promise<boolean> {
  const inserted: unknown[] = await manager.query(
    `INSERT INTO applied_fact (fact_key, item_id, message_id) VALUES ($1, $2, $3) ON CONFLICT (fact_key) DO NOTHING RETURNING fact_key`,
    [fact, itemId, messageId],
  );
  return inserted.length > 0;
}
