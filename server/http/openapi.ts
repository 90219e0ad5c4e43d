// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with
// (collected from fastify's onRoute hook), so the documentation cannot drift from the code.
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { EXAMPLES } from './openapi-examples.js';

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
      // Hidden routes are plugins' own (the docs UI's assets and spec routes), not this API.
      if (!route.schema || route.url.includes('*') || (route.schema as { hide?: boolean }).hide) return;
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

/** An upload route (`consumes: ['multipart/form-data']`): one file in the field "file". */
function multipart(schema: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!(schema.consumes as string[] | undefined)?.includes('multipart/form-data')) return undefined;
  const file = { type: 'string', contentMediaType: 'application/octet-stream', description: 'PDF, DOCX, HTML, Markdown, text, catalogue JSON or CSV' };
  return { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file }, required: ['file'] } } } };
}

/** The admin routes' Bearer token (ADMIN_TOKEN), declared so the docs UI can send it. */
const ADMIN_SCHEME = 'adminToken';
const isAdminApi = (url: string): boolean => url.startsWith('/admin/');

export function buildOpenApi(routes: RouteRecord[], info: { title: string; version: string; description?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, url, schema } of routes) {
    const path = url.replace(/:(\w+)/g, '{$1}');
    const examples = EXAMPLES[`${method} ${url}`];
    const example = (value: unknown) => (value === undefined ? {} : { example: value });
    const produces = (schema.produces as string[] | undefined)?.[0] ?? 'application/json';
    const responses: Record<string, unknown> = {};
    for (const [status, s] of Object.entries((schema.response as Record<string, unknown>) ?? {})) {
      const type = status.startsWith('2') ? produces : 'application/json';
      responses[status] = { description: STATUS_TEXT[status] ?? status, content: { [type]: { schema: toJson(s, 'output'), ...example(examples?.responses?.[status]) } } };
    }
    if (Object.keys(responses).length === 0 || !Object.keys(responses).some((s) => s.startsWith('2'))) {
      responses['200'] = { description: 'OK', content: { [produces]: { schema: { type: 'string' } } } };
    }
    (paths[path] ??= {})[method.toLowerCase()] = {
      summary: schema.summary,
      tags: schema.tags,
      parameters: [...parameters(schema.params, 'path'), ...parameters(schema.querystring, 'query')],
      ...(multipart(schema) ? { requestBody: multipart(schema) } : {}),
      ...(schema.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJson(schema.body, 'input'), ...example(examples?.request) } } } } : {}),
      responses,
      ...(isAdminApi(url) ? { security: [{ [ADMIN_SCHEME]: [] }] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        [ADMIN_SCHEME]: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN of the server (at least 16 characters); the /admin/* routes exist only when it is set.' },
      },
    },
  };
}
