export * from './event-envelope';
export * from './event-catalog';
export * from './intake.events';
export * from './cataloging.events';
export * from './circulation.events';
export * from './conservation.events';
export * from './disposal.events';
