import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found by walking up to our package.json: the bench runs both compiled
 * (`dist/bench/...`) and from source (`bench/...` under @swc-node/register).
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'library-technical-services') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no repository root above ${from}`);
    dir = parent;
  }
}

/** The built entry point of a service, as it ships. */
export function serviceMain(service: string): string {
  return join(repoRoot(), 'dist', 'apps', service, 'src', 'main.js');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value other than undefined, or throws the timeout's message. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what()}`);
    await sleep(intervalMs);
  }
}
