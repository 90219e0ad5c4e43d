// GET /api/procedures/:code and GET /api/search: the catalogue record and hybrid search,
// straight from the engine.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Procedure } from '../../../domain/records.js';
import type { AnswerEngine } from '../../../domain/contract.js';
import { apiError } from '../errors.js';
import { errorResponses, ProcedureParams, SearchQuery, SearchResponse } from '../schemas.js';

export async function catalogueRoutes(app: FastifyInstance, deps: { engine: AnswerEngine }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/procedures/:code',
    {
      schema: {
        summary: 'A procedure of the catalogue by its code (e.g. 1.001193)',
        tags: ['catalogue'],
        params: ProcedureParams,
        response: { 200: Procedure, ...errorResponses(400, 404, 429, 500) },
      },
    },
    async (request) => {
      const procedure = deps.engine.procedure(request.params.code);
      if (!procedure) throw apiError('PROCEDURE_NOT_FOUND', { code: request.params.code });
      return procedure;
    },
  );

  api.get(
    '/search',
    {
      schema: {
        summary: 'Hybrid search over procedures and documents',
        tags: ['catalogue'],
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...errorResponses(400, 429, 500) },
      },
    },
    async (request) => ({ query: request.query.q, hits: await deps.engine.search(request.query.q, request.query.limit) }),
  );
}
