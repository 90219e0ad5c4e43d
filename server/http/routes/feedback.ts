// POST /api/feedback: a thumbs up or down on an answer, with an optional comment.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses, FeedbackAccepted, FeedbackRequest } from '../schemas.js';
import type { FeedbackStore } from '../stores.js';

export async function feedbackRoutes(app: FastifyInstance, deps: { feedback: FeedbackStore }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/feedback',
    {
      schema: {
        summary: 'Feedback on an answer (helpful or not)',
        tags: ['answers'],
        body: FeedbackRequest,
        response: { 201: FeedbackAccepted, ...errorResponses(400, 413, 415, 429, 500) },
      },
    },
    async (request, reply) => {
      await deps.feedback.add(request.body);
      return reply.code(201).send({ ok: true as const });
    },
  );
}
