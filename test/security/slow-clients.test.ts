// Slow and greedy clients over real HTTP on loopback (inject never opens a socket): a body or
// headers sent a byte at a time, an idle keep-alive connection, an upload claiming 1 GB, one
// client holding many slow requests, an upload without the admin token. Each is cut off by the
// server within the timeout the test configures (short here), and everyone else is still served.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import type { AdminBackend } from '../../server/http/admin.js';
import type { ConnectionLimits } from '../../server/http/connections.js';
import { ingestBusy } from '../../server/http/errors.js';
import { waitFor } from '../helpers/wait.js';
import { buildTestApp } from '../server/http/setup.js';

const TOKEN = 'admin-token-slow-clients-0123456789';
/** What the server may take beyond a configured timeout before the test calls it a hang (scheduling on a busy machine). */
const SLACK_MS = 4000;
const GIB = 1024 * 1024 * 1024;

const LIMITS: ConnectionLimits = {
  headersTimeoutMs: 1000,
  bodyTimeoutMs: 800,
  requestTimeoutMs: 2500,
  keepAliveTimeoutMs: 800,
  slowRequestsPerClient: 3,
};

let uploads: string;
let saved = 0;
function backend(): AdminBackend {
  return {
    async saveUpload(name, bytes) {
      saved++;
      await writeFile(path.join(uploads, name), bytes);
      return { name, path: path.join(uploads, name) };
    },
    startIngest: () => {
      throw ingestBusy();
    },
    ingestJob: () => undefined,
    listDocuments: async () => [],
    removeDocument: async () => false,
  };
}

/** The app listening on 127.0.0.1; `seen` counts the requests whose headers it has read. */
async function serve(connections: Partial<ConnectionLimits>, extra: { trustProxy?: boolean } = {}): Promise<{ app: FastifyInstance; port: number; seen: () => number }> {
  const app = await buildTestApp({ connections, admin: backend(), adminToken: TOKEN, uploadLimitBytes: 1024 * 1024, ...extra });
  let seen = 0;
  app.addHook('onRequest', async () => void seen++);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server.address() as AddressInfo).port, seen: () => seen };
}

const sockets: net.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** A raw connection from `from` (another loopback address is another client) that records what it receives. */
function connect(port: number, from = '127.0.0.1'): net.Socket & { received: () => string; ended: Promise<string> } {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
  sockets.push(socket);
  let text = '';
  socket.on('data', (b: Buffer) => (text += b.toString('utf8')));
  const ended = new Promise<string>((resolve) => {
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    // A reset after the response (the server closed with our bytes unread) is a close too.
    socket.on('error', () => resolve(text));
  });
  return Object.assign(socket, { received: () => text, ended });
}

/** Resolves with what the server sent once it closes the connection; fails if it is still open after `ms`. */
async function closedWithin(socket: ReturnType<typeof connect>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server kept the connection open for more than ${ms} ms; received: ${JSON.stringify(socket.received().slice(0, 200))}`)), ms);
  });
  try {
    return await Promise.race([socket.ended, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends one byte every 100 ms until the connection closes: never idle, never finished. */
function trickle(socket: net.Socket): void {
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write('a');
  }, 100);
  socket.on('close', () => clearInterval(timer));
}

const jsonHead = (url: string, length: number, extra = '') =>
  `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

function status(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
}
function jsonOf(response: string): { code?: string; message?: string } {
  const body = response.slice(response.indexOf('\r\n\r\n') + 4);
  return JSON.parse(body) as { code?: string; message?: string };
}

/** A whole request over node's http client from a given local address; resolves with status, headers and body. */
function request(port: number, opts: { from?: string; method?: string; path: string; body?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, localAddress: opts.from ?? '127.0.0.1', method: opts.method ?? 'POST', path: opts.path, agent: false, headers: { 'content-type': 'application/json', ...opts.headers } },
      (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
const ask = (port: number, from?: string, headers?: Record<string, string>) =>
  request(port, { path: '/api/ask', body: JSON.stringify({ question: 'Làm giấy khai sinh cần gì?' }), ...(from ? { from } : {}), ...(headers ? { headers } : {}) });

beforeAll(async () => {
  uploads = await mkdtemp(path.join(os.tmpdir(), 'slow-clients-uploads-'));
});
afterAll(async () => {
  await rm(uploads, { recursive: true, force: true });
});

describe('timeouts: a slow client is cut off within the configured time', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(LIMITS);
  }, 60_000);
  afterAll(() => server.app.close());

  it('a JSON body sent one byte every 100 ms gets a coded 408 at the body timeout and the connection is closed', async () => {
    const socket = connect(server.port);
    socket.write(jsonHead('/api/ask', 1000, 'Accept-Language: en\r\n'));
    trickle(socket);
    const response = await closedWithin(socket, LIMITS.bodyTimeoutMs + SLACK_MS);
    expect(status(response)).toBe(408);
    expect(response.toLowerCase()).toContain('connection: close');
    expect(jsonOf(response).code).toBe('REQUEST_TIMEOUT');
    expect(jsonOf(response).message).toMatch(/too long/);
  });

  it('the same on the streaming route and on a route that does not exist, in Vietnamese by default', async () => {
    for (const url of ['/api/ask/stream', '/khong-co']) {
      const socket = connect(server.port);
      socket.write(jsonHead(url, 1000));
      trickle(socket);
      const response = await closedWithin(socket, LIMITS.bodyTimeoutMs + SLACK_MS);
      expect(status(response), url).toBe(408);
      expect(jsonOf(response).message).toMatch(/quá lâu/);
    }
  });

  it('an authorised upload claiming 1 GB and sent a byte at a time is cut at the request timeout', async () => {
    const boundary = 'slow-upload';
    const socket = connect(server.port);
    socket.write(
      `POST /admin/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${GIB}\r\n\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lon.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
    );
    trickle(socket);
    const response = await closedWithin(socket, LIMITS.requestTimeoutMs + SLACK_MS);
    expect(status(response)).toBe(408);
    expect(saved).toBe(0);
  });

  it('headers that never end, and a connection that sends nothing, are closed at the headers timeout', async () => {
    const partial = connect(server.port);
    partial.write('POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => partial.writable && partial.write('X-Slow: a\r\n'), 100);
    partial.on('close', () => clearInterval(timer));
    const silent = connect(server.port);
    const [a, b] = await Promise.all([closedWithin(partial, LIMITS.headersTimeoutMs + SLACK_MS), closedWithin(silent, LIMITS.headersTimeoutMs + SLACK_MS)]);
    expect(status(a)).toBe(408);
    expect(status(b)).toBe(408);
  });

  it('an idle keep-alive connection is closed at the keep-alive timeout', async () => {
    const socket = connect(server.port);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    await waitFor(() => /\r\n\r\n/.test(socket.received()), { what: 'the /healthz response' });
    expect(status(socket.received())).toBeLessThan(500);
    await closedWithin(socket, LIMITS.keepAliveTimeoutMs + SLACK_MS);
  });

  it('a client that sends its request promptly is served as before', async () => {
    const res = await ask(server.port);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).procedure.code).toBe('1.001193');
  });
});

describe('slow requests per client', () => {
  /** Opens `n` requests from `from` whose bodies never finish, and waits until the server has read their headers. */
  async function holdSlow(server: Awaited<ReturnType<typeof serve>>, n: number, from = '127.0.0.1', extra = ''): Promise<net.Socket[]> {
    const before = server.seen();
    const held = Array.from({ length: n }, () => {
      const socket = connect(server.port, from);
      socket.write(jsonHead('/api/ask', 1000, extra) + '{"question":');
      return socket;
    });
    await waitFor(() => server.seen() >= before + n, { what: `${n} slow requests read by the server` });
    return held;
  }

  it('a client holding its cap of slow bodies is refused another (429, closed); other clients and fast requests are served', async () => {
    // A long body timeout: the held requests stay open for the whole test.
    const server = await serve({ ...LIMITS, bodyTimeoutMs: 60_000, requestTimeoutMs: 120_000 });
    try {
      // Many concurrent requests that arrive whole are not slow: none is refused (the load test's 200 connections from one client).
      const fast = await Promise.all(Array.from({ length: 20 }, () => ask(server.port)));
      expect(fast.map((r) => r.status)).toEqual(fast.map(() => 200));

      const held = await holdSlow(server, LIMITS.slowRequestsPerClient);
      const refused = await ask(server.port, '127.0.0.1', { 'accept-language': 'en' });
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body).code).toBe('RATE_LIMITED');
      expect(refused.headers.connection).toBe('close');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Another client (another loopback address) is not affected.
      expect((await ask(server.port, '127.0.0.2')).status).toBe(200);

      // Once the slow requests are gone, the client is admitted again (nothing leaks).
      for (const s of held) s.destroy();
      await waitFor(async () => (await ask(server.port)).status === 200, { what: 'the client admitted again' });
    } finally {
      // Held requests never finish: close them first, or the app waits for them.
      for (const s of sockets.splice(0)) s.destroy();
      await server.app.close();
    }
  }, 30_000);

  it('behind a proxy (TRUST_PROXY) the cap counts the forwarded client, not the proxy', async () => {
    const server = await serve({ ...LIMITS, bodyTimeoutMs: 60_000, requestTimeoutMs: 120_000 }, { trustProxy: true });
    try {
      await holdSlow(server, LIMITS.slowRequestsPerClient, '127.0.0.1', 'X-Forwarded-For: 203.0.113.7\r\n');
      expect((await ask(server.port, '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
      expect((await ask(server.port, '127.0.0.1', { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    } finally {
      // Held requests never finish: close them first, or the app waits for them.
      for (const s of sockets.splice(0)) s.destroy();
      await server.app.close();
    }
  }, 30_000);
});

describe('uploads without the admin token', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve({ ...LIMITS, bodyTimeoutMs: 60_000, requestTimeoutMs: 120_000 });
  }, 60_000);
  afterAll(() => server.app.close());

  /** Starts an upload claiming 1 GB; after the server's answer, keeps sending until it closes. Returns the answer and the bytes sent. */
  async function claimGigabyte(authorization?: string): Promise<{ response: string; sent: number }> {
    const boundary = 'unauthorised';
    const socket = connect(server.port);
    socket.write(
      `POST /admin/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n${authorization ? `Authorization: ${authorization}\r\n` : ''}Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${GIB}\r\n\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"\r\n\r\n%PDF-1.4\n`,
    );
    await waitFor(() => /\r\n\r\n/.test(socket.received()) || socket.destroyed, { what: 'the answer to the upload headers' });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const CEILING = 64 * 1024 * 1024;
    // Loopback buffers absorb a few MiB after a close; a server that reads the body takes all 64.
    while (sent < CEILING && !socket.destroyed && socket.writable) {
      const flushed = socket.write(chunk);
      sent += chunk.length;
      if (!flushed) await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
    const response = await closedWithin(socket, SLACK_MS);
    return { response, sent };
  }

  it('is refused with 401 before its body is read, and the connection is closed', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`]) {
      const { response, sent } = await claimGigabyte(authorization);
      expect(status(response), String(authorization)).toBe(401);
      expect(jsonOf(response).code).toBe('UNAUTHORIZED');
      expect(response.toLowerCase()).toContain('connection: close');
      expect(sent, 'bytes the client could send after the 401').toBeLessThan(64 * 1024 * 1024);
    }
    expect(saved).toBe(0);
  }, 30_000);

  it('an authorised upload over a real socket still goes through', async () => {
    const boundary = 'ok-upload';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Công văn.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n% ok\n%%EOF\n\r\n--${boundary}--\r\n`;
    const res = await request(server.port, {
      path: '/admin/documents',
      body,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body).name).toBe('Công văn.pdf');
  });
});

describe('configuration', () => {
  it('reads the timeouts and the cap from the environment, with sane defaults', () => {
    const defaults = loadConfig({}).http;
    expect(defaults.bodyTimeoutMs).toBeLessThanOrEqual(defaults.requestTimeoutMs);
    expect(defaults.headersTimeoutMs).toBeLessThanOrEqual(defaults.requestTimeoutMs);
    expect(defaults.requestTimeoutMs).toBeGreaterThan(0);
    const set = loadConfig({ HTTP_BODY_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '4000', HTTP_REQUEST_TIMEOUT_MS: '60000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '30000', HTTP_SLOW_REQUESTS_PER_CLIENT: '4' }).http;
    expect(set).toEqual({ bodyTimeoutMs: 5000, headersTimeoutMs: 4000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 30_000, slowRequestsPerClient: 4 });
  });

  it('refuses a body or headers timeout longer than the whole request may take, and a timeout of 0', () => {
    expect(() => loadConfig({ HTTP_BODY_TIMEOUT_MS: '90000', HTTP_REQUEST_TIMEOUT_MS: '60000' })).toThrow(ConfigError);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '90000', HTTP_REQUEST_TIMEOUT_MS: '60000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
  });
});
