// The per-client rate limit shared through Redis: two app instances ("replicas") count one
// client's requests together; a Redis outage lets requests through (fail open) and says so once.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimitRedis } from '../../state/redis.js';
import { buildTestApp } from '../server/http/setup.js';
import { waitFor } from '../helpers/wait.js';
import { REDIS_URL, redisMissing, sayWhySkipped, unique } from './fixtures/services.js';

const missing = await redisMissing();
sayWhySkipped('test/state/rate-limit.test.ts', missing);

const URL = '/api/procedures/1.001193';
const WINDOW = { max: 4, timeWindowMs: 60_000 };

describe.skipIf(missing !== undefined)('the rate limit shared through Redis', () => {
  let redis: Redis;
  const apps: FastifyInstance[] = [];
  const namespaces: string[] = [];
  beforeAll(() => {
    redis = createRateLimitRedis(REDIS_URL);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    for (const ns of namespaces.splice(0)) {
      const keys = await redis.keys(`${ns}*`);
      if (keys.length) await redis.del(...keys);
    }
  });
  afterAll(() => redis.quit());

  const replica = async (nameSpace: string, client: Redis = redis): Promise<FastifyInstance> => {
    const app = await buildTestApp({ rateLimit: WINDOW, rateLimitRedis: { client, nameSpace } });
    apps.push(app);
    return app;
  };
  const ns = (): string => {
    const name = `${unique('rl')}:`;
    namespaces.push(name);
    return name;
  };

  it('holds across two replicas: a client splitting its requests between them is refused after the shared maximum', async () => {
    const nameSpace = ns();
    const [a, b] = [await replica(nameSpace), await replica(nameSpace)];
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await (i % 2 ? b : a).inject({ url: URL });
      statuses.push(res.statusCode);
      remaining.push(String(res.headers['x-ratelimit-remaining']));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(remaining).toEqual(['3', '2', '1', '0', '0', '0']);
    // Another client still gets through, on either replica.
    expect((await b.inject({ url: URL, remoteAddress: '10.0.0.7' })).statusCode).toBe(200);
    // The counter lives in Redis under the namespace, with the window as its expiry.
    const keys = await redis.keys(`${nameSpace}*`);
    expect(keys.sort()).toEqual([`${nameSpace}10.0.0.7`, `${nameSpace}127.0.0.1`]);
    expect(await redis.pttl(`${nameSpace}127.0.0.1`)).toBeGreaterThan(50_000);
  });

  it('holds when the two replicas are hit at the same moment', async () => {
    const nameSpace = ns();
    const [a, b] = [await replica(nameSpace), await replica(nameSpace)];
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).inject({ url: URL })));
    const counts = all.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.statusCode]: (acc[r.statusCode] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 200: WINDOW.max, 429: 10 - WINDOW.max });
  });

  it('keeps namespaces apart: replicas of another deployment count on their own', async () => {
    const [a, other] = [await replica(ns()), await replica(ns())];
    for (let i = 0; i < WINDOW.max; i++) await a.inject({ url: URL });
    expect((await a.inject({ url: URL })).statusCode).toBe(429);
    expect((await other.inject({ url: URL })).statusCode).toBe(200);
  });

  it('fails open when Redis is unreachable: requests are served, and the outage is logged once', async () => {
    const warnings: string[] = [];
    const note = (m: string) => void warnings.push(m);
    // A port nobody listens on: every command fails at once (no offline queue).
    const dead = createRateLimitRedis('redis://127.0.0.1:1', { logger: { info: () => undefined, warn: (_f, m) => note(m), error: (_f, m) => note(m) } });
    try {
      const app = await replica(ns(), dead);
      const statuses: number[] = [];
      const started = Date.now();
      for (let i = 0; i < WINDOW.max + 3; i++) statuses.push((await app.inject({ url: URL })).statusCode);
      expect(statuses.every((s) => s === 200)).toBe(true);
      // Fast: a limiter without Redis must not hold requests up.
      expect(Date.now() - started).toBeLessThan(3000);
      await waitFor(() => warnings.length > 0, { what: 'the outage to be logged' });
      expect(warnings).toEqual(['Redis unreachable: requests are not rate-limited until it is back']);
    } finally {
      dead.disconnect();
    }
  });
});

describe('the rate limit without Redis', () => {
  it('counts in each process on its own (REDIS_URL unset)', async () => {
    const [a, b] = [await buildTestApp({ rateLimit: WINDOW }), await buildTestApp({ rateLimit: WINDOW })];
    try {
      for (let i = 0; i < WINDOW.max; i++) expect((await a.inject({ url: URL })).statusCode).toBe(200);
      expect((await a.inject({ url: URL })).statusCode).toBe(429);
      expect((await b.inject({ url: URL })).statusCode).toBe(200);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
