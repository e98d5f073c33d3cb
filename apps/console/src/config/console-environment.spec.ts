import { ConfigurationError } from '@app/platform/config/environment';
import { loadConsoleEnvironment } from './console-environment';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConsoleEnvironment(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('console configuration', () => {
  it('serves a local run from defaults alone: port 3000, the four services on their local ports, development sign-in on', () => {
    const env = loadConsoleEnvironment({});
    expect(env.PORT).toBe(3000);
    expect([env.INTAKE_URL, env.CATALOGING_URL, env.CONSERVATION_URL, env.DISPOSAL_URL]).toEqual([
      'http://127.0.0.1:3001',
      'http://127.0.0.1:3002',
      'http://127.0.0.1:3003',
      'http://127.0.0.1:3004',
    ]);
    expect(env.devSignIn).toBe(true);
    expect(env.secureCookies).toBe(false);
  });

  it('turns development sign-in off and cookies secure in production', () => {
    const env = loadConsoleEnvironment({ NODE_ENV: 'production', AUTH_MODE: 'jwks', JWKS_URL: 'https://idp.example.org/jwks.json' });
    expect(env.devSignIn).toBe(false);
    expect(env.secureCookies).toBe(true);
  });

  it('refuses development sign-in in production, naming the variable', () => {
    expect(problemsOf({ NODE_ENV: 'production', CONSOLE_DEV_SIGN_IN: 'true' })).toEqual([expect.stringMatching(/^CONSOLE_DEV_SIGN_IN must not be true in production/)]);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'x', INTAKE_URL: 'intake', CONSOLE_DEV_SIGN_IN: 'maybe', AUTH_MODE: 'jwks' }).join('\n');
    for (const name of ['PORT', 'INTAKE_URL', 'CONSOLE_DEV_SIGN_IN', 'JWKS_URL']) expect(problems).toContain(name);
  });
});
