// GET /docs (a small HTML index of the API) and GET /docs/openapi.json.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { buildOpenApi } from '../openapi.js';
import type { RouteRecord } from '../openapi.js';
import type { ZodTypeProvider } from '../plugins/zod.js';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export async function docsRoutes(app: FastifyInstance, deps: { routes: () => RouteRecord[] }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const info = { title: 'Trợ lý thủ tục hành chính Hà Nội — API', version: '1.0.0' };
  // Built on first request: by then every route has been registered.
  let openapi: string | undefined;

  api.get(
    '/docs/openapi.json',
    { schema: { summary: 'This API as OpenAPI 3.1', tags: ['docs'], response: { 200: z.record(z.string(), z.unknown()) } } },
    async (_request, reply) => {
      openapi ??= JSON.stringify(buildOpenApi(deps.routes(), info));
      // Already JSON: sent as is rather than parsed again by the serializer.
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(openapi);
    },
  );

  api.get(
    '/docs',
    { schema: { summary: 'API documentation page', tags: ['docs'], produces: ['text/html'], response: { 200: z.string() } } },
    async (_request, reply) => {
      const rows = deps
        .routes()
        .filter((r) => !r.url.startsWith('/admin') || r.url === '/admin')
        .map((r) => `<tr><td><code>${escapeHtml(r.method)}</code></td><td><code>${escapeHtml(r.url)}</code></td><td>${escapeHtml(String(r.schema.summary ?? ''))}</td></tr>`)
        .join('\n');
      const html = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)}</title><link rel="stylesheet" href="/admin.css"></head>
<body><main class="page"><h1>${escapeHtml(info.title)}</h1>
<p>Tài liệu máy đọc được: <a href="/docs/openapi.json">OpenAPI 3.1 (JSON)</a>. Lỗi luôn có dạng <code>{ "code", "message" }</code>, thông điệp theo ngôn ngữ của người dùng.</p>
<table class="table"><thead><tr><th>Phương thức</th><th>Đường dẫn</th><th>Mô tả</th></tr></thead><tbody>
${rows}
</tbody></table></main></body></html>`;
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    },
  );
}
