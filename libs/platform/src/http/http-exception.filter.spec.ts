import { ArgumentsHost, ConflictException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { HttpExceptionFilter, transientDatabaseFailure } from './http-exception.filter';

function answer(exception: unknown) {
  const sent: { status?: number; body?: Record<string, unknown>; headers: Record<string, string> } = { headers: {} };
  const response = { headersSent: false };
  const adapter = {
    isHeadersSent: (res: typeof response) => res.headersSent,
    setHeader: (_res: unknown, name: string, value: string) => (sent.headers[name] = value),
    reply: (_res: unknown, body: Record<string, unknown>, status: number) => Object.assign(sent, { status, body }),
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new HttpExceptionFilter(adapter as never, 1024).catch(exception, host);
  return sent;
}

describe('errors leaving a service', () => {
  it('keeps an HTTP exception as it is', () => {
    expect(answer(new ConflictException('item 3… is AVAILABLE'))).toMatchObject({ status: 409, body: { message: 'item 3… is AVAILABLE' } });
  });

  it('answers 503 with Retry-After when the database connection went away, not 500', () => {
    const terminated = new QueryFailedError('COMMIT', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    const sent = answer(terminated);
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('1');
    expect(String(sent.body?.message)).toMatch(/try again/);
    expect(answer(new Error('Connection terminated unexpectedly')).status).toBe(503);
  });

  it('treats deadlocks and serialization failures as transient, and other database errors as 500', () => {
    expect(transientDatabaseFailure(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe('collision');
    expect(transientDatabaseFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {}))).toBe('unavailable');
    expect(transientDatabaseFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
    expect(answer(new Error('something unexpected')).status).toBe(500);
  });

  it('says that nothing changed when the database undid the transaction (a deadlock), unlike a lost connection', () => {
    for (const code of ['40P01', '40001']) {
      const undone = new QueryFailedError('SELECT … FOR UPDATE', [], Object.assign(new Error('deadlock detected'), { code }));
      const sent = answer(undone);
      expect(sent).toMatchObject({ status: 503, headers: { 'Retry-After': '1' } });
      expect(sent.body?.message).toBe('the change collided with another change to the same records and was undone; nothing was changed; try again');
    }
    const lost = answer(new QueryFailedError('COMMIT', [], Object.assign(new Error('terminating connection'), { code: '57P01' })));
    expect(lost.body?.message).toBe('the database connection was interrupted; check whether the change was made, then try again');
  });

  it('names the body at fault when the HTTP server refuses it, with the status phrase clients know', () => {
    const unsupported = Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
    expect(answer(unsupported)).toMatchObject({ status: 415, body: { error: 'Unsupported Media Type', message: 'body: send JSON, as application/json' } });
    const tooLarge = Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(answer(tooLarge)).toMatchObject({ status: 413, body: { error: 'Payload Too Large', message: 'body: larger than the 1024 byte limit; split it into smaller requests' } });
  });
});
