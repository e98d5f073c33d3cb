import { Role } from '@app/auth';
import { ServiceName } from '../support/system-harness';

/**
 * The access policy (SPEC §6) as data: who may call which route of which service. The access-matrix
 * system test checks every cell against the running services, and `docs/access-policy.md` is this
 * table rendered (`renderAccessPolicy`), so the documented policy is the tested one.
 */

/** What a caller gets: admitted, or refused with a status. */
export type Outcome =
  /** Admitted: a 2xx, or a 4xx about the input or the state (the table is about access, not behaviour). */
  | 'allowed'
  /** Admitted to a list, which shows nothing of another branch's or partner's. */
  | 'sees nothing'
  /** Admitted to a cart, which answers every item of another branch as not found. */
  | 'each item 404'
  | 401
  | 403
  | 404;

export const ROLE_COLUMNS = [
  Role.Technician,
  Role.SeniorTechnician,
  Role.Cataloger,
  Role.Librarian,
  Role.Admin,
  Role.BinderyVendor,
  Role.SalesPlatform,
] as const;

export const TOKEN_COLUMNS = ['no token', 'expired token', 'wrong key', 'another branch', 'another partner'] as const;
export type Column = (typeof ROLE_COLUMNS)[number] | (typeof TOKEN_COLUMNS)[number];
export const COLUMNS: readonly Column[] = [...ROLE_COLUMNS, ...TOKEN_COLUMNS];

/** How each column's caller is made; `HOME` is the branch (and partners) every resource belongs to. */
export const COLUMN_LEGEND: Record<Column, string> = {
  technician: 'a technician of the resource’s branch',
  'senior-technician': 'a senior technician of the resource’s branch',
  cataloger: 'a cataloger of the resource’s branch',
  librarian: 'a librarian of the resource’s branch',
  admin: 'an admin (every branch)',
  'bindery-vendor': 'the bindery vendor the lot was sent to',
  'sales-platform': 'the sales platform the listing was made for',
  'no token': 'no `Authorization` header',
  'expired token': 'a well-signed token whose `exp` has passed',
  'wrong key': 'a token signed with another key',
  'another branch': 'the least role the route admits, for another branch only (for partner routes: a technician of another branch)',
  'another partner': 'the partner role the route admits, with another partner id (for staff routes: another bindery vendor)',
};

export interface RouteAccess {
  service: ServiceName;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** As the service's OpenAPI names it: `/items/{barcode}`. */
  path: string;
  /** The roles admitted, the hierarchy spelled out; `public` for routes that take no token at all. */
  roles: readonly Role[] | 'public';
  anotherBranch: Outcome;
  anotherPartner: Outcome;
  /** Not in the OpenAPI document (metrics, the document itself), yet part of the policy. */
  undocumented?: true;
}

const STAFF: readonly Role[] = [Role.Technician, Role.SeniorTechnician, Role.Cataloger, Role.Librarian, Role.Admin];
const TECHNICIANS: readonly Role[] = [Role.Technician, Role.SeniorTechnician, Role.Librarian, Role.Admin];
const CATALOGERS: readonly Role[] = [Role.Cataloger, Role.Admin];
const LIBRARIANS: readonly Role[] = [Role.Librarian, Role.Admin];
const ADMINS: readonly Role[] = [Role.Admin];

type Method = RouteAccess['method'];
/** A staff route. `anotherBranch`: 403 when the request names the branch, 404 when it addresses a resource of it. */
const staff = (service: ServiceName, method: Method, path: string, roles: readonly Role[], anotherBranch: Outcome): RouteAccess =>
  ({ service, method, path, roles, anotherBranch, anotherPartner: 403 });
/** A partner route: another partner's resources are not found (404), its lists show nothing of ours. */
const partner = (service: ServiceName, method: Method, path: string, role: Role, anotherPartner: Outcome): RouteAccess =>
  ({ service, method, path, roles: [role], anotherBranch: 403, anotherPartner });
const open = (service: ServiceName, path: string, undocumented?: true): RouteAccess =>
  ({ service, method: 'GET', path, roles: 'public', anotherBranch: 'allowed', anotherPartner: 'allowed', ...(undocumented ? { undocumented } : {}) });
/** Health, metrics and the API documents answer anonymously (SPEC §6). */
const anonymous = (service: ServiceName): RouteAccess[] => [
  open(service, '/health/live'),
  open(service, '/health/ready'),
  open(service, '/metrics', true),
  open(service, '/docs/json', true),
];

export const ACCESS_POLICY: readonly RouteAccess[] = [
  ...anonymous('intake'),
  staff('intake', 'POST', '/shipments', TECHNICIANS, 403),
  staff('intake', 'GET', '/shipments', STAFF, 403),
  staff('intake', 'GET', '/shipments/{id}', STAFF, 404),
  staff('intake', 'GET', '/processing-profiles', STAFF, 403),
  staff('intake', 'PUT', '/processing-profiles/{branch}/{materialType}', LIBRARIANS, 403),
  staff('intake', 'POST', '/items/{barcode}/steps', TECHNICIANS, 404),
  staff('intake', 'POST', '/steps', TECHNICIANS, 'each item 404'),
  staff('intake', 'GET', '/items', STAFF, 403),
  staff('intake', 'GET', '/items/{barcode}', STAFF, 404),

  ...anonymous('cataloging'),
  // Bibliographic records belong to no branch; their item counts and items are the caller's branches' only.
  staff('cataloging', 'GET', '/records', STAFF, 'sees nothing'),
  staff('cataloging', 'GET', '/records/{id}', STAFF, 'sees nothing'),
  staff('cataloging', 'GET', '/items', STAFF, 403),
  staff('cataloging', 'GET', '/items/{barcode}', STAFF, 404),
  staff('cataloging', 'GET', '/items/{barcode}/history', STAFF, 404),
  staff('cataloging', 'GET', '/call-number-queue', STAFF, 403),
  staff('cataloging', 'PUT', '/items/{barcode}/call-number', CATALOGERS, 404),
  staff('cataloging', 'GET', '/shelving-list', STAFF, 403),
  staff('cataloging', 'POST', '/items/shelve', TECHNICIANS, 'each item 404'),
  staff('cataloging', 'POST', '/items/{barcode}/shelve', TECHNICIANS, 404),
  staff('cataloging', 'PUT', '/items/{barcode}/conditions', TECHNICIANS, 404),

  ...anonymous('conservation'),
  staff('conservation', 'POST', '/pull-requests', TECHNICIANS, 404),
  staff('conservation', 'GET', '/pull-list', STAFF, 403),
  staff('conservation', 'GET', '/pull-requests/{id}', STAFF, 404),
  staff('conservation', 'POST', '/pull-requests/{id}/pulled', TECHNICIANS, 404),
  staff('conservation', 'POST', '/pull-requests/{id}/not-found', TECHNICIANS, 404),
  staff('conservation', 'POST', '/pull-requests/{id}/cancel', TECHNICIANS, 404),
  staff('conservation', 'GET', '/repairs', STAFF, 403),
  staff('conservation', 'GET', '/repairs/{id}', STAFF, 404),
  staff('conservation', 'POST', '/repairs/{id}/complete', TECHNICIANS, 404),
  staff('conservation', 'POST', '/vendors', ADMINS, 'allowed'),
  staff('conservation', 'GET', '/vendors', ADMINS, 'allowed'),
  staff('conservation', 'PUT', '/partners/{partnerId}/webhook', ADMINS, 'allowed'),
  staff('conservation', 'GET', '/partners/{partnerId}/webhook', ADMINS, 'allowed'),
  staff('conservation', 'GET', '/partners/{partnerId}/deliveries', ADMINS, 'allowed'),
  staff('conservation', 'DELETE', '/partners/{partnerId}/webhook', ADMINS, 'allowed'),
  staff('conservation', 'POST', '/bindery/shipments', TECHNICIANS, 403),
  staff('conservation', 'GET', '/bindery/shipments', STAFF, 403),
  staff('conservation', 'GET', '/bindery/shipments/{id}', STAFF, 404),
  staff('conservation', 'POST', '/bindery/shipments/{id}/items', TECHNICIANS, 404),
  staff('conservation', 'GET', '/bindery/shipments/{id}/slips.pdf', STAFF, 404),
  staff('conservation', 'POST', '/bindery/shipments/{id}/dispatch', TECHNICIANS, 404),
  staff('conservation', 'POST', '/bindery/shipments/{id}/returns', TECHNICIANS, 404),
  partner('conservation', 'GET', '/vendor/shipments', Role.BinderyVendor, 'sees nothing'),
  partner('conservation', 'GET', '/vendor/shipments/{id}', Role.BinderyVendor, 404),
  partner('conservation', 'POST', '/vendor/shipments/{id}/acknowledge', Role.BinderyVendor, 404),

  ...anonymous('disposal'),
  staff('disposal', 'PUT', '/weeding-rules/{branch}', LIBRARIANS, 403),
  staff('disposal', 'GET', '/weeding-rules/{branch}', STAFF, 403),
  staff('disposal', 'POST', '/weeding-runs', LIBRARIANS, 403),
  staff('disposal', 'GET', '/weeding-runs', STAFF, 403),
  staff('disposal', 'GET', '/weeding-runs/{id}', STAFF, 404),
  staff('disposal', 'POST', '/weeding-candidates/{id}/approve', LIBRARIANS, 404),
  staff('disposal', 'POST', '/weeding-candidates/{id}/keep', LIBRARIANS, 404),
  staff('disposal', 'POST', '/weeding-candidates/{id}/pulled', TECHNICIANS, 404),
  staff('disposal', 'POST', '/weeding-candidates/{id}/not-found', TECHNICIANS, 404),
  staff('disposal', 'GET', '/pull-list', STAFF, 403),
  staff('disposal', 'POST', '/withdrawals', LIBRARIANS, 404),
  staff('disposal', 'GET', '/withdrawals', STAFF, 403),
  staff('disposal', 'GET', '/withdrawals/{id}', STAFF, 404),
  staff('disposal', 'POST', '/withdrawals/{id}/dispose', TECHNICIANS, 404),
  staff('disposal', 'POST', '/listings', TECHNICIANS, 404),
  staff('disposal', 'GET', '/listings', STAFF, 403),
  staff('disposal', 'GET', '/listings/{id}', STAFF, 404),
  staff('disposal', 'POST', '/listings/{id}/withdraw-listing', TECHNICIANS, 404),
  staff('disposal', 'POST', '/listings/{id}/dispose', TECHNICIANS, 404),
  partner('disposal', 'GET', '/platform/listings', Role.SalesPlatform, 'sees nothing'),
  partner('disposal', 'GET', '/platform/listings/{id}', Role.SalesPlatform, 404),
  partner('disposal', 'POST', '/platform/listings/{id}/sale', Role.SalesPlatform, 404),
  staff('disposal', 'PUT', '/price-table/{branch}', LIBRARIANS, 403),
  staff('disposal', 'GET', '/price-table/{branch}', STAFF, 403),
  staff('disposal', 'GET', '/reports/revenue', LIBRARIANS, 403),
  staff('disposal', 'PUT', '/partners/{partnerId}/webhook', ADMINS, 'allowed'),
  staff('disposal', 'GET', '/partners/{partnerId}/webhook', ADMINS, 'allowed'),
  staff('disposal', 'GET', '/partners/{partnerId}/deliveries', ADMINS, 'allowed'),
  staff('disposal', 'DELETE', '/partners/{partnerId}/webhook', ADMINS, 'allowed'),
];

/** The expected outcome of one cell. */
export function expectedOutcome(route: RouteAccess, column: Column): Outcome {
  if (route.roles === 'public') return 'allowed';
  switch (column) {
    case 'no token':
    case 'expired token':
    case 'wrong key':
      return 401;
    case 'another branch':
      return route.anotherBranch;
    case 'another partner':
      return route.anotherPartner;
    default:
      return route.roles.includes(column) ? 'allowed' : 403;
  }
}

/** The caller of the `another branch` column: the least role the route admits (staff routes), else a technician. */
export function leastStaffRole(route: RouteAccess): Role {
  const roles = route.roles === 'public' ? [] : route.roles.filter((role) => STAFF.includes(role));
  return roles[0] ?? Role.Technician;
}

/** The caller of the `another partner` column: the partner role the route admits, else a bindery vendor. */
export function partnerRole(route: RouteAccess): Role {
  return route.roles !== 'public' && route.roles.includes(Role.SalesPlatform) ? Role.SalesPlatform : Role.BinderyVendor;
}

const SERVICE_ORDER: readonly ServiceName[] = ['intake', 'cataloging', 'conservation', 'disposal'];
const cellText = (outcome: Outcome): string => (typeof outcome === 'number' ? String(outcome) : outcome);

/** The policy as the markdown committed in `docs/access-policy.md`. */
export function renderAccessPolicy(): string {
  const lines = [
    '# Access policy',
    '',
    '<!-- Generated from test/system/access/access-policy.ts; do not edit by hand. Regenerate with',
    '     UPDATE_ACCESS_POLICY=1 npx jest test/system/access-matrix --selectProjects system -t "access policy document" -->',
    '',
    'Who may call which route of each service (SPEC §6). Every cell is checked against the running',
    'services by the access-matrix system test (`test/system/access-matrix.sys-spec.ts`), which also',
    'fails when a service documents a route this table does not list.',
    '',
    'Staff act only in their branches: a request that names another branch (`?branch=`, a branch in',
    'the path or body) is refused with 403; a resource of another branch addressed by its id or',
    'barcode is not found (404), exactly like one that does not exist; lists show nothing of it.',
    'Partners see only their own lots and listings: another partner’s are not found (404). Roles',
    'inherit: technician < senior-technician < librarian < admin; cataloger stands apart; admin acts',
    'in every branch. Partner roles reach partner routes only, and staff roles never reach them.',
    '',
    '| outcome | meaning |',
    '|---|---|',
    '| allowed | admitted: a 2xx, or a 4xx about the input or the state (the table is about access, not behaviour) |',
    '| sees nothing | admitted, and the answer shows nothing of the other branch or partner |',
    '| each item 404 | a cart: admitted, and every item of the other branch is answered as not found |',
    '| 401 | no valid token: missing, expired or signed with another key |',
    '| 403 | the caller’s role (or branch) may not do this |',
    '| 404 | the resource belongs to another branch or partner, so it is not found |',
    '',
    '| column | caller |',
    '|---|---|',
    ...COLUMNS.map((column) => `| ${column} | ${COLUMN_LEGEND[column]} |`),
  ];
  for (const service of SERVICE_ORDER) {
    lines.push('', `## ${service}`, '', `| route | ${COLUMNS.join(' | ')} |`, `|---|${COLUMNS.map(() => '---').join('|')}|`);
    for (const route of ACCESS_POLICY.filter((r) => r.service === service)) {
      lines.push(`| \`${route.method} ${route.path}\` | ${COLUMNS.map((column) => cellText(expectedOutcome(route, column))).join(' | ')} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
