// Issue 13, point 4: an API caller could read and steer a Telegram chat by sending its session
// id ("tg:5002") to /api/ask. Web sessions are random tokens in their own namespace.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, testEngine } from '../server/http/setup.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

const ask = (payload: unknown) => app.inject({ method: 'POST', url: '/api/ask', payload: payload as object });

describe('web sessions cannot reach a channel\'s conversation', () => {
  it('keeps a Telegram chat\'s procedure out of reach of an API caller naming its session', async () => {
    const shared = await testEngine();
    // A Telegram chat talks about marriage registration, through the engine as the bot does.
    await shared.ask({ question: 'đăng ký kết hôn cần gì', sessionId: 'tg:5002' });
    const web = await buildTestApp({ engine: shared });
    try {
      // Naming the chat's session is refused (not a random token), so nothing is read or steered.
      const named = await web.inject({ method: 'POST', url: '/api/ask', payload: { question: 'còn lệ phí?', sessionId: 'tg:5002' } });
      expect(named.statusCode).toBe(400);
      // A random token of the same shape as the chat's key lives in the web's own namespace:
      // the follow-up has no conversation to continue.
      const token = 'tg-5002-aaaaaaaaaaaaaaaa';
      const follow = await web.inject({ method: 'POST', url: '/api/ask', payload: { question: 'còn lệ phí?', sessionId: token } });
      expect(follow.statusCode).toBe(200);
      expect(follow.json().procedure?.name ?? '').not.toMatch(/kết hôn/i);
      // And the chat's conversation is untouched: its follow-up still continues marriage registration.
      const chat = await shared.ask({ question: 'còn lệ phí?', sessionId: 'tg:5002' });
      expect(chat.procedure?.name).toMatch(/kết hôn/i);
    } finally {
      await web.close();
    }
  });

  it('continues a web conversation under its own token', async () => {
    const sessionId = 'b7c1e0f2-5d7a-4c1e-9f3a-2a6d8e4b1c90';
    const first = await ask({ question: 'đăng ký kết hôn cần gì', sessionId });
    const next = await ask({ question: 'còn lệ phí?', sessionId });
    expect(next.json().procedure?.code).toBe(first.json().procedure?.code);
    expect(next.json().aspect).toBe('fee');
  });
});
