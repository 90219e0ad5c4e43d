// /docs: the OpenAPI UI (@fastify/swagger-ui, its assets served from node_modules, nothing
// fetched from elsewhere) over the document @fastify/swagger builds from the routes (openapi.ts),
// served at /docs/json and at /docs/openapi.json, its older address. The admin operations are in
// it only for a request that carries the admin token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import swaggerUi from '@fastify/swagger-ui';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tokenMatches } from '../admin.js';
import { API_INFO, publicDocument } from '../openapi.js';

// Swagger UI lays its operations out for a desktop; on a phone, long paths and the
// models would push the page sideways. These rules keep it inside the screen.
const PHONE_CSS = `
html, body { margin: 0; overflow-x: hidden; }
.swagger-ui .wrapper { padding: 0 12px; box-sizing: border-box; }
.swagger-ui .opblock .opblock-summary { flex-wrap: wrap; }
.swagger-ui .opblock .opblock-summary-path, .swagger-ui .opblock .opblock-summary-description { word-break: break-word; min-width: 0; }
.swagger-ui .info .title { font-size: 24px; overflow-wrap: anywhere; }
.swagger-ui table, .swagger-ui .model-box, .swagger-ui .highlight-code, .swagger-ui .microlight { max-width: 100%; overflow-x: auto; }
.swagger-ui .scheme-container .schemes { flex-wrap: wrap; gap: 8px; }
@media (max-width: 640px) {
  .swagger-ui .opblock .opblock-summary-method { min-width: 64px; }
  .swagger-ui .opblock-tag { font-size: 18px; }
  .swagger-ui .responses-inner, .swagger-ui .parameters-container, .swagger-ui .opblock-body { overflow-x: auto; }
}
`;

// The UI's page has no viewport tag: without one a phone lays it out 980 px wide and shrinks it.
const VIEWPORT_JS = `(function () {
  var meta = document.createElement('meta');
  meta.name = 'viewport';
  meta.content = 'width=device-width, initial-scale=1';
  document.head.appendChild(meta);
  document.documentElement.lang = 'vi';
})();
`;

/** Needs @fastify/swagger registered on the app before any route (see buildApp). */
export async function docsRoutes(app: FastifyInstance, deps: { adminToken?: string | undefined } = {}): Promise<void> {
  const { adminToken } = deps;
  const documentFor = (request: FastifyRequest, reply: FastifyReply): Record<string, unknown> => {
    // Two documents at one address: a cache must not hand the admin's to anyone else.
    reply.header('vary', 'Authorization');
    const whole = app.swagger() as unknown as Record<string, unknown>;
    return adminToken && tokenMatches(request.headers.authorization, adminToken) ? whole : publicDocument(whole);
  };
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // No validator badge: it would send the spec to validator.swagger.io.
    uiConfig: { validatorUrl: null, docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
    // The UI sets a few inline styles; its pages alone allow them (scripts stay 'self' only).
    transformStaticCSP: (header: string) => header.replace(/style-src 'self'/, "style-src 'self' 'unsafe-inline'"),
    // /docs/json and /docs/yaml: the same document as /docs/openapi.json.
    transformSpecification: (_spec: unknown, request: FastifyRequest, reply: FastifyReply) => documentFor(request, reply),
    transformSpecificationClone: false,
    theme: { title: API_INFO.title, css: [{ filename: 'phone.css', content: PHONE_CSS }], js: [{ filename: 'viewport.js', content: VIEWPORT_JS }] },
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/docs/openapi.json',
    { schema: { summary: 'This API as OpenAPI 3.1 (also at /docs/json)', tags: ['docs'], response: { 200: z.record(z.string(), z.unknown()) } } },
    // Already an object: sent as JSON as it is, not reshaped by the response schema.
    async (request, reply) => (reply as FastifyReply).type('application/json; charset=utf-8').send(JSON.stringify(documentFor(request, reply as FastifyReply))),
  );
}
