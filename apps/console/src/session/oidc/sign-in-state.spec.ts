import { openSignInState, sealSignInState, SignInStateError } from './sign-in-state';

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
