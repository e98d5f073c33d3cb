import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { ItemCheckedOut } from '@app/contracts';
import { DeadLetterQueue } from '@app/messaging';
import { bearer } from '../support/service-app';
import { eventually } from '../support/test-run';
import { settledSnapshot, snapshotChanges } from './access/db-snapshot';
import { buildLibraryWorld, LibraryWorld, PLATFORM_PARTNER, VENDOR_PARTNER } from './access/library-world';
import { inPool } from './access/in-pool';
import { documentedRoutes, DocumentedRoute, routeKey, SERVICES } from './access/openapi';
import { ALMOST_VALID_REQUESTS, BAD_INPUT_CASES, Caller, WRONG_STATE_REQUESTS } from './bad-input/cases';
import { messageOf, sendRaw } from './bad-input/raw-request';
import { bodyVariants, pathVariants, Variant } from './bad-input/variants';
import { publishExternal } from './support/flows';
import { ServiceName, SystemHarness } from './support/system-harness';

jest.setTimeout(300_000);

interface Attempt extends Variant {
  service: ServiceName;
  method: 'GET' | 'POST' | 'PUT';
  route: string;
  caller: Caller;
  refusal: RegExp | null;
  perItem?: boolean;
}

/**
 * Issue 6, bad input: every POST and PUT route of the four services, as their OpenAPI documents them,
 * gets malformed JSON, wrong types, missing and unknown fields, oversized bodies, very long strings,
 * SQL and script fragments, invalid identifiers and wrong-state requests. Each answer is a 4xx naming
 * the problem, never a 5xx, and no database changes. Malformed messages on each consumer queue end in
 * its dead-letter queue with the reason, and valid messages behind them still flow.
 */
describe('bad input (system)', () => {
  const system = new SystemHarness();
  let world: LibraryWorld;
  let routes: DocumentedRoute[];
  const tokens = {} as Record<Caller, string>;

  beforeAll(async () => {
    await system.start([...SERVICES]);
    world = await buildLibraryWorld(system);
    routes = await documentedRoutes(system);
    tokens.admin = await bearer('admin', ['*'], { sub: 'bad-input-ada' });
    tokens.vendor = await bearer('bindery-vendor', [], { partnerId: VENDOR_PARTNER });
    tokens.platform = await bearer('sales-platform', [], { partnerId: PLATFORM_PARTNER });
  }, 180_000);

  afterAll(() => system.stop(), 60_000);

  const writeRoutes = () => routes.filter((r): r is DocumentedRoute & { method: 'POST' | 'PUT' } => r.method === 'POST' || r.method === 'PUT');

  it('has a bad-input case for every POST and PUT route the services document, with a well-formed body where one is needed', () => {
    const documented = writeRoutes().map(routeKey);
    expect(documented.length).toBeGreaterThan(30);
    expect(documented.filter((key) => !BAD_INPUT_CASES[key])).toEqual([]);
    expect(writeRoutes().filter((r) => r.body && !BAD_INPUT_CASES[routeKey(r)].body).map(routeKey)).toEqual([]);
    expect(Object.keys(BAD_INPUT_CASES).filter((key) => !documented.includes(key))).toEqual([]);
  });

  it('answers every malformed, oversized, injected, invalid or wrong-state request with a 4xx naming the problem, and changes nothing', async () => {
    const attempts: Attempt[] = [];
    for (const route of writeRoutes()) {
      const testCase = BAD_INPUT_CASES[routeKey(route)];
      if (!testCase) continue; // reported by the test above
      const path = testCase.path(world);
      const valid = testCase.body?.(world);
      const context = { service: route.service, method: route.method, route: routeKey(route), caller: testCase.caller, refusal: testCase.refusal, perItem: testCase.perItem };
      if (testCase.refusal) attempts.push({ ...context, name: 'well-formed, in the wrong state', path, body: valid, names: [], mayBeRefusal: true });
      for (const variant of [...bodyVariants(path, valid, route.body), ...pathVariants(route.path, path, route.pathParams, valid)]) {
        attempts.push({ ...context, ...variant, mayBeRefusal: variant.mayBeRefusal && testCase.refusal !== null });
      }
    }
    for (const request of WRONG_STATE_REQUESTS) {
      const path = request.path(world);
      attempts.push({
        service: request.service, method: request.method, route: `${request.service} ${request.method} ${path}`, caller: request.caller, refusal: request.refusal,
        name: 'wrong state', path, body: request.body?.(world), names: [], mayBeRefusal: true,
      });
    }

    for (const request of ALMOST_VALID_REQUESTS) {
      const path = request.path(world);
      const body = request.body?.(world);
      attempts.push({
        service: request.service, method: request.method, route: `${request.service} ${request.method} ${path}`, caller: request.caller, refusal: null,
        name: 'almost valid', path, ...(typeof body === 'string' ? { raw: body } : { body }), names: request.names,
      });
    }

    const before = await settledSnapshot(system);
    const failures: string[] = [];
    let serverErrors = 0;
    await inPool(attempts, 4, async (attempt) => {
      let res: Awaited<ReturnType<typeof sendRaw>>;
      try {
        const raw = attempt.raw ?? (attempt.body === undefined ? '' : JSON.stringify(attempt.body));
        const headers = { Authorization: tokens[attempt.caller], ...(raw === '' ? {} : { 'Content-Type': attempt.contentType ?? 'application/json' }) };
        res = await sendRaw(`${system.url(attempt.service)}${attempt.path}`, attempt.method, headers, raw);
      } catch (error) {
        failures.push(`${attempt.route} — ${attempt.name}: no answer (${(error as Error).message})`);
        return;
      }
      const where = `${attempt.route} — ${attempt.name}: ${res.status}`;
      if (res.status >= 500) {
        serverErrors++;
        failures.push(`${where} ${JSON.stringify(res.body)}`);
        return;
      }
      let message = messageOf(res);
      if (attempt.perItem && res.status === 200) {
        const results = (res.body as { results?: Array<{ ok: boolean; error?: string }> }).results ?? [];
        if (results.length === 0 || results.some((r) => r.ok || !r.error)) return void failures.push(`${where}, but some item was accepted: ${JSON.stringify(res.body)}`);
        message = results.map((r) => r.error).join('; ');
        // Each line is answered about its own entry: `barcode: …` for an element of `barcodes`.
        attempt.names = [...attempt.names, ...attempt.names.map((name) => name.replace(/s$/, ''))];
      } else if (attempt.status !== undefined ? res.status !== attempt.status : res.status < 400) {
        return void failures.push(`${where}, expected ${attempt.status ?? 'a 4xx'}: ${JSON.stringify(res.body).slice(0, 300)}`);
      }
      if (!message) return void failures.push(`${where} without a JSON message: ${res.text.slice(0, 200)}`);
      const named = attempt.names.some((name) => message.toLowerCase().includes(name.toLowerCase()));
      if (!named && !(attempt.mayBeRefusal && attempt.refusal?.test(message))) {
        failures.push(`${where}, but the message names neither ${[...attempt.names, ...(attempt.mayBeRefusal ? [String(attempt.refusal)] : [])].join(' nor ')}: ${message.slice(0, 300)}`);
      }
    });
    const after = await settledSnapshot(system);

    console.log(`bad input: ${attempts.length} inputs tried on ${writeRoutes().length} POST/PUT routes of ${SERVICES.length} services; ${serverErrors} answered 5xx; ${failures.length} answers not as expected`);
    expect(failures).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(snapshotChanges(before, after)).toEqual([]);
  });

  it('dead-letters malformed messages on every consumer queue with the reason, while valid messages behind them keep flowing', async () => {
    const bindings = JSON.parse(
      (await promisify(execFile)('rabbitmqctl', ['list_bindings', '-q', 'source_name', 'destination_name', 'routing_key', '--formatter', 'json'])).stdout,
    ) as Array<{ source_name: string; destination_name: string; routing_key: string }>;
    const keysOf = (service: ServiceName) =>
      bindings.filter((b) => b.source_name === system.run.eventsExchange && b.destination_name === system.run.queues(service).main).map((b) => b.routing_key);

    const envelope = (type: string, data: unknown, overrides: object = {}) =>
      JSON.stringify({
        id: randomUUID(), type, schemaVersion: 1, occurredAt: new Date().toISOString(), producer: type.split('.')[0],
        correlationId: randomUUID(), causationId: null, branch: 'CEN', data, ...overrides,
      });
    const garbage: Array<{ kind: string; body: (key: string) => string | Buffer; reason: (key: string) => RegExp }> = [
      { kind: 'not JSON', body: () => '{"type": "half a message', reason: () => /not valid JSON/ },
      { kind: 'binary noise', body: () => Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37]), reason: () => /not valid JSON/ },
      { kind: 'JSON, not an object', body: () => '[1, 2, 3]', reason: () => /not a JSON object/ },
      { kind: 'an envelope without id and type', body: () => JSON.stringify({ data: {} }), reason: () => /invalid envelope: .*id.*type|invalid envelope: .*type.*id/ },
      { kind: 'data of the wrong types', body: (key) => envelope(key, { itemId: 42, barcode: true, branch: ['CEN'], version: 'one' }), reason: (key) => new RegExp(`invalid ${key.replace(/\./g, '\\.')}: .*data\\.`) },
      { kind: 'an unknown type bound to the queue', body: (key) => envelope('intake.item.teleported', {}, { routingKeyWas: key }), reason: () => /invalid envelope|unknown event type intake\.item\.teleported/ },
      { kind: 'a schema version from the future', body: (key) => envelope(key, {}, { schemaVersion: 99 }), reason: () => /schemaVersion 99 is newer/ },
    ];

    // A routing key bound to several services reaches each of their queues: each must park it.
    const keys = new Map(SERVICES.map((service) => [service, keysOf(service)]));
    const sent = new Map<string, { kind: string; key: string; reason: RegExp }>();
    for (const service of SERVICES) expect(keys.get(service)!.length).toBeGreaterThan(0);
    for (const key of new Set([...keys.values()].flat())) {
      for (const message of garbage) {
        const messageId = randomUUID();
        sent.set(messageId, { kind: message.kind, key, reason: message.reason(key) });
        await system.run.publishRaw(key, message.body(key), { messageId, contentType: 'application/json' });
      }
    }

    // Valid messages behind the garbage: a checkout from the circulation system (cataloging counts it
    // and tells conservation and disposal), and a shelving that tells intake, conservation and disposal.
    const technician = await bearer('technician', ['CEN'], { sub: 'bad-input-tess' });
    const checkout = await publishExternal(system, ItemCheckedOut, { barcode: world.items.available.barcode, occurredAt: new Date().toISOString(), branch: 'CEN' });
    await system.http('cataloging').post(`/items/${world.items.repaired.barcode}/shelve`).set('Authorization', technician).expect(200);

    const schema = (service: ServiceName) => system.run.schemaFor(service);
    await eventually(async () => {
      const item = (await system.http('cataloging').get(`/items/${world.items.available.barcode}`).set('Authorization', technician).expect(200)).body;
      expect(item.checkoutCount).toBe(1);
      const [processed] = await system.run.query(`SELECT 1 FROM "${schema('cataloging')}".processed_message WHERE message_id = $1`, [checkout]);
      expect(processed).toBeDefined();
      const shelved = (await system.http('intake').get(`/items/${world.items.repaired.barcode}`).set('Authorization', technician).expect(200)).body;
      expect(shelved.status).toBe('AVAILABLE');
      const [conservation] = await system.run.query<{ status: string }>(`SELECT status FROM "${schema('conservation')}".item_view WHERE id = $1`, [world.items.repaired.id]);
      expect(conservation.status).toBe('AVAILABLE');
      const [disposal] = await system.run.query<{ status: string; checkout_count: number }>(
        `SELECT (SELECT status FROM "${schema('disposal')}".item_view WHERE item_id = $1) AS status,
                (SELECT checkout_count FROM "${schema('disposal')}".item_view WHERE item_id = $2) AS checkout_count`,
        [world.items.repaired.id, world.items.available.id],
      );
      expect(disposal).toEqual({ status: 'AVAILABLE', checkout_count: 1 });
    }, 60_000, 250);

    let parked = 0;
    for (const service of SERVICES) {
      const expected = new Map([...sent].filter(([, message]) => keys.get(service)!.includes(message.key)));
      const dlq = new DeadLetterQueue(() => system.run.channel(), system.run.queues(service).deadLetter);
      const letters = await eventually(async () => {
        const found = await dlq.list(expected.size + 50);
        expect(found.length).toBeGreaterThanOrEqual(expected.size);
        return found;
      }, 30_000, 250);
      const problems: string[] = [];
      for (const [messageId, { kind, key, reason }] of expected) {
        const letter = letters.find((l) => l.messageId === messageId);
        if (!letter) problems.push(`${service} ${key} ${kind}: not in the dead-letter queue`);
        else if (!letter.reason || !reason.test(letter.reason)) problems.push(`${service} ${key} ${kind}: reason ${JSON.stringify(letter.reason)} does not match ${reason}`);
        else if (letter.originalRoutingKey !== key) problems.push(`${service} ${key} ${kind}: recorded routing key ${letter.originalRoutingKey}`);
      }
      expect(problems).toEqual([]);
      expect(letters.filter((l) => !expected.has(l.messageId ?? ''))).toEqual([]);
      parked += expected.size;
    }
    console.log(`bad messages: ${parked} malformed messages on ${SERVICES.length} consumer queues, all dead-lettered with their reason; the valid ones behind them applied`);
  });
});
