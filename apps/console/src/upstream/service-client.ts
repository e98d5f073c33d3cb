import { Injectable } from '@nestjs/common';
import { ConsoleEnvironment } from '../config/console-environment';
import { messageText, serviceUrl, UpstreamService, upstreamUrls, whatToDo } from './upstream-services';

/** A refusal or failure of a service call, carrying what to tell the person and what they should do. */
export class ServiceError extends Error {
  constructor(
    readonly service: UpstreamService,
    readonly status: number,
    message: string,
    readonly whatToDo: string,
    readonly messages: string[] = [message],
  ) {
    super(message);
  }
}

export interface Page<T> {
  data: T[];
  page: { limit: number; offset: number; total: number };
}

/**
 * Calls a service on behalf of the signed-in person, with their token and nothing else: the console
 * never widens access, so every answer is exactly what that person may see or do.
 */
@Injectable()
export class ServiceClient {
  private readonly urls: Record<UpstreamService, string>;

  constructor(private readonly env: ConsoleEnvironment) {
    this.urls = upstreamUrls(env);
  }

  url(service: UpstreamService, path: string): string {
    return serviceUrl(this.urls[service], path);
  }

  get<T>(service: UpstreamService, path: string, token: string): Promise<T> {
    return this.call<T>(service, 'GET', path, token);
  }

  async call<T>(service: UpstreamService, method: string, path: string, token: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url(service, path), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.env.SERVICE_TIMEOUT_MS),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      const status = timedOut ? 504 : 502;
      throw new ServiceError(service, status, `the ${service} service ${timedOut ? 'did not answer in time' : 'is not answering'}`, whatToDo(status, service));
    }
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const raw = (json as { message?: unknown } | undefined)?.message;
      const messages = Array.isArray(raw) ? raw.map(String) : [messageText(raw, `${service} answered ${response.status}`)];
      throw new ServiceError(service, response.status, messageText(raw, `${service} answered ${response.status}`), whatToDo(response.status, service), messages);
    }
    return json as T;
  }

  /** A list's total alone (`limit=1`): counts for the overview without moving the rows. */
  async count(service: UpstreamService, path: string, token: string): Promise<number> {
    const separator = path.includes('?') ? '&' : '?';
    const page = await this.get<Page<unknown>>(service, `${path}${separator}limit=1`, token);
    return page.page.total;
  }

  /** Every row of a list, page by page (work lists keep their order across pages), up to `max`. */
  async all<T>(service: UpstreamService, path: string, token: string, max = 5000): Promise<T[]> {
    const rows: T[] = [];
    const separator = path.includes('?') ? '&' : '?';
    for (let offset = 0; offset < max; offset += 1000) {
      const page = await this.get<Page<T>>(service, `${path}${separator}limit=1000&offset=${offset}`, token);
      rows.push(...page.data);
      if (page.data.length < 1000 || rows.length >= page.page.total) break;
    }
    return rows.slice(0, max);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 500) };
  }
}
