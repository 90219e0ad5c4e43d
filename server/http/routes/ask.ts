// POST /api/ask and POST /api/ask/stream: the engine's answer as JSON, or as Server-Sent Events
// (meta, the answer text in pieces, citations, links, done). The engine decides; we translate.
import { setImmediate as tick } from 'node:timers/promises';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AskRequest, AskResponse } from '../../../domain/contract.js';
import type { AnswerEngine } from '../../../domain/contract.js';
import { ApiError, apiError, errorBody } from '../errors.js';
import type { Metrics } from '../metrics.js';
import type { ZodTypeProvider } from '../plugins/zod.js';
import { errorResponses } from '../schemas.js';
import type { UnansweredLog } from '../stores.js';

export interface AskRouteDeps {
  engine: AnswerEngine;
  unanswered: UnansweredLog;
  metrics: Metrics;
}

export async function askRoutes(app: FastifyInstance, deps: AskRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  async function answer(request: AskRequest): Promise<AskResponse> {
    const response = AskResponse.parse(await deps.engine.ask(request));
    deps.metrics.answer(response.found);
    // Asked back: the engine could not tell which record fits, which an admin wants to know too.
    if (!response.found || (response.candidates?.length && !response.procedure)) deps.unanswered.record(request.question, response.language);
    return response;
  }

  api.post(
    '/ask',
    {
      schema: {
        summary: 'Ask a question; get a cited answer',
        tags: ['answers'],
        body: AskRequest,
        response: { 200: AskResponse, ...errorResponses(400, 413, 415, 429, 500) },
      },
    },
    async (request) => answer(request.body),
  );

  api.post(
    '/ask/stream',
    {
      schema: {
        summary: 'Ask a question; the answer arrives as Server-Sent Events (meta, delta…, citations, links, done)',
        tags: ['answers'],
        produces: ['text/event-stream'],
        body: AskRequest,
        response: { ...errorResponses(400, 413, 415, 429, 500) },
      },
    },
    async (request, reply) => {
      const stream = new PassThrough();
      let gone = false;
      // The client went away before we finished: stop composing events for nobody.
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) gone = true;
      });
      const send = (event: string, data: unknown): boolean => {
        if (gone || stream.destroyed) return false;
        stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        return true;
      };
      // The typed reply only knows the JSON error bodies; the event stream goes out untyped.
      (reply as FastifyReply)
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream);
      // A comment line at once: the headers leave now, so the client knows we are working.
      stream.write(': ok\n\n');

      void (async () => {
        try {
          const response = await answer(request.body);
          const { id, intent, found, language, procedure, tasks, alternatives, unit } = response;
          send('meta', { id, intent, found, language, procedure, tasks, alternatives, unit });
          for (const text of pieces(response.answer)) {
            if (!send('delta', { text })) return;
            await tick(); // let each piece leave as its own chunk
          }
          send('citations', response.citations);
          send('links', response.links);
          send('done', response);
        } catch (error) {
          request.log.error({ err: error }, 'streamed answer failed');
          const failure = error instanceof ApiError ? error : apiError('INTERNAL', {}, error);
          send('error', errorBody(failure, request.body.language ?? 'vi'));
        } finally {
          stream.end();
        }
      })();
      return reply;
    },
  );
}

/** The answer text in pieces a reader can follow: by line, long lines by sentence. */
export function pieces(answer: string): string[] {
  const out: string[] = [];
  for (const line of answer.split(/(?<=\n)/)) {
    if (line.length <= 160) {
      out.push(line);
      continue;
    }
    out.push(...line.split(/(?<=[.!?…;:])\s+(?=\S)/).map((s, i, all) => (i < all.length - 1 ? `${s} ` : s)));
  }
  return out.filter((p) => p.length > 0);
}
