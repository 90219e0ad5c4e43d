// Wrong admin tokens counted across replicas through Redis: a guesser spreading its guesses over
// two replicas is refused after the allowance of one, on both; the admin on another address is
// not. While Redis is away each replica counts alone. Real HTTP on loopback, real Redis.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdminBackend } from '../../server/http/admin.js';
import { createRateLimitRedis } from '../../state/redis.js';
import { buildTestApp } from '../server/http/setup.js';
import { REDIS_URL, redisMissing, sayWhySkipped, unique } from './fixtures/services.js';

const missing = await redisMissing();
sayWhySkipped('test/state/admin-throttle.test.ts', missing);

const ADMIN = 'admin-token-replicas-0123456789';
const backend: AdminBackend = {
  saveUpload: async (name) => ({ name, path: `/nowhere/${name}` }),
  startIngest: () => {
    throw new Error('not in this test');
  },
  ingestJob: () => undefined,
  listDocuments: async () => [],
  removeDocument: async () => false,
};

describe.skipIf(missing !== undefined)('wrong admin tokens counted through Redis', () => {
  const apps: FastifyInstance[] = [];
  const clients: Redis[] = [];
  const nameSpace = `${unique('admin_throttle')}:`;
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    const redis = clients.find((c) => c.status === 'ready');
    if (redis) {
      const keys = await redis.keys(`${nameSpace}*`);
      if (keys.length) await redis.del(...keys);
    }
    for (const c of clients) c.disconnect();
  });

  async function replica(url = REDIS_URL): Promise<FastifyInstance> {
    const client = createRateLimitRedis(url, { maxReconnectDelayMs: 10_000 });
    clients.push(client);
    if (url === REDIS_URL && client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    const app = await buildTestApp({ admin: backend, adminToken: ADMIN, adminThrottle: { maxFailures: 4 }, rateLimitRedis: { client, nameSpace } });
    apps.push(app);
    return app;
  }
  const get = (app: FastifyInstance, from: string, token?: string) =>
    app.inject({ method: 'GET', url: '/admin/documents', remoteAddress: from, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('refuses a guesser on every replica once its guesses on all of them reach the allowance', async () => {
    const [a, b] = [await replica(), await replica()];
    const guesser = '203.0.113.7';
    // Four wrong tokens, two on each replica: each alone would still allow two more.
    for (const [app, i] of [[a, 1], [b, 2], [a, 3], [b, 4]] as const) expect((await get(app, guesser, `wrong-guess-${i}-0123456789`)).statusCode).toBe(401);
    for (const app of [a, b]) {
      const refused = await get(app, guesser, ADMIN);
      expect(refused.statusCode).toBe(429);
      const wait = Number(refused.headers['retry-after']);
      expect(wait >= 1 && wait <= 60).toBe(true);
    }
    // The admin on another address signs in, and a right token clears its own earlier typo.
    const admin = '198.51.100.2';
    expect((await get(b, admin, 'a-typo-in-the-token-0123')).statusCode).toBe(401);
    expect((await get(a, admin, ADMIN)).statusCode).toBe(200);
    expect(Number(await clients[0]!.exists(`${nameSpace}admin-token:${admin}`))).toBe(0);
  });

  it('counts per replica while Redis is away, and stays usable', async () => {
    const app = await replica('redis://127.0.0.1:1');
    const guesser = '203.0.113.9';
    for (let i = 0; i < 4; i++) expect((await get(app, guesser, `wrong-guess-${i}-0123456789`)).statusCode).toBe(401);
    expect((await get(app, guesser, ADMIN)).statusCode).toBe(429);
    expect((await get(app, '198.51.100.3', ADMIN)).statusCode).toBe(200);
  });
});
