// The OpenAPI 3.1 document: @fastify/swagger in dynamic mode, fed the routes' own zod schemas
// through fastify-type-provider-zod's jsonSchemaTransform, so the documentation cannot drift from
// the code. Here we add what the schemas cannot say: examples, the admin Bearer scheme, the
// multipart upload, and which media type each status answers with.
import type { SwaggerOptions } from '@fastify/swagger';
import type { RouteOptions } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EXAMPLES } from './openapi-examples.js';

export const API_INFO = {
  title: 'Trợ lý thủ tục hành chính Hà Nội — API',
  version: '1.0.0',
  description:
    'Hỏi đáp thủ tục hành chính và nhiệm vụ, hạn chót từ văn bản chính thức, luôn kèm trích dẫn. Lỗi luôn có dạng `{ "code", "message" }`, thông điệp theo ngôn ngữ của người dùng (Accept-Language). Các đường dẫn /admin/* cần mã quản trị (Bearer).\n\n' +
    'Answers about Hanoi administrative procedures and reform deadlines, always cited. Errors are `{ "code", "message" }` in the asker\'s language. /admin/* needs the admin Bearer token.',
};

/** The admin routes' Bearer token (ADMIN_TOKEN); they name it in their schema's `security`. */
export const ADMIN_SCHEME = 'adminToken';
export const adminSecurity = [{ [ADMIN_SCHEME]: [] as string[] }];

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK', '201': 'Created', '202': 'Accepted', '304': 'Not modified', '400': 'Invalid request', '401': 'Unauthorized',
  '404': 'Not found', '409': 'Conflict', '413': 'Payload too large', '415': 'Unsupported media type',
  '429': 'Too many requests', '500': 'Internal error', '503': 'Not ready',
};

/** What an upload route (`consumes: ['multipart/form-data']`) takes: one file in the field "file". */
const UPLOAD_FORM = {
  type: 'object',
  properties: { file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'PDF, DOCX, HTML, Markdown, text, catalogue JSON or CSV' } },
  required: ['file'],
};

/** Options for @fastify/swagger; register it before the routes so that it sees them all. */
export function openApiOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: API_INFO,
      components: {
        securitySchemes: {
          [ADMIN_SCHEME]: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN of the server (at least 16 characters); the /admin/* routes exist only when it is set.' },
        },
      },
    },
    transform: documentRoute,
  };
}

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];
type Json = Record<string, unknown>;

const isZod = (value: unknown): boolean => value instanceof z.ZodType;

/** Only routes declared with zod are this API; the channel webhooks (Telegram's and Zalo's protocols) and the UI's own routes stay out. */
function declaredWithZod(schema: Json): boolean {
  const { body, querystring, params, headers, response } = schema;
  return [body, querystring, params, headers, ...Object.values((response as Json | undefined) ?? {})].some(isZod);
}

function documentRoute(input: TransformInput): { schema: Json; url: string } {
  const schema = input.schema as Json | undefined;
  if (!schema || schema.hide || !declaredWithZod(schema)) return { schema: { hide: true }, url: input.url };
  const json = jsonSchemaTransform(input).schema as Json;
  const route = (input as { route: RouteOptions }).route;
  const method = [route.method].flat()[0] ?? 'GET';
  const examples = EXAMPLES[`${method} ${route.url}`];
  const consumes = (schema.consumes as string[] | undefined) ?? [];
  const produces = (schema.produces as string[] | undefined)?.[0] ?? 'application/json';
  const body = consumes.includes('multipart/form-data') ? UPLOAD_FORM : (json.body as Json | undefined);
  return {
    url: input.url,
    schema: {
      ...json,
      // swagger turns a lone `examples` entry of the body schema into the request's `example`.
      ...(body ? { body: examples?.request === undefined ? body : { ...body, examples: [examples.request] } } : {}),
      response: responses((json.response as Record<string, Json> | undefined) ?? {}, schema.response as Json | undefined, produces, examples?.responses),
    },
  };
}

/** Each status with its description and media type: a success in the route's own type, an error as JSON. */
function responses(transformed: Record<string, Json>, declared: Json | undefined, produces: string, examples: Record<string, unknown> = {}): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [status, schema] of Object.entries(transformed)) {
    const description = STATUS_TEXT[status] ?? status;
    // No body (a 304): the status and its description only (swagger adds no content for type null).
    if (declared?.[status] instanceof z.ZodUndefined) {
      out[status] = { description, type: 'null' };
      continue;
    }
    const type = status.startsWith('2') ? produces : 'application/json';
    const example = examples[status] === undefined ? {} : { example: examples[status] };
    out[status] = { description, content: { [type]: { schema, ...example } } };
  }
  // A route whose success is not JSON (the event stream) declares only its errors.
  if (!Object.keys(out).some((s) => s.startsWith('2'))) out['200'] = { description: 'OK', content: { [produces]: { schema: { type: 'string' } } } };
  return out;
}

type Operation = { security?: Record<string, unknown>[] };

/**
 * The document as an API caller without the admin token sees it: no admin operation (those that
 * name the admin scheme, and anything under /admin), no admin scheme. The admin surface is not
 * advertised to whoever asks; `doc` is not changed.
 */
export function publicDocument(doc: Json): Json {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [url, item] of Object.entries((doc.paths as Record<string, Record<string, unknown>> | undefined) ?? {})) {
    if (url === '/admin' || url.startsWith('/admin/')) continue;
    const kept = Object.entries(item).filter(([, op]) => !(op as Operation)?.security?.some((s) => ADMIN_SCHEME in s));
    if (kept.length) paths[url] = Object.fromEntries(kept);
  }
  const components = { ...((doc.components as Json | undefined) ?? {}) };
  const schemes = { ...((components.securitySchemes as Json | undefined) ?? {}) };
  delete schemes[ADMIN_SCHEME];
  components.securitySchemes = schemes;
  const tags = (doc.tags as { name: string }[] | undefined)?.filter((t) => t.name !== 'admin');
  return { ...doc, paths, components, ...(tags ? { tags } : {}) };
}
