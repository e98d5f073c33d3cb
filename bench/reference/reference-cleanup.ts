import { deleteBrokerObjects, dropSchemas } from '../support/world';
import { referenceNames } from './reference-pipeline';

/** Drops a reference pipeline's schema, queue and exchange; safe to call twice or after a crash. */
export async function dropReference(id: string): Promise<void> {
  const names = referenceNames(id);
  await deleteBrokerObjects({ queues: [names.queue], exchanges: [names.exchange] });
  await dropSchemas([names.schema]);
}
