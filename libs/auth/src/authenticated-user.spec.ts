import { ForbiddenException } from '@nestjs/common';
import { AuthenticatedUser, InvalidClaimsError } from './authenticated-user';

describe('AuthenticatedUser', () => {
  const technician = new AuthenticatedUser({ id: 'tina', roles: ['technician'], branches: ['CEN', 'NOR'] });

  it('acts only for the branches its token lists', () => {
    expect(technician.canActForBranch('CEN')).toBe(true);
    expect(technician.canActForBranch('SOU')).toBe(false);
    expect(technician.allBranches).toBe(false);
    expect(technician.branchFilter()).toEqual(['CEN', 'NOR']);
  });

  it('refuses another branch with a 403 that names the branch', () => {
    expect(() => technician.assertBranch('CEN')).not.toThrow();
    expect(() => technician.assertBranch('SOU')).toThrow(ForbiddenException);
    expect(() => technician.assertBranch('SOU')).toThrow('you may not act for branch SOU');
  });

  it('acts for every branch with the * wildcard and then filters nothing', () => {
    const central = new AuthenticatedUser({ id: 'cara', roles: ['librarian'], branches: ['*'] });
    expect(central.allBranches).toBe(true);
    expect(central.canActForBranch('ANY')).toBe(true);
    expect(central.branchFilter()).toBeNull();
  });

  it('treats an admin as acting for every branch whatever its token lists', () => {
    const admin = new AuthenticatedUser({ id: 'ada', roles: ['admin'], branches: ['CEN'] });
    expect(admin.allBranches).toBe(true);
    expect(admin.branches).toEqual(['*']);
    expect(admin.canActForBranch('NOR')).toBe(true);
    expect(admin.branchFilter()).toBeNull();
  });

  it('answers role questions through the hierarchy', () => {
    const librarian = new AuthenticatedUser({ id: 'lib', roles: ['librarian'], branches: ['CEN'] });
    expect(librarian.hasRole('technician')).toBe(true);
    expect(librarian.hasRole('senior-technician')).toBe(true);
    expect(librarian.hasRole('cataloger')).toBe(false);
    expect(librarian.hasRole('admin')).toBe(false);
    expect(technician.hasRole('senior-technician')).toBe(false);
  });

  it('gives a partner no branch at all, so a forgotten partner check matches nothing', () => {
    const vendor = new AuthenticatedUser({ id: 'acme', roles: ['bindery-vendor'], partnerId: 'acme' });
    expect(vendor.isPartner).toBe(true);
    expect(vendor.isStaff).toBe(false);
    expect(vendor.partnerId).toBe('acme');
    expect(vendor.canActForBranch('CEN')).toBe(false);
    expect(vendor.branchFilter()).toEqual([]);
    expect(() => vendor.assertBranch('CEN')).toThrow('you may not act for branch CEN');
  });

  describe('built from token claims', () => {
    it('reads sub, roles, branches and name', () => {
      const user = AuthenticatedUser.fromClaims({ sub: 'u1', roles: ['cataloger'], branches: ['CEN'], name: 'Una' });
      expect(user).toMatchObject({ id: 'u1', roles: ['cataloger'], branches: ['CEN'], name: 'Una', isStaff: true });
    });

    it('ignores roles that belong to other applications', () => {
      const user = AuthenticatedUser.fromClaims({ sub: 'u1', roles: ['wiki-editor', 'technician'], branches: ['CEN'] });
      expect(user.roles).toEqual(['technician']);
    });

    it.each([
      ['no subject', { roles: ['technician'], branches: ['CEN'] }, /subject/],
      ['roles that are not a list', { sub: 'u', roles: 'technician' }, /roles claim/],
      ['no role of this system', { sub: 'u', roles: ['wiki-editor'] }, /no role/],
      ['branches that are not a list', { sub: 'u', roles: ['technician'], branches: 'CEN' }, /branches claim/],
      ['a partner role without a partner id', { sub: 'u', roles: ['bindery-vendor'] }, /partnerId/],
      ['a partner role with branches', { sub: 'u', roles: ['sales-platform'], partnerId: 'p', branches: ['CEN'] }, /no branches/],
      ['staff and partner roles together', { sub: 'u', roles: ['admin', 'bindery-vendor'], partnerId: 'p' }, /both staff and partner/],
      ['a partner id on a staff token', { sub: 'u', roles: ['technician'], branches: ['CEN'], partnerId: 'p' }, /only for partner/],
    ])('rejects claims with %s', (_case, claims, message) => {
      expect(() => AuthenticatedUser.fromClaims(claims)).toThrow(InvalidClaimsError);
      expect(() => AuthenticatedUser.fromClaims(claims)).toThrow(message);
    });
  });
});
