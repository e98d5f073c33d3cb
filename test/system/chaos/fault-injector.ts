import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { closeAllBrokerConnections } from '../../support/test-run';
import { ServiceName, SystemHarness } from '../support/system-harness';
import { MessagingFigures } from './messaging-figures';
import { sleep } from './staff-client';

const exec = promisify(execFile);

export interface InjectedFault {
  fault: string;
  at: string;
  detail?: string;
}

/**
 * The faults of issue 6, injected while the flow runs: a service killed with SIGKILL and started
 * again, every broker connection dropped, this run's PostgreSQL sessions terminated, the broker
 * application stopped and started. Faults run in the background (the flow keeps going, as users
 * would); `settle` waits for those still under way.
 */
export class FaultInjector {
  readonly injected: InjectedFault[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly system: SystemHarness,
    private readonly figures: MessagingFigures,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts a fault without waiting for it. */
  inBackground(fault: () => Promise<void>): void {
    const running: Promise<void> = fault().finally(() => this.running.delete(running));
    // Failures surface in settle(); meanwhile they must not be unhandled rejections.
    running.catch(() => undefined);
    this.running.add(running);
  }

  async settle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  /** SIGKILL mid-flow, a short outage (requests are refused), then the same service started again. */
  async crash(service: ServiceName, downMs = 1_500): Promise<void> {
    await this.figures.read(service).catch(() => undefined);
    this.figures.retire(service);
    await this.system.kill(service);
    this.record(`SIGKILL ${service}`);
    await sleep(downMs);
    await this.system.restart(service);
    this.log(`${service} is back`);
  }

  /** `rabbitmqctl close_all_connections`: every client is cut off and must reconnect. */
  async dropBrokerConnections(): Promise<void> {
    await closeAllBrokerConnections();
    this.record('broker closed every connection');
  }

  /** Terminates the PostgreSQL sessions of this run's services (tagged with their schemas), and no others. */
  async terminateDatabaseSessions(): Promise<void> {
    const names = (['intake', 'cataloging', 'conservation', 'disposal'] as const).map((s) => this.system.run.schemaFor(s));
    const rows = await this.system.run.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ANY($1::text[])`,
      [names],
    );
    this.record('PostgreSQL sessions terminated', `${rows.filter((r) => r.terminated).length} sessions`);
  }

  /**
   * Stops the broker application and starts it again (`rabbitmqctl stop_app` / `start_app`: the node
   * stays up, so the shared machine's other users only see their connections drop and come back).
   */
  async restartBroker(downMs = 5_000): Promise<void> {
    await exec('rabbitmqctl', ['stop_app']);
    this.record('RabbitMQ stopped');
    try {
      await sleep(downMs);
    } finally {
      await exec('rabbitmqctl', ['start_app']);
      await exec('rabbitmqctl', ['await_startup']);
      this.log('RabbitMQ is back');
    }
  }

  private record(fault: string, detail?: string): void {
    this.injected.push({ fault, at: new Date().toISOString(), ...(detail ? { detail } : {}) });
    this.log(`FAULT: ${fault}${detail ? ` (${detail})` : ''}`);
  }
}
