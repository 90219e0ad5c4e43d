// Operations: liveness, readiness and Prometheus metrics. With a metrics token, /metrics answers
// only a scraper that sends it (Bearer): the figures say how busy the service is and what fails.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { tokenMatches } from '../admin.js';
import { apiError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { errorResponses, Health } from '../schemas.js';

export async function opsRoutes(app: FastifyInstance, deps: { isReady: () => boolean; metrics: Metrics; metricsToken?: string | undefined }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/healthz',
    { schema: { summary: 'Liveness: 200 while the process is up', tags: ['operations'], response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  api.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: 503 until the index is loaded',
        tags: ['operations'],
        response: { 200: Health, ...errorResponses(503) },
      },
    },
    async () => {
      if (!deps.isReady()) throw apiError('NOT_READY');
      return { status: 'ready' as const };
    },
  );

  api.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format); needs Bearer METRICS_TOKEN when the server sets one',
        tags: ['operations'],
        produces: ['text/plain'],
        response: { 200: z.string(), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      if (deps.metricsToken && !tokenMatches(request.headers.authorization, deps.metricsToken)) throw apiError('METRICS_UNAUTHORIZED');
      return reply.type(deps.metrics.contentType).header('cache-control', 'no-store').send(await deps.metrics.render());
    },
  );
}
