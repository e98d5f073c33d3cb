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

  describe('sign-in at the identity provider (OpenID Connect)', () => {
    const oidc = {
      AUTH_MODE: 'jwks',
      JWKS_URL: 'https://login.library.example/jwks',
      OIDC_ISSUER_URL: 'https://login.library.example',
      OIDC_CLIENT_ID: 'technician-console',
      OIDC_REDIRECT_URL: 'https://console.library.example/auth/callback',
      OIDC_STATE_SECRET: 's'.repeat(32),
    };

    it('turns on with the issuer, turning the development screen off even outside production', () => {
      const env = loadConsoleEnvironment(oidc);
      expect(env.oidcSignIn).toBe(true);
      expect(env.devSignIn).toBe(false);
      expect(env.OIDC_SCOPES).toBe('openid profile');
      expect(loadConsoleEnvironment({}).oidcSignIn).toBe(false);
    });

    it('names each missing or malformed variable', () => {
      const problems = problemsOf({ AUTH_MODE: 'jwks', JWKS_URL: oidc.JWKS_URL, OIDC_ISSUER_URL: oidc.OIDC_ISSUER_URL, OIDC_STATE_SECRET: 'short', OIDC_SCOPES: 'profile  email' }).join('\n');
      for (const name of ['OIDC_CLIENT_ID', 'OIDC_REDIRECT_URL', 'OIDC_STATE_SECRET must be at least 32', 'OIDC_SCOPES must be scope names']) expect(problems).toContain(name);
    });

    it('needs openid among the scopes, the callback path, and JWKS verification', () => {
      expect(problemsOf({ ...oidc, OIDC_SCOPES: 'profile email' })).toEqual(['OIDC_SCOPES must include openid']);
      expect(problemsOf({ ...oidc, OIDC_REDIRECT_URL: 'https://console.library.example/callback' })).toEqual([expect.stringMatching(/^OIDC_REDIRECT_URL must end in \/auth\/callback/)]);
      expect(problemsOf({ ...oidc, AUTH_MODE: 'hs256' })).toEqual([expect.stringMatching(/^OIDC_ISSUER_URL needs AUTH_MODE=jwks/)]);
    });

    it('refuses it together with the development sign-in, and plain http in production', () => {
      expect(problemsOf({ ...oidc, CONSOLE_DEV_SIGN_IN: 'true' })).toEqual(expect.arrayContaining([expect.stringMatching(/^CONSOLE_DEV_SIGN_IN and OIDC_ISSUER_URL exclude each other/)]));
      expect(problemsOf({ ...oidc, NODE_ENV: 'production', OIDC_ISSUER_URL: 'http://login.library.example' })).toEqual(['OIDC_ISSUER_URL must be an https URL in production']);
    });

    it('says when a client setting comes without the issuer', () => {
      expect(problemsOf({ OIDC_CLIENT_ID: 'technician-console' })).toEqual(['OIDC_CLIENT_ID is set but OIDC_ISSUER_URL is not: set the issuer to turn on sign-in at the identity provider']);
    });
  });
});
