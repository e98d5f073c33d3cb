import { fork } from 'node:child_process';
import { extname, join } from 'node:path';
import { RunFigures } from '../report/figures';
import { dropReference } from './reference-cleanup';
import type { ReferenceFailure, ReferenceReply, ReferenceRequest } from './reference-worker';

export interface ReferencePlan {
  id: string;
  items: number;
  /** Latency is measured at 1,000 items/s (the yardstick) and at the steady scenario's rate. */
  paced: Array<{ rate: number; items: number }>;
}

/** One reference run in a forked process; its figures keyed as in report/figures.ts. */
export async function runReference(plan: ReferencePlan, steadyRate: number): Promise<RunFigures> {
  const reply = await forkWorker(plan);
  const figures: RunFigures = {
    'reference.itemsPerS': reply.saturated.itemsPerS,
    'reference.seconds': reply.saturated.seconds,
    'reference.unbatchedItemsPerS': reply.unbatched.itemsPerS,
    'reference.unbatchedSeconds': reply.unbatched.seconds,
    'reference.stageASeconds': reply.saturated.stageASeconds,
    'reference.cpuPer1000': (reply.saturatedCpuSeconds / reply.saturated.items) * 1000,
    'reference.peakRssMb': reply.peakRssMb,
  };
  for (const paced of reply.paced) {
    const key = paced.targetRate === 1000 ? 'reference.paced1000' : paced.targetRate === steadyRate ? 'reference.pacedSteady' : null;
    if (!key) continue;
    figures[`${key}.p50Ms`] = paced.latencyMs.p50;
    figures[`${key}.p95Ms`] = paced.latencyMs.p95;
    figures[`${key}.p99Ms`] = paced.latencyMs.p99;
  }
  // When --rate is 1000 the two paced runs are one: the steady counterpart is the same figure.
  if (steadyRate === 1000) {
    for (const p of ['p50Ms', 'p95Ms', 'p99Ms']) figures[`reference.pacedSteady.${p}`] = figures[`reference.paced1000.${p}`];
  }
  return figures;
}

function forkWorker(plan: ReferencePlan): Promise<ReferenceReply> {
  // Compiled: reference-worker.js under node; from source: reference-worker.ts under @swc-node/register.
  const worker = join(__dirname, `reference-worker${extname(__filename)}`);
  const child = fork(worker, [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const request: ReferenceRequest = { id: plan.id, items: plan.items, paced: plan.paced };
  return new Promise<ReferenceReply>((resolve, reject) => {
    let settled = false;
    child.once('message', (reply: ReferenceReply | ReferenceFailure) => {
      settled = true;
      if (reply.ok) resolve(reply);
      else reject(new Error(`reference run failed: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      if (settled) return;
      // It died without answering: make sure its schema and queue do not stay behind.
      void dropReference(plan.id).finally(() => reject(new Error(`reference worker exited (${signal ?? code}) without a result`)));
    });
    child.send(request);
  });
}
