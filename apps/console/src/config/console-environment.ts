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

  /** Session cookies are Secure (HTTPS only) unless turned off for a plain-HTTP local run. */
  @Transform(toBoolean) @IsOptional() @IsBoolean({ message: 'CONSOLE_SECURE_COOKIES must be true or false' }) CONSOLE_SECURE_COOKIES?: boolean;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  @Transform(toInt) @IsInt() @Min(0) @Max(120_000) SHUTDOWN_GRACE_MS = 0;
  /** Largest request body the console accepts (a CSV of a 10,000-line shipment is about 2 MB). */
  @Matches(/^\d+(kb|mb)$/i, { message: 'BODY_LIMIT must look like 20mb' }) BODY_LIMIT = '20mb';

  get devSignIn(): boolean {
    return this.CONSOLE_DEV_SIGN_IN ?? this.NODE_ENV !== 'production';
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
  if (config.devSignIn && config.AUTH_MODE !== 'hs256') {
    problems.push('CONSOLE_DEV_SIGN_IN needs AUTH_MODE=hs256: development tokens are signed with JWT_SECRET');
  }
  if (problems.length) throw new ConfigurationError(problems);
  return config;
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
