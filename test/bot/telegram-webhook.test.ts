// POST /webhooks/telegram: only Telegram (holding the secret) gets its updates processed.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, startTelegram } from '../../bot/telegram.js';
import { telegramWebhookPlugin } from '../../bot/telegram-webhook.js';
import { createMemorySubscriptionStore } from '../../bot/storage.js';
import { startFakeTelegram, textUpdate, type FakeTelegram } from './fakes/telegram-api.js';
import { getEngine, recording, type RecordingEngine } from './setup.js';

const TOKEN = '654321:WEBHOOK-token-abcdefghijkl';
const SECRET = 'webhook_secret-123';
let fake: FakeTelegram;
let app: FastifyInstance;
let engine: RecordingEngine;

beforeAll(async () => {
  fake = await startFakeTelegram({ token: TOKEN });
  engine = recording(await getEngine());
  const bot = createTelegramBot({ token: TOKEN, engine, apiRoot: fake.apiRoot, subscriptions: createMemorySubscriptionStore(), throttle: false });
  await startTelegram({ bot, mode: 'webhook', webhookUrl: 'https://bot.example.vn/webhooks/telegram', secret: SECRET });
  app = Fastify();
  await app.register(telegramWebhookPlugin, { bot, secret: SECRET });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

const post = (update: object, secret?: string) =>
  app.inject({
    method: 'POST',
    url: '/webhooks/telegram',
    headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    payload: JSON.stringify(update),
  });

describe('Telegram webhook', () => {
  it('sets the webhook with the secret token', () => {
    const [call] = fake.callsOf('setWebhook');
    expect(call!.payload.url).toBe('https://bot.example.vn/webhooks/telegram');
    expect(call!.payload.secret_token).toBe(SECRET);
  });

  it('refuses a wrong or missing secret with 401 and processes nothing', async () => {
    expect((await post({ update_id: 1, ...textUpdate(501, 'làm giấy khai sinh') }, 'wrong')).statusCode).toBe(401);
    expect((await post({ update_id: 2, ...textUpdate(502, 'làm giấy khai sinh') })).statusCode).toBe(401);
    expect(engine.requests).toHaveLength(0);
    expect(fake.callsOf('sendMessage')).toHaveLength(0);
  });

  it('processes an update that carries the secret', async () => {
    const res = await post({ update_id: 3, ...textUpdate(503, 'làm giấy khai sinh cần gì') }, SECRET);
    expect(res.statusCode).toBe(200);
    expect(engine.requests.map((r) => r.sessionId)).toEqual(['tg:503']);
    expect(fake.callsOf('sendMessage').map((c) => c.payload.chat_id)).toEqual([503]);
  });

  it('refuses to start a webhook without a public HTTPS URL or a secret', async () => {
    const bot = createTelegramBot({ token: TOKEN, engine, apiRoot: fake.apiRoot, subscriptions: createMemorySubscriptionStore() });
    await expect(startTelegram({ bot, mode: 'webhook', webhookUrl: 'http://insecure', secret: SECRET })).rejects.toMatchObject({ code: 'TELEGRAM_CONFIG' });
    await expect(startTelegram({ bot, mode: 'webhook', webhookUrl: 'https://ok.vn/x' })).rejects.toMatchObject({ code: 'TELEGRAM_CONFIG' });
  });
});
