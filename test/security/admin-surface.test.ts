// Issue 13 hardening, over real HTTP on loopback (each loopback address is another client):
// wrong admin tokens are throttled per client; /metrics answers only with METRICS_TOKEN when one
// is set; the public OpenAPI document leaves the admin routes out unless the admin token is sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { logSettings } from '../../service.js';
import type { AdminBackend } from '../../server/http/admin.js';
import { tokenThrottle } from '../../server/http/admin-throttle.js';
import { ingestBusy } from '../../server/http/errors.js';
import { buildTestApp } from '../server/http/setup.js';

const ADMIN = 'admin-token-surface-0123456789';
const METRICS = 'metrics-token-surface-0123456789';

const backend: AdminBackend = {
  saveUpload: async (name) => ({ name, path: `/nowhere/${name}` }),
  startIngest: () => {
    throw ingestBusy();
  },
  ingestJob: () => undefined,
  listDocuments: async () => [],
  removeDocument: async () => false,
};

/** One GET from a given local address, on its own connection. */
function get(port: number, path: string, opts: { from?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, localAddress: opts.from ?? '127.0.0.1', method: 'GET', path, agent: false, headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function serve(extra: Parameters<typeof buildTestApp>[0] = {}): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildTestApp({ admin: backend, adminToken: ADMIN, ...extra });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server.address() as AddressInfo).port };
}

describe('wrong admin tokens are throttled per client', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(() => server.app.close());

  it('refuses a guesser with 429 and Retry-After after 10 wrong tokens in a minute, its right token too', async () => {
    const guesser = '127.0.0.2';
    for (let i = 0; i < 10; i++) {
      const res = await get(server.port, '/admin/documents', { from: guesser, headers: bearer(`wrong-guess-${i}-0123456789`) });
      expect(res.status).toBe(401);
    }
    const refused = await get(server.port, '/admin/documents', { from: guesser, headers: { ...bearer('wrong-guess-11-0123456789'), 'accept-language': 'vi' } });
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers['retry-after']);
    expect(Number.isInteger(wait) && wait >= 1 && wait <= 60).toBe(true);
    expect(JSON.parse(refused.body)).toEqual({ code: 'RATE_LIMITED', message: `Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau ${wait} giây.` });
    // Answering the right token now would tell the guesser which guess was right.
    expect((await get(server.port, '/admin/documents', { from: guesser, headers: bearer(ADMIN) })).status).toBe(429);
  });

  it('serves the admin from another client meanwhile, and counts its own mistakes apart', async () => {
    const admin = '127.0.0.3';
    expect((await get(server.port, '/admin/documents', { from: admin, headers: bearer('a-typo-in-the-token-0123') })).status).toBe(401);
    const res = await get(server.port, '/admin/documents', { from: admin, headers: bearer(ADMIN) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ documents: [] });
    // The public API is not the admin's: the guesser still gets its answers.
    expect((await get(server.port, '/api/search?q=khai%20sinh', { from: '127.0.0.2' })).status).toBe(200);
  });

  it('does not count requests that send no token at all (a page opened before signing in)', async () => {
    const browser = '127.0.0.4';
    for (let i = 0; i < 15; i++) expect((await get(server.port, '/admin/documents', { from: browser })).status).toBe(401);
    expect((await get(server.port, '/admin/documents', { from: browser, headers: bearer(ADMIN) })).status).toBe(200);
  });

  it('lets a client try again once its window has passed, and forgets the oldest clients past its bound', () => {
    let now = 0;
    const throttle = tokenThrottle({ maxFailures: 3, windowMs: 60_000, maxClients: 2 }, () => now);
    for (let i = 0; i < 3; i++) throttle.failed('a');
    expect(throttle.waitSeconds('a')).toBe(60);
    now = 59_001;
    expect(throttle.waitSeconds('a')).toBe(1);
    now = 60_000;
    expect(throttle.waitSeconds('a')).toBe(0);
    for (let i = 0; i < 3; i++) throttle.failed('a');
    throttle.failed('b');
    throttle.failed('c'); // a third client: the one whose last failure is oldest ('a') is forgotten
    expect(throttle.waitSeconds('a')).toBe(0);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve({ metricsToken: METRICS });
  });
  afterAll(() => server.app.close());

  it('answers 401 without the token, with a wrong one and with the admin token', async () => {
    for (const headers of [{}, bearer('not-the-metrics-token-0123'), bearer(ADMIN)]) {
      const res = await get(server.port, '/metrics', { headers: { ...headers, 'accept-language': 'en' } });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toEqual({ code: 'METRICS_UNAUTHORIZED', message: 'A valid metrics token (METRICS_TOKEN) is required.' });
      expect(res.body).not.toContain('http_requests_total');
    }
  });

  it('serves the Prometheus text to a scraper that sends it', async () => {
    const res = await get(server.port, '/metrics', { headers: bearer(METRICS) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(/^# TYPE http_requests_total counter$/m);
  });

  it('is read from METRICS_TOKEN (16 characters at least) and kept out of the logs', () => {
    expect(loadConfig({ METRICS_TOKEN: METRICS }).metricsToken).toBe(METRICS);
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
    expect(logSettings(loadConfig({ METRICS_TOKEN: METRICS })).secrets).toContain(METRICS);
  });
});

describe('the OpenAPI document', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(() => server.app.close());

  const adminPaths = (doc: { paths: Record<string, unknown> }) => Object.keys(doc.paths).filter((p) => p === '/admin' || p.startsWith('/admin/'));

  it('leaves the admin routes and their scheme out for a caller without the admin token', async () => {
    for (const url of ['/docs/openapi.json', '/docs/json']) {
      for (const headers of [{}, bearer('not-the-admin-token-0123456')]) {
        const res = await get(server.port, url, { headers });
        expect(res.status).toBe(200);
        const doc = JSON.parse(res.body);
        expect(adminPaths(doc)).toEqual([]);
        expect(doc.components?.securitySchemes ?? {}).not.toHaveProperty('adminToken');
        expect(doc.paths['/api/ask'].post).toBeDefined();
        expect(res.headers.vary).toMatch(/authorization/i);
      }
    }
    const yaml = await get(server.port, '/docs/yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.body).toMatch(/^ {2}\/api\/ask:$/m); // a path key, as the admin ones would be
    expect(yaml.body).not.toMatch(/^ {2}\/admin\/\S*:$/m);
  });

  it('shows them to the admin', async () => {
    for (const url of ['/docs/openapi.json', '/docs/json']) {
      const doc = JSON.parse((await get(server.port, url, { headers: bearer(ADMIN) })).body);
      expect(adminPaths(doc)).toEqual(expect.arrayContaining(['/admin/documents', '/admin/ingest', '/admin/ingest/{id}']));
      expect(doc.paths['/admin/documents'].post.security).toEqual([{ adminToken: [] }]);
      expect(doc.components.securitySchemes).toHaveProperty('adminToken');
    }
  });
});
