import { Backlog } from '../support/backlog';
import { ItemFactory } from '../support/fixtures';
import { JsonClient } from '../support/http';
import { Measurements } from '../support/measurements';
import { ServiceFleet } from '../support/services';
import { BenchWorld, ServiceName } from '../support/world';

/** What a service scenario works with: the running services, a technician's clients, the tables. */
export interface ScenarioContext {
  /** Its names (schemas, queue prefix), and whether the bench is attached to running services. */
  world: BenchWorld;
  fleet: ServiceFleet;
  intake: JsonClient;
  cataloging: JsonClient;
  measurements: Measurements;
  /** Every scenario (and every step of the rate search) starts with the pipeline drained. */
  backlog: Backlog;
  items: ItemFactory;
  log: (line: string) => void;
}

/** CPU seconds of every watched service now, to take deltas across a scenario. */
export function cpuSnapshot(fleet: ServiceFleet): Map<ServiceName, number> {
  const snapshot = new Map<ServiceName, number>();
  for (const service of fleet.services.values()) {
    if (service.monitor) snapshot.set(service.name, service.monitor.cpuSeconds());
  }
  return snapshot;
}

/** `resources.<service>.cpuPer1000.<phase>` and the sum over services, from two snapshots. */
export function cpuPer1000(before: Map<ServiceName, number>, after: Map<ServiceName, number>, items: number, phase: string): Record<string, number> {
  const figures: Record<string, number> = {};
  let total = 0;
  for (const [name, start] of before) {
    const end = after.get(name);
    if (end === undefined || !Number.isFinite(start) || !Number.isFinite(end)) continue;
    const perThousand = ((end - start) / items) * 1000;
    figures[`resources.${name}.cpuPer1000.${phase}`] = perThousand;
    total += perThousand;
  }
  if (Object.keys(figures).length) figures[`resources.all.cpuPer1000.${phase}`] = total;
  return figures;
}
