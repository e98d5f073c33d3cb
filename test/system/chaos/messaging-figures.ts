import { ServiceName, SystemHarness } from '../support/system-harness';

const COUNTERS = [
  'library_messages_published_total',
  'library_messages_consumed_total',
  'library_messages_failed_total',
  'library_messages_retried_total',
  'library_messages_dead_lettered_total',
  'library_messages_redelivered_total',
] as const;
type Counter = (typeof COUNTERS)[number];

interface Sample {
  name: Counter;
  labels: Record<string, string>;
  value: number;
}

/** Reads the messaging counters of `/metrics` (Prometheus text format). */
export function parseCounters(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})?\s+([0-9.e+-]+)$/.exec(line.trim());
    if (!match || !(COUNTERS as readonly string[]).includes(match[1])) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1] as Counter, labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * The services' messaging counters summed over every process that ran: a killed process takes its
 * counters with it, so each one is read just before it is killed and once more at the end.
 */
export class MessagingFigures {
  private readonly finished: Sample[] = [];
  private readonly current = new Map<ServiceName, Sample[]>();

  constructor(private readonly system: SystemHarness) {}

  async read(service: ServiceName): Promise<void> {
    const response = await fetch(`${this.system.url(service)}/metrics`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`metrics of ${service}: ${response.status}`);
    this.current.set(service, parseCounters(await response.text()));
  }

  /** The process is about to die: keep what it counted. */
  retire(service: ServiceName): void {
    this.finished.push(...(this.current.get(service) ?? []));
    this.current.delete(service);
  }

  total(name: Counter, where: Record<string, string> = {}): number {
    const all = [...this.finished, ...[...this.current.values()].flat()];
    return all
      .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }
}
