// POST /api/ask and POST /api/ask/stream: the engine's answer as JSON, or as Server-Sent Events
// (meta, the answer text in pieces, citations, links, done). The engine decides; we translate.
import { createHash } from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySerializerCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AskRequest, AskResponse } from '../../../domain/contract.js';
import type { AnswerEngine, Citation } from '../../../domain/contract.js';
import { ApiError, apiError, errorBody, fromEngine } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { errorResponses } from '../schemas.js';
import { createTurns } from '../turns.js';
import type { UnansweredLog } from '../stores.js';

export interface AskRouteDeps {
  engine: AnswerEngine;
  unanswered: UnansweredLog;
  metrics: Metrics;
}

// The engine parses every answer against AskResponse before it returns it (engine.ts): that is
// the one parse a request gets. The route does not parse it again, and its 200 body is written
// as it is rather than encoded through the schema a second time; error bodies keep their schema.
// (fastify calls a route's compiler once per response status, with that status's schema.)
const answerSerializer: FastifySerializerCompiler<unknown> = (route) =>
  route.schema === AskResponse ? (data: unknown) => JSON.stringify(data) : serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);

/**
 * What a web client may send: a question as any channel does, with a session id that is a
 * random token (the widget's UUID), so that nobody can guess another visitor's conversation.
 */
export const WebAskRequest = AskRequest.extend({
  sessionId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be a random token of 16 to 128 letters, digits, - or _')
    .optional(),
}).strict();
type WebAskRequest = z.infer<typeof WebAskRequest>;

/**
 * The engine keeps every channel's conversations side by side ("tg:5002", "zalo:…"). A web
 * session lives in its own namespace, under a digest of the client's token: an API caller can
 * neither read nor steer a Telegram or Zalo chat by naming its session.
 */
export function webSession(token: string): string {
  return `web:${createHash('sha256').update(token).digest('base64url').slice(0, 32)}`;
}

/**
 * A citation that names where this service serves its file (`source`, relative to the service)
 * gets it as its link when the document has none of its own: absolute, on the origin the client
 * reached (behind a proxy: the forwarded one, with TRUST_PROXY), like every other link.
 */
export function withSourceLinks(response: AskResponse, origin: string): AskResponse {
  if (!response.citations.some((c) => c.source) && !response.tasks?.some((t) => t.citation.source)) return response;
  let base: URL;
  try {
    base = new URL(origin);
  } catch {
    return response; // a Host header that makes no origin: the citations keep their page, without a link
  }
  const link = (c: Citation): Citation => (c.source && !c.url ? { ...c, url: new URL(c.source, base).href } : c);
  return {
    ...response,
    citations: response.citations.map(link),
    ...(response.tasks ? { tasks: response.tasks.map((t) => ({ ...t, citation: link(t.citation) })) } : {}),
  };
}

const originOf = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

export async function askRoutes(app: FastifyInstance, deps: AskRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  const turn = createTurns();

  async function answer(request: WebAskRequest, origin: string): Promise<AskResponse> {
    await turn();
    const response = withSourceLinks(await deps.engine.ask(request.sessionId ? { ...request, sessionId: webSession(request.sessionId) } : request), origin);
    deps.metrics.answer(response.found);
    // Asked back: the engine could not tell which record fits, which an admin wants to know too.
    if (!response.found || (response.candidates?.length && !response.procedure)) deps.unanswered.record(request.question, response.language);
    return response;
  }

  api.post(
    '/ask',
    {
      serializerCompiler: answerSerializer,
      schema: {
        summary: 'Ask a question; get a cited answer',
        tags: ['answers'],
        body: WebAskRequest,
        response: { 200: AskResponse, ...errorResponses(400, 413, 415, 429, 500) },
      },
    },
    async (request) => answer(request.body, originOf(request)),
  );

  api.post(
    '/ask/stream',
    {
      schema: {
        summary: 'Ask a question; the answer arrives as Server-Sent Events (meta, delta…, citations, links, done)',
        tags: ['answers'],
        produces: ['text/event-stream'],
        body: WebAskRequest,
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
          const response = await answer(request.body, originOf(request));
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
          const failure = error instanceof ApiError ? error : (fromEngine(error) ?? apiError('INTERNAL', {}, error));
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
