/**
 * Generates docs/asyncapi.yaml, the AsyncAPI 3.0 description of every event, from the code itself:
 *   npm run asyncapi            writes the document
 *   npm run asyncapi -- --check exits 1 when the committed document is not what the code describes
 *
 * Sources: the event contracts (`allEventDefinitions()`: type, producer, data class), JSON Schemas
 * derived from their class-validator decorators, the partner channels of libs/partners, and the
 * `@OnEvent(...)` handlers in apps/<service>/src (who consumes what). The unit test
 * libs/contracts/test/asyncapi.spec.ts fails when the committed file falls behind.
 */
import 'reflect-metadata';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { stringify } from 'yaml';
import * as contracts from '@app/contracts';
import { EventDefinition, PRODUCERS, Producer } from '@app/contracts';
import { PARTNER_CHANNELS, PartnerChannel } from '@app/partners/partner-channels';

// class-transformer ships no typings for its storage entry point; @Type(() => X) metadata lives there.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: object };

/** The repository (the folder with package.json), whether this runs from scripts/ or from dist/scripts/. */
function repositoryRoot(from: string): string {
  return existsSync(join(from, 'package.json')) ? from : from === dirname(from) ? process.cwd() : repositoryRoot(dirname(from));
}

export const REPOSITORY_ROOT = repositoryRoot(__dirname);
export const ASYNCAPI_PATH = join(REPOSITORY_ROOT, 'docs', 'asyncapi.yaml');

/** The services of this repository (circulation is the library's own system, outside it). */
export const SERVICES = PRODUCERS.filter((producer) => producer !== 'circulation');

type Schema = Record<string, unknown>;

export interface AsyncApiSources {
  events: EventDefinition[];
  partnerChannels: readonly PartnerChannel[];
  /** Event type → the services that handle it (`@OnEvent`). */
  consumers: Map<string, Producer[]>;
  version: string;
}

/** Every `@OnEvent(Contract)` in apps/<service>/src, resolved to the contract's event type. */
export function findConsumers(root = REPOSITORY_ROOT): Map<string, Producer[]> {
  const consumers = new Map<string, Producer[]>();
  const exported = contracts as unknown as Record<string, unknown>;
  for (const service of SERVICES) {
    const sourceRoot = join(root, 'apps', service, 'src');
    for (const file of sourceFiles(sourceRoot)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/@OnEvent\(\s*([A-Za-z_$][\w$]*)\s*\)/g)) {
        const definition = exported[match[1]] as EventDefinition | undefined;
        if (!definition?.type || !definition.dataClass) {
          throw new Error(`${relative(root, file)}: @OnEvent(${match[1]}) does not name an event contract exported by @app/contracts`);
        }
        const list = consumers.get(definition.type) ?? [];
        if (!list.includes(service)) list.push(service);
        consumers.set(definition.type, list);
      }
    }
  }
  return consumers;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .sort();
}

export function defaultSources(): AsyncApiSources {
  const pkg = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string };
  return { events: contracts.allEventDefinitions(), partnerChannels: PARTNER_CHANNELS, consumers: findConsumers(), version: pkg.version };
}

/** `intake.item.received` → `intakeItemReceived`: ids for operations and messages. */
function camel(text: string): string {
  return text.replace(/[.-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * JSON Schemas of the envelope and the event data classes, from their class-validator decorators.
 * Properties the validators treat as optional (`@IsOptional`, `@ValidateIf`) are not required and also
 * accept null, as the validators do (events carry `"barcode": null`, never leave it out).
 */
export function contractSchemas(events: EventDefinition[]): Record<string, Schema> {
  const all = validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage as never,
    refPointerPrefix: '#/components/schemas/',
    additionalConverters: {
      isLibraryBarcode: {
        type: 'string',
        description: 'A library item barcode: 14-digit Codabar (3, institution, sequence, mod-10 check digit), or a legacy barcode the deployment allows.',
      },
      isIsbn: { type: 'string', description: 'An ISBN-10 or ISBN-13; hyphens and spaces allowed.' },
      // Producers send full timestamps; the validators also accept a bare date (anyOf: a date-time is never both).
      isIso8601: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'string', format: 'date' }], description: 'An ISO 8601 timestamp.' },
      isIssn: { type: 'string', pattern: '^\\d{4}-?\\d{3}[\\dXx]$', description: 'An ISSN, with or without its hyphen.' },
      isCallNumber: (meta) => ({ type: 'string', description: `A call number valid in the scheme given by \`${String(meta.constraints?.[0])}\`.` }),
    },
  }) as Record<string, Schema>;

  const wanted = ['EventEnvelope', ...events.map((event) => event.dataClass.name)];
  assertUniqueClassNames(wanted);
  const picked: Record<string, Schema> = {};
  const visit = (name: string) => {
    if (picked[name]) return;
    const schema = all[name];
    if (!schema) throw new Error(`no JSON Schema for ${name}: does the class carry class-validator decorators?`);
    picked[name] = nullableOptionals(schema);
    for (const ref of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) visit(ref[1]);
  };
  for (const name of wanted) visit(name);
  return Object.fromEntries(Object.keys(picked).sort().map((name) => [name, picked[name]]));
}

/** Schemas are keyed by class name: two decorated classes with one name would silently merge. */
function assertUniqueClassNames(names: string[]): void {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, unknown> };
  const targets = [...storage.validationMetadatas.keys()].filter((target) => names.includes(target.name));
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.name)) throw new Error(`two validated classes are named ${target.name}; rename one so the AsyncAPI schemas stay distinct`);
    seen.add(target.name);
  }
}

function nullableOptionals(schema: Schema): Schema {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const result: Record<string, Schema> = {};
  for (const [name, property] of Object.entries(properties)) result[name] = required.has(name) ? property : orNull(property);
  return { ...schema, properties: result };
}

function orNull(property: Schema): Schema {
  if (property.$ref || property.anyOf) {
    const { description, ...rest } = property;
    const choices = property.anyOf ? [...(property.anyOf as Schema[])] : [rest];
    return { ...(description ? { description } : {}), anyOf: [...choices, { type: 'null' }] };
  }
  if (typeof property.type === 'string') {
    const nullable: Schema = { ...property, type: [property.type, 'null'] };
    if (Array.isArray(property.enum)) nullable.enum = [...property.enum, null];
    return nullable;
  }
  return property;
}

const ENVELOPE_DESCRIPTION = [
  'Every event travels in the same JSON envelope. `id` is also the AMQP message id and the',
  "consumers' deduplication key (delivery is at least once). `correlationId` ties together everything one",
  'request caused; `causationId` is the id of the event that caused this one, if any.',
].join(' ');

export function buildAsyncApiDocument(sources: AsyncApiSources = defaultSources()): Schema {
  const events = [...sources.events].sort((a, b) => a.type.localeCompare(b.type));
  const byType = new Map(events.map((event) => [event.type, event]));
  const channels: Record<string, Schema> = {};
  const operations: Record<string, Schema> = {};
  const messages: Record<string, Schema> = {};

  for (const event of events) {
    const id = camel(event.type);
    messages[id] = message(event);
    channels[id] = {
      address: event.type,
      title: event.type,
      description: `${event.description}\n\nRouting key \`${event.type}\` on the topic exchange \`library.events\`.`,
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      bindings: { amqp: { is: 'routingKey', exchange: { name: 'library.events', type: 'topic', durable: true, autoDelete: false, vhost: '/' }, bindingVersion: '0.3.0' } },
    };
    const producer = event.producer;
    operations[`${producer}Sends${upperFirst(id)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      summary: `${producer === 'circulation' ? 'The circulation system (outside this platform)' : producer} publishes ${event.type}.`,
      description: producer === 'circulation' ? 'Published by the library\'s circulation system onto `library.events`.' : 'Written to the outbox in the transaction that made the change, then published with publisher confirms.',
      tags: [{ name: producer }],
      bindings: { amqp: { deliveryMode: 2, timestamp: true, bindingVersion: '0.3.0' } },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
    for (const consumer of [...(sources.consumers.get(event.type) ?? [])].sort()) {
      operations[`${consumer}Receives${upperFirst(id)}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${id}` },
        summary: `${consumer} consumes ${event.type}.`,
        description: `From its quorum queue \`${consumer}.events\` (bound to this routing key), once per message id, with retries through delay queues and a dead-letter queue \`${consumer}.events.dlq\`.`,
        tags: [{ name: consumer }],
        bindings: { amqp: { ack: true, bindingVersion: '0.3.0' } },
        messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
      };
    }
  }

  for (const partner of [...sources.partnerChannels].sort((a, b) => a.address.localeCompare(b.address))) {
    const event = byType.get(partner.event.type);
    if (!event) throw new Error(`partner channel ${partner.address} carries ${partner.event.type}, which is not an event contract`);
    const id = camel(`partners.${partner.address.replace('.{partnerId}', '')}`);
    const messageId = camel(event.type);
    channels[id] = {
      address: partner.address,
      title: partner.address,
      description: [
        `${partner.description}`,
        '',
        `Routing key \`${partner.address}\` on the topic exchange \`library.partners\`; the partner reads its own quorum queue \`partner.{partnerId}\`,`,
        `bound to \`${partner.address.split('.')[0]}.{partnerId}.#\`, with credentials that allow that queue only. The envelope is the one of`,
        `\`${event.type}\` (its own event id). A partner that registered a webhook also receives it as a signed HTTP POST (docs/partners.md).`,
      ].join('\n'),
      parameters: { partnerId: { description: `The ${partner.audience}'s partner id (lower-case letters, digits and dashes).`, examples: [partner.audience === 'bindery-vendor' ? 'acme-bindery' : 'sales-platform'] } },
      messages: { [messageId]: { $ref: `#/components/messages/${messageId}` } },
      bindings: { amqp: { is: 'routingKey', exchange: { name: 'library.partners', type: 'topic', durable: true, autoDelete: false, vhost: '/' }, bindingVersion: '0.3.0' } },
    };
    operations[`${event.producer}Sends${upperFirst(id)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      summary: `${event.producer} sends the ${partner.audience} ${event.type} under its own routing key.`,
      description: 'Written to the outbox (and, for a partner with a webhook, to its delivery queue) in the transaction that made the change.',
      tags: [{ name: event.producer }, { name: 'partners' }],
      bindings: { amqp: { deliveryMode: 2, timestamp: true, bindingVersion: '0.3.0' } },
      messages: [{ $ref: `#/channels/${id}/messages/${messageId}` }],
    };
    operations[`${camel(partner.audience)}Receives${upperFirst(id)}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${id}` },
      summary: `The ${partner.audience} (an external partner) receives ${event.type}.`,
      description: 'From its queue `partner.{partnerId}`, or as webhook POSTs in order, retried with exponential backoff (docs/partners.md).',
      tags: [{ name: 'partners' }, { name: partner.audience }],
      bindings: { amqp: { ack: true, bindingVersion: '0.3.0' } },
      messages: [{ $ref: `#/channels/${id}/messages/${messageId}` }],
    };
  }

  const tags = [...SERVICES, 'circulation', 'partners', 'bindery-vendor', 'sales-platform'].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] }));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Library technical services: events',
      version: sources.version,
      description: [
        'The events of intake, cataloging, conservation and disposal, and the messages partners receive. Services',
        'publish through a transactional outbox to RabbitMQ and consume through idempotent consumers, so delivery',
        'is at least once and consumers deduplicate by event id. Events about one item carry a `version` (cataloging)',
        'or are published in the order their transactions committed.',
        '',
        ENVELOPE_DESCRIPTION,
        '',
        'Generated by `npm run asyncapi` from the contracts library; do not edit by hand.',
      ].join('\n'),
      license: { name: 'UNLICENSED' },
      tags,
    },
    defaultContentType: 'application/json',
    servers: {
      rabbitmq: {
        host: 'rabbitmq:5672',
        protocol: 'amqp',
        protocolVersion: '0-9-1',
        title: 'RabbitMQ',
        description: 'Topic exchanges `library.events` (between services) and `library.partners` (to partners). Each service and each partner has its own user.',
        security: [{ $ref: '#/components/securitySchemes/amqpUser' }],
      },
      local: {
        host: '127.0.0.1:5672',
        protocol: 'amqp',
        protocolVersion: '0-9-1',
        title: 'Local RabbitMQ',
        description: 'The broker of a local run (docker compose), guest/guest.',
        security: [{ $ref: '#/components/securitySchemes/amqpUser' }],
      },
    },
    channels,
    operations,
    components: {
      schemas: contractSchemas(events),
      messages,
      securitySchemes: { amqpUser: { type: 'userPassword', description: 'A RabbitMQ user: one per service, one per partner (its own queue only).' } },
    },
  };
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  intake: 'Receiving and processing new materials.',
  cataloging: 'Records, items and the status of record.',
  conservation: 'Pulls, repairs and the bindery.',
  disposal: 'Weeding, withdrawal, sales and disposal.',
  circulation: "The library's circulation system (outside this platform).",
  partners: 'Messages to external partners on `library.partners`.',
  'bindery-vendor': 'An external bindery.',
  'sales-platform': 'An external platform that sells withdrawn items.',
};

function message(event: EventDefinition): Schema {
  return {
    name: event.type,
    title: event.dataClass.name.replace(/Data$/, ''),
    summary: event.description,
    contentType: 'application/json',
    correlationId: { description: 'Carried in the envelope and as the AMQP correlation id.', location: '$message.payload#/correlationId' },
    tags: [{ name: event.producer }],
    bindings: { amqp: { messageType: event.type, bindingVersion: '0.3.0' } },
    'x-schema-version': event.schemaVersion,
    payload: {
      allOf: [
        { $ref: '#/components/schemas/EventEnvelope' },
        {
          type: 'object',
          properties: {
            type: { const: event.type },
            schemaVersion: { type: 'integer', minimum: 1, maximum: event.schemaVersion },
            producer: { const: event.producer },
            data: { $ref: `#/components/schemas/${event.dataClass.name}` },
          },
        },
      ],
    },
  };
}

export function renderAsyncApi(document: Schema): string {
  const header = '# Generated by `npm run asyncapi` (scripts/asyncapi.ts) from the event contracts: do not edit by hand.\n';
  return header + stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

function main(): void {
  const rendered = renderAsyncApi(buildAsyncApiDocument());
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(ASYNCAPI_PATH, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (committed !== rendered) {
      process.stderr.write(`${relative(process.cwd(), ASYNCAPI_PATH)} is stale: run npm run asyncapi\n`);
      process.exit(1);
    }
    process.stdout.write(`${relative(process.cwd(), ASYNCAPI_PATH)} is up to date\n`);
    return;
  }
  writeFileSync(ASYNCAPI_PATH, rendered);
  process.stdout.write(`wrote ${relative(process.cwd(), ASYNCAPI_PATH)}\n`);
}

if (require.main === module) main();
