import { afterResponse, currentContext, ResponseHooks, runInContext } from './correlation-context';

describe('afterResponse: background work a request causes waits for its answer', () => {
  it('runs at once outside a request (an event handler, a job)', () => {
    const ran: string[] = [];
    afterResponse(() => ran.push('outside'));
    runInContext({ correlationId: 'event-flow' }, () => afterResponse(() => ran.push('in an event context')));
    expect(ran).toEqual(['outside', 'in an event context']);
  });

  it('holds tasks until the response is out, runs each once, then runs later ones at once', () => {
    const hooks = new ResponseHooks();
    const ran: string[] = [];
    runInContext({ correlationId: 'request', response: hooks }, () => {
      expect(currentContext()?.response).toBe(hooks);
      afterResponse(() => ran.push('first'));
      afterResponse(() => ran.push('second'));
    });
    expect(ran).toEqual([]);
    hooks.responded();
    hooks.responded();
    expect(ran).toEqual(['first', 'second']);
    runInContext({ correlationId: 'request', response: hooks }, () => afterResponse(() => ran.push('after the answer')));
    expect(ran).toEqual(['first', 'second', 'after the answer']);
  });
});
