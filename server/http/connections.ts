// What a slow or greedy client may hold: how long it may take to send its headers, a body and a
// whole request, how long an idle keep-alive connection stays open, and how many requests one
// client may have still arriving at once. Node's own timers close the socket for headers and the
// whole request (uploads included); the body timer here gives the bodies fastify parses (JSON:
// questions, feedback, webhooks) a much shorter allowance and answers with a coded 408.
import type { IncomingMessage, ServerOptions } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, apiError, errorBody, pickLanguage } from './errors.js';

export interface ConnectionLimits {
  /** From a request's first byte to the end of its headers (node's headersTimeout); also a connection that sends nothing. */
  headersTimeoutMs: number;
  /** From the first read of a body fastify parses to its last byte. */
  bodyTimeoutMs: number;
  /** A whole request, headers and body, uploads included (node's requestTimeout). */
  requestTimeoutMs: number;
  /** How long a keep-alive connection may sit idle between requests. */
  keepAliveTimeoutMs: number;
  /** Requests one client (request.ip: the forwarded address behind TRUST_PROXY) may have still arriving at once. */
  slowRequestsPerClient: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  // A question is under 16 KiB: ten seconds is generous on the slowest mobile link.
  bodyTimeoutMs: 10_000,
  // A 20 MiB upload needs about 1.4 Mbit/s to arrive in two minutes.
  requestTimeoutMs: 120_000,
  // Longer than the idle timeout of the usual reverse proxies (60 s), so the proxy, not we, closes
  // an idle connection and never sends a request on one we are closing (fastify's default too).
  keepAliveTimeoutMs: 72_000,
  slowRequestsPerClient: 10,
};

/** The fastify server options that carry the node timeouts. */
export function serverTimeouts(limits: ConnectionLimits): { requestTimeout: number; keepAliveTimeout: number; http: ServerOptions } {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node looks for expired headers and requests on this beat (30 s by default), so a timeout
      // only holds to within one beat: a quarter of the shorter timeout keeps it close.
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
    },
  };
}

/** Adds the per-client cap (onRequest, before any other hook) and the body timer (preParsing) to the whole app. */
export function guardConnections(app: FastifyInstance, limits: ConnectionLimits): void {
  const arriving = createArrivingRequests();
  const retryAfter = String(Math.max(1, Math.ceil(limits.bodyTimeoutMs / 1000)));

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (arriving.admit(request.ip, request.raw, reply.raw, limits.slowRequestsPerClient)) return;
    request.log.warn({ ip: request.ip, limit: limits.slowRequestsPerClient }, 'too many slow requests from one client');
    const refusal = new ApiError('RATE_LIMITED', { after: `${retryAfter} seconds` }, {
      localized: { vi: { after: `${retryAfter} giây` }, en: { after: `${retryAfter} seconds` } },
    });
    // Connection: close, so the refused request's body is never read.
    return reply
      .code(refusal.statusCode)
      .header('connection', 'close')
      .header('retry-after', retryAfter)
      .type('application/json; charset=utf-8')
      .send(errorBody(refusal, pickLanguage(undefined, request.headers['accept-language'])));
  });

  app.addHook('preParsing', async (request: FastifyRequest, _reply: FastifyReply, payload) =>
    hasBody(request.raw) ? timedBody(payload as Readable, limits.bodyTimeoutMs) : payload,
  );
}

const hasBody = (raw: IncomingMessage): boolean =>
  raw.headers['transfer-encoding'] !== undefined || (raw.headers['content-length'] !== undefined && raw.headers['content-length'] !== '0');

/**
 * Per client, the requests in flight; those whose body is still arriving (`complete` false) are the
 * slow ones. Only they count: a request that arrived whole costs nothing while it is answered, and
 * many of those from one address are an office behind one NAT address (or the load test), which
 * the rate limit governs. A client holding `max` slow ones is refused another.
 */
function createArrivingRequests() {
  const inFlight = new Map<string, Set<IncomingMessage>>();
  return {
    admit(client: string, raw: IncomingMessage, response: { once(event: 'close', fn: () => void): unknown }, max: number): boolean {
      const mine = inFlight.get(client) ?? new Set<IncomingMessage>();
      let slow = 0;
      // `complete === false`, not `!complete`: an injected request (tests) has no such field and is never slow.
      for (const other of mine) if (other.complete === false) slow++;
      if (slow >= max) return false;
      mine.add(raw);
      inFlight.set(client, mine);
      response.once('close', () => {
        mine.delete(raw);
        if (mine.size === 0 && inFlight.get(client) === mine) inFlight.delete(client);
      });
      return true;
    },
  };
}

/**
 * The body as fastify's parser reads it, failing with a coded 408 when it has not all arrived
 * `ms` after the first read (fastify then answers and closes the connection). It attaches to the
 * request only when read: a body nobody parses here (a multipart upload, which the route streams
 * from the request itself; a refused content type) is left alone, under node's request timeout.
 */
function timedBody(raw: Readable, ms: number): Readable {
  let timer: NodeJS.Timeout | undefined;
  let attached = false;
  const onData = (chunk: Buffer) => {
    if (!body.push(chunk)) raw.pause();
  };
  const onEnd = () => {
    clearTimeout(timer);
    body.push(null);
  };
  const onError = (err: Error) => body.destroy(err);
  const onClose = () => {
    if (!raw.readableEnded) body.destroy(apiError('BAD_REQUEST', { detail: 'the client closed the connection' }));
  };
  const detach = () => {
    clearTimeout(timer);
    raw.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
  };
  const body = new Readable({
    read() {
      if (!attached) {
        attached = true;
        raw.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
        timer = setTimeout(() => body.destroy(apiError('REQUEST_TIMEOUT')), ms);
      }
      raw.resume();
    },
    destroy(err, callback) {
      detach();
      callback(err);
    },
  });
  return body;
}
