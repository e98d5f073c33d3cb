import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import ts from 'typescript';
import { K8S, Manifest, ROOT } from './kustomize';

/**
 * Offline validation of rendered manifests, as close to what the API server would accept as we can get
 * without one:
 * - built-in kinds against the Kubernetes OpenAPI schemas (kubernetes-models: types, required fields,
 *   enums, formats), plus unknown fields (which `kubectl apply` refuses, being strict) through the
 *   TypeScript declarations of the same models, since those schemas allow extra properties;
 * - the operators' kinds against the JSON schemas in deploy/k8s/schemas (hand-derived from their CRDs,
 *   strict like the API server's field validation), with embedded Kubernetes types checked as above;
 * - the API server's own rules no schema carries: object, label and container names, quantities.
 * Every manifest must have a schema: an unknown kind is a failure, not a pass.
 */

type ModelClass = new (data: unknown) => { validate(): void };

/** Built-in kinds: apiVersion/kind → the kubernetes-models module that describes it. */
const BUILT_IN: Record<string, string> = {
  'v1/Namespace': 'kubernetes-models/v1/Namespace',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/Ingress': 'kubernetes-models/networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
};

/** Embedded Kubernetes types the CRD schemas point at (`x-kubernetes-type`). */
function embeddedModule(type: string): string {
  return type === 'ObjectMeta' ? '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta' : `kubernetes-models/v1/${type}`;
}

function loadModel(module: string, exportName: string): ModelClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(module) as Record<string, ModelClass>;
  const model = loaded[exportName];
  if (!model) throw new Error(`${module} has no ${exportName}`);
  return model;
}

function modelErrors(model: ModelClass, data: unknown): string[] {
  try {
    new model(data).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

export const SCHEMA_DIR = join(K8S, 'schemas');

let crdValidators: Map<string, ValidateFunction> | undefined;
function customResourceValidators(): Map<string, ValidateFunction> {
  if (crdValidators) return crdValidators;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'x-kubernetes-int-or-string', schemaType: 'boolean' });
  ajv.addKeyword({
    keyword: 'x-kubernetes-type',
    schemaType: 'string',
    errors: true,
    validate: function check(type: string, data: unknown) {
      const problems = modelErrors(loadModel(embeddedModule(type), type), data);
      (check as unknown as { errors: unknown[] }).errors = problems.map((message) => ({ keyword: 'x-kubernetes-type', message: `${type}: ${message}`, params: {} }));
      return problems.length === 0;
    },
  });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  const validators = new Map<string, ValidateFunction>();
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8'));
    validators.set(`${schema.properties.apiVersion.const}/${schema.properties.kind.const}`, ajv.compile(schema));
  }
  crdValidators = validators;
  return validators;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The API server's name and syntax rules that the OpenAPI schemas leave out. */
function apiServerRules(m: Manifest): string[] {
  const problems: string[] = [];
  const name = m.metadata?.name ?? '';
  // Services (and Namespaces) are DNS labels; most other objects, DNS subdomains.
  if (m.kind === 'Service' || m.kind === 'Namespace') {
    if (!DNS_1035_LABEL.test(name) || name.length > 63) problems.push(`metadata.name "${name}" must be a DNS-1035 label`);
  } else if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    problems.push(`metadata.name "${name}" must be a DNS subdomain`);
  }
  for (const [key, value] of Object.entries(m.metadata?.labels ?? {})) {
    if (!QUALIFIED_NAME.test(key)) problems.push(`label key "${key}" is not a qualified name`);
    if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) problems.push(`label ${key}: value "${value}" is not a valid label value`);
  }
  for (const key of Object.keys(m.metadata?.annotations ?? {})) {
    if (!QUALIFIED_NAME.test(key)) problems.push(`annotation key "${key}" is not a qualified name`);
  }
  const pod = m.kind === 'Deployment' ? m.spec?.template?.spec : undefined;
  if (pod) {
    const templateLabels = m.spec.template.metadata?.labels ?? {};
    for (const [key, value] of Object.entries(m.spec.selector?.matchLabels ?? {})) {
      if (templateLabels[key] !== value) problems.push(`spec.selector ${key}=${value} does not match the pod template's labels`);
    }
    for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      if (!DNS_LABEL.test(container.name)) problems.push(`container name "${container.name}" must be a DNS label`);
      for (const port of container.ports ?? []) {
        if (port.name && (port.name.length > 15 || !/^[a-z0-9-]*[a-z][a-z0-9-]*$/.test(port.name))) problems.push(`port name "${port.name}" must be an IANA service name`);
      }
      for (const env of container.env ?? []) if (!ENV_NAME.test(env.name)) problems.push(`env name "${env.name}" is not valid`);
      for (const [kind, values] of Object.entries(container.resources ?? {})) {
        for (const [resource, quantity] of Object.entries(values as Record<string, unknown>)) {
          if (typeof quantity !== 'number' && !QUANTITY.test(String(quantity))) problems.push(`resources.${kind}.${resource} "${quantity}" is not a quantity`);
        }
      }
    }
  }
  return problems;
}

/**
 * Unknown fields in built-in kinds. The Kubernetes OpenAPI schemas allow extra properties, but the API
 * server's strict field validation refuses them (`kubectl apply` asks for strict). The same models'
 * TypeScript declarations are exact, so each manifest is type-checked as an object literal, where an
 * excess property is an error.
 */
let previousProgram: ts.Program | undefined;
function unknownFieldProblems(manifests: Manifest[]): Map<Manifest, string[]> {
  const checked = manifests.filter((m) => BUILT_IN[`${m.apiVersion}/${m.kind}`]);
  if (checked.length === 0) return new Map();
  const imports = checked.map((m, i) => `import type { I${m.kind} as T${i} } from '${BUILT_IN[`${m.apiVersion}/${m.kind}`]}';`);
  const declarations = checked.map((m, i) => `export const m${i}: T${i} = ${JSON.stringify(m, null, 1)};`);
  const text = [...imports, ...declarations].join('\n');
  const file = join(ROOT, 'test/deploy/__manifests__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  // The generated file exists only in memory; everything else (the models' declarations) from disk.
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, text, version, true) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  // Later checks reuse the declarations already parsed (only the generated file changes).
  const program = ts.createProgram([file], options, host, previousProgram);
  previousProgram = program;
  const source = program.getSourceFile(file)!;
  const statements = source.statements.filter(ts.isVariableStatement);
  const byManifest = new Map<Manifest, string[]>();
  for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
    const index = statements.findIndex((s) => diagnostic.start! >= s.getStart(source) && diagnostic.start! < s.getEnd());
    const manifest = checked[Math.max(index, 0)];
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n').at(-1)!;
    const path = index >= 0 ? jsonPathAt(source, diagnostic.start!) : '';
    byManifest.set(manifest, [...(byManifest.get(manifest) ?? []), `${path ? `${path}: ` : ''}${message}`]);
  }
  return byManifest;
}

/** The JSON path of the property at a position in the generated object literal. */
function jsonPathAt(source: ts.SourceFile, position: number): string {
  let node: ts.Node | undefined = findNode(source, position);
  const parts: string[] = [];
  while (node && !ts.isVariableDeclaration(node)) {
    const parent: ts.Node = node.parent;
    if (ts.isPropertyAssignment(node)) parts.unshift((node.name as ts.StringLiteral).text);
    if (parent && ts.isArrayLiteralExpression(parent)) parts.unshift(`[${parent.elements.indexOf(node as ts.Expression)}]`);
    node = parent;
  }
  return parts.join('.').replace(/\.\[/g, '[');
}

function findNode(node: ts.Node, position: number): ts.Node | undefined {
  for (const child of node.getChildren()) {
    if (position >= child.getStart() && position < child.getEnd()) return findNode(child, position) ?? child;
  }
  return undefined;
}

export interface ValidationReport {
  manifest: string;
  problems: string[];
}

/** Validates every manifest; answers only the ones with problems (none = all valid). */
export function validateManifests(manifests: Manifest[]): ValidationReport[] {
  const crds = customResourceValidators();
  const unknownFields = unknownFieldProblems(manifests);
  const reports: ValidationReport[] = [];
  for (const m of manifests) {
    const id = `${m.kind ?? '?'}/${m.metadata?.name ?? '?'}`;
    const key = `${m.apiVersion}/${m.kind}`;
    const problems: string[] = [];
    if (BUILT_IN[key]) {
      problems.push(...modelErrors(loadModel(BUILT_IN[key], m.kind), stripTypeMeta(m)));
      problems.push(...(unknownFields.get(m) ?? []));
    } else if (crds.has(key)) {
      const validate = crds.get(key)!;
      if (!validate(m)) problems.push(...(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`));
    } else {
      problems.push(`no schema for ${key}: add it to test/deploy/manifest-schemas.ts or deploy/k8s/schemas`);
    }
    problems.push(...apiServerRules(m));
    if (problems.length) reports.push({ manifest: id, problems });
  }
  return reports;
}

function stripTypeMeta(m: Manifest): Omit<Manifest, 'apiVersion' | 'kind'> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { apiVersion, kind, ...rest } = m;
  return rest;
}
