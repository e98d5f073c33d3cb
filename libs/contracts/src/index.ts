export * from './status/item-status';
export * from './catalog/material';
export * from './identifiers';
export * from './events';
