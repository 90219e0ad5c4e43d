// Load: the full catalogue index (data/ + the national portal crawl), served by buildApp on
// loopback, 200 concurrent connections for 60 s on POST /api/ask with real questions:
// zero errors, zero non-2xx. The figures go to test-artifacts/reliability/load.json.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, tempDir } from './helpers.js';
import { hammer, serveFullCatalogue, warmUp } from './load-kit.js';

let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await tempDir('load');
  ({ app } = await serveFullCatalogue(path.join(dir, 'index')));
}, 300_000);

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('load', () => {
  it('200 connections for 60 s on POST /api/ask: zero errors, zero non-2xx', async () => {
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    await warmUp(url);
    const result = await hammer(url, 60);
    const figures = {
      connections: result.connections,
      durationSeconds: result.duration,
      requestsServed: result.requests.total,
      requestsPerSecond: result.requests.average,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      at: new Date().toISOString(),
    };
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(path.join(ARTIFACTS, 'load.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`[reliability] load: ${JSON.stringify(figures)}`);
    expect(result.requests.total).toBeGreaterThan(0);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
  }, 180_000);
});
