// Zalo's replay window shared through Redis: behind a load balancer Zalo's retry of an event may
// reach another replica, which must refuse it as the first one would. Two webhook servers with
// their own Redis clients and the fake Zalo OA API; while Redis is away each keeps its own window.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { zaloWebhookPlugin } from '../../bot/zalo.js';
import { createRateLimitRedis, redisReplayGuard } from '../../state/redis.js';
import { startFakeZalo, type FakeZalo } from '../bot/fakes/zalo-api.js';
import { APP_ID, APP_SECRET, fakeZaloClient, OA_SECRET, postZaloEvent as post } from '../bot/fakes/zalo-webhook.js';
import { scriptedEngine } from '../bot/setup.js';
import { waitFor } from '../helpers/wait.js';
import { REDIS_URL, redisMissing, sayWhySkipped, unique } from './fixtures/services.js';

const missing = await redisMissing();
sayWhySkipped('test/state/zalo-replay.test.ts', missing);

describe.skipIf(missing !== undefined)('the Zalo replay window shared through Redis', () => {
  let zalo: FakeZalo;
  const apps: FastifyInstance[] = [];
  const clients: Redis[] = [];
  const prefix = `${unique('zalo_replay')}:`;

  beforeAll(async () => {
    zalo = await startFakeZalo({ appId: APP_ID, secretKey: APP_SECRET, accessToken: 'access-0', refreshToken: 'refresh-0' });
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    zalo.messages.length = 0;
  });
  afterAll(async () => {
    const redis = clients[0];
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
    for (const c of clients) c.disconnect();
    await zalo.close();
  });

  /** A replica's webhook: its own Redis client (or one to a Redis that is not there). */
  async function replica(redisUrl = REDIS_URL): Promise<{ app: FastifyInstance; warnings: string[] }> {
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (_o: object, msg: string) => void warnings.push(msg), error: () => undefined };
    const redis = createRateLimitRedis(redisUrl, { maxReconnectDelayMs: 10_000 });
    clients.push(redis);
    // Commands fail rather than queue before the connection is up (the rate limit's settings).
    if (redisUrl === REDIS_URL && redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    const client = fakeZaloClient(zalo);
    const engine = scriptedEngine((request) => ({ answer: `Trả lời: ${request.question}` }));
    const app = Fastify();
    await app.register(zaloWebhookPlugin, { appId: APP_ID, oaSecretKey: OA_SECRET, client, engine, replays: redisReplayGuard(redis, prefix, logger) });
    await app.ready();
    apps.push(app);
    return { app, warnings };
  }

  const textEvent = (msgId: string, text: string) => ({
    app_id: APP_ID,
    event_name: 'user_send_text',
    timestamp: String(Date.now()),
    sender: { id: 'user-7' },
    recipient: { id: 'oa-1' },
    message: { text, msg_id: msgId },
  });

  it('answers an event once when Zalo sends it to two replicas', async () => {
    const [a, b] = [await replica(), await replica()];
    const event = textEvent(unique('msg'), 'làm giấy khai sinh cần gì');
    const [first, retry] = await Promise.all([post(a.app, event), post(b.app, event)]);
    expect([first.json(), retry.json()]).toEqual(expect.arrayContaining([{ ok: true }, { ok: true, ignored: 'duplicate' }]));
    // The same message id in a body signed again (Zalo's own retry) is refused too, on either replica.
    expect((await post(b.app, { ...event, timestamp: String(Date.now() + 1) })).json()).toEqual({ ok: true, ignored: 'duplicate' });
    await waitFor(() => zalo.messages.length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(zalo.messages.map((m) => m.text)).toEqual(['Trả lời: làm giấy khai sinh cần gì']);
    // Another message goes through on the other replica.
    expect((await post(b.app, textEvent(unique('msg'), 'lệ phí bao nhiêu'))).json()).toEqual({ ok: true });
    await waitFor(() => zalo.messages.length === 2);
  });

  it('keeps a window per replica while Redis is away, and says so once', async () => {
    const { app, warnings } = await replica('redis://127.0.0.1:1');
    const event = textEvent(unique('msg'), 'đăng ký kết hôn');
    expect((await post(app, event)).json()).toEqual({ ok: true });
    expect((await post(app, event)).json()).toEqual({ ok: true, ignored: 'duplicate' });
    await waitFor(() => zalo.messages.length === 1);
    expect(warnings.filter((w) => w.includes('Zalo replays'))).toHaveLength(1);
  });
});
