// GET /api/procedures/:code, GET /api/search and POST /api/feedback.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Procedure } from '../../../domain/records.js';
import { SearchHit } from '../../../domain/contract.js';
import { createFeedbackStore } from '../../../server/http/stores.js';
import { buildTestApp } from './setup.js';

let app: FastifyInstance;
let dir: string;
let feedbackFile: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'http-feedback-'));
  feedbackFile = path.join(dir, 'nested', 'feedback.jsonl');
  app = await buildTestApp({ feedback: createFeedbackStore({ file: feedbackFile }) });
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/procedures/:code', () => {
  it('returns the catalogue record', async () => {
    const res = await app.inject({ url: '/api/procedures/1.001193' });
    expect(res.statusCode).toBe(200);
    const procedure = Procedure.parse(res.json());
    expect(procedure.name).toBe('Thủ tục đăng ký khai sinh');
    expect(procedure.papers.length).toBeGreaterThan(0);
  });

  it('answers an unknown code with a Vietnamese 404', async () => {
    const res = await app.inject({ url: '/api/procedures/9.999999' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'PROCEDURE_NOT_FOUND', message: 'Không tìm thấy thủ tục hành chính có mã 9.999999.' });
  });
});

describe('GET /api/search', () => {
  it('finds the birth registration procedure', async () => {
    const res = await app.inject({ url: `/api/search?q=${encodeURIComponent('đăng ký khai sinh')}&limit=5` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { query: string; hits: unknown[] };
    const hits = body.hits.map((h) => SearchHit.parse(h));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(hits.map((h) => h.id)).toContain('1.001193');
  });

  it('refuses a missing query, a bad limit and unknown parameters', async () => {
    expect((await app.inject({ url: '/api/search' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/search?q=x&limit=0' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/search?q=x&limit=abc' })).statusCode).toBe(400);
    const extra = await app.inject({ url: '/api/search?q=x&debug=1' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().message).toContain('debug');
  });
});

describe('POST /api/feedback', () => {
  it('stores feedback as a JSON line', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/feedback', payload: { answerId: 'a-1', helpful: false, comment: 'Thiếu lệ phí' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ ok: true });
    const lines = (await readFile(feedbackFile, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ answerId: 'a-1', helpful: false, comment: 'Thiếu lệ phí' });
  });

  it('refuses a comment over 1000 characters, a non-boolean helpful and unknown fields', async () => {
    const long = await app.inject({ method: 'POST', url: '/api/feedback', payload: { answerId: 'a', helpful: true, comment: 'x'.repeat(1001) } });
    expect(long.statusCode).toBe(400);
    const wrong = await app.inject({ method: 'POST', url: '/api/feedback', payload: { answerId: 'a', helpful: 'yes' } });
    expect(wrong.statusCode).toBe(400);
    const extra = await app.inject({ method: 'POST', url: '/api/feedback', payload: { answerId: 'a', helpful: true, rating: 5 } });
    expect(extra.statusCode).toBe(400);
  });
});
