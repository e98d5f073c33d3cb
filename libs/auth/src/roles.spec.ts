import { impliedRoles, PARTNER_ROLES, Role, ROLES, rolesSatisfying, roleSatisfies, STAFF_ROLES } from './roles';

// What each held role may stand in for, written out by hand from SPEC §6 so the test does not
// restate the implementation's closure.
const MAY_ACT_AS: Record<Role, Role[]> = {
  technician: ['technician'],
  'senior-technician': ['senior-technician', 'technician'],
  librarian: ['librarian', 'senior-technician', 'technician'],
  cataloger: ['cataloger'],
  admin: ['admin', 'librarian', 'senior-technician', 'technician', 'cataloger'],
  'bindery-vendor': ['bindery-vendor'],
  'sales-platform': ['sales-platform'],
};

const pairs = ROLES.flatMap((held) => ROLES.map((required) => [held, required] as const));

describe('role hierarchy', () => {
  it('lists all seven roles of the specification', () => {
    expect([...ROLES].sort()).toEqual(
      ['admin', 'bindery-vendor', 'cataloger', 'librarian', 'sales-platform', 'senior-technician', 'technician'],
    );
    expect(Role.SeniorTechnician).toBe('senior-technician');
  });

  it('splits roles into staff and partners with nothing left over', () => {
    expect([...STAFF_ROLES, ...PARTNER_ROLES].sort()).toEqual([...ROLES].sort());
    expect(PARTNER_ROLES).toEqual(['bindery-vendor', 'sales-platform']);
  });

  it.each(pairs)('decides whether %s may do what %s may', (held, required) => {
    expect(roleSatisfies(held, required)).toBe(MAY_ACT_AS[held].includes(required));
  });

  it('gives every role its own permissions', () => {
    for (const role of ROLES) expect(impliedRoles(role).has(role)).toBe(true);
  });

  it('admits senior technicians, librarians and admins to technician routes', () => {
    expect(rolesSatisfying('technician').sort()).toEqual(['admin', 'librarian', 'senior-technician', 'technician']);
  });

  it('admits only librarians and admins to senior work above them, not catalogers', () => {
    expect(rolesSatisfying('librarian').sort()).toEqual(['admin', 'librarian']);
    expect(rolesSatisfying('cataloger').sort()).toEqual(['admin', 'cataloger']);
  });

  it('keeps partner roles apart: no staff role, not even admin, stands in for a partner', () => {
    expect(rolesSatisfying('bindery-vendor')).toEqual(['bindery-vendor']);
    expect(rolesSatisfying('sales-platform')).toEqual(['sales-platform']);
  });
});
