import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '../..');
export const K8S = join(ROOT, 'deploy/k8s');

/** A rendered Kubernetes object, loosely typed: the tests read it the way the API server would. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  type?: string;
  [key: string]: unknown;
}

/**
 * Renders a kustomization with the real Kustomize (the one built into kubectl, or a standalone
 * `kustomize`), offline: no cluster is contacted. The machine image ships kubectl; see deploy/README.md.
 */
export function renderKustomization(directory: string): Manifest[] {
  const text = runKustomize(join(K8S, directory));
  const documents = parseAllDocuments(text);
  const problems = documents.flatMap((d) => d.errors.map((e) => e.message));
  if (problems.length) throw new Error(`kustomize produced invalid YAML:\n${problems.join('\n')}`);
  return documents.map((d) => d.toJS() as Manifest).filter((m) => m !== null);
}

function runKustomize(path: string): string {
  const attempts: Array<[string, string[]]> = [
    ['kubectl', ['kustomize', path]],
    ['kustomize', ['build', path]],
  ];
  const missing: string[] = [];
  for (const [binary, args] of attempts) {
    try {
      return execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stderr?: string };
      if (failure.code === 'ENOENT') {
        missing.push(binary);
        continue;
      }
      throw new Error(`${binary} ${args.join(' ')} failed:\n${failure.stderr ?? failure.message}`);
    }
  }
  throw new Error(`rendering ${path} needs kubectl (with its built-in kustomize) or kustomize on the PATH; found neither (${missing.join(', ')})`);
}

export function ofKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

export function named(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}; ${kind}s are: ${ofKind(manifests, kind).map((m) => m.metadata.name).join(', ') || 'none'}`);
  return found;
}

/** A generated ConfigMap or Secret keeps its name plus a content hash (`platform-config-7fgmg5ddg6`). */
export function generated(manifests: Manifest[], kind: 'ConfigMap' | 'Secret', name: string): Manifest | undefined {
  return manifests.find((m) => m.kind === kind && (m.metadata.name === name || new RegExp(`^${name}-[a-z0-9]{10}$`).test(m.metadata.name)));
}
