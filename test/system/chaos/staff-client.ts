import { ServiceName, SystemHarness } from '../support/system-harness';

export interface Answer<T = any> {
  status: number;
  body: T;
}

/** What the client went through to get its answers: the faults as a user would have felt them. */
export class ClientTally {
  requests = 0;
  /** Attempts that never got an answer: connection refused or reset, timed out. */
  unreachable = 0;
  /** 5xx answers (a database connection terminated under a request, a broker outage on a declaration). */
  serverErrors = 0;
  readonly serverErrorSamples: string[] = [];
}

export interface SendOptions<T> {
  token: string;
  body?: unknown;
  /**
   * Called before a retry that follows an attempt whose outcome is unknown (no answer, or a 5xx): it
   * looks at the current state as a user would and answers the result when the first attempt did
   * land after all, so a retried request never applies twice. `undefined` means "send it again".
   */
  reconcile?: () => Promise<Answer<T> | undefined>;
}

const ATTEMPT_TIMEOUT_MS = 90_000;
const GIVE_UP_AFTER_MS = 240_000;

/**
 * A staff member's HTTP client that keeps trying while a service is down (killed, restarting, or cut
 * off from its database), the way a technician presses "retry". 4xx answers are returned as they are:
 * the caller decides whether "already done" is success and whether "not yet" is worth waiting for.
 */
export class StaffClient {
  readonly tally = new ClientTally();

  constructor(private readonly system: SystemHarness) {}

  get<T = any>(service: ServiceName, path: string, token: string): Promise<Answer<T>> {
    return this.send<T>(service, 'GET', path, { token });
  }

  post<T = any>(service: ServiceName, path: string, options: SendOptions<T>): Promise<Answer<T>> {
    return this.send<T>(service, 'POST', path, options);
  }

  put<T = any>(service: ServiceName, path: string, options: SendOptions<T>): Promise<Answer<T>> {
    return this.send<T>(service, 'PUT', path, options);
  }

  /** GET that must answer 200. */
  async read<T = any>(service: ServiceName, path: string, token: string): Promise<T> {
    const answer = await this.get<T>(service, path, token);
    if (answer.status !== 200) throw new Error(`GET ${service} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async send<T>(service: ServiceName, method: string, path: string, options: SendOptions<T>): Promise<Answer<T>> {
    const deadline = Date.now() + GIVE_UP_AFTER_MS;
    let uncertain = false;
    let lastProblem = '';
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        if (Date.now() > deadline) throw new Error(`${method} ${service} ${path}: gave up after ${attempt} attempts; last: ${lastProblem}`);
        await sleep(Math.min(200 * 2 ** Math.min(attempt - 1, 4), 3_000));
        if (uncertain && options.reconcile) {
          const settled = await this.safely(options.reconcile);
          if (settled) return settled;
        }
      }
      this.tally.requests++;
      let response: Response;
      try {
        response = await fetch(`${this.system.url(service)}${path}`, {
          method,
          headers: { authorization: options.token, ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
      } catch (error) {
        this.tally.unreachable++;
        // A refused connection never reached the service; anything else might have been applied.
        uncertain ||= !isRefused(error);
        lastProblem = describe(error);
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.status >= 500) {
        this.tally.serverErrors++;
        if (this.tally.serverErrorSamples.length < 20) this.tally.serverErrorSamples.push(`${method} ${service} ${path} → ${response.status} ${text.slice(0, 300)}`);
        uncertain = true;
        lastProblem = `${response.status} ${text.slice(0, 300)}`;
        continue;
      }
      return { status: response.status, body: parse(text) as T };
    }
  }

  /** A reconcile that itself hits the outage just means "not known yet": try the request again. */
  private async safely<T>(reconcile: () => Promise<Answer<T> | undefined>): Promise<Answer<T> | undefined> {
    try {
      return await reconcile();
    } catch {
      return undefined;
    }
  }
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED';
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` over `items`, at most `limit` at a time; the first failure rejects once all have settled. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        try {
          await work(items[index], index);
        } catch (error) {
          errors.push(error);
        }
      }
    }),
  );
  if (errors.length) throw errors[0];
}

/**
 * Polls until `check` answers true; the message says what was awaited when time runs out. A check
 * that throws fails at once: "not yet" is `false`, never an error.
 */
export async function until(what: string | (() => string), check: () => Promise<boolean>, timeoutMs = 180_000, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(intervalMs);
  }
}
