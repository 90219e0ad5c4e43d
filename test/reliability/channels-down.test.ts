// Telegram and Zalo APIs as failing dependencies, through a flaky proxy in front of the channel
// fakes of test/bot/fakes: 5xx, 429 and hanging calls → bounded retries, no crash, the reply
// delivered where a retry can succeed, other chats still served. (Token refresh, forged and
// replayed webhooks and Telegram 429 are covered in test/bot/; not repeated here.)
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySubscriptionStore, createMemoryZaloTokenStore } from '../../bot/storage.js';
import { createTelegramBot, startTelegram, stopTelegram, type TelegramBot } from '../../bot/telegram.js';
import { zaloWebhookPlugin } from '../../bot/zalo.js';
import { createZaloClient } from '../../bot/zalo-client.js';
import { startFakeTelegram, textUpdate, type FakeTelegram } from '../bot/fakes/telegram-api.js';
import { startFakeZalo, type FakeZalo } from '../bot/fakes/zalo-api.js';
import { scriptedEngine, waitFor } from '../bot/setup.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';

const TOKEN = '123456:RELIABILITY-token-abcdefghij';
const engine = scriptedEngine(() => ({ answer: 'Câu trả lời thử nghiệm.' }));

describe('Telegram Bot API faults', () => {
  let fake: FakeTelegram;
  let proxy: FlakyProxy;
  let bot: TelegramBot;
  const failedUpdates: number[] = [];
  const repliesTo = (chat: number) => fake.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chat);

  beforeAll(async () => {
    fake = await startFakeTelegram({ token: TOKEN });
    proxy = await startFlakyProxy(fake.apiRoot);
    bot = createTelegramBot({
      token: TOKEN,
      engine,
      apiRoot: proxy.base,
      subscriptions: createMemorySubscriptionStore(),
      throttle: false,
      retry: { maxRetryAttempts: 2, maxDelaySeconds: 5 },
      logger: {
        info: () => {},
        warn: () => {},
        error: (fields: Record<string, unknown>, msg: string) => {
          if (msg === 'telegram update failed' && typeof fields?.updateId === 'number') failedUpdates.push(fields.updateId);
        },
      },
    });
    await startTelegram({ bot, mode: 'polling' });
  });
  afterAll(async () => {
    proxy.decide = () => null;
    await proxy.close(); // ends any call left hanging, so the bot can stop
    await Promise.race([stopTelegram(bot).catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    await fake.close();
  });

  it('delivers the reply after a 500 from sendMessage', async () => {
    fake.failNext('sendMessage', 1, 500);
    fake.pushUpdate(textUpdate(7001, '/help'));
    await waitFor(() => repliesTo(7001).length >= 2, 20_000);
    const [failed, delivered] = repliesTo(7001);
    expect(delivered!.payload.text).toBe(failed!.payload.text);
  }, 30_000);

  it('gives up after a bounded number of attempts on persistent 500s, then keeps serving', async () => {
    fake.failNext('sendMessage', 50, 500);
    const update = fake.pushUpdate(textUpdate(7002, '/help'));
    // The handler gives up (the error reaches bot.catch) instead of retrying without end.
    await waitFor(() => failedUpdates.includes(update), 40_000);
    fake.failNext('sendMessage', 0, 500);
    fake.pushUpdate(textUpdate(7003, '/help'));
    await waitFor(() => repliesTo(7003).length >= 1, 30_000);
    // At most 1 + maxRetryAttempts calls. (A retry after a back-off longer than the server's
    // keep-alive can meet a closed socket; rethrowHttpErrors then ends the attempts early.)
    expect(repliesTo(7002).length).toBeGreaterThanOrEqual(2);
    expect(repliesTo(7002).length).toBeLessThanOrEqual(3);
    expect(bot.isRunning()).toBe(true);
  }, 60_000);

  it('keeps answering other chats while one sendMessage hangs', async () => {
    proxy.decide = ({ url, body }) => (url.endsWith('/sendMessage') && /"chat_id":7004\b/.test(body) ? 'hang' : null);
    fake.pushUpdate(textUpdate(7004, '/help'));
    await waitFor(() => proxy.seen.some((s) => s.fault === 'hang'), 10_000);
    fake.pushUpdate(textUpdate(7005, '/help'));
    let served = true;
    await waitFor(() => repliesTo(7005).length >= 1, 20_000).catch(() => (served = false));
    proxy.decide = () => null;
    expect(
      served,
      'BUG (bot/telegram.ts): one hanging Bot API call blocks every chat. The bot polls with bot.start(), which handles updates one at a time, ' +
        'and the grammY client keeps its default 500 s request timeout. Fix: give the client a short timeout (new Bot(token, { client: { timeoutSeconds: 10 } })) ' +
        'and/or handle updates concurrently (@grammyjs/runner), or answer outside the update handler.',
    ).toBe(true);
  }, 40_000);
});

describe('Zalo OA API faults', () => {
  const APP_ID = '4291763606161179100';
  const SECRET = 'app-secret-key-RELIABILITY';
  const OA_SECRET = 'oa-secret-key-RELIABILITY';
  let zalo: FakeZalo;
  let proxy: FlakyProxy;
  const client = (maxAttempts = 3) =>
    createZaloClient({
      apiBase: proxy.base,
      oauthBase: proxy.base,
      appId: APP_ID,
      secretKey: SECRET,
      tokens: createMemoryZaloTokenStore({ ...zalo.tokens }),
      timeoutMs: 300,
      maxAttempts,
      backoffMs: 10,
    });
  /** The first `n` message/cs requests get `fault`; the rest go through. */
  const firstSends = (n: number, fault: 'hang' | { status: number; body: unknown }) => {
    let left = n;
    proxy.decide = ({ url }) => (url === '/v3.0/oa/message/cs' && left-- > 0 ? fault : null);
  };

  beforeAll(async () => {
    zalo = await startFakeZalo({ appId: APP_ID, secretKey: SECRET, accessToken: 'access-r-0', refreshToken: 'refresh-r-0' });
    proxy = await startFlakyProxy(zalo.base);
  });
  afterAll(async () => {
    await proxy.close();
    await zalo.close();
  });

  it('retries a call that times out and delivers', async () => {
    firstSends(1, 'hang');
    await client().sendText('u-timeout', 'Xin chào');
    expect(zalo.messages.filter((m) => m.userId === 'u-timeout')).toHaveLength(1);
  });

  it('retries an HTTP 429 and delivers', async () => {
    firstSends(1, { status: 429, body: { error: -32, message: 'Too many requests' } });
    let problem = '';
    await client().sendText('u-429', 'Xin chào').catch((e: Error & { code?: string }) => (problem = `${e.code}: ${e.message}`));
    expect(
      problem,
      'BUG (bot/zalo-client.ts, call()): an HTTP 429 is not retried (only status >= 500 is), so the reply is lost although a retry would succeed. ' +
        'Fix: treat 429 like 5xx (retry with back-off, honouring Retry-After when present).',
    ).toBe('');
    expect(zalo.messages.filter((m) => m.userId === 'u-429')).toHaveLength(1);
  });

  it('gives up after the bounded attempts with a coded error when the API hangs', async () => {
    firstSends(100, 'hang');
    const before = proxy.seen.length;
    await expect(client(3).sendText('u-down', 'Xin chào')).rejects.toMatchObject({ code: 'ZALO_UNAVAILABLE' });
    expect(proxy.seen.length - before).toBe(3);
    proxy.decide = () => null;
  });

  it('acknowledges the webhook at once and survives a hanging API; close() waits for the bounded reply', async () => {
    firstSends(100, 'hang');
    const app = Fastify();
    await app.register(zaloWebhookPlugin, { appId: APP_ID, oaSecretKey: OA_SECRET, client: client(2), engine });
    const body = JSON.stringify({
      app_id: APP_ID,
      event_name: 'user_send_text',
      timestamp: String(Date.now()),
      sender: { id: 'u-hook' },
      recipient: { id: 'oa' },
      message: { text: 'khai sinh', msg_id: 'm-reliability-1' },
    });
    const ts = (JSON.parse(body) as { timestamp: string }).timestamp;
    const mac = `mac=${createHash('sha256').update(`${APP_ID}${body}${ts}${OA_SECRET}`).digest('hex')}`;
    const res = await app.inject({ method: 'POST', url: '/webhooks/zalo', headers: { 'content-type': 'application/json', 'x-zevent-signature': mac }, payload: body });
    expect(res.statusCode).toBe(200);
    await app.close(); // resolves once the reply job gave up (2 attempts × 300 ms)
    expect(zalo.messages.filter((m) => m.userId === 'u-hook')).toEqual([]);
    proxy.decide = () => null;
  });
});
