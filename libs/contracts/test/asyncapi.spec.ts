import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import { parse } from 'yaml';
import {
  allEventDefinitions, EventDefinition, ItemListed, ItemReceived, ItemStatusChanged, makeCodabarBarcode, ShipmentDispatched, validateEvent,
} from '@app/contracts';
import { PARTNER_CHANNELS } from '@app/partners/partner-channels';
import { ASYNCAPI_PATH, buildAsyncApiDocument, defaultSources, renderAsyncApi } from '../../../scripts/asyncapi';

interface AsyncApiYaml {
  channels: Record<string, { address: string; messages: Record<string, unknown> }>;
  operations: Record<string, { action: 'send' | 'receive'; channel: { $ref: string }; tags: Array<{ name: string }> }>;
  components: { messages: Record<string, { name: string; payload: unknown }>; schemas: Record<string, unknown> };
}

describe('the AsyncAPI document (docs/asyncapi.yaml)', () => {
  const committed = readFileSync(ASYNCAPI_PATH, 'utf8');
  const document = parse(committed) as AsyncApiYaml;
  const described = new Set(Object.values(document.components.messages).map((message) => message.name));
  const contracts = allEventDefinitions().map((event) => event.type);

  it('describes every event contract of the contracts library', () => {
    const missing = contracts.filter((type) => !described.has(type));
    expect(missing).toEqual([]);
  });

  it('describes no event that the contracts library no longer has', () => {
    const stale = [...described].filter((type) => !contracts.includes(type));
    expect(stale).toEqual([]);
  });

  it('is what `npm run asyncapi` generates from the code now (run it and commit the result when this fails)', () => {
    expect(committed).toBe(renderAsyncApi(buildAsyncApiDocument()));
  });

  it('is a valid AsyncAPI 3.0 document: the parser reports no errors and no warnings', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(committed);
    // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
    const problems = diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
    expect(problems).toEqual([]);
    expect(parsed).toBeDefined();
    expect(parsed!.version()).toBe('3.0.0');
    expect(parsed!.allMessages().length).toBe(contracts.length);
  });

  it('has a channel on library.events per event type, and the partner channels on library.partners', () => {
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    expect(addresses).toEqual(expect.arrayContaining(contracts));
    expect(addresses).toEqual(expect.arrayContaining(['bindery.{partnerId}.shipment.dispatched', 'sales.{partnerId}.item.listed', 'sales.{partnerId}.listing.withdrawn']));
    expect(addresses).toHaveLength(contracts.length + PARTNER_CHANNELS.length);
  });

  it("names each event's producer as sender and the services whose @OnEvent handlers consume it as receivers", () => {
    const { consumers } = defaultSources();
    const operationsOn = (address: string, action: 'send' | 'receive') =>
      Object.values(document.operations)
        .filter((op) => op.action === action && document.channels[op.channel.$ref.replace('#/channels/', '')].address === address)
        .map((op) => op.tags[0].name)
        .sort();
    for (const event of allEventDefinitions()) {
      expect(operationsOn(event.type, 'send')).toEqual([event.producer]);
      expect(operationsOn(event.type, 'receive')).toEqual([...(consumers.get(event.type) ?? [])].sort());
    }
    // Spot checks against the services as built: cataloging applies every fact, the read models follow cataloging.
    expect(consumers.get('intake.item.received')).toEqual(['cataloging']);
    expect(consumers.get('cataloging.item.status-changed')?.sort()).toEqual(['conservation', 'disposal', 'intake']);
    expect(consumers.get('conservation.item.condemned')).toEqual(['disposal']);
    expect(operationsOn('bindery.{partnerId}.shipment.dispatched', 'send')).toEqual(['conservation']);
    expect(operationsOn('sales.{partnerId}.item.listed', 'receive')).toEqual(['partners']);
  });

  describe('payload schemas accept real events and refuse broken ones', () => {
    let ajv: Ajv;
    beforeAll(() => {
      // Formats (uuid, date-time) are the contracts' own validators' business; the shape is checked here.
      ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
      for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema as object, `#/components/schemas/${name}`);
    });
    const check = (definition: EventDefinition, data: object) => {
      const envelope = JSON.parse(JSON.stringify({
        id: randomUUID(),
        type: definition.type,
        schemaVersion: definition.schemaVersion,
        occurredAt: new Date().toISOString(),
        producer: definition.producer,
        correlationId: randomUUID(),
        causationId: null,
        branch: 'CEN',
        data,
      }));
      const real = validateEvent(envelope);
      if (!real.ok) throw new Error(`the sample breaks the contract itself: ${real.reason}`);
      const [id] = Object.entries(document.components.messages).find(([, message]) => message.name === definition.type)!;
      const validate = ajv.compile(document.components.messages[id].payload as object);
      return { valid: validate(envelope), errors: validate.errors, envelope };
    };
    const barcode = makeCodabarBarcode('4321', 777);

    it('an item status change with its snapshot and its nulls', () => {
      const result = check(ItemStatusChanged, {
        itemId: randomUUID(), barcode, branch: 'CEN', from: null, to: 'AVAILABLE', version: 2, actor: 'cataloger-1', reason: null,
        item: {
          recordId: randomUUID(), title: 'Dune', creators: ['Herbert, Frank'], isbn: null, issn: null, publicationYear: null, materialType: 'book',
          collection: null, callNumber: null, callNumberScheme: null, shelfKey: null, checkoutCount: 0, lastCirculatedAt: null, shelvedAt: null, conditions: [],
        },
      });
      expect(result.errors).toBeNull();
      expect(result.valid).toBe(true);
    });

    it('an e-resource received without a barcode', () => {
      const result = check(ItemReceived, {
        itemId: randomUUID(), shipmentId: randomUUID(), branch: 'CEN', materialType: 'e-resource', barcode: null, title: 'Online Journal', creators: [],
        isbn: null, issn: null, publisher: null, publicationYear: null, callNumber: null, callNumberScheme: null, collection: null, price: null, currency: null,
        requiredSteps: [], pendingSteps: [], supplier: 'EBSCO', receivedBy: 'tech-1',
      });
      expect(result.errors).toBeNull();
    });

    it("a bindery manifest with its lines and slips, and a sales listing", () => {
      const dispatched = check(ShipmentDispatched, {
        shipmentId: randomUUID(), lotNumber: 'CEN-20260101-1', vendorId: randomUUID(), partnerId: 'acme-bindery', branch: 'CEN',
        dispatchedAt: new Date().toISOString(), expectedReturnAt: new Date().toISOString(), dispatchedBy: 'tech-1',
        lines: [{ lineNo: 1, itemId: randomUUID(), barcode, callNumber: null, title: 'Vol. 1', slip: { bindingStyle: 'buckram', leafAttachment: 'oversew', clothColor: 'red', foilColor: 'gold', spineLettering: ['VOL 1'], instructions: null } }],
      });
      expect(dispatched.errors).toBeNull();
      const listed = check(ItemListed, {
        itemId: randomUUID(), barcode, branch: 'CEN', listingId: randomUUID(), channel: 'sales-platform', condition: 'good', exLibrary: true,
        price: '4.50', currency: 'USD', isbn: null, title: 'Dune', creators: [], publicationYear: null,
      });
      expect(listed.errors).toBeNull();
    });

    it('refuses an event without a required field, or of another type than its message', () => {
      const { envelope } = check(ItemListed, {
        itemId: randomUUID(), barcode, branch: 'CEN', listingId: randomUUID(), channel: 'sales-platform', condition: 'good', exLibrary: true,
        price: '4.50', currency: 'USD', isbn: null, title: 'Dune', creators: [], publicationYear: null,
      });
      const [id] = Object.entries(document.components.messages).find(([, message]) => message.name === ItemListed.type)!;
      const validate = ajv.compile(document.components.messages[id].payload as object);
      const { price: _price, ...withoutPrice } = envelope.data;
      expect(validate({ ...envelope, data: withoutPrice })).toBe(false);
      expect(validate({ ...envelope, type: 'disposal.item.sold' })).toBe(false);
      expect(validate({ ...envelope, data: { ...envelope.data, condition: 'mint' } })).toBe(false);
    });
  });
});
