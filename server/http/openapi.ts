// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with
// (collected from fastify's onRoute hook), so the documentation cannot drift from the code.
import type { RouteOptions } from 'fastify';
import { z } from 'zod';

export interface RouteRecord {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

/** Collects routes as they are registered; pass `collect` to `app.addHook('onRoute', …)`. */
export function createRouteRegistry(): { collect(route: RouteOptions): void; routes(): RouteRecord[] } {
  const records: RouteRecord[] = [];
  return {
    collect(route) {
      if (!route.schema || route.url.includes('*')) return;
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        records.push({ method, url: route.url, schema: route.schema as Record<string, unknown> });
      }
    },
    routes: () => [...records],
  };
}

const toJson = (schema: unknown, io: 'input' | 'output'): Record<string, unknown> => {
  if (!(schema instanceof z.ZodType)) return {};
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
};

function parameters(schema: unknown, where: 'path' | 'query'): unknown[] {
  const json = toJson(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK', '201': 'Created', '202': 'Accepted', '400': 'Invalid request', '401': 'Unauthorized',
  '404': 'Not found', '409': 'Conflict', '413': 'Payload too large', '415': 'Unsupported media type',
  '429': 'Too many requests', '500': 'Internal error', '503': 'Not ready',
};

export function buildOpenApi(routes: RouteRecord[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, url, schema } of routes) {
    const path = url.replace(/:(\w+)/g, '{$1}');
    const produces = (schema.produces as string[] | undefined)?.[0] ?? 'application/json';
    const responses: Record<string, unknown> = {};
    for (const [status, s] of Object.entries((schema.response as Record<string, unknown>) ?? {})) {
      const type = status.startsWith('2') ? produces : 'application/json';
      responses[status] = { description: STATUS_TEXT[status] ?? status, content: { [type]: { schema: toJson(s, 'output') } } };
    }
    if (Object.keys(responses).length === 0 || !Object.keys(responses).some((s) => s.startsWith('2'))) {
      responses['200'] = { description: 'OK', content: { [produces]: { schema: { type: 'string' } } } };
    }
    (paths[path] ??= {})[method.toLowerCase()] = {
      summary: schema.summary,
      tags: schema.tags,
      parameters: [...parameters(schema.params, 'path'), ...parameters(schema.querystring, 'query')],
      ...(schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJson(schema.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
  };
}
