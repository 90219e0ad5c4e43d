// Health, readiness, metrics and the API documentation.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../server/http/metrics.js';
import { buildTestApp } from './setup.js';

describe('health and readiness', () => {
  it('is alive at once and ready only when the engine is', async () => {
    let ready = false;
    const app = await buildTestApp({ isReady: () => ready });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const notReady = await app.inject({ url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ code: 'NOT_READY', message: 'Dịch vụ đang khởi động, vui lòng thử lại sau.' });
    ready = true;
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    await app.close();
  });
});

describe('GET /metrics', () => {
  it('counts requests, answers and ingest runs', async () => {
    const metrics = createMetrics();
    const app = await buildTestApp({ metrics });
    await app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'Làm giấy khai sinh cần gì?' } });
    await app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'thời tiết hôm nay' } });
    await app.inject({ url: '/api/procedures/0.000000' });
    metrics.ingestRun('succeeded');
    const res = await app.inject({ url: '/metrics' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(text).toContain('http_requests_total{route="/api/ask",method="POST",status="200"} 2');
    expect(text).toContain('http_requests_total{route="/api/procedures/:code",method="GET",status="404"} 1');
    expect(text).toContain('http_request_duration_seconds_bucket{le="+Inf",route="/api/ask",method="POST"} 2');
    expect(text).toContain('http_request_duration_seconds_count{route="/api/ask",method="POST"} 2');
    expect(text).toContain('answers_total{result="found"} 1');
    expect(text).toContain('answers_total{result="not_found"} 1');
    expect(text).toContain('ingest_runs_total{outcome="succeeded"} 1');
    expect(text).toContain('ingest_runs_total{outcome="failed"} 0');
  });

  it('carries Node’s process and event-loop metrics', async () => {
    const app = await buildTestApp();
    const text = (await app.inject({ url: '/metrics' })).body;
    await app.close();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
  });
});

describe('API documentation', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app.close());

  it('serves OpenAPI 3.1 generated from the route schemas', async () => {
    const res = await app.inject({ url: '/docs/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const ask = doc.paths['/api/ask'].post;
    expect(ask.requestBody.content['application/json'].schema.properties.question).toMatchObject({ type: 'string', minLength: 1, maxLength: 1000 });
    expect(ask.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect(ask.responses['200'].content['application/json'].schema.required).toEqual(expect.arrayContaining(['id', 'answer', 'citations']));
    expect(ask.responses['400'].content['application/json'].schema.properties).toHaveProperty('code');
    expect(doc.paths['/api/procedures/{code}'].get.parameters[0]).toMatchObject({ name: 'code', in: 'path', required: true });
    expect(doc.paths['/api/search'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['q', 'limit']);
    expect(Object.keys(doc.paths['/api/ask/stream'].post.responses['200'].content)).toEqual(['text/event-stream']);
  });

  it('serves the OpenAPI UI page (its scripts from this server, none inline)', async () => {
    const res = await app.inject({ url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('/docs/static/swagger-ui-bundle.js');
    expect(res.body).not.toMatch(/<script(?![^>]*src=)/);
  });

  it('answers unknown routes with a coded 404', async () => {
    const res = await app.inject({ url: '/nope', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: 'Not found.' });
  });
});
