import { ServiceName, SystemHarness } from '../support/system-harness';

export const SERVICES: readonly ServiceName[] = ['intake', 'cataloging', 'conservation', 'disposal'];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SchemaObject {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  enum?: unknown[];
  maxLength?: number;
  maxItems?: number;
  allOf?: SchemaObject[];
}

export interface DocumentedRoute {
  service: ServiceName;
  method: HttpMethod;
  /** OpenAPI form: `/items/{barcode}/steps`. */
  path: string;
  /** The request body's schema with every `$ref` resolved, when the route takes a body. */
  body?: SchemaObject;
  pathParams: string[];
  /** Query parameters the route cannot do without. */
  requiredQuery: string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema: SchemaObject }> }; parameters?: Array<{ name: string; in: string; required?: boolean }> }>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

/** `GET /widgets/{id}` — how routes are named in tables, reports and failure messages. */
export function routeKey(route: { service: string; method: string; path: string }): string {
  return `${route.service} ${route.method} ${route.path}`;
}

/**
 * Every route a running service documents in its OpenAPI (`/docs/json`): tests derive their work
 * from it, so a route added later without a test case is a failing test rather than a blind spot.
 */
export async function documentedRoutes(system: SystemHarness, services: readonly ServiceName[] = SERVICES): Promise<DocumentedRoute[]> {
  const routes: DocumentedRoute[] = [];
  for (const service of services) {
    const res = await system.http(service).get('/docs/json').expect(200);
    const doc = res.body as OpenApiDocument;
    const resolve = (schema: SchemaObject | undefined, depth = 0): SchemaObject | undefined => {
      if (!schema || depth > 10) return schema;
      if (schema.$ref) return resolve(doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')], depth + 1);
      if (schema.allOf?.length === 1) return resolve(schema.allOf[0], depth + 1);
      return {
        ...schema,
        ...(schema.properties ? { properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, depth + 1)!])) } : {}),
        ...(schema.items ? { items: resolve(schema.items, depth + 1) } : {}),
      };
    };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const body = operation.requestBody?.content?.['application/json']?.schema;
        routes.push({
          service,
          method: method.toUpperCase() as HttpMethod,
          path,
          body: resolve(body),
          pathParams: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
          requiredQuery: (operation.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => p.name),
        });
      }
    }
  }
  return routes;
}
