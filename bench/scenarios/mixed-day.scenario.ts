import { JsonClient } from '../support/http';
import { ServiceFleet } from '../support/services';
import { ServiceName } from '../support/world';

/** The activities of a mixed day, each found by the paths its service documents at /docs/json. */
const ACTIVITIES: Array<{ name: string; service: ServiceName; path: RegExp }> = [
  { name: 'pulls', service: 'conservation', path: /\/pull/ },
  { name: 'repairs', service: 'conservation', path: /\/repair/ },
  { name: 'bindery', service: 'conservation', path: /\/bindery\// },
  { name: 'weeding', service: 'disposal', path: /\/weeding/ },
  { name: 'sales', service: 'disposal', path: /\/(listings|sales)\b/ },
];

export type MixedDayReadiness =
  | { status: 'unavailable'; reason: string }
  | { status: 'not-implemented'; reason: string };

/**
 * Mixed day — pulls, repairs, a bindery lot, weeding and sales at once over the same items — needs
 * conservation and disposal. Until their endpoints exist this reports why it cannot run; once they
 * exist it says the driver is still to be written (bench/scenarios/mixed-day.scenario.ts), so the gap
 * shows in every report instead of passing silently.
 */
export async function checkMixedDay(fleet: ServiceFleet): Promise<MixedDayReadiness> {
  const paths = new Map<ServiceName, string[]>();
  const problems: string[] = [];
  for (const service of ['conservation', 'disposal'] as const) {
    if (!fleet.has(service)) {
      problems.push(`${service} is not running${ServiceFleet.isBuilt(service) ? '' : ' (not built)'}`);
      continue;
    }
    const client = new JsonClient(fleet.get(service).url, undefined, 1);
    try {
      const res = await client.get<{ paths?: Record<string, unknown> }>('/docs/json', 10_000);
      paths.set(service, res.status === 200 ? Object.keys(res.body?.paths ?? {}) : []);
    } catch (error) {
      problems.push(`${service} /docs/json: ${(error as Error).message}`);
    } finally {
      client.close();
    }
  }
  const missing = ACTIVITIES.filter((a) => !(paths.get(a.service) ?? []).some((p) => a.path.test(p))).map((a) => `${a.name} (${a.service})`);
  if (missing.length) {
    return {
      status: 'unavailable',
      reason: `not available until conservation and disposal land: no endpoints yet for ${missing.join(', ')}${problems.length ? `; ${problems.join('; ')}` : ''}`,
    };
  }
  return {
    status: 'not-implemented',
    reason: 'conservation and disposal document pulls, repairs, bindery, weeding and sales, but the mixed-day driver is not written yet (bench/scenarios/mixed-day.scenario.ts)',
  };
}
