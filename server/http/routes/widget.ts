// GET /widget/status: whether the asking page's origin may use the API (WIDGET_ORIGINS).
// Open to every origin on purpose: a refused site cannot read the API's answers (CORS), so
// without this the widget could not tell "not enabled on this site" from "server down".
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const WidgetStatus = z.object({
  /** The Origin header as the server saw it (null when the request had none). */
  origin: z.string().nullable(),
  enabled: z.boolean(),
});

export async function widgetRoutes(app: FastifyInstance, deps: { widgetOrigins: string[] }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/widget/status',
    { schema: { summary: 'Whether the calling site may embed the widget (its origin is in WIDGET_ORIGINS)', tags: ['static'], response: { 200: WidgetStatus } } },
    async (request, reply) => {
      const origin = typeof request.headers.origin === 'string' ? request.headers.origin : null;
      // Same origin as the API needs no CORS: the demo page is always served.
      const enabled = origin === null || deps.widgetOrigins.includes(origin) || origin === `${request.protocol}://${request.host}`;
      reply.header('access-control-allow-origin', '*').header('cache-control', 'no-store').header('vary', 'origin');
      return { origin, enabled };
    },
  );
}
