// Issue 13 item 9: a signed Zalo event without `msg_id` (follow, some texts) sent again within
// the replay window is the same event, answered once. The webhook listens on loopback and is
// posted real HTTP; replies go to the fake Zalo OA API, which counts what each user receives.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { zaloWebhookPlugin } from '../../bot/zalo.js';
import { createZaloClient } from '../../bot/zalo-client.js';
import { createMemoryZaloTokenStore } from '../../bot/storage.js';
import { startFakeZalo, type FakeZalo } from '../bot/fakes/zalo-api.js';
import { getEngine, recording, type RecordingEngine } from '../bot/setup.js';

const APP_ID = '4291763606161179100';
const OA_SECRET = 'oa-secret-key-replay';
const APP_SECRET = 'app-secret-key-replay';
const NOW = new Date('2026-03-05T02:00:00Z');

let zalo: FakeZalo;
let app: FastifyInstance | undefined;

beforeAll(async () => {
  zalo = await startFakeZalo({ appId: APP_ID, secretKey: APP_SECRET, accessToken: 'access-0', refreshToken: 'refresh-0' });
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  zalo.messages.length = 0;
});
afterAll(() => zalo.close());

/** The webhook on 127.0.0.1 with the real engine; returns its URL. */
async function listen(engine: RecordingEngine): Promise<string> {
  const client = createZaloClient({ apiBase: zalo.base, oauthBase: zalo.base, appId: APP_ID, secretKey: APP_SECRET, tokens: createMemoryZaloTokenStore({ ...zalo.tokens }) });
  app = Fastify();
  await app.register(zaloWebhookPlugin, { appId: APP_ID, oaSecretKey: OA_SECRET, client, engine, now: () => NOW });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks/zalo`;
}

/** Posts exactly these bytes with Zalo's signature over them, as an attacker replaying a captured event would. */
async function post(url: string, raw: string, timestamp: string): Promise<{ status: number; body: unknown }> {
  const mac = `mac=${createHash('sha256').update(`${APP_ID}${raw}${timestamp}${OA_SECRET}`).digest('hex')}`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': mac }, body: raw });
  return { status: res.status, body: await res.json() };
}

const follow = (userId: string, at: number) =>
  JSON.stringify({ app_id: APP_ID, event_name: 'follow', timestamp: String(at), follower: { id: userId }, oa_id: 'oa-1', source: 'oa_profile' });
const textWithoutId = (userId: string, text: string, at: number) =>
  JSON.stringify({ app_id: APP_ID, event_name: 'user_send_text', timestamp: String(at), sender: { id: userId }, recipient: { id: 'oa-1' }, message: { text } });

/** Messages the fake Zalo received for `userId`, once every reply in flight has gone (close waits for them). */
async function sentTo(userId: string): Promise<string[]> {
  await app?.close();
  app = undefined;
  return zalo.messages.filter((m) => m.userId === userId).map((m) => m.text);
}

describe('Zalo events without msg_id: a replay within the window sends nothing', () => {
  it('greets a follower once however often the signed follow event is sent', async () => {
    const url = await listen(recording(await getEngine()));
    const at = String(NOW.getTime() - 60_000);
    const raw = follow('follower-1', Number(at));
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post(url, raw, at));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]!.body).toEqual({ ok: true });
    for (const replay of answers.slice(1)) expect(replay.body).toEqual({ ok: true, ignored: 'duplicate' });
    const greetings = await sentTo('follower-1');
    expect(greetings.length).toBeGreaterThan(0);
    // One greeting's worth of messages, not five.
    const once = greetings.length;
    expect(new Set(greetings).size).toBe(once);
  });

  it('answers a text without msg_id once: the engine is asked once and one message goes out', async () => {
    const engine = recording(await getEngine());
    const url = await listen(engine);
    const at = String(NOW.getTime());
    const raw = textWithoutId('texter-1', 'làm giấy khai sinh cần gì', Number(at));
    expect((await post(url, raw, at)).body).toEqual({ ok: true });
    expect((await post(url, raw, at)).body).toEqual({ ok: true, ignored: 'duplicate' });
    expect((await post(url, raw, at)).body).toEqual({ ok: true, ignored: 'duplicate' });
    expect(await sentTo('texter-1')).toHaveLength(1);
    expect(engine.requests).toHaveLength(1);
  });

  it('still answers distinct events of the same user: another time, another text', async () => {
    const engine = recording(await getEngine());
    const url = await listen(engine);
    const first = NOW.getTime() - 2000;
    const second = NOW.getTime() - 1000;
    expect((await post(url, textWithoutId('texter-2', 'làm giấy khai sinh cần gì', first), String(first))).body).toEqual({ ok: true });
    expect((await post(url, textWithoutId('texter-2', 'làm giấy khai sinh cần gì', second), String(second))).body).toEqual({ ok: true });
    expect((await post(url, textWithoutId('texter-2', 'lệ phí bao nhiêu', second), String(second))).body).toEqual({ ok: true });
    expect(await sentTo('texter-2')).toHaveLength(3);
    expect(engine.requests).toHaveLength(3);
  });

  it('still refuses a replayed body whose signature was made for other bytes', async () => {
    const url = await listen(recording(await getEngine()));
    const at = String(NOW.getTime());
    const raw = follow('follower-2', Number(at));
    expect((await post(url, raw, at)).status).toBe(200);
    // Same event, reformatted: the signature no longer fits the bytes, so it is refused, not de-duplicated.
    const mac = `mac=${createHash('sha256').update(`${APP_ID}${raw}${at}${OA_SECRET}`).digest('hex')}`;
    const reformatted = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': mac }, body: ` ${raw}` });
    expect(reformatted.status).toBe(401);
  });
});
