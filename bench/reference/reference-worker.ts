/**
 * Runs the reference pipeline in a process of its own (forked by reference.scenario.ts), so its CPU
 * time and peak memory are measured the way the services' are: one process, nothing else in it.
 */
import { AMQP_URL, DATABASE_URL } from '../support/world';
import { dropReference } from './reference-cleanup';
import { DEFAULT_REFERENCE_SETTINGS, PacedResult, ReferencePipeline, SaturatedResult } from './reference-pipeline';

export interface ReferenceRequest {
  id: string;
  items: number;
  paced: Array<{ rate: number; items: number }>;
}

export interface ReferenceReply {
  ok: true;
  saturated: SaturatedResult;
  /** The same, with stage B committing one message per transaction. */
  unbatched: SaturatedResult;
  paced: PacedResult[];
  /** CPU seconds (user + system) this process used during the saturated run. */
  saturatedCpuSeconds: number;
  peakRssMb: number;
}

export type ReferenceFailure = { ok: false; error: string };

async function run(request: ReferenceRequest): Promise<ReferenceReply> {
  const pipeline = new ReferencePipeline(request.id, { ...DEFAULT_REFERENCE_SETTINGS, databaseUrl: DATABASE_URL, amqpUrl: AMQP_URL });
  try {
    await pipeline.setup();
    // A short warm-up so the first measurement does not pay for JIT and connection start-up.
    await pipeline.runSaturated(Math.min(500, request.items));
    const cpuBefore = process.cpuUsage();
    const saturated = await pipeline.runSaturated(request.items);
    const cpu = process.cpuUsage(cpuBefore);
    const paced: PacedResult[] = [];
    for (const { rate, items } of request.paced) paced.push(await pipeline.runPaced(items, rate));
    const unbatched = await pipeline.runSaturated(request.items, 1);
    return {
      ok: true,
      saturated,
      unbatched,
      paced,
      saturatedCpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await pipeline.teardown();
    await dropReference(request.id);
  }
}

// If the bench goes away (Ctrl-C, a crash), drop this run's schema, queue and exchange and leave.
let runningId: string | undefined;
process.once('disconnect', () => {
  const id = runningId;
  void (id ? dropReference(id) : Promise.resolve()).finally(() => process.exit(1));
});

process.once('message', (request: ReferenceRequest) => {
  runningId = request.id;
  run(request).then(
    (reply) => process.send!(reply, () => process.exit(0)),
    (error: Error) => process.send!({ ok: false, error: error.stack ?? error.message } satisfies ReferenceFailure, () => process.exit(1)),
  );
});
