// class-transformer's @Type and class-validator read decorator metadata.
import 'reflect-metadata';
export * from './status/item-status';
export * from './catalog/material';
export * from './identifiers';
export * from './events';
export * from './catalog/item-facts';
export { conformsAs, instanceAs, validateQuickly, validateSyncQuickly } from './validation/quick-validation';
