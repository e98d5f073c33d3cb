import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { mintDevelopmentToken, Role } from '@app/auth';
import { bearer } from '../support/service-app';
import {
  ACCESS_POLICY, Column, COLUMNS, expectedOutcome, leastStaffRole, Outcome, partnerRole, renderAccessPolicy, RouteAccess,
} from './access/access-policy';
import { settledSnapshot, snapshotChanges } from './access/db-snapshot';
import {
  buildLibraryWorld, HOME_BRANCH, LibraryWorld, OTHER_BRANCH, OTHER_PLATFORM_PARTNER, OTHER_VENDOR_PARTNER, PLATFORM_PARTNER, VENDOR_PARTNER,
} from './access/library-world';
import { inPool } from './access/in-pool';
import { documentedRoutes, routeKey, SERVICES } from './access/openapi';
import { requestFor, RouteRequest } from './access/route-requests';
import { SystemHarness } from './support/system-harness';

jest.setTimeout(300_000);

const POLICY_DOCUMENT = join(__dirname, '../../docs/access-policy.md');

describe('the access policy document', () => {
  it('is the access table as the access-matrix test checks it, rendered', () => {
    const rendered = renderAccessPolicy();
    if (process.env.UPDATE_ACCESS_POLICY) writeFileSync(POLICY_DOCUMENT, rendered);
    expect(readFileSync(POLICY_DOCUMENT, 'utf8')).toBe(rendered);
  });

  it('lists each route once', () => {
    const keys = ACCESS_POLICY.map(routeKey);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });
});

interface Cell {
  route: RouteAccess;
  column: Column;
  expected: Outcome;
  request: RouteRequest;
}

/**
 * Issue 6, access matrix: every route of every service (as its OpenAPI documents it) × every role,
 * and no token, an expired token, a token signed with the wrong key, a token for another branch and
 * one for another partner. Each answer must match the table in `access/access-policy.ts`; refused
 * requests must change nothing.
 */
describe('access matrix (system)', () => {
  const system = new SystemHarness();
  let world: LibraryWorld;
  const tokens = new Map<string, string | undefined>();

  /** The Authorization header of a column's caller for a route. */
  const callerOf = (route: RouteAccess, column: Column): string | undefined => {
    switch (column) {
      case 'no token': return undefined;
      case 'expired token': return tokens.get('expired');
      case 'wrong key': return tokens.get('wrong key');
      case 'another branch': return tokens.get(`${leastStaffRole(route)}@${OTHER_BRANCH}`);
      case 'another partner': return tokens.get(`${partnerRole(route)}@other`);
      default: return tokens.get(column);
    }
  };

  beforeAll(async () => {
    await system.start([...SERVICES]);
    world = await buildLibraryWorld(system);
    for (const role of [Role.Technician, Role.SeniorTechnician, Role.Cataloger, Role.Librarian]) {
      tokens.set(role, await bearer(role, [HOME_BRANCH], { sub: `matrix-${role}` }));
      tokens.set(`${role}@${OTHER_BRANCH}`, await bearer(role, [OTHER_BRANCH], { sub: `matrix-${role}-nor` }));
    }
    tokens.set(Role.Admin, await bearer(Role.Admin, ['*'], { sub: 'matrix-admin' }));
    tokens.set(`${Role.Admin}@${OTHER_BRANCH}`, await bearer(Role.Admin, [OTHER_BRANCH], { sub: 'matrix-admin-nor' }));
    tokens.set(Role.BinderyVendor, await bearer(Role.BinderyVendor, [], { partnerId: VENDOR_PARTNER }));
    tokens.set(Role.SalesPlatform, await bearer(Role.SalesPlatform, [], { partnerId: PLATFORM_PARTNER }));
    tokens.set(`${Role.BinderyVendor}@other`, await bearer(Role.BinderyVendor, [], { partnerId: OTHER_VENDOR_PARTNER }));
    tokens.set(`${Role.SalesPlatform}@other`, await bearer(Role.SalesPlatform, [], { partnerId: OTHER_PLATFORM_PARTNER }));
    const admin = { sub: 'matrix-admin', roles: [Role.Admin], branches: ['*'] };
    tokens.set('expired', `Bearer ${await mintDevelopmentToken(admin, undefined, -60)}`);
    tokens.set('wrong key', `Bearer ${await mintDevelopmentToken(admin, 'a-secret-no-service-knows-0123456789')}`);
  }, 180_000);

  afterAll(() => system.stop(), 60_000);

  const call = (route: RouteAccess, request: RouteRequest, authorization: string | undefined): Promise<Response> => {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    let req = system.http(route.service)[method](request.path);
    if (authorization) req = req.set('Authorization', authorization);
    return request.body ? req.send(request.body) : req;
  };

  /** Why an answer does not match its cell, or null when it does. */
  const mismatch = (cell: Cell, res: Response): string | null => {
    const { expected, route } = cell;
    const message = (res.body as { message?: unknown })?.message;
    if (res.status >= 500) return `a ${res.status}: ${res.text.slice(0, 200)}`;
    switch (expected) {
      case 'allowed':
        if ([401, 403, 404].includes(res.status)) return `${res.status} ${JSON.stringify(message)}`;
        if (route.method === 'GET' && res.status !== 200) return `${res.status} ${JSON.stringify(message)}`;
        return null;
      case 'sees nothing': {
        if (res.status !== 200) return `${res.status} ${JSON.stringify(message)}`;
        const seen = world.secrets().filter((secret) => res.text.includes(secret));
        return seen.length ? `the answer shows ${seen.join(', ')}` : null;
      }
      case 'each item 404': {
        const results = (res.body as { results?: Array<{ ok: boolean; status?: number; error?: string }> }).results;
        if (res.status !== 200 || !results?.length) return `${res.status} ${res.text.slice(0, 200)}`;
        return results.every((r) => !r.ok && /not found/.test(r.error ?? '')) ? null : `items answered ${JSON.stringify(results)}`;
      }
      default:
        if (res.status !== expected) return `${res.status} ${JSON.stringify(message ?? res.text.slice(0, 200))}`;
        if (!message) return `${res.status} without a JSON message`;
        if (expected === 401 && !res.headers['www-authenticate']) return '401 without a WWW-Authenticate challenge';
        // The message says why: the role or branch it takes, or what was not found.
        if (expected === 403 && !/role|branch|partner|staff/.test(String(message))) return `403 not saying why: ${JSON.stringify(message)}`;
        if (expected === 404 && !/not found|no /.test(String(message))) return `404 not saying what: ${JSON.stringify(message)}`;
        return null;
    }
  };

  const cellsOf = (routes: readonly RouteAccess[]): Cell[] =>
    routes.flatMap((route) => {
      const request = requestFor(routeKey(route), route.path, world)!;
      return COLUMNS.map((column) => ({ route, column, expected: expectedOutcome(route, column), request }));
    });

  it('has a row, and a way to call it, for every route the services document, and no row for a route they do not', async () => {
    const documented = (await documentedRoutes(system)).map(routeKey).sort();
    const tabled = ACCESS_POLICY.filter((r) => !r.undocumented).map(routeKey).sort();
    expect(documented.filter((key) => !tabled.includes(key))).toEqual([]);
    expect(tabled.filter((key) => !documented.includes(key))).toEqual([]);
    expect(ACCESS_POLICY.filter((r) => !requestFor(routeKey(r), r.path, world)).map(routeKey)).toEqual([]);
  });

  it('answers every route × caller as the table says: refusals first (changing nothing), then the admitted calls', async () => {
    const cells = cellsOf(ACCESS_POLICY.filter((route) => requestFor(routeKey(route), route.path, world)));
    const failures: string[] = [];
    const check = async (cell: Cell) => {
      const res = await call(cell.route, cell.request, callerOf(cell.route, cell.column));
      const problem = mismatch(cell, res);
      if (problem) failures.push(`${routeKey(cell.route)} as ${cell.column}: expected ${cell.expected}, got ${problem}`);
    };

    // Refusals, and the lists and carts of another branch or partner, must leave every database as it was.
    const refused = cells.filter((cell) => cell.expected !== 'allowed');
    const before = await settledSnapshot(system);
    await inPool(refused, 6, check);
    const after = await settledSnapshot(system);
    expect(snapshotChanges(before, after)).toEqual([]);

    // Admitted calls may change things (a new lot, the rules replaced): one route at a time, in table order.
    for (const cell of cells.filter((c) => c.expected === 'allowed')) {
      const { restore } = cell.request;
      if (restore) await system.http(cell.route.service).put(restore.path).set('Authorization', tokens.get(Role.Admin)!).send(restore.body).expect((res) => expect(res.status).toBeLessThan(300));
      await check(cell);
    }

    const roles = new Set(cells.map((c) => c.column)).size;
    console.log(`access matrix: ${ACCESS_POLICY.length} routes × ${roles} callers = ${cells.length} answers checked (${refused.length} refusals or empty views, ${cells.length - refused.length} admitted); ${failures.length} not as the table says`);
    expect(failures).toEqual([]);
  });

  it('shows a user of another branch nothing of ours in lists that default to the caller’s branches', async () => {
    const branchRequired = new Set((await documentedRoutes(system)).filter((r) => r.requiredQuery.includes('branch')).map(routeKey));
    const lists = ACCESS_POLICY.filter((route) =>
      route.method === 'GET' && !branchRequired.has(routeKey(route)) && requestFor(routeKey(route), route.path, world)?.path.includes(`branch=${HOME_BRANCH}`));
    expect(lists.length).toBeGreaterThan(10);
    const problems: string[] = [];
    await inPool([...lists], 4, async (route) => {
      const request = requestFor(routeKey(route), route.path, world)!;
      // No branch named: the list defaults to the caller's own branches (here: NOR only).
      const path = request.path.replace(new RegExp(`([?&])branch=${HOME_BRANCH}&?`), '$1').replace(/[?&]$/, '');
      const cell: Cell = { route, column: 'another branch', expected: 'sees nothing', request: { path } };
      const problem = mismatch(cell, await call(route, { path }, callerOf(route, 'another branch')));
      if (problem) problems.push(`${routeKey(route)} (${path}): ${problem}`);
    });
    expect(problems).toEqual([]);
  });
});
