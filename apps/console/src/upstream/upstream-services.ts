import { ConsoleEnvironment } from '../config/console-environment';

/** The services behind the console; `/api/<name>/…` forwards to the one named. */
export const UPSTREAM_SERVICES = ['intake', 'cataloging', 'conservation', 'disposal'] as const;
export type UpstreamService = (typeof UPSTREAM_SERVICES)[number];

export function isUpstreamService(value: string): value is UpstreamService {
  return (UPSTREAM_SERVICES as readonly string[]).includes(value);
}

export function upstreamUrls(env: ConsoleEnvironment): Record<UpstreamService, string> {
  return {
    intake: env.INTAKE_URL,
    cataloging: env.CATALOGING_URL,
    conservation: env.CONSERVATION_URL,
    disposal: env.DISPOSAL_URL,
  };
}

/**
 * A path (and query) on a service: set as the path of the service's URL, never resolved as a URL,
 * so `//other.host/…` cannot leave the service; a path prefix in the configured URL is kept.
 */
export function serviceUrl(base: string, pathAndQuery: string): string {
  const queryAt = pathAndQuery.indexOf('?');
  const path = queryAt >= 0 ? pathAndQuery.slice(0, queryAt) : pathAndQuery;
  const target = new URL(base);
  target.pathname = `${target.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  target.search = queryAt >= 0 ? pathAndQuery.slice(queryAt) : '';
  return target.toString();
}

export const SIGN_IN_AGAIN = 'Sign in again: your sign-in has expired or was not accepted.';

/**
 * What the person at the screen should do about an error, by status. The services' messages say what
 * is wrong (the field, the state); this says what to do next, so no error leaves them stuck.
 */
export function whatToDo(status: number, service?: string): string {
  if (status === 401) return SIGN_IN_AGAIN;
  if (status === 403) return 'Your role or branch does not allow this. Ask a senior technician or librarian, or sign in with the right role and branch.';
  if (status === 404) return 'Check the barcode (scan it again) and that the item belongs to one of your branches.';
  if (status === 409) return 'The item is not in a state for this. Scan it again to see what it needs next.';
  if (status === 413) return 'That is too much at once: split it into smaller parts and send them one by one.';
  if (status >= 400 && status < 500) return 'Correct what the message names and try again.';
  const who = service ? `the ${service} service` : 'a service';
  if (status === 502 || status === 503 || status === 504) {
    return `Try again in a minute. If it keeps failing, tell your system administrator that ${who} is not answering.`;
  }
  return `Try again. If it keeps failing, tell your system administrator (${who} answered ${status}).`;
}

/** Services answer `message` as a string or a list of strings (validation); one string for people. */
export function messageText(message: unknown, fallback: string): string {
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string' && message) return message;
  return fallback;
}
