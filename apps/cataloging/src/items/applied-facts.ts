import { EntityManager } from 'typeorm';
import { prepared } from '@app/platform';

/**
 * Facts other systems report are applied once, whatever envelope they come in. The inbox drops a
 * message seen before (same id); the same fact sent again under a new id — a producer replaying its
 * events, a partner resending — is known by its own identity (the pull request, the repair, the lot,
 * the withdrawal, the listing, the checkout's barcode and time), recorded here in the transaction
 * that applies it. False when the fact was applied before: the caller leaves the item alone. A
 * handler that declines (retry, dead-letter) rolls the record back with everything else.
 */
export async function firstApplication(manager: EntityManager, fact: string, itemId: string, messageId: string): Promise<boolean> {
  return (await firstApplications(manager, [{ key: fact, itemId }], messageId)).has(fact);
}

/** `firstApplication` for many facts with one statement: the keys applied now for the first time. */
export async function firstApplications(manager: EntityManager, facts: readonly { key: string; itemId: string }[], messageId: string): Promise<Set<string>> {
  if (facts.length === 0) return new Set();
  const inserted: { fact_key: string }[] = await manager.query(
    prepared(`INSERT INTO applied_fact (fact_key, item_id, message_id)
     SELECT f.key, f.item_id, $3 FROM unnest($1::text[], $2::uuid[]) AS f(key, item_id)
     ON CONFLICT (fact_key) DO NOTHING RETURNING fact_key`),
    [facts.map((f) => f.key), facts.map((f) => f.itemId), messageId],
  );
  return new Set(inserted.map((row) => row.fact_key));
}
