// The proxy `npm run cluster` puts in front of its replicas (cli/round-robin-proxy.ts), over
// small HTTP servers on loopback: requests go round robin with the client's address forwarded;
// a streamed response arrives event by event, not at its end; a replica that refuses the
// connection is passed over for any request, while a reset before an answer is retried only for
// a request safe to repeat; with no replica left the client is told so with 502 NO_REPLICA.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRoundRobinProxy, type RoundRobinProxy } from '../../cli/round-robin-proxy.js';

interface Replica {
  port: number;
  seen: Array<{ method: string; url: string; forwardedFor: string; body: string }>;
  server: http.Server;
}

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function replica(name: string, handle?: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Replica> {
  const seen: Replica['seen'] = [];
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    seen.push({ method: req.method!, url: req.url!, forwardedFor: String(req.headers['x-forwarded-for']), body });
    if (handle) return handle(req, res);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
  return { port: (server.address() as AddressInfo).port, seen, server };
}

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const r = await replica('gone');
  await new Promise<void>((resolve) => (r.server.closeAllConnections(), r.server.close(() => resolve())));
  return r.port;
}

async function proxyTo(ports: number[]): Promise<RoundRobinProxy> {
  const proxy = await startRoundRobinProxy(ports.map((port) => ({ host: '127.0.0.1', port })));
  opened.push(proxy);
  return proxy;
}

describe('the round-robin proxy', () => {
  it('sends requests to the replicas in turn, with the client named in X-Forwarded-For', async () => {
    const [a, b, c] = [await replica('a'), await replica('b'), await replica('c')];
    const proxy = await proxyTo([a.port, b.port, c.port]);
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push(await (await fetch(`http://127.0.0.1:${proxy.port}/x`)).text());
    expect(answers).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    await fetch(`http://127.0.0.1:${proxy.port}/y`, { headers: { 'x-forwarded-for': '10.0.0.7' } });
    expect(a.seen.map((s) => s.forwardedFor)).toEqual(['127.0.0.1', '127.0.0.1', '10.0.0.7, 127.0.0.1']);
  });

  it('passes a streamed response on event by event', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sse = await replica('sse', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: meta\ndata: {}\n\n');
      void held.then(() => res.end('event: done\ndata: {}\n\n'));
    });
    const proxy = await proxyTo([sse.port]);
    const response = await fetch(`http://127.0.0.1:${proxy.port}/api/ask/stream`, { method: 'POST', body: '{}' });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    // The first event is here while the replica still holds the rest.
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('event: meta\ndata: {}\n\n');
    release();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('event: done\ndata: {}\n\n');
  });

  it('sends a request a replica refused to the next one, a POST and its body included', async () => {
    const gone = await closedPort();
    const b = await replica('b');
    const proxy = await proxyTo([gone, b.port]);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${proxy.port}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"n":${i}}` });
      expect(await res.text()).toBe('b');
    }
    expect(b.seen.map((s) => s.body)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
  });

  it('retries a reset before the answer only for a request safe to repeat', async () => {
    const dropping = await replica('drop', (req) => req.socket.destroy());
    const b = await replica('b');
    const proxy = await proxyTo([dropping.port, b.port]);
    // The first request of each pair goes to the dropping replica first.
    const get = await fetch(`http://127.0.0.1:${proxy.port}/api/procedures/1`);
    expect([get.status, await get.text()]).toEqual([200, 'b']);
    await fetch(`http://127.0.0.1:${proxy.port}/skip`); // → b, so the POST meets the dropping one first
    const post = await fetch(`http://127.0.0.1:${proxy.port}/api/ask`, { method: 'POST', body: '{"q":1}', headers: { 'accept-language': 'en' } });
    expect(post.status).toBe(502);
    expect(await post.json()).toEqual({ code: 'NO_REPLICA', message: 'No replica of the service is answering; please try again in a few minutes.' });
    // The dropping replica may have acted on it: it was not sent again.
    expect(b.seen.filter((s) => s.method === 'POST')).toEqual([]);
  });

  it('says 502 NO_REPLICA, in Vietnamese by default, when no replica takes the connection', async () => {
    const proxy = await proxyTo([await closedPort(), await closedPort()]);
    const res = await fetch(`http://127.0.0.1:${proxy.port}/api/ask`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(502);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'NO_REPLICA', message: expect.stringContaining('Không có máy chủ nào') });
  });
});
