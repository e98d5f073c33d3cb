import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';
import { DEV_JWT_SECRET } from '@app/auth';
import { ConfigurationError } from '@app/platform/config/environment';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);
const SERVICE_URL = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };
const url = (name: string) => `${name} must be an http(s) URL such as http://127.0.0.1:3001`;

/**
 * What the console reads from its environment, validated at boot like the services' own: it has no
 * database and no broker, only the four service URLs, the token settings it shares with them, and
 * how people sign in.
 */
export class ConsoleEnvironment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsUrl(SERVICE_URL, { message: url('INTAKE_URL') }) INTAKE_URL = 'http://127.0.0.1:3001';
  @IsUrl(SERVICE_URL, { message: url('CATALOGING_URL') }) CATALOGING_URL = 'http://127.0.0.1:3002';
  @IsUrl(SERVICE_URL, { message: url('CONSERVATION_URL') }) CONSERVATION_URL = 'http://127.0.0.1:3003';
  @IsUrl(SERVICE_URL, { message: url('DISPOSAL_URL') }) DISPOSAL_URL = 'http://127.0.0.1:3004';
  /** How long one call to a service may take before the console gives up on it. */
  @Transform(toInt) @IsInt() @Min(100) @Max(120_000) SERVICE_TIMEOUT_MS = 15_000;

  /** The same list the services use: the sign-in screen and the queues offer these. */
  @Matches(/^[A-Z0-9]{2,8}:[^,:]+(,[A-Z0-9]{2,8}:[^,:]+)*$/, { message: 'BRANCHES must look like CEN:Central Library,NOR:North Branch' })
  BRANCHES = 'CEN:Central Library,NOR:North Branch,SOU:South Branch';

  /** Tokens are verified the way the services verify them, so the console knows who is signed in. */
  @IsIn(['hs256', 'jwks']) AUTH_MODE: 'hs256' | 'jwks' = 'hs256';
  @ValidateIf((e: ConsoleEnvironment) => e.AUTH_MODE === 'hs256')
  @IsString()
  @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET = DEV_JWT_SECRET;
  @ValidateIf((e: ConsoleEnvironment) => e.AUTH_MODE === 'jwks')
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'JWKS_URL must be an http(s) URL when AUTH_MODE=jwks' })
  JWKS_URL?: string;
  @IsOptional() @IsString() JWT_ISSUER?: string;
  @IsOptional() @IsString() JWT_AUDIENCE?: string;

  /**
   * The development sign-in screen (pick a role and a branch; the console mints the token). On by
   * default outside production; refused in production, where the identity provider signs people in
   * (its token arrives as the bearer header, e.g. from an OpenID Connect sign-in proxy in front).
   */
  @Transform(toBoolean) @IsOptional() @IsBoolean({ message: 'CONSOLE_DEV_SIGN_IN must be true or false' })
  CONSOLE_DEV_SIGN_IN?: boolean;

  /**
   * Production sign-in at the library's identity provider (OpenID Connect, authorization code with
   * PKCE). Set the issuer to turn it on; `/sign-in` then goes there. The endpoints are discovered at
   * `<issuer>/.well-known/openid-configuration` when the first person signs in, not at boot, so a
   * briefly unreachable provider does not stop the console.
   */
  @IsOptional() @IsUrl(SERVICE_URL, { message: 'OIDC_ISSUER_URL must be an http(s) URL such as https://login.library.example/realms/staff' })
  OIDC_ISSUER_URL?: string;
  @ValidateIf((e: ConsoleEnvironment) => !!e.OIDC_ISSUER_URL)
  @IsString({ message: 'OIDC_CLIENT_ID is needed with OIDC_ISSUER_URL: the client id the identity provider gave the console' })
  @MinLength(1, { message: 'OIDC_CLIENT_ID is needed with OIDC_ISSUER_URL: the client id the identity provider gave the console' })
  OIDC_CLIENT_ID?: string;
  /** Empty for a public client (PKCE alone); set for a confidential one (sent as HTTP Basic, or in the body when the provider only takes that). */
  @IsOptional() @IsString() OIDC_CLIENT_SECRET?: string;
  /** The console's own `/auth/callback` as people's browsers reach it, registered at the provider. */
  @ValidateIf((e: ConsoleEnvironment) => !!e.OIDC_ISSUER_URL)
  @IsUrl(SERVICE_URL, { message: 'OIDC_REDIRECT_URL must be the http(s) URL of the console\'s /auth/callback, e.g. https://console.library.example/auth/callback' })
  OIDC_REDIRECT_URL?: string;
  /** Space-separated; must include `openid`. Add what makes the provider put roles and branches in the access token. */
  @Matches(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, { message: 'OIDC_SCOPES must be scope names separated by single spaces, e.g. openid profile' })
  OIDC_SCOPES = 'openid profile';
  /** Seals the short-lived sign-in cookie (state, nonce, PKCE verifier); the same on every console replica. */
  @ValidateIf((e: ConsoleEnvironment) => !!e.OIDC_ISSUER_URL)
  @IsString({ message: 'OIDC_STATE_SECRET is needed with OIDC_ISSUER_URL: at least 32 random characters, the same on every console replica' })
  @MinLength(32, { message: 'OIDC_STATE_SECRET must be at least 32 characters (e.g. openssl rand -base64 48)' })
  OIDC_STATE_SECRET?: string;

  /** Session cookies are Secure (HTTPS only) unless turned off for a plain-HTTP local run. */
  @Transform(toBoolean) @IsOptional() @IsBoolean({ message: 'CONSOLE_SECURE_COOKIES must be true or false' }) CONSOLE_SECURE_COOKIES?: boolean;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  @Transform(toInt) @IsInt() @Min(0) @Max(120_000) SHUTDOWN_GRACE_MS = 0;
  /** Largest request body the console accepts (a CSV of a 10,000-line shipment is about 2 MB). */
  @Matches(/^\d+(kb|mb)$/i, { message: 'BODY_LIMIT must look like 20mb' }) BODY_LIMIT = '20mb';

  get devSignIn(): boolean {
    return this.CONSOLE_DEV_SIGN_IN ?? (this.NODE_ENV !== 'production' && !this.oidcSignIn);
  }

  /** People sign in at the identity provider (OpenID Connect) rather than bringing a bearer token. */
  get oidcSignIn(): boolean {
    return !!this.OIDC_ISSUER_URL;
  }

  get secureCookies(): boolean {
    return this.CONSOLE_SECURE_COOKIES ?? this.NODE_ENV === 'production';
  }
}

/** Reads and validates the console's environment; every problem is named at once. */
export function loadConsoleEnvironment(env: NodeJS.ProcessEnv = process.env, defaults: Record<string, string | number> = {}): ConsoleEnvironment {
  const source: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') source[key] = value;
  const config = plainToInstance(ConsoleEnvironment, source);
  const problems = validateSync(config).flatMap((e) =>
    Object.values(e.constraints ?? {}).map((message) => (message.startsWith(e.property) ? message : `${e.property}: ${message}`)),
  );
  if (config.NODE_ENV === 'production' && config.CONSOLE_DEV_SIGN_IN === true) {
    problems.push('CONSOLE_DEV_SIGN_IN must not be true in production: people sign in at the library identity provider');
  }
  problems.push(...oidcProblems(config));
  if (config.devSignIn && config.AUTH_MODE !== 'hs256') {
    problems.push('CONSOLE_DEV_SIGN_IN needs AUTH_MODE=hs256: development tokens are signed with JWT_SECRET');
  }
  if (problems.length) throw new ConfigurationError(problems);
  return config;
}

/** How the OpenID Connect variables fit together and with the rest; each problem says what to set. */
function oidcProblems(config: ConsoleEnvironment): string[] {
  const problems: string[] = [];
  if (!config.OIDC_ISSUER_URL) {
    const stray = (['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URL', 'OIDC_STATE_SECRET'] as const).filter((name) => config[name]);
    if (stray.length) problems.push(`${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but OIDC_ISSUER_URL is not: set the issuer to turn on sign-in at the identity provider`);
    return problems;
  }
  if (config.CONSOLE_DEV_SIGN_IN === true) problems.push('CONSOLE_DEV_SIGN_IN and OIDC_ISSUER_URL exclude each other: /sign-in goes either to the identity provider or to the development screen');
  if (config.AUTH_MODE !== 'jwks') problems.push("OIDC_ISSUER_URL needs AUTH_MODE=jwks and JWKS_URL: the identity provider's tokens are verified with its published keys, as the services verify them");
  if (!config.OIDC_SCOPES.split(' ').includes('openid')) problems.push('OIDC_SCOPES must include openid');
  if (config.OIDC_REDIRECT_URL && !/^[^?#]*\/auth\/callback$/.test(config.OIDC_REDIRECT_URL)) {
    problems.push("OIDC_REDIRECT_URL must end in /auth/callback (the console's callback), e.g. https://console.library.example/auth/callback");
  }
  if (config.NODE_ENV === 'production') {
    for (const name of ['OIDC_ISSUER_URL', 'OIDC_REDIRECT_URL'] as const) {
      if (config[name] && !config[name]!.startsWith('https://')) problems.push(`${name} must be an https URL in production`);
    }
  }
  return problems;
}

/** A console `main`: a bad variable stops the process with every problem named. */
export function loadConsoleEnvironmentOrExit(): ConsoleEnvironment {
  try {
    return loadConsoleEnvironment();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`console: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
