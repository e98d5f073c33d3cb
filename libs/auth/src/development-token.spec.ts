import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { DEV_JWT_SECRET } from './auth-options';
import { mintDevelopmentToken } from './development-token';
import { TokenVerifier } from './token-verifier';

const ROOT = join(__dirname, '..', '..', '..');

describe('mintDevelopmentToken', () => {
  it('mints a token that a service using the development default secret accepts', async () => {
    const token = await mintDevelopmentToken({ sub: 'tess', roles: ['technician'], branches: ['CEN'] });
    const user = await new TokenVerifier({ mode: 'hs256', secret: DEV_JWT_SECRET }).verify(token);
    expect(user).toMatchObject({ id: 'tess', roles: ['technician'], branches: ['CEN'] });
  });

  it('expires after eight hours unless told otherwise', async () => {
    const { iat, exp } = decodeJwt(await mintDevelopmentToken({ sub: 'tess', roles: ['technician'], branches: ['CEN'] }));
    expect(exp! - iat!).toBe(8 * 3600);
  });

  it('takes the lifetime in seconds as well as a duration', async () => {
    const { iat, exp } = decodeJwt(await mintDevelopmentToken({ sub: 't', roles: ['technician'] }, 'k', 90));
    expect(exp! - iat!).toBe(90);
  });

  it('sets issuer and audience for services that check them', async () => {
    const token = await mintDevelopmentToken({ sub: 't', roles: ['admin'] }, 's', '1h', { issuer: 'dev', audience: 'lts' });
    await expect(new TokenVerifier({ mode: 'hs256', secret: 's', issuer: 'dev', audience: 'lts' }).verify(token)).resolves.toBeDefined();
  });
});

describe('the npm run token command', () => {
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'scripts/token.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, JWT_SECRET: '' },
    });

  it('prints a development token for a role and branch as the last line of stdout', async () => {
    const { stdout, stderr } = await run('--role', 'technician,cataloger', '--branch', 'CEN', '--branch', 'NOR', '--sub', 'ana');
    const token = stdout.trim().split('\n').pop()!;
    expect(stderr).toMatch(/token for ana/);
    const user = await new TokenVerifier({ mode: 'hs256', secret: DEV_JWT_SECRET }).verify(token);
    expect(user).toMatchObject({ id: 'ana', roles: ['technician', 'cataloger'], branches: ['CEN', 'NOR'] });
  }, 20_000);

  it('mints a partner token with the partner id and no branches', async () => {
    const { stdout } = await run('--role', 'bindery-vendor', '--partner', 'acme-bindery');
    const claims = decodeJwt(stdout.trim().split('\n').pop()!);
    expect(claims).toMatchObject({ sub: 'acme-bindery', roles: ['bindery-vendor'], partnerId: 'acme-bindery' });
    expect(claims.branches).toBeUndefined();
  }, 20_000);

  it('refuses a staff role without a branch and says how to give one', async () => {
    await expect(run('--role', 'technician')).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--branch/) });
  }, 20_000);
});
