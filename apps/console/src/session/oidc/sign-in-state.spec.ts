import { openSessionGrant, openSignInState, sealSessionGrant, sealSignInState, SignInStateError } from './sign-in-state';

const SECRET = 'x'.repeat(32);
const STATE = { state: 'state-1', nonce: 'nonce-1', verifier: 'verifier-1', next: '/queues' };

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SignInStateError) return error.reason;
    throw error;
  }
  return 'opened';
}

describe('the sealed sign-in state', () => {
  it('opens to what was sealed, within ten minutes', async () => {
    const sealed = await sealSignInState(STATE, SECRET);
    await expect(openSignInState(sealed, SECRET, new Date(Date.now() + 9 * 60_000))).resolves.toEqual(STATE);
  });

  it('hides the verifier and the state from whoever holds the cookie', async () => {
    const sealed = await sealSignInState(STATE, SECRET);
    const readable = sealed.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1')).join(' ');
    expect(readable).not.toContain('verifier-1');
    expect(readable).not.toContain('state-1');
  });

  it('is expired after ten minutes', async () => {
    const sealed = await sealSignInState(STATE, SECRET, new Date(Date.now() - 11 * 60_000));
    expect(await failure(openSignInState(sealed, SECRET))).toBe('expired');
  });

  it('refuses one sealed with another secret, or altered', async () => {
    const sealed = await sealSignInState(STATE, SECRET);
    expect(await failure(openSignInState(sealed, 'y'.repeat(32)))).toBe('invalid');
    const parts = sealed.split('.');
    parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith('AA') ? 'BB' : 'AA');
    expect(await failure(openSignInState(parts.join('.'), SECRET))).toBe('invalid');
    expect(await failure(openSignInState('not-a-cookie', SECRET))).toBe('invalid');
  });
});

describe('the sealed session grant (refresh token)', () => {
  const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 8 * 3_600_000);
  const GRANT = { refreshToken: 'refresh-secret-1', subject: 'tess', until };

  it('opens to what was sealed until the session ends, the refresh token unreadable in the cookie', async () => {
    const sealed = await sealSessionGrant(GRANT, SECRET);
    await expect(openSessionGrant(sealed, SECRET, new Date(until.getTime() - 60_000))).resolves.toEqual(GRANT);
    expect(sealed.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1')).join(' ')).not.toContain('refresh-secret-1');
    expect(await failure(openSessionGrant(sealed, SECRET, new Date(until.getTime() + 60_000)))).toBe('expired');
  });

  it('is not a sign-in state, nor the reverse: each has a key of its own', async () => {
    expect(await failure(openSessionGrant(await sealSignInState(STATE, SECRET), SECRET))).toBe('invalid');
    expect(await failure(openSignInState(await sealSessionGrant(GRANT, SECRET), SECRET))).toBe('invalid');
    expect(await failure(openSessionGrant(await sealSessionGrant(GRANT, SECRET), 'y'.repeat(32)))).toBe('invalid');
  });
});
