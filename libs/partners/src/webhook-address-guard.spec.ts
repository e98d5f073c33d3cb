import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { assertPublicUrlHost, isPublicAddress, publicOnlyLookup, WebhookAddressRefused } from './webhook-address-guard';
import { sendWebhook } from './webhook-sender';
import { loadWebhookSettings } from './webhook-settings';

describe('webhook receivers must be on public addresses (unless private networks are allowed)', () => {
  it.each([
    ['127.0.0.1'], ['127.8.9.10'], ['10.1.2.3'], ['172.16.0.1'], ['172.31.255.255'], ['192.168.1.1'], ['169.254.169.254'], ['100.64.0.1'],
    ['0.0.0.0'], ['224.0.0.1'], ['255.255.255.255'], ['::1'], ['::'], ['fe80::1'], ['fc00::1'], ['fd12:3456::1'], ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'], ['::ffff:10.0.0.1'], ['not an address'],
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([['8.8.8.8'], ['1.1.1.1'], ['172.32.0.1'], ['100.128.0.1'], ['2606:4700:4700::1111'], ['::ffff:8.8.8.8']])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    'http://localhost:3000/hook', 'http://LOCALHOST/hook', 'http://api.localhost/hook', 'http://127.0.0.1/hook', 'http://127.1/hook',
    'http://0x7f000001/hook', 'http://[::1]/hook', 'http://[::ffff:127.0.0.1]/hook', 'https://169.254.169.254/latest/meta-data',
  ])('refuses %s before any connection', (url) => {
    expect(() => assertPublicUrlHost(new URL(url))).toThrow(WebhookAddressRefused);
  });

  it('lets a public address or a name through to the connection-time check', () => {
    expect(() => assertPublicUrlHost(new URL('https://8.8.8.8/hook'))).not.toThrow();
    expect(() => assertPublicUrlHost(new URL('https://hooks.bindery.example/in'))).not.toThrow();
  });

  it('checks a name as it resolves: a loopback answer is refused, a public one passes in the shape asked for', async () => {
    const resolve = (host: string, all: boolean) =>
      new Promise<{ error: Error | null; address: unknown; family?: number }>((done) => publicOnlyLookup(host, { all }, (error, address, family) => done({ error, address, family })));
    expect((await resolve('localhost', false)).error).toBeInstanceOf(WebhookAddressRefused);
    expect((await resolve('localhost', true)).error?.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), not a public address/);
    expect(await resolve('8.8.8.8', false)).toEqual({ error: null, address: '8.8.8.8', family: 4 });
    expect(await resolve('8.8.8.8', true)).toEqual({ error: null, address: [{ address: '8.8.8.8', family: 4 }], family: undefined });
  });

  describe('the sender, against a receiver on this machine', () => {
    let server: Server;
    let port: number;
    let received = 0;
    const never = new AbortController().signal;
    const request = (url: string) => ({ url, secret: 's', body: '{}', deliveryId: 'd', eventId: 'e', eventType: 't', routingKey: 'r', attempt: 1 });

    beforeAll(async () => {
      server = createServer((req, res) => {
        received++;
        req.resume();
        res.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('refuses it by address or by a name that resolves to it, sending nothing; delivers when allowed', async () => {
      const byAddress = await sendWebhook(request(`http://127.0.0.1:${port}/hook`), 2_000, never);
      expect(byAddress).toMatchObject({ delivered: false, httpStatus: null, error: 'refused: 127.0.0.1 is not a public address' });
      // This machine's own name (it resolves to a loopback address here) goes through the connection-time lookup.
      const byName = await sendWebhook(request(`http://${hostname()}:${port}/hook`), 2_000, never);
      expect(byName).toMatchObject({ delivered: false, httpStatus: null });
      expect(byName.error).toMatch(/not a public address|ENOTFOUND/);
      expect(received).toBe(0);

      const allowed = await sendWebhook(request(`http://127.0.0.1:${port}/hook`), 2_000, never, true);
      expect(allowed).toMatchObject({ delivered: true, httpStatus: 200 });
      expect(received).toBe(1);
    });
  });

  it('is off in production and on elsewhere by default; the variable decides when set', () => {
    expect(loadWebhookSettings({ NODE_ENV: 'production' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(loadWebhookSettings({ NODE_ENV: 'test' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe(true);
    expect(loadWebhookSettings({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe(true);
    expect(loadWebhookSettings({ NODE_ENV: 'development', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(() => loadWebhookSettings({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false/);
  });
});
