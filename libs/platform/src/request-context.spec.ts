import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { defineEvent } from '@app/contracts';
import { currentContext, MessagingOptions, OutboxRelay, UnitOfWork } from '@app/messaging';
import { IsString } from 'class-validator';
import { requestContext } from './bootstrap';

class NoteData {
  @IsString() text!: string;
}
const Noted = defineEvent({ type: 'intake.request-context-test.noted', schemaVersion: 1, producer: 'intake', dataClass: NoteData, description: 'test' });

/** A request and response as Express hands them to a middleware: headers in, events out. */
function exchange(headers: Record<string, string> = {}) {
  const response = Object.assign(new EventEmitter(), { headers: {} as Record<string, string>, setHeader(name: string, value: string) { this.headers[name] = value; } });
  const request = { headers } as unknown as Request & { id?: string };
  return { request, response };
}

describe('requestContext with the unit of work: the relay wakes once the response is out', () => {
  const relay = { wake: jest.fn() };
  // Fakes of PostgreSQL (this is about the order of things, not SQL): the transaction runs its work.
  const dataSource = { transaction: async (work: (manager: unknown) => Promise<unknown>) => work({ query: async () => [] }) } as unknown as DataSource;
  const options = { service: 'intake', schema: 's', eventsExchange: 'e', partnersExchange: 'p' } as MessagingOptions;
  const uow = new UnitOfWork(options, dataSource, relay as unknown as OutboxRelay);

  beforeEach(() => relay.wake.mockClear());

  it.each(['finish', 'close'])('wakes the relay after the response emits %s, not at commit', async (event) => {
    const { request, response } = exchange({ 'x-correlation-id': 'caller-id-1' });
    let handled!: Promise<void>;
    requestContext(request, response as unknown as Response, (() => {
      handled = uow.run(async (tx) => {
        tx.publish(Noted, { text: 'x' });
      });
    }) as NextFunction);
    await handled;
    expect(response.headers['x-correlation-id']).toBe('caller-id-1');
    expect(relay.wake).not.toHaveBeenCalled();
    response.emit(event);
    expect(relay.wake).toHaveBeenCalledTimes(1);
    response.emit('finish');
    response.emit('close');
    expect(relay.wake).toHaveBeenCalledTimes(1);
  });

  it('wakes it at commit outside a request, and not at all when nothing was published', async () => {
    await uow.run(async () => undefined);
    expect(relay.wake).not.toHaveBeenCalled();
    await uow.run(async (tx) => {
      expect(currentContext()).toBeUndefined();
      tx.publish(Noted, { text: 'x' });
    });
    expect(relay.wake).toHaveBeenCalledTimes(1);
  });
});
