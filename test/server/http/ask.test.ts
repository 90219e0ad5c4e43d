// POST /api/ask: the engine's answer through the contract, and refusals in the user's language.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AskResponse } from '../../../domain/contract.js';
import { createUnansweredLog } from '../../../server/http/stores.js';
import { buildTestApp } from './setup.js';

const BIRTH_QUESTION = 'Làm giấy khai sinh cần những giấy tờ gì?';
let app: FastifyInstance;
const unanswered = createUnansweredLog({ size: 10 });

beforeAll(async () => {
  app = await buildTestApp({ unanswered });
});
afterAll(() => app.close());

const ask = (payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/ask', payload: payload as object, headers });

describe('POST /api/ask', () => {
  it('answers a procedure question with a contract-valid, cited answer', async () => {
    const res = await ask({ question: BIRTH_QUESTION });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = AskResponse.parse(res.json());
    expect(body.found).toBe(true);
    expect(body.procedure?.code).toBe('1.001193');
    expect(body.citations.length).toBeGreaterThan(0);
    expect(body.procedure?.url).toMatch(/^https:\/\/dichvucong\.gov\.vn\//);
  });

  it('records a question it could not answer', async () => {
    const res = await ask({ question: 'Giá vé máy bay đi Đà Nẵng tháng sau là bao nhiêu?' });
    expect(res.statusCode).toBe(200);
    expect(res.json().found).toBe(false);
    expect(unanswered.list().map((e) => e.question)).toContain('Giá vé máy bay đi Đà Nẵng tháng sau là bao nhiêu?');
  });

  it.each([
    ['an empty question', { question: '' }],
    ['a blank question', { question: '   ' }],
    ['a 1001-character question', { question: 'a'.repeat(1001) }],
  ])('refuses %s with a Vietnamese message', async (_name, payload) => {
    const res = await ask(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'BAD_REQUEST', message: 'Yêu cầu không hợp lệ: câu hỏi phải có từ 1 đến 1.000 ký tự.' });
  });

  it('accepts exactly 1000 characters', async () => {
    const res = await ask({ question: 'khai sinh '.repeat(100).slice(0, 1000) });
    expect(res.statusCode).toBe(200);
  });

  it('answers refusals in English when the body says so', async () => {
    const res = await ask({ question: '', language: 'en' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('Invalid request: the question must be 1 to 1,000 characters long.');
  });

  it('uses Accept-Language when the body has no language', async () => {
    const res = await ask({ question: 42 }, { 'accept-language': 'en-GB,en;q=0.9,vi;q=0.5' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'BAD_REQUEST', message: 'Invalid request: field "question" has the wrong type (expected string).' });
  });

  it('rejects unknown fields', async () => {
    const res = await ask({ question: 'khai sinh', admin: true });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('trường không được hỗ trợ: admin');
  });

  it('rejects a missing question and wrong types', async () => {
    expect((await ask({})).json().message).toContain('thiếu trường bắt buộc "question"');
    const wrong = await ask({ question: 'khai sinh', language: 'fr' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('BAD_REQUEST');
  });

  it('rejects a body that is not JSON', async () => {
    const broken = await app.inject({ method: 'POST', url: '/api/ask', payload: '{"question": ', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ code: 'INVALID_JSON', message: 'Nội dung gửi lên không phải JSON hợp lệ.' });
    const text = await app.inject({ method: 'POST', url: '/api/ask', payload: 'khai sinh', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a huge body with 413', async () => {
    const res = await ask({ question: 'x'.repeat(64 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ code: 'BODY_TOO_LARGE', message: 'Nội dung gửi lên quá lớn.' });
  });

  it('never shows an engine failure to the user', async () => {
    const failing = await buildTestApp({
      engine: {
        ask: async () => {
          throw new Error('index file /srv/secret/path corrupt');
        },
        procedure: () => undefined,
        search: async () => [],
        tasksFor: async () => {
          throw new Error('not asked here');
        },
      },
    });
    const res = await failing.inject({ method: 'POST', url: '/api/ask', payload: { question: 'khai sinh' } });
    await failing.close();
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ code: 'INTERNAL', message: 'Đã có lỗi trong hệ thống; vui lòng thử lại sau.' });
    expect(res.body).not.toContain('secret');
  });

  // The engine parses its answer against AskResponse (engine.ts); the HTTP layer used to parse
  // it twice more (the route, then the serialiser). zod runs every parse through `_zod.run`.
  it('parses the answer against the contract once per request, JSON or streamed', async () => {
    const run = vi.spyOn(AskResponse._zod, 'run');
    try {
      const res = await ask({ question: BIRTH_QUESTION });
      expect(res.statusCode).toBe(200);
      expect(run).toHaveBeenCalledTimes(1);
      run.mockClear();
      const streamed = await app.inject({ method: 'POST', url: '/api/ask/stream', payload: { question: BIRTH_QUESTION } });
      expect(streamed.body).toContain('event: done');
      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      run.mockRestore();
    }
  });
});

