import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment, loadEnvironment, retryDelays } from '@app/platform/config/environment';
import { SERVICE_SEMI_SPACE_MB } from '@app/platform/runtime/service-heap';
import { ConsoleEnvironment, loadConsoleEnvironment } from '../../apps/console/src/config/console-environment';
import { generated, Manifest, named, ofKind, renderKustomization, ROOT } from './kustomize';
import { validateManifests } from './manifest-schemas';
import {
  allows,
  handledEventTypes,
  partnerDeclarations,
  partnerRole,
  requiredAccess,
  Service,
  serviceDeclarations,
  SERVICES,
} from './messaging-topology';

/**
 * The Kubernetes deployment (deploy/k8s), rendered by Kustomize for each overlay and checked offline:
 * every manifest against the Kubernetes and operator schemas, then the promises the deployment makes
 * (probes, drain, scaling, secrets, routing) and its agreement with the code (the broker topology the
 * services declare, the event types they handle, what their RabbitMQ users and database roles may do,
 * the console's own configuration rules, sign-in included).
 */

const OVERLAYS = ['dev', 'production'] as const;
/** Every Deployment: the four services and the technician console (same image, no database or broker). */
const WORKLOADS = [...SERVICES, 'console'] as const;
type Workload = (typeof WORKLOADS)[number];
type Overlay = (typeof OVERLAYS)[number];
const EXAMPLE_PARTNERS = [
  { id: 'acme-bindery', pattern: 'bindery.acme-bindery.#' },
  { id: 'sales-platform', pattern: 'sales.sales-platform.#' },
];

const rendered = new Map<Overlay, Manifest[]>();
function manifestsOf(overlay: Overlay): Manifest[] {
  if (!rendered.has(overlay)) rendered.set(overlay, renderKustomization(`overlays/${overlay}`));
  return rendered.get(overlay)!;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Container = any;
function appContainer(manifests: Manifest[], workload: Workload): Container {
  const containers = named(manifests, 'Deployment', workload).spec.template.spec.containers as Container[];
  expect(containers).toHaveLength(1);
  return containers[0];
}

function platformConfig(manifests: Manifest[]): Record<string, string> {
  const config = generated(manifests, 'ConfigMap', 'platform-config');
  if (!config?.data) throw new Error('no platform-config ConfigMap rendered');
  return config.data;
}

/** Secrets that production expects to exist (not in git): created by operations or by an operator. */
const EXTERNAL_SECRETS = new Set([...SERVICES.flatMap((s) => [`${s}-db-credentials`, `${s}-amqp-credentials`]), 'library-db-ca', 'console-oidc']);

/** Stand-ins shaped like what deploy/README.md has operations put in an external Secret. */
const EXTERNAL_SECRET_STAND_INS: Record<string, string> = {
  // What `openssl rand -base64 48` gives: 64 characters.
  'console-oidc/OIDC_STATE_SECRET': Buffer.alloc(48, 'state').toString('base64'),
  'console-oidc/OIDC_CLIENT_SECRET': 'stand-in-client-secret',
};

/**
 * A container's environment as the kubelet builds it: envFrom (a later source winning), then env in
 * order, `$(VAR)` expanded from what came before. Secret values come from the rendered Secrets (dev)
 * or stand-ins (production); an optional reference to a missing key leaves the variable unset.
 */
function effectiveEnvironment(manifests: Manifest[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  const secretValue = (name: string, key: string, optional: boolean): string | undefined => {
    const secret = generated(manifests, 'Secret', name) ?? manifests.find((m) => m.kind === 'Secret' && m.metadata.name === name);
    if (secret) {
      const data = secret.data ?? {};
      if (!(key in data)) {
        if (optional) return undefined;
        throw new Error(`Secret ${name} has no key ${key}`);
      }
      return Buffer.from(data[key], 'base64').toString('utf8');
    }
    const external = name.replace(/-[a-z0-9]{10}$/, '');
    if (!EXTERNAL_SECRETS.has(external)) throw new Error(`Secret ${name} is neither rendered nor one of the documented external secrets`);
    return EXTERNAL_SECRET_STAND_INS[`${external}/${key}`] ?? (key === 'username' ? name.replace(/-(db|amqp)-credentials$/, '') : `stand-in-${key}`);
  };
  for (const source of container.envFrom ?? []) {
    const config = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === source.configMapRef?.name);
    if (!config) throw new Error(`envFrom names ConfigMap ${source.configMapRef?.name}, which is not rendered`);
    Object.assign(env, config.data);
  }
  for (const variable of container.env ?? []) {
    if (variable.valueFrom?.secretKeyRef) {
      const { name, key, optional } = variable.valueFrom.secretKeyRef;
      const value = secretValue(name, key, optional === true);
      if (value !== undefined) env[variable.name] = value;
    } else if (variable.valueFrom) throw new Error(`${variable.name}: only secretKeyRef is expected in valueFrom`);
    else env[variable.name] = String(variable.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
  }
  return env;
}

function serviceEnvironment(manifests: Manifest[], service: Service): Environment {
  return loadEnvironment({}, effectiveEnvironment(manifests, appContainer(manifests, service)));
}

/** The console's environment through the console's own loader (its OpenID Connect rules included). */
function consoleEnvironment(manifests: Manifest[]): ConsoleEnvironment {
  return loadConsoleEnvironment(effectiveEnvironment(manifests, appContainer(manifests, 'console')));
}

/** nginx with use-regex: the first path whose regex (case-insensitive) matches, rewritten when the Ingress says so. */
function route(manifests: Manifest[], requestPath: string, ingressName = 'library'): { service: string; path: string } | undefined {
  const ingress = named(manifests, 'Ingress', ingressName);
  const rewrite = ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/rewrite-target'];
  for (const rule of ingress.spec.rules) {
    for (const path of rule.http.paths) {
      const match = new RegExp(`^${path.path}`, 'i').exec(requestPath);
      if (match) return { service: path.backend.service.name, path: rewrite ? rewrite.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? '') : requestPath };
    }
  }
  return undefined;
}

const QUANTITY_UNITS: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
function quantity(value: string | number): number {
  const match = /^([0-9.]+)([A-Za-z]*)$/.exec(String(value));
  if (!match || !(match[2] in QUANTITY_UNITS)) throw new Error(`unexpected quantity ${value}`);
  return Number(match[1]) * QUANTITY_UNITS[match[2]];
}

describe('Kubernetes deployment (deploy/k8s)', () => {
  describe.each(OVERLAYS)('the %s overlay', (overlay) => {
    let manifests: Manifest[];
    beforeAll(() => {
      manifests = manifestsOf(overlay);
    });

    it('renders only manifests that the Kubernetes and operator schemas accept', () => {
      expect(manifests.length).toBeGreaterThan(50);
      expect(validateManifests(manifests)).toEqual([]);
      const namespace = ofKind(manifests, 'Namespace')[0].metadata.name;
      expect(manifests.filter((m) => m.kind !== 'Namespace').every((m) => m.metadata.namespace === namespace)).toBe(true);
    });

    it.each(WORKLOADS)('runs %s as a Deployment with its Service, autoscaler and disruption budget', (service) => {
      const deployment = named(manifests, 'Deployment', service);
      // The autoscaler owns the replica count: a count in the Deployment would reset it on every apply.
      expect(deployment.spec.replicas).toBeUndefined();
      const podLabels = deployment.spec.template.metadata.labels;
      const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);

      const svc = named(manifests, 'Service', service);
      expect(selects(svc.spec.selector)).toBe(true);
      const container = appContainer(manifests, service);
      const portName = svc.spec.ports[0].targetPort;
      expect(container.ports.map((p: { name: string }) => p.name)).toContain(portName);

      const hpa = named(manifests, 'HorizontalPodAutoscaler', service);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);

      const pdb = named(manifests, 'PodDisruptionBudget', service);
      expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
      // With one replica (dev) a minAvailable budget would block every node drain.
      expect(pdb.spec.maxUnavailable ?? 0).toBeGreaterThanOrEqual(1);

      // One image for all five; SERVICE picks the app, PORT is its own.
      const env = effectiveEnvironment(manifests, container);
      expect(env.SERVICE).toBe(service);
      expect(Number(env.PORT)).toBe(container.ports.find((p: { name: string }) => p.name === portName).containerPort);
    });

    it('runs the same image for every service and the console', () => {
      const images = new Set(WORKLOADS.map((s) => appContainer(manifests, s).image));
      expect(images.size).toBe(1);
    });

    it.each(WORKLOADS)('probes %s: readiness on /health/ready and liveness on /health/live, on its port', (service) => {
      const container = appContainer(manifests, service);
      expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      // Liveness must not depend on the broker or the database (an outage would restart every pod).
      expect(container.startupProbe?.httpGet.path ?? '/health/live').toBe('/health/live');
      expect(container.ports.map((p: { name: string }) => p.name)).toContain('http');
    });

    it.each(SERVICES)('gives %s longer to terminate than it takes to drain', (service) => {
      const deployment = named(manifests, 'Deployment', service);
      const env = serviceEnvironment(manifests, service);
      // Drain: SHUTDOWN_GRACE_MS answering "shutting down" to readiness, then the messages in hand
      // (PREFETCH, budgeted at 100 ms each) and the outbox relay's last pass (a batch, ~5 s).
      const drainMs = env.SHUTDOWN_GRACE_MS + env.PREFETCH * 100 + 5_000;
      expect(env.SHUTDOWN_GRACE_MS).toBeGreaterThan(0);
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drainMs);
    });

    it.each(WORKLOADS)('sets resource requests and limits for %s, its heap inside the memory limit', (service) => {
      const { resources, env } = appContainer(manifests, service);
      for (const resource of ['cpu', 'memory']) {
        expect(resources.requests[resource]).toBeDefined();
        expect(resources.limits[resource]).toBeDefined();
        expect(quantity(resources.requests[resource])).toBeLessThanOrEqual(quantity(resources.limits[resource]));
      }
      const nodeOptions = env.find((e: { name: string }) => e.name === 'NODE_OPTIONS')?.value ?? '';
      const heap = /--max-old-space-size=(\d+)/.exec(nodeOptions);
      expect(heap).not.toBeNull();
      // The young generation comes on top of the old space: two semi-spaces and as much again for large objects.
      const semiSpace = Number(/--max-semi-space-size=(\d+)/.exec(nodeOptions)?.[1] ?? 0);
      expect((Number(heap![1]) + 3 * semiSpace) * 1024 ** 2).toBeLessThan(quantity(resources.limits.memory) * 0.9);
    });

    it.each(SERVICES)('runs %s with the young generation it was measured with (the image sets it too, and NODE_OPTIONS here replaces the image\'s)', (service) => {
      const { env } = appContainer(manifests, service);
      const nodeOptions: string = env.find((e: { name: string }) => e.name === 'NODE_OPTIONS')?.value ?? '';
      expect(nodeOptions.split(/\s+/)).toContain(`--max-semi-space-size=${SERVICE_SEMI_SPACE_MB}`);
    });

    it.each(SERVICES)("configures %s so that the service's own environment validation accepts it", (service) => {
      const env = serviceEnvironment(manifests, service);
      expect(env.NODE_ENV).toBe('production');
      expect(env.DB_SCHEMA).toBe(service);
      expect(env.DATABASE_URL).toMatch(new RegExp(`^postgres://${service}:[^@]+@library-db-rw:5432/library\\?sslmode=verify-full&sslrootcert=/etc/library/db-ca/ca\\.crt$`));
      expect(env.AMQP_URL).toMatch(/^amqp:\/\/[^:]+:[^@]+@rabbitmq:5672$/);
      // The CA file the URL names is mounted from the cluster's CA secret.
      const pod = named(manifests, 'Deployment', service).spec.template.spec;
      const mount = appContainer(manifests, service).volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/etc/library/db-ca');
      expect(pod.volumes.find((v: { name: string }) => v.name === mount.name).secret.secretName).toBe('library-db-ca');
    });

    it('keeps secret values out of Deployments and ConfigMaps', () => {
      const secretish = /(PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL|_KEY)$/;
      for (const service of WORKLOADS) {
        for (const variable of appContainer(manifests, service).env) {
          if (secretish.test(variable.name)) expect({ [variable.name]: variable.valueFrom?.secretKeyRef ? 'from a Secret' : 'inline' }).toEqual({ [variable.name]: 'from a Secret' });
          // A URL may carry credentials only as references to variables that come from Secrets.
          const userinfo = /:\/\/([^/@]*)@/.exec(variable.value ?? '');
          if (userinfo) {
            for (const part of userinfo[1].split(':')) {
              const ref = /^\$\(([A-Z_]+)\)$/.exec(part);
              expect({ [variable.name]: part }).toEqual({ [variable.name]: expect.stringMatching(/^\$\([A-Z_]+\)$/) });
              const source = appContainer(manifests, service).env.find((e: { name: string }) => e.name === ref![1]);
              expect(source.valueFrom.secretKeyRef).toBeDefined();
            }
          }
        }
      }
      for (const config of ofKind(manifests, 'ConfigMap')) {
        for (const [key, value] of Object.entries(config.data ?? {})) {
          expect({ key, secretish: secretish.test(key) }).toEqual({ key, secretish: false });
          expect({ key, credentials: /:\/\/[^/@]+@/.test(value) }).toEqual({ key, credentials: false });
        }
      }
    });

    it('routes /intake, /cataloging, /conservation and /disposal through the ingress, stripping the prefix and never exposing /metrics', () => {
      for (const service of SERVICES) {
        expect(route(manifests, `/${service}/items/31234000000017`)).toEqual({ service, path: '/items/31234000000017' });
        expect(route(manifests, `/${service}/docs`)).toEqual({ service, path: '/docs' });
        expect(route(manifests, `/${service}`)).toEqual({ service, path: '/' });
        for (const hidden of [`/${service}/metrics`, `/${service}/metrics/`, `/${service.toUpperCase()}/Metrics`, `/${service}/metrics?x=1`]) {
          expect({ hidden, route: route(manifests, hidden) }).toEqual({ hidden, route: undefined });
        }
      }
      expect(route(manifests, '/metrics')).toBeUndefined();
      expect(route(manifests, '/intakes/x')).toBeUndefined();
      // Every backend is one of the services, on its named port.
      const ingress = named(manifests, 'Ingress', 'library');
      for (const path of ingress.spec.rules.flatMap((r: { http: { paths: unknown[] } }) => r.http.paths)) {
        expect(SERVICES).toContain(path.backend.service.name);
        expect(path.backend.service.port).toEqual({ name: 'http' });
      }
    });

    it("configures the console so that the console's own environment validation accepts it, calling the services inside the cluster", () => {
      const env = consoleEnvironment(manifests);
      const container = appContainer(manifests, 'console');
      expect(env.PORT).toBe(container.ports.find((p: { name: string }) => p.name === 'http').containerPort);
      // Each upstream URL is that service's in-cluster Service, on a port the Service exposes (80 when none is given).
      const upstream = { intake: env.INTAKE_URL, cataloging: env.CATALOGING_URL, conservation: env.CONSERVATION_URL, disposal: env.DISPOSAL_URL };
      for (const service of SERVICES) {
        const url = new URL(upstream[service]);
        const ports = named(manifests, 'Service', service).spec.ports.map((p: { port: number }) => p.port);
        expect({ service, host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), path: url.pathname }).toEqual({
          service,
          host: service,
          port: ports[0],
          path: '/',
        });
        expect(ports).toHaveLength(1);
      }
      // Tokens are verified exactly as the services verify them, or the console would show people as
      // signed in whom the services refuse (or the reverse).
      const services = serviceEnvironment(manifests, 'intake');
      expect({ AUTH_MODE: env.AUTH_MODE, JWKS_URL: env.JWKS_URL, JWT_ISSUER: env.JWT_ISSUER, JWT_AUDIENCE: env.JWT_AUDIENCE }).toEqual({
        AUTH_MODE: services.AUTH_MODE,
        JWKS_URL: services.JWKS_URL,
        JWT_ISSUER: services.JWT_ISSUER,
        JWT_AUDIENCE: services.JWT_AUDIENCE,
      });
      expect(env.BRANCHES).toBe(services.BRANCHES);
    });

    it('gives the console longer to terminate than it takes to drain', () => {
      const env = consoleEnvironment(manifests);
      // Drain: SHUTDOWN_GRACE_MS answering "shutting down" to readiness, then a request in flight
      // that may wait SERVICE_TIMEOUT_MS on a service.
      expect(env.SHUTDOWN_GRACE_MS).toBeGreaterThan(0);
      const grace = named(manifests, 'Deployment', 'console').spec.template.spec.terminationGracePeriodSeconds;
      expect(grace * 1000).toBeGreaterThan(env.SHUTDOWN_GRACE_MS + env.SERVICE_TIMEOUT_MS);
    });

    it('keeps a browser with one console replica, which shares one renewal of an expired session among its requests', () => {
      const annotations = named(manifests, 'Ingress', 'console').metadata.annotations;
      expect(annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/affinity': 'cookie',
        'nginx.ingress.kubernetes.io/session-cookie-path': '/',
        'nginx.ingress.kubernetes.io/session-cookie-secure': 'true',
      });
      expect(annotations?.['nginx.ingress.kubernetes.io/session-cookie-name']).not.toMatch(/^console_(session|grant|sign_in)$/);
    });

    it('routes the console host to the console at the root, never exposing /metrics', () => {
      const ingress = named(manifests, 'Ingress', 'console');
      // Its pages, assets, cookies and callback use absolute paths: nothing may be stripped or rewritten.
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/rewrite-target']).toBeUndefined();
      for (const path of ['/', '/scan', '/sign-in', '/auth/callback?code=x&state=y', '/assets/console.css', '/api/intake/shipments', '/health/ready']) {
        expect(route(manifests, path, 'console')).toEqual({ service: 'console', path });
      }
      for (const hidden of ['/metrics', '/metrics/', '/Metrics', '/metrics?x=1']) {
        expect({ hidden, route: route(manifests, hidden, 'console') }).toEqual({ hidden, route: undefined });
      }
      const paths = ingress.spec.rules.flatMap((r: { http: { paths: unknown[] } }) => r.http.paths);
      expect(paths.map((p: { backend: unknown }) => p.backend)).toEqual(paths.map(() => ({ service: { name: 'console', port: { name: 'http' } } })));
      // A host of its own, not one of the services' routes.
      const serviceHosts = named(manifests, 'Ingress', 'library').spec.rules.map((r: { host: string }) => r.host);
      for (const rule of ingress.spec.rules) expect(serviceHosts).not.toContain(rule.host);
      // Uploads up to the console's BODY_LIMIT get through nginx (its default is 1m). Both count k/m in 1024s.
      const bytes = (size: string) => {
        const [, amount, unit] = /^(\d+)(k|m)b?$/i.exec(size)!;
        return Number(amount) * 1024 ** (unit.toLowerCase() === 'k' ? 1 : 2);
      };
      expect(bytes(ingress.metadata.annotations!['nginx.ingress.kubernetes.io/proxy-body-size'])).toBeGreaterThanOrEqual(bytes(consoleEnvironment(manifests).BODY_LIMIT));
    });

    it.each(SERVICES)('declares the exchanges and queues exactly as %s declares them at start', async (service) => {
      const env = serviceEnvironment(manifests, service);
      const declared = await serviceDeclarations(service, env);
      for (const exchange of declared.exchanges) {
        const resource = ofKind(manifests, 'Exchange').find((e) => e.spec.name === exchange.name);
        expect({ exchange: exchange.name, found: !!resource }).toEqual({ exchange: exchange.name, found: true });
        expect({ name: resource!.spec.name, type: resource!.spec.type, durable: resource!.spec.durable ?? false, arguments: resource!.spec.arguments ?? {} }).toEqual(exchange);
        expect(resource!.spec.autoDelete ?? false).toBe(false);
      }
      for (const queue of declared.queues) {
        const resource = ofKind(manifests, 'Queue').find((q) => q.spec.name === queue.name);
        expect({ queue: queue.name, found: !!resource }).toEqual({ queue: queue.name, found: true });
        // The operator sends `type` as x-queue-type; every other argument must be identical.
        expect({ name: queue.name, durable: resource!.spec.durable ?? false, arguments: { 'x-queue-type': resource!.spec.type, ...(resource!.spec.arguments ?? {}) } }).toEqual(queue);
      }
      expect(retryDelays(env).length).toBe(ofKind(manifests, 'Queue').filter((q) => q.spec.name.startsWith(`${service}.events.retry.`)).length);
    });

    it.each(SERVICES)('binds the %s queue to every event type it handles, and to nothing else', async (service) => {
      const env = serviceEnvironment(manifests, service);
      const declared = await serviceDeclarations(service, env);
      const handled = handledEventTypes(service);
      expect(handled.length).toBeGreaterThan(0);
      const bindings = ofKind(manifests, 'Binding').filter((b) => b.spec.destination === `${service}.events`);
      const bound = bindings.map((b) => `${b.spec.source} ${b.spec.routingKey}`).sort();
      expect(bound).toEqual(handled.map((type) => `${env.EVENTS_EXCHANGE} ${type}`).sort());
      expect(bound).toEqual(declared.bindings.filter((b) => b.queue === `${service}.events`).map((b) => `${b.exchange} ${b.routingKey}`).sort());
      expect(bindings.every((b) => b.spec.destinationType === 'queue')).toBe(true);
    });

    it('declares the unroutable queue and the example partners’ queues as the code does', async () => {
      const env = serviceEnvironment(manifests, 'disposal');
      const expected = [
        ...(await serviceDeclarations('intake', env)).bindings.filter((b) => b.exchange === 'library.events.unroutable'),
        ...(await Promise.all(EXAMPLE_PARTNERS.map((p) => partnerDeclarations(env, p.id, p.pattern)))).flatMap((d) => {
          for (const queue of d.queues) {
            const resource = ofKind(manifests, 'Queue').find((q) => q.spec.name === queue.name);
            expect({ name: queue.name, durable: resource?.spec.durable, arguments: { 'x-queue-type': resource?.spec.type, ...(resource?.spec.arguments ?? {}) } }).toEqual(queue);
          }
          return d.bindings;
        }),
      ];
      for (const binding of expected) {
        const resource = ofKind(manifests, 'Binding').find((b) => b.spec.destination === binding.queue && b.spec.source === binding.exchange);
        expect({ destination: resource?.spec.destination, source: resource?.spec.source, routingKey: resource?.spec.routingKey ?? '' }).toEqual({
          destination: binding.queue,
          source: binding.exchange,
          routingKey: binding.routingKey,
        });
      }
    });

    it('applies the dead-letter policy to exactly the four service queues', () => {
      const policy = named(manifests, 'Policy', 'service-queues');
      expect(policy.spec.definition).toMatchObject({ 'dead-letter-strategy': 'at-least-once', overflow: 'reject-publish' });
      const pattern = new RegExp(policy.spec.pattern);
      const queues = ofKind(manifests, 'Queue').map((q) => q.spec.name);
      expect(queues.filter((q) => pattern.test(q)).sort()).toEqual(SERVICES.map((s) => `${s}.events`).sort());
      // Every queue the policy covers declares the same (queue arguments take precedence anyway).
      for (const queue of ofKind(manifests, 'Queue').filter((q) => pattern.test(q.spec.name))) {
        expect(queue.spec.arguments).toMatchObject({ 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' });
      }
    });

    it('bounds exactly the partners\' queues, which a webhook-only partner never reads', async () => {
      const policy = named(manifests, 'Policy', 'partner-queues');
      expect(policy.spec.definition).toMatchObject({ 'max-length': 100000, overflow: 'drop-head', 'queue-leader-locator': 'balanced' });
      // It outranks the catch-all leader policy (only one policy applies to a queue).
      expect(policy.spec.priority).toBeGreaterThan(named(manifests, 'Policy', 'quorum-leaders').spec.priority);
      const pattern = new RegExp(policy.spec.pattern);
      const env = serviceEnvironment(manifests, 'conservation');
      const partnerQueueNames = (await Promise.all(EXAMPLE_PARTNERS.map((p) => partnerDeclarations(env, p.id, p.pattern)))).flatMap((d) => d.queues.map((q) => q.name));
      expect(partnerQueueNames.length).toBeGreaterThan(0);
      expect(partnerQueueNames.filter((name) => !pattern.test(name))).toEqual([]);
      const serviceQueues = ofKind(manifests, 'Queue').map((q) => q.spec.name).filter((name) => !partnerQueueNames.includes(name));
      expect(serviceQueues.filter((name) => pattern.test(name))).toEqual([]);
    });

    it.each(SERVICES)('gives %s a RabbitMQ user allowed what its code does and nothing of the other services', async (service) => {
      const env = serviceEnvironment(manifests, service);
      const user = named(manifests, 'User', service);
      expect(user.spec.tags).toEqual([]);
      expect(user.spec.importCredentialsSecret.name).toMatch(new RegExp(`^${service}-amqp-credentials(-[a-z0-9]{10})?$`));
      // The Deployment builds AMQP_URL from the same Secret the user is imported from.
      const amqpUser = appContainer(manifests, service).env.find((e: { name: string }) => e.name === 'AMQP_USER');
      expect(amqpUser.valueFrom.secretKeyRef.name).toBe(user.spec.importCredentialsSecret.name);

      const permission = ofKind(manifests, 'Permission').find((p) => p.spec.userReference?.name === service)!;
      expect(permission.spec.vhost).toBe('/');
      const declared = await serviceDeclarations(service, env);
      const partnerQueues = partnerRole(service).declaresQueues ? await Promise.all(EXAMPLE_PARTNERS.map((p) => partnerDeclarations(env, p.id, p.pattern))) : [];
      const denied = requiredAccess(service, declared, env, partnerQueues).filter((a) => !allows(permission.spec.permissions[a.permission], a.resource));
      expect(denied).toEqual([]);

      for (const other of SERVICES.filter((s) => s !== service)) {
        for (const queue of [`${other}.events`, `${other}.events.dlq`, `${other}.events.retry.1`]) {
          for (const access of ['configure', 'read'] as const) {
            expect({ access, queue, allowed: allows(permission.spec.permissions[access], queue) }).toEqual({ access, queue, allowed: false });
          }
        }
      }
      // Only the services that send to partners may publish on the partners exchange.
      expect(allows(permission.spec.permissions.write, env.PARTNERS_EXCHANGE)).toBe(partnerRole(service).publishes);
      expect(allows(permission.spec.permissions.read, `${service}.events.dlq`)).toBe(false);
    });

    it.each(EXAMPLE_PARTNERS.map((p) => p.id))('gives partner %s a user that can only read its own queue', (partnerId) => {
      const user = named(manifests, 'User', `partner-${partnerId}`);
      expect(user.spec.tags).toEqual([]);
      const permission = ofKind(manifests, 'Permission').find((p) => p.spec.userReference?.name === `partner-${partnerId}`)!;
      const queues = ofKind(manifests, 'Queue').map((q) => q.spec.name);
      const exchanges = ofKind(manifests, 'Exchange').map((e) => e.spec.name);
      for (const resource of [...queues, ...exchanges, 'amq.default', 'partner.someone-else']) {
        expect({ resource, configure: allows(permission.spec.permissions.configure, resource), write: allows(permission.spec.permissions.write, resource) }).toEqual({
          resource,
          configure: false,
          write: false,
        });
        expect({ resource, read: allows(permission.spec.permissions.read, resource) }).toEqual({ resource, read: resource === `partner.${partnerId}` });
      }
    });

    it.each(SERVICES)('gives %s a PostgreSQL role that owns its schema and nothing else', (service) => {
      const cluster = named(manifests, 'Cluster', 'library-db');
      const role = cluster.spec.managed.roles.find((r: { name: string }) => r.name === service);
      expect(role).toMatchObject({ ensure: 'present', login: true, superuser: false, createdb: false, createrole: false, replication: false, bypassrls: false });
      expect(role.inRoles ?? []).toEqual([]);
      // The password comes from the same Secret the Deployment's DATABASE_URL is built from.
      const dbUser = appContainer(manifests, service).env.find((e: { name: string }) => e.name === 'DATABASE_USER');
      expect(role.passwordSecret.name).toBe(dbUser.valueFrom.secretKeyRef.name);
      expect(role.passwordSecret.name).toMatch(new RegExp(`^${service}-db-credentials(-[a-z0-9]{10})?$`));

      const sql = cluster.spec.bootstrap.initdb.postInitApplicationSQL as string[];
      expect(sql).toContain(`CREATE ROLE ${service} LOGIN`);
      expect(sql).toContain(`CREATE SCHEMA ${service} AUTHORIZATION ${service}`);
      // No grant of anything else: not on the database (no CREATE SCHEMA), not on other schemas.
      expect(sql.filter((s) => /\bGRANT\b/i.test(s) && new RegExp(`\\b${service}\\b`).test(s))).toEqual([]);
      expect(sql.filter((s) => new RegExp(`\\b${service}\\b`).test(s))).toHaveLength(2);
      expect(cluster.spec.bootstrap.initdb.database).toBe('library');
    });

    it('keeps every service within its PostgreSQL connection limit at full scale', () => {
      const cluster = named(manifests, 'Cluster', 'library-db');
      const pool = Number(/extra:\s*\{\s*max:\s*(\d+)/.exec(readFileSync(join(ROOT, 'libs/platform/src/database/database.module.ts'), 'utf8'))?.[1]);
      expect(pool).toBeGreaterThan(0);
      let total = 0;
      for (const service of SERVICES) {
        const hpa = named(manifests, 'HorizontalPodAutoscaler', service);
        const surge = named(manifests, 'Deployment', service).spec.strategy.rollingUpdate.maxSurge;
        const role = cluster.spec.managed.roles.find((r: { name: string }) => r.name === service);
        // Each pod: its pool, the webhook worker's LISTEN connection and the start-up checks' short one.
        expect(role.connectionLimit).toBeGreaterThanOrEqual((hpa.spec.maxReplicas + surge) * (pool + 2));
        total += role.connectionLimit;
      }
      // Room left for the operator, replication and superuser-reserved connections.
      expect(total + 20).toBeLessThanOrEqual(Number(cluster.spec.postgresql.parameters.max_connections));
    });
  });

  describe('production', () => {
    const manifests = () => manifestsOf('production');

    it('runs RabbitMQ on three nodes and PostgreSQL as three instances, spread over hosts', () => {
      const rabbit = named(manifests(), 'RabbitmqCluster', 'rabbitmq');
      expect(rabbit.spec.replicas).toBe(3);
      expect(rabbit.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
      const postgres = named(manifests(), 'Cluster', 'library-db');
      expect(postgres.spec.instances).toBe(3);
      expect(postgres.spec.affinity).toMatchObject({ enablePodAntiAffinity: true, podAntiAffinityType: 'required' });
      expect(postgres.spec.enableSuperuserAccess).toBe(false);
    });

    it('scales each service and the console between two and more replicas', () => {
      for (const service of WORKLOADS) expect(named(manifests(), 'HorizontalPodAutoscaler', service).spec.minReplicas).toBeGreaterThanOrEqual(2);
    });

    it('verifies tokens with the identity provider’s keys and has no shared token secret', () => {
      const config = platformConfig(manifests());
      expect(config.AUTH_MODE).toBe('jwks');
      expect(config.JWKS_URL).toMatch(/^https:\/\//);
      for (const service of SERVICES) {
        expect(appContainer(manifests(), service).env.map((e: { name: string }) => e.name)).not.toContain('JWT_SECRET');
        expect(serviceEnvironment(manifests(), service).AUTH_MODE).toBe('jwks');
      }
      expect(appContainer(manifests(), 'console').env.map((e: { name: string }) => e.name)).not.toContain('JWT_SECRET');
      expect(consoleEnvironment(manifests()).AUTH_MODE).toBe('jwks');
      expect(JSON.stringify(manifests())).not.toContain('JWT_SECRET');
    });

    it('keeps every secret out of git: no Secret is rendered, only documented ones are referenced', () => {
      expect(ofKind(manifests(), 'Secret')).toEqual([]);
      const referenced = new Set<string>();
      for (const service of WORKLOADS) {
        const deployment = named(manifests(), 'Deployment', service);
        for (const e of appContainer(manifests(), service).env) if (e.valueFrom?.secretKeyRef) referenced.add(e.valueFrom.secretKeyRef.name);
        for (const v of deployment.spec.template.spec.volumes) if (v.secret) referenced.add(v.secret.secretName);
      }
      for (const role of named(manifests(), 'Cluster', 'library-db').spec.managed.roles) referenced.add(role.passwordSecret.name);
      for (const user of ofKind(manifests(), 'User')) if (user.spec.importCredentialsSecret) referenced.add(user.spec.importCredentialsSecret.name);
      expect([...referenced].sort()).toEqual([...EXTERNAL_SECRETS].sort());
      const readme = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8');
      for (const secret of EXTERNAL_SECRETS) if (secret !== 'library-db-ca') expect(readme).toContain(secret);
    });

    it('runs a released image, not a moving tag', () => {
      const image = appContainer(manifests(), 'intake').image as string;
      expect(image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/._-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/);
      expect(image).not.toMatch(/:latest$|:local$/);
    });

    it.each(['library', 'console'])('serves the %s ingress over TLS only', (name) => {
      const ingress = named(manifests(), 'Ingress', name);
      expect(ingress.spec.tls[0].hosts).toEqual(ingress.spec.rules.map((r: { host: string }) => r.host));
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
    });

    it('signs people in to the console at the identity provider (OpenID Connect), never with the development screen', () => {
      const env = consoleEnvironment(manifests());
      expect(env.NODE_ENV).toBe('production');
      expect({ oidcSignIn: env.oidcSignIn, devSignIn: env.devSignIn, secureCookies: env.secureCookies }).toEqual({ oidcSignIn: true, devSignIn: false, secureCookies: true });
      expect(env.CONSOLE_DEV_SIGN_IN).not.toBe(true);
      // One identity provider: the one people sign in at issues the tokens the services accept.
      expect(env.OIDC_ISSUER_URL!.replace(/\/$/, '')).toBe(env.JWT_ISSUER!.replace(/\/$/, ''));
      // The callback browsers are sent back to is the console Ingress's own (TLS) host.
      const callback = new URL(env.OIDC_REDIRECT_URL!);
      const ingress = named(manifests(), 'Ingress', 'console');
      expect(callback.protocol).toBe('https:');
      expect(ingress.spec.tls.flatMap((t: { hosts: string[] }) => t.hosts)).toContain(callback.host);
      expect(route(manifests(), callback.pathname, 'console')).toEqual({ service: 'console', path: '/auth/callback' });
    });

    it('takes the console\'s provider settings from ConfigMap console-config and its secrets from Secret console-oidc', () => {
      const config = generated(manifests(), 'ConfigMap', 'console-config');
      expect(Object.keys(config?.data ?? {})).toEqual(expect.arrayContaining(['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_REDIRECT_URL', 'OIDC_SCOPES']));
      const container = appContainer(manifests(), 'console');
      expect(container.envFrom.map((s: { configMapRef: { name: string } }) => s.configMapRef.name)).toContain(config!.metadata.name);
      const fromSecret = Object.fromEntries(
        container.env.filter((e: { valueFrom?: unknown }) => e.valueFrom).map((e: { name: string; valueFrom: { secretKeyRef: unknown } }) => [e.name, e.valueFrom.secretKeyRef]),
      );
      expect(fromSecret).toEqual({
        // A public client (PKCE alone) has no client secret; the state secret the pod cannot start without.
        OIDC_CLIENT_SECRET: { name: 'console-oidc', key: 'OIDC_CLIENT_SECRET', optional: true },
        OIDC_STATE_SECRET: { name: 'console-oidc', key: 'OIDC_STATE_SECRET' },
      });
      // Accepted as a public client too: the optional client secret left out of the Secret.
      const withoutClientSecret = structuredClone(manifests());
      const consoleContainer = appContainer(withoutClientSecret, 'console');
      consoleContainer.env = consoleContainer.env.filter((e: { name: string }) => e.name !== 'OIDC_CLIENT_SECRET');
      expect(consoleEnvironment(withoutClientSecret).OIDC_CLIENT_SECRET).toBeUndefined();
    });
  });

  describe('dev', () => {
    const manifests = () => manifestsOf('dev');

    it('signs tokens with a secret from a Secret, so `npm run token` works against it', () => {
      expect(platformConfig(manifests()).AUTH_MODE).toBe('hs256');
      for (const service of SERVICES) {
        const variable = appContainer(manifests(), service).env.find((e: { name: string }) => e.name === 'JWT_SECRET');
        expect(variable.valueFrom.secretKeyRef.name).toMatch(/^library-auth-[a-z0-9]{10}$/);
        expect(serviceEnvironment(manifests(), service).JWT_SECRET.length).toBeGreaterThanOrEqual(16);
      }
    });

    it('signs people in to the console with the development screen, its tokens signed with the services\' secret', () => {
      const env = consoleEnvironment(manifests());
      expect({ devSignIn: env.devSignIn, oidcSignIn: env.oidcSignIn, AUTH_MODE: env.AUTH_MODE }).toEqual({ devSignIn: true, oidcSignIn: false, AUTH_MODE: 'hs256' });
      // The console mints the token the services then verify: the same secret, or every call is a 401.
      const variable = appContainer(manifests(), 'console').env.find((e: { name: string }) => e.name === 'JWT_SECRET');
      expect(variable.valueFrom.secretKeyRef.name).toMatch(/^library-auth-[a-z0-9]{10}$/);
      for (const service of SERVICES) expect(env.JWT_SECRET).toBe(serviceEnvironment(manifests(), service).JWT_SECRET);
      // The dev ingress is plain HTTP: a Secure cookie would never come back.
      expect(env.secureCookies).toBe(false);
      expect(named(manifests(), 'Ingress', 'console').spec.tls).toBeUndefined();
      expect(appContainer(manifests(), 'console').env.filter((e: { name: string }) => e.name.startsWith('OIDC_'))).toEqual([]);
    });

    it('renders every Secret and ConfigMap the workloads and operators name', () => {
      const names = new Set(ofKind(manifests(), 'Secret').map((s) => s.metadata.name));
      for (const role of named(manifests(), 'Cluster', 'library-db').spec.managed.roles) {
        expect(names).toContain(role.passwordSecret.name);
        expect(ofKind(manifests(), 'Secret').find((s) => s.metadata.name === role.passwordSecret.name)!.type).toBe('kubernetes.io/basic-auth');
      }
      for (const user of ofKind(manifests(), 'User')) if (user.spec.importCredentialsSecret) expect(names).toContain(user.spec.importCredentialsSecret.name);
      // effectiveEnvironment fails on a reference to a missing Secret, key or ConfigMap.
      for (const service of WORKLOADS) expect(() => effectiveEnvironment(manifests(), appContainer(manifests(), service))).not.toThrow();
    });

    it('fits a laptop: one replica, one RabbitMQ node, one PostgreSQL instance', () => {
      expect(named(manifests(), 'RabbitmqCluster', 'rabbitmq').spec.replicas).toBe(1);
      expect(named(manifests(), 'Cluster', 'library-db').spec.instances).toBe(1);
      for (const service of WORKLOADS) expect(named(manifests(), 'HorizontalPodAutoscaler', service).spec.minReplicas).toBe(1);
    });
  });

  describe('the validation itself', () => {
    const broken = (mutate: (m: Manifest) => void, kind: string): Manifest => {
      const manifest = structuredClone(manifestsOf('production').find((m) => m.kind === kind)!);
      mutate(manifest);
      return manifest;
    };

    it.each([
      ['a misspelt container field', 'Deployment', (m: Manifest) => (m.spec.template.spec.containers[0].readinesProbe = { httpGet: { path: '/', port: 80 } }), /readinesProbe/],
      ['a port given as text', 'Deployment', (m: Manifest) => (m.spec.template.spec.containers[0].ports[0].containerPort = 'http'), /containerPort/],
      ['a memory limit that is not a quantity', 'Deployment', (m: Manifest) => (m.spec.template.spec.containers[0].resources.limits.memory = '512MB'), /memory/],
      ['a selector that misses the pod labels', 'Deployment', (m: Manifest) => (m.spec.selector.matchLabels['app.kubernetes.io/name'] = 'other'), /selector/],
      ['an unknown Service field', 'Service', (m: Manifest) => (m.spec.ports[0].targetPrt = 'http'), /targetPrt/],
      ['an unknown Queue field', 'Queue', (m: Manifest) => (m.spec.durabel = true), /durabel/],
      ['a Queue without its cluster', 'Queue', (m: Manifest) => delete m.spec.rabbitmqClusterReference, /rabbitmqClusterReference/],
      ['a Permission naming the user twice', 'Permission', (m: Manifest) => (m.spec.user = 'intake'), /oneOf/],
      ['a Cluster without instances', 'Cluster', (m: Manifest) => delete m.spec.instances, /instances/],
      ['a misspelt role attribute', 'Cluster', (m: Manifest) => (m.spec.managed.roles[0].superUser = false), /superUser/],
      ['a broken affinity inside RabbitmqCluster', 'RabbitmqCluster', (m: Manifest) => (m.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey = 3), /topologyKey/],
      ['an invalid label value', 'HorizontalPodAutoscaler', (m: Manifest) => (m.metadata.labels = { team: 'technical services' }), /label/],
    ])('fails %s', (_, kind, mutate, expected) => {
      const reports = validateManifests([broken(mutate as (m: Manifest) => void, kind as string)]);
      expect(reports).toHaveLength(1);
      expect(reports[0].problems.join('\n')).toMatch(expected as RegExp);
    });

    /** The production overlay with the console's ConfigMap or container changed as an operator might get it wrong. */
    const productionConsole = (mutate: (config: Record<string, string>, container: Container) => void): Manifest[] => {
      const manifests = structuredClone(manifestsOf('production'));
      mutate(generated(manifests, 'ConfigMap', 'console-config')!.data!, appContainer(manifests, 'console'));
      return manifests;
    };
    const withoutEnv = (container: Container, name: string) => (container.env = container.env.filter((e: { name: string }) => e.name !== name));

    it('accepts the production console as rendered (the cases below differ from it in one thing)', () => {
      expect(() => consoleEnvironment(productionConsole(() => undefined))).not.toThrow();
    });

    it.each([
      ['no client id', (c: Record<string, string>) => delete c.OIDC_CLIENT_ID, /OIDC_CLIENT_ID is needed/],
      ['no redirect URL', (c: Record<string, string>) => delete c.OIDC_REDIRECT_URL, /OIDC_REDIRECT_URL must be/],
      ['a plain-HTTP redirect URL', (c: Record<string, string>) => (c.OIDC_REDIRECT_URL = c.OIDC_REDIRECT_URL.replace('https:', 'http:')), /OIDC_REDIRECT_URL must be an https URL in production/],
      ['a redirect URL that is not the callback', (c: Record<string, string>) => (c.OIDC_REDIRECT_URL = c.OIDC_REDIRECT_URL.replace('/auth/callback', '/')), /must end in \/auth\/callback/],
      ['a plain-HTTP issuer', (c: Record<string, string>) => (c.OIDC_ISSUER_URL = c.OIDC_ISSUER_URL.replace('https:', 'http:')), /OIDC_ISSUER_URL must be an https URL in production/],
      ['no issuer (the secrets then stray)', (c: Record<string, string>) => delete c.OIDC_ISSUER_URL, /OIDC_STATE_SECRET.* set but OIDC_ISSUER_URL is not/],
      ['scopes without openid', (c: Record<string, string>) => (c.OIDC_SCOPES = 'profile email'), /OIDC_SCOPES must include openid/],
      ['the development sign-in switched on', (c: Record<string, string>) => (c.CONSOLE_DEV_SIGN_IN = 'true'), /CONSOLE_DEV_SIGN_IN must not be true in production/],
      ['no state secret', (_: Record<string, string>, container: Container) => withoutEnv(container, 'OIDC_STATE_SECRET'), /OIDC_STATE_SECRET is needed/],
      ['an upstream URL that is not a URL', (_: Record<string, string>, container: Container) => (container.env.find((e: { name: string }) => e.name === 'INTAKE_URL').value = 'intake'), /INTAKE_URL must be an http\(s\) URL/],
    ])("fails the production console's configuration with %s", (_, mutate, expected) => {
      expect(() => consoleEnvironment(productionConsole(mutate as (config: Record<string, string>, container: Container) => void))).toThrow(expected as RegExp);
    });

    it('fails the production console with HS256 tokens: the provider\'s are verified over JWKS', () => {
      const manifests = structuredClone(manifestsOf('production'));
      generated(manifests, 'ConfigMap', 'platform-config')!.data!.AUTH_MODE = 'hs256';
      expect(() => consoleEnvironment(manifests)).toThrow(/OIDC_ISSUER_URL needs AUTH_MODE=jwks/);
    });

    it('fails a kind it has no schema for', () => {
      const reports = validateManifests([{ apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'w' } }]);
      expect(reports[0].problems.join('\n')).toMatch(/no schema for example\.org\/v1\/Widget/);
    });
  });
});
