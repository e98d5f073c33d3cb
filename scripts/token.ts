/**
 * Mints a development token: `npm run token -- --role technician --branch CEN`.
 * Human-readable lines go to stderr; the last line of stdout is the token alone, so
 * `TOKEN=$(npm run -s token -- --role technician --branch CEN | tail -n 1)` works.
 */
import { parseArgs } from 'node:util';
import { DEV_JWT_SECRET, isPartnerRole, isRole, mintDevelopmentToken, Role, ROLES } from '@app/auth';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      branch: { type: 'string', multiple: true },
      partner: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
      sub: { type: 'string' },
      name: { type: 'string' },
    },
  });
  const split = (list: string[] | undefined) => (list ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const roles = split(values.role);
  if (roles.length === 0) fail(`give at least one --role (${ROLES.join(', ')})`);
  const unknown = roles.filter((r) => !isRole(r));
  if (unknown.length) fail(`unknown role ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
  if (!/^\d+[smhd]$/.test(values.ttl!)) fail('--ttl must be a whole number with s, m, h or d, e.g. 8h');

  const partnerRoles = roles.filter((role) => isPartnerRole(role as Role));
  let branches = split(values.branch);
  if (partnerRoles.length) {
    if (partnerRoles.length !== roles.length) fail('a token cannot mix partner and staff roles');
    if (!values.partner) fail('partner roles need --partner ID');
    if (branches.length) fail('partners have no branches: leave out --branch');
  } else {
    if (values.partner) fail('--partner is only for the bindery-vendor and sales-platform roles');
    if (branches.length === 0) {
      if (roles.includes('admin')) branches = ['*'];
      else fail("staff roles need --branch CODE (repeat it, or use --branch '*' for all branches)");
    }
  }

  const sub = values.sub ?? values.partner ?? `dev-${roles[0]}`;
  const token = await mintDevelopmentToken(
    {
      sub,
      roles,
      ...(partnerRoles.length ? { partnerId: values.partner } : { branches }),
      ...(values.name ? { name: values.name } : {}),
    },
    process.env.JWT_SECRET || DEV_JWT_SECRET,
    values.ttl,
  );
  const scope = partnerRoles.length ? `partner ${values.partner}` : `branches ${branches.join(', ')}`;
  process.stderr.write(`development token for ${sub}: roles ${roles.join(', ')}; ${scope}; valid ${values.ttl}\n`);
  process.stdout.write(`${token}\n`);
}

void main();
