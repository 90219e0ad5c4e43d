// A small round-robin HTTP proxy on loopback in front of the replicas `npm run cluster` starts: a
// local stand-in for the load balancer a deployment puts there. Responses are piped as they come
// (the SSE of /api/ask/stream included); a request no replica could take is retried on the next.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export interface RoundRobinProxy {
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/** Requests a client may repeat without changing anything twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Bodies up to this size are held so that they can be sent again; larger ones (uploads) stream through once. */
const REPLAYABLE_BYTES = 1024 * 1024;
/** How long a replica that refused a connection is passed over before it is tried again. */
const REST_MS = 1000;
/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the message. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

const NO_REPLICA = {
  code: 'NO_REPLICA',
  vi: 'Không có máy chủ nào của dịch vụ đang trả lời; vui lòng thử lại sau ít phút.',
  en: 'No replica of the service is answering; please try again in a few minutes.',
};

function forwardHeaders(req: IncomingMessage): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP.has(name) && value !== undefined) headers[name] = value;
  // What a load balancer adds: the replicas (TRUST_PROXY) see the client, not the proxy, and count its rate limit.
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${client}` : client;
  headers['x-forwarded-proto'] ??= 'http';
  if (req.headers.host) headers['x-forwarded-host'] ??= req.headers.host;
  return headers;
}

/** The body, held when it can be replayed; null: it is streamed through once, without a retry. */
async function replayableBody(req: IncomingMessage): Promise<Buffer | null> {
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && length === undefined) return Buffer.alloc(0);
  if (chunked || Number(length) > REPLAYABLE_BYTES) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function refuse(req: IncomingMessage, res: ServerResponse, cause: string): void {
  if (res.headersSent) return void res.destroy();
  const en = /^en\b/i.test(req.headers['accept-language'] ?? '');
  res.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
  res.end(JSON.stringify({ code: NO_REPLICA.code, message: en ? NO_REPLICA.en : NO_REPLICA.vi }));
  process.stderr.write(`proxy: ${req.method} ${req.url}: no replica answered (${cause})\n`);
}

export async function startRoundRobinProxy(upstreams: readonly Upstream[], options: { host?: string; port?: number } = {}): Promise<RoundRobinProxy> {
  if (!upstreams.length) throw new Error('the proxy needs at least one replica');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const restingUntil = new Array<number>(upstreams.length).fill(0);
  let next = 0;

  /** The replicas to try, in turn from the next one, those resting last. */
  const order = (): number[] => {
    const start = next++ % upstreams.length;
    const all = upstreams.map((_, i) => (start + i) % upstreams.length);
    const now = Date.now();
    return [...all.filter((i) => restingUntil[i]! <= now), ...all.filter((i) => restingUntil[i]! > now)];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await replayableBody(req);
    const headers = forwardHeaders(req);
    const tries = order();
    let lastError = '';
    for (const [attempt, i] of tries.entries()) {
      const target = upstreams[i]!;
      const outcome = await new Promise<'done' | 'refused' | 'failed'>((resolve) => {
        const upstream = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent }, (response) => {
          const out: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(response.headers)) if (!HOP.has(name) && value !== undefined) out[name] = value;
          res.writeHead(response.statusCode ?? 502, response.statusMessage, out);
          // SSE: every event is written as it arrives; nothing is buffered here.
          res.flushHeaders();
          response.pipe(res);
          response.on('error', () => res.destroy());
          response.on('end', () => resolve('done'));
          response.on('close', () => resolve('done'));
        });
        // A client that leaves stops the replica's work for it too.
        res.on('close', () => {
          if (!res.writableFinished) upstream.destroy();
        });
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          lastError = `${target.host}:${target.port} ${error.code ?? error.message}`;
          if (res.headersSent) return void (res.destroy(), resolve('done'));
          // Refused: the request never reached that replica, so any method may go to the next one.
          // Reset before an answer (a replica killed with the request in flight, or a kept-alive
          // socket it closed): it may have acted, so only a request that is safe to repeat goes on.
          if (error.code === 'ECONNREFUSED') {
            restingUntil[i] = Date.now() + REST_MS;
            resolve('refused');
          } else resolve('failed');
        });
        if (body) upstream.end(body);
        else req.pipe(upstream);
      });
      if (outcome === 'done') return;
      const retry = body !== null && attempt < tries.length - 1 && (outcome === 'refused' || IDEMPOTENT.has(req.method ?? ''));
      if (!retry) break;
    }
    refuse(req, res, lastError);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: Error) => refuse(req, res, error.message));
  });
  // Long answers stream for a while: the replicas' own timeouts decide, not the proxy's.
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
