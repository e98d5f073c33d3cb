import { messageText, serviceUrl, whatToDo } from './upstream-services';

describe('what to do about an error', () => {
  it('says to sign in again for a 401, and something to do for every other status', () => {
    expect(whatToDo(401)).toMatch(/^Sign in again/);
    expect(whatToDo(403)).toMatch(/role or branch/);
    expect(whatToDo(409)).toMatch(/Scan it again/);
    expect(whatToDo(503, 'cataloging')).toMatch(/the cataloging service is not answering/);
    for (const status of [400, 404, 413, 422, 500, 502, 504]) expect(whatToDo(status).length).toBeGreaterThan(10);
  });

  it('joins list messages', () => {
    expect(messageText(['a: x', 'b: y'], '')).toBe('a: x; b: y');
    expect(messageText(undefined, 'fallback')).toBe('fallback');
  });
});

describe('service URLs', () => {
  it('keeps every path on the configured service, with its path prefix and the query as given', () => {
    expect(serviceUrl('http://127.0.0.1:3001', '/items/3123?branch=CEN&x=1')).toBe('http://127.0.0.1:3001/items/3123?branch=CEN&x=1');
    expect(serviceUrl('https://gw.example/intake/', '/steps')).toBe('https://gw.example/intake/steps');
    expect(serviceUrl('http://127.0.0.1:3001', '//evil.example/x')).toBe('http://127.0.0.1:3001/evil.example/x');
    expect(serviceUrl('http://127.0.0.1:3001', '/http://evil.example/')).toBe('http://127.0.0.1:3001/http://evil.example/');
  });
});
