import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { loadEnvironment } from '@app/platform/config/environment';
import { SERVICE_NODE_ARGS } from '@app/platform/runtime/service-heap';
import { ConsoleEnvironment, loadConsoleEnvironment } from '../../apps/console/src/config/console-environment';
import { ROOT } from './kustomize';
import { SERVICES } from './messaging-topology';

/**
 * The one-machine stack (docker-compose.yml) read as Docker Compose reads it (YAML merge keys
 * included), and the image it builds (deploy/docker/Dockerfile) checked against what the repository
 * actually builds: no Docker daemon is needed.
 */

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] | string; interval?: string; retries?: number };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  command?: string[];
  restart?: string;
}

const COMPOSE_TEXT = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(COMPOSE_TEXT, { merge: true }) as { services: Record<string, ComposeService> };
const PORTS: Record<(typeof SERVICES)[number], number> = { intake: 3001, cataloging: 3002, conservation: 3003, disposal: 3004 };

/** The Dockerfile's instructions, continuation lines joined. */
function dockerfile(path: string): Array<{ instruction: string; args: string; stage: number }> {
  let stage = -1;
  return readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [instruction, ...rest] = line.split(/\s+/);
      if (instruction.toUpperCase() === 'FROM') stage++;
      return { instruction: instruction.toUpperCase(), args: rest.join(' '), stage };
    });
}

/** The defaults a service's main.ts gives runService (`defaults: { PORT: 3002, DB_SCHEMA: 'cataloging' }`). */
function mainDefaults(service: string): Record<string, string | number> {
  const source = readFileSync(join(ROOT, `apps/${service}/src/main.ts`), 'utf8');
  const defaults = /defaults:\s*\{([^}]*)\}/.exec(source);
  if (!defaults) throw new Error(`apps/${service}/src/main.ts: no defaults found`);
  return Object.fromEntries([...defaults[1].matchAll(/([A-Z_]+):\s*(?:'([^']*)'|(\d+))/g)].map((m) => [m[1], m[2] ?? Number(m[3])]));
}

/**
 * The compose file as it reads after following its own commented instructions, "delete A, B and C
 * above and uncomment the lines below": in that comment's mapping the named keys go, and the commented
 * `KEY: value` lines right after it become settings. Fails when an instruction names a key that is not there.
 */
function followingCommentedInstructions(text: string): string {
  const lines: Array<string | null> = text.split('\n');
  const setting = /^(\s*)# ([A-Z][A-Z0-9_]*: .*)$/;
  for (let i = 0; i < lines.length; i++) {
    const indent = /^(\s*)# /.exec(lines[i] ?? '')?.[1];
    if (indent === undefined) continue;
    const prose: string[] = [];
    let end = i;
    while (end < lines.length && lines[end]!.startsWith(`${indent}# `) && !setting.test(lines[end]!)) prose.push(lines[end++]!.slice(indent.length + 2));
    const instruction = /delete (.+?) above and uncomment the lines below/.exec(prose.join(' '));
    if (!instruction) {
      i = end;
      continue;
    }
    let below = end;
    for (let m = setting.exec(lines[below] ?? ''); m && m[1] === indent; m = setting.exec(lines[++below] ?? '')) lines[below] = `${indent}${m[2]}`;
    if (below === end) throw new Error(`docker-compose.yml line ${i + 1}: no commented settings below the instruction`);
    for (const name of instruction[1].split(/,\s*|\s+and\s+/)) {
      const at = keyAbove(lines, i, indent, name);
      if (at < 0) throw new Error(`docker-compose.yml line ${i + 1}: says to delete ${name}, which is not set above it`);
      lines[at] = null;
    }
    i = below - 1;
  }
  return lines.filter((line) => line !== null).join('\n');
}

/** The line of `name:` in the mapping that holds line `from` (keys at `indent`), or -1. */
function keyAbove(lines: Array<string | null>, from: number, indent: string, name: string): number {
  for (let k = from - 1; k >= 0; k--) {
    const line = lines[k];
    if (line === null || line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const depth = /^\s*/.exec(line)![0].length;
    if (depth < indent.length) return -1; // left the mapping, e.g. at `environment:`
    if (depth === indent.length && line.startsWith(`${indent}${name}:`)) return k;
  }
  return -1;
}

/** Compose's interpolation of `${VAR}`, `${VAR:-default}` and `${VAR:?error}` from the shell or .env file. */
function interpolated(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?\}/g, (_, name: string, operator?: string, argument?: string) => {
    const set = variables[name];
    if (operator === '?' && !set) throw new Error(`${name}: ${argument}`);
    return set || (operator === '-' ? argument! : '');
  });
}

function seconds(duration: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(duration);
  if (!match) throw new Error(`unexpected duration ${duration}`);
  return Number(match[1]) / (match[2] === 'ms' ? 1000 : match[2] === 'm' ? 1 / 60 : 1);
}

describe('docker-compose.yml', () => {
  const services = compose.services;
  const postgres = services.postgres;
  const rabbitmq = services.rabbitmq;

  it('runs PostgreSQL, RabbitMQ and the four services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'rabbitmq', ...SERVICES]));
  });

  it('health-checks PostgreSQL and RabbitMQ the way the services need them', () => {
    expect(JSON.stringify(postgres.healthcheck?.test)).toMatch(new RegExp(`pg_isready.*-U ${postgres.environment!.POSTGRES_USER}`));
    expect(JSON.stringify(rabbitmq.healthcheck?.test)).toMatch(/rabbitmq-diagnostics/);
    for (const infra of [postgres, rabbitmq]) expect(infra.healthcheck!.retries).toBeGreaterThan(0);
  });

  it("bounds partners' queues as the Kubernetes Policy does, set once through the management API", () => {
    const setter = services['rabbitmq-policies'];
    expect(setter.depends_on).toEqual({ rabbitmq: { condition: 'service_healthy' } });
    expect(setter.restart).toBe('no');
    const command = setter.command!;
    const argument = (flag: string) => command[command.indexOf(flag) + 1];
    expect(argument('--user')).toBe(`${rabbitmq.environment!.RABBITMQ_DEFAULT_USER}:${rabbitmq.environment!.RABBITMQ_DEFAULT_PASS}`);
    expect(argument('--request')).toBe('PUT');
    expect(command.at(-1)).toBe('http://rabbitmq:15672/api/policies/%2F/partner-queues');
    const body = JSON.parse(argument('--data')) as { pattern: string; 'apply-to': string; priority: number; definition: Record<string, unknown> };
    const policies = parseAllDocuments(readFileSync(join(ROOT, 'deploy/k8s/base/rabbitmq/policies.yaml'), 'utf8')).map((doc) => doc.toJS());
    const production = policies.find((policy) => policy.metadata.name === 'partner-queues').spec;
    expect(body).toMatchObject({ pattern: production.pattern, 'apply-to': production.applyTo, priority: production.priority });
    expect(body.definition).toEqual({ 'max-length': production.definition['max-length'], overflow: production.definition.overflow });
    expect(new RegExp(body.pattern).test('partner.hook-bindery')).toBe(true);
    expect(new RegExp(body.pattern).test('intake.events')).toBe(false);
  });

  describe.each(SERVICES)('%s', (name) => {
    const service = services[name];
    const env = () => service.environment ?? {};

    it('is built from deploy/docker/Dockerfile, the one image of all four', () => {
      expect(service.build).toEqual({ context: '.', dockerfile: 'deploy/docker/Dockerfile' });
      expect(existsSync(join(ROOT, service.build!.context, service.build!.dockerfile))).toBe(true);
      expect(service.image).toBe(services.intake.image);
    });

    it('picks its app with SERVICE and listens on its own port, published as is', () => {
      expect(env().SERVICE).toBe(name);
      expect(env().PORT).toBe(String(PORTS[name]));
      expect(service.ports).toEqual([`${PORTS[name]}:${PORTS[name]}`]);
    });

    it('reaches PostgreSQL and RabbitMQ with the credentials those containers are created with', () => {
      const db = new URL(env().DATABASE_URL);
      expect(db.protocol).toBe('postgres:');
      expect({ host: db.hostname, port: db.port || '5432' }).toEqual({ host: 'postgres', port: '5432' });
      expect({ user: db.username, password: db.password, database: db.pathname.slice(1) }).toEqual({
        user: postgres.environment!.POSTGRES_USER,
        password: postgres.environment!.POSTGRES_PASSWORD,
        database: postgres.environment!.POSTGRES_DB,
      });
      const broker = new URL(env().AMQP_URL);
      expect({ protocol: broker.protocol, host: broker.hostname, port: broker.port || '5672' }).toEqual({ protocol: 'amqp:', host: 'rabbitmq', port: '5672' });
      expect({ user: broker.username, password: broker.password }).toEqual({ user: rabbitmq.environment!.RABBITMQ_DEFAULT_USER, password: rabbitmq.environment!.RABBITMQ_DEFAULT_PASS });
    });

    it("passes the service's own environment validation, authentication included", () => {
      const validated = loadEnvironment(mainDefaults(name), env());
      expect(validated.PORT).toBe(PORTS[name]);
      if (validated.AUTH_MODE === 'hs256') expect(validated.JWT_SECRET.length).toBeGreaterThanOrEqual(16);
      else expect(validated.JWKS_URL).toMatch(/^https?:\/\//);
      // Docker waits stop_grace_period after SIGTERM: the drain must fit inside it.
      expect(seconds(service.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(validated.SHUTDOWN_GRACE_MS + 10_000);
    });

    it('starts only once PostgreSQL and RabbitMQ report healthy', () => {
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, rabbitmq: { condition: 'service_healthy' } });
    });

    it("is health-checked on /health/ready (the image's HEALTHCHECK, not switched off)", () => {
      const healthcheck = dockerfile(join(ROOT, 'deploy/docker/Dockerfile')).find((i) => i.instruction === 'HEALTHCHECK');
      expect(healthcheck?.args).toMatch(/\/health\/ready/);
      expect(healthcheck?.args).toMatch(/process\.env\.PORT/);
      // Without PORT (a plain `docker run -e SERVICE=…`), the service's own default port.
      expect(healthcheck?.args).toContain(`${name}:${mainDefaults(name).PORT}`);
      expect(service.healthcheck).toBeUndefined();
    });
  });

  describe('console', () => {
    const consoleService = services.console;
    const env = () => consoleService.environment ?? {};

    it('is built from the same image, picks the console with SERVICE and listens on its own port, published as is', () => {
      expect(consoleService.build).toEqual(services.intake.build);
      expect(consoleService.image).toBe(services.intake.image);
      expect(env().SERVICE).toBe('console');
      const port = loadConsoleEnvironment(env()).PORT;
      expect(consoleService.ports).toEqual([`${port}:${port}`]);
    });

    it("passes the console's own environment validation with the development sign-in, tokens signed like the services'", () => {
      const validated = loadConsoleEnvironment(env());
      expect({ devSignIn: validated.devSignIn, oidcSignIn: validated.oidcSignIn }).toEqual({ devSignIn: true, oidcSignIn: false });
      // The console mints the token the services verify: the same secret, or every call is a 401.
      for (const service of SERVICES) expect(validated.JWT_SECRET).toBe(loadEnvironment(mainDefaults(service), services[service].environment!).JWT_SECRET);
    });

    it('reaches each service by its compose name and port, and starts once they are healthy', () => {
      const validated = loadConsoleEnvironment(env());
      const upstream = { intake: validated.INTAKE_URL, cataloging: validated.CATALOGING_URL, conservation: validated.CONSERVATION_URL, disposal: validated.DISPOSAL_URL };
      for (const service of SERVICES) {
        const url = new URL(upstream[service]);
        expect({ service, host: url.hostname, port: Number(url.port) }).toEqual({ service, host: service, port: PORTS[service] });
      }
      expect(consoleService.depends_on).toEqual(Object.fromEntries(SERVICES.map((s) => [s, { condition: 'service_healthy' }])));
    });

    it("is health-checked on /health/ready by the image's HEALTHCHECK, which knows its default port", () => {
      const healthcheck = dockerfile(join(ROOT, 'deploy/docker/Dockerfile')).find((i) => i.instruction === 'HEALTHCHECK');
      expect(healthcheck?.args).toContain(`console:${new ConsoleEnvironment().PORT}`);
      expect(consoleService.healthcheck).toBeUndefined();
      expect(seconds(consoleService.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(loadConsoleEnvironment(env()).SHUTDOWN_GRACE_MS);
    });

    describe('with production sign-in turned on as its comments say', () => {
      const STATE_SECRET = Buffer.alloc(48, 'state').toString('base64'); // what `openssl rand -base64 48` gives: 64 characters
      const switched = () => parse(followingCommentedInstructions(COMPOSE_TEXT), { merge: true }) as { services: Record<string, ComposeService> };
      const resolved = (environment: Record<string, string>, variables: Record<string, string>) =>
        Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, interpolated(String(value), variables)]));

      it('signs people in at the identity provider, whose tokens the console and the services verify alike', () => {
        const after = switched().services;
        const consoleEnv = loadConsoleEnvironment(resolved(after.console.environment!, { CONSOLE_OIDC_STATE_SECRET: STATE_SECRET }));
        expect({ oidcSignIn: consoleEnv.oidcSignIn, devSignIn: consoleEnv.devSignIn, AUTH_MODE: consoleEnv.AUTH_MODE }).toEqual({ oidcSignIn: true, devSignIn: false, AUTH_MODE: 'jwks' });
        // A public client unless CONSOLE_OIDC_CLIENT_SECRET is given.
        expect(consoleEnv.OIDC_CLIENT_SECRET).toBeUndefined();
        expect(consoleEnv.OIDC_ISSUER_URL!.replace(/\/$/, '')).toBe(consoleEnv.JWT_ISSUER!.replace(/\/$/, ''));
        // The callback is the console as the browser on this machine reaches it.
        const callback = new URL(consoleEnv.OIDC_REDIRECT_URL!);
        expect({ host: callback.hostname, port: callback.port, path: callback.pathname }).toEqual({ host: 'localhost', port: String(consoleEnv.PORT), path: '/auth/callback' });
        for (const service of SERVICES) {
          const serviceEnv = loadEnvironment(mainDefaults(service), resolved(after[service].environment!, {}));
          expect({ service, AUTH_MODE: serviceEnv.AUTH_MODE, JWKS_URL: serviceEnv.JWKS_URL, JWT_ISSUER: serviceEnv.JWT_ISSUER, JWT_AUDIENCE: serviceEnv.JWT_AUDIENCE }).toEqual({
            service,
            AUTH_MODE: 'jwks',
            JWKS_URL: consoleEnv.JWKS_URL,
            JWT_ISSUER: consoleEnv.JWT_ISSUER,
            JWT_AUDIENCE: consoleEnv.JWT_AUDIENCE,
          });
        }
      });

      it('takes the secrets from the shell or .env file, refusing to start without the state secret', () => {
        const after = switched().services.console.environment!;
        expect(after.OIDC_STATE_SECRET).toMatch(/^\$\{CONSOLE_OIDC_STATE_SECRET:\?/);
        expect(after.OIDC_CLIENT_SECRET).toMatch(/^\$\{CONSOLE_OIDC_CLIENT_SECRET:-\}$/);
        expect(() => resolved(after, {})).toThrow(/CONSOLE_OIDC_STATE_SECRET: set CONSOLE_OIDC_STATE_SECRET to 32\+ random characters/);
        expect(loadConsoleEnvironment(resolved(after, { CONSOLE_OIDC_STATE_SECRET: STATE_SECRET, CONSOLE_OIDC_CLIENT_SECRET: 'from-the-provider' })).OIDC_CLIENT_SECRET).toBe('from-the-provider');
      });

      it('changes nothing but the sign-in and token settings', () => {
        const before = compose.services;
        const after = switched().services;
        expect(Object.keys(after)).toEqual(Object.keys(before));
        const changed = (name: string) =>
          [...new Set([...Object.keys(before[name].environment ?? {}), ...Object.keys(after[name].environment ?? {})])]
            .filter((key) => before[name].environment?.[key] !== after[name].environment?.[key])
            .sort();
        for (const service of SERVICES) expect({ service, changed: changed(service) }).toEqual({ service, changed: ['AUTH_MODE', 'JWKS_URL', 'JWT_AUDIENCE', 'JWT_ISSUER', 'JWT_SECRET'] });
        expect(changed('console')).toEqual(['AUTH_MODE', 'CONSOLE_DEV_SIGN_IN', 'JWKS_URL', 'JWT_AUDIENCE', 'JWT_ISSUER', 'JWT_SECRET', ...['CLIENT_ID', 'CLIENT_SECRET', 'ISSUER_URL', 'REDIRECT_URL', 'SCOPES', 'STATE_SECRET'].map((k) => `OIDC_${k}`)].sort());
      });
    });
  });

  it('leaves no service depending on another that is merely started', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
        expect({ name, dependency, condition: condition.condition }).toEqual({ name, dependency, condition: 'service_healthy' });
        expect(services[dependency].healthcheck ?? 'the image HEALTHCHECK').toBeDefined();
      }
    }
  });
});

describe('deploy/docker/Dockerfile', () => {
  const instructions = dockerfile(join(ROOT, 'deploy/docker/Dockerfile'));

  it('copies only sources that exist, and builds with the repository’s own build script', () => {
    const copies = instructions.filter((i) => i.instruction === 'COPY' && !i.args.startsWith('--from'));
    for (const copy of copies) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
    }
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(instructions.some((i) => i.instruction === 'RUN' && /npm ci\b/.test(i.args))).toBe(true);
    expect(instructions.some((i) => i.instruction === 'RUN' && /npm run build\b/.test(i.args))).toBe(true);
    expect(scripts.build).toMatch(/tsc -p tsconfig\.build\.json/);
    // Everything the build compiles is copied in.
    const copied = copies.flatMap((c) => c.args.split(/\s+/).slice(0, -1));
    const build = ts.readConfigFile(join(ROOT, 'tsconfig.build.json'), ts.sys.readFile).config as { include: string[] };
    for (const pattern of build.include) expect(copied).toContain(pattern.split('/')[0]);
  });

  it('runs dist/apps/${SERVICE}/src/main.js, which is where the build puts each service and the console', () => {
    const command = instructions.filter((i) => i.instruction === 'CMD').at(-1)!.args;
    expect(command).toContain('dist/apps/${SERVICE}/src/main.js');
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    for (const service of [...SERVICES, 'console']) {
      const main = join(ROOT, `apps/${service}/src/main.ts`);
      expect(config.fileNames).toContain(main);
      const outputs = ts.getOutputFileNames(config, main, false);
      expect(outputs).toContain(join(ROOT, `dist/apps/${service}/src/main.js`));
    }
  });

  it('ships the build output, production dependencies and package.json, and runs as the unprivileged node user', () => {
    const runtime = instructions.filter((i) => i.stage === Math.max(...instructions.map((x) => x.stage)));
    const copies = runtime.filter((i) => i.instruction === 'COPY').map((i) => i.args);
    expect(copies).toEqual(expect.arrayContaining([expect.stringMatching(/--from=build \/app\/dist \.\/dist/), expect.stringMatching(/--from=build \/app\/node_modules/), 'package.json ./']));
    expect(instructions.some((i) => i.instruction === 'RUN' && /npm prune --omit=dev/.test(i.args))).toBe(true);
    expect(runtime.find((i) => i.instruction === 'USER')?.args).toBe('node');
    expect(runtime.some((i) => i.instruction === 'ENV' && /NODE_ENV=production/.test(i.args))).toBe(true);
  });

  it('gives the services the same heap budget as npm start, the tests and the benchmark', () => {
    const runtime = instructions.filter((i) => i.stage === Math.max(...instructions.map((x) => x.stage)));
    const nodeOptions = runtime.find((i) => i.instruction === 'ENV' && i.args.startsWith('NODE_OPTIONS='))?.args.slice('NODE_OPTIONS='.length);
    // Docker takes a quoted ENV value without its quotes.
    expect(nodeOptions?.replace(/^"(.*)"$/, '$1').split(/\s+/)).toEqual([...SERVICE_NODE_ARGS]);
  });
});
