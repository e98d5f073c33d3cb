import { Logger } from '@nestjs/common';

/**
 * Runs a pass now when woken (after a local commit) and every `intervalMs` otherwise (other replicas,
 * restarts). A failing pass backs off exponentially, up to 30 s, until one succeeds. Shared by the
 * outbox relay and the webhook delivery worker.
 */
export class WakeablePoller {
  private running = false;
  private wakeRequested = false;
  private wakeUp?: () => void;
  private loop?: Promise<void>;
  private failures = 0;

  constructor(
    private readonly name: string,
    private readonly pass: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  /** Stops polling and waits for the pass under way to finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      try {
        await this.pass();
        this.failures = 0;
      } catch (error) {
        this.failures++;
        this.logger.warn(`${this.name} pass failed (${this.failures}): ${(error as Error).message}`);
      }
      if (!this.running) break;
      if (this.wakeRequested && this.failures === 0) continue;
      const delay = this.failures ? Math.min(this.intervalMs * 2 ** this.failures, 30_000) : this.intervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
