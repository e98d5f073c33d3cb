/** The time, injectable so that rules about age ("older than 20 years") can be tested at a fixed date. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
