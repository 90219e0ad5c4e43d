// POST /webhooks/zalo: signature over the raw body, replay window, 200 at once, the answer sent
// to a fake Zalo OA API as plain text.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { zaloWebhookPlugin } from '../../bot/zalo.js';
import type { AnswerEngine } from '../../domain/contract.js';
import { startFakeZalo, type FakeZalo } from './fakes/zalo-api.js';
import { APP_ID, APP_SECRET, fakeZaloClient, OA_SECRET, postZaloEvent as post, zaloSignature } from './fakes/zalo-webhook.js';
import { getEngine, recording, scriptedEngine, waitFor, type RecordingEngine } from './setup.js';
import { askingBackOn } from '../helpers/ask-back.js';

const NOW = new Date('2026-03-05T02:00:00Z');
/** The engine asks back on this question with these (real) procedures. */
const ASK_BACK = 'khai sinh';
const CANDIDATES = ['1.001193', '1.004884', '1.000689'];

let zalo: FakeZalo;
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  zalo = await startFakeZalo({ appId: APP_ID, secretKey: APP_SECRET, accessToken: 'access-0', refreshToken: 'refresh-0' });
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
  zalo.messages.length = 0;
});
afterAll(() => zalo.close());

async function buildApp(engine: AnswerEngine, now: () => Date = () => NOW): Promise<FastifyInstance> {
  const client = fakeZaloClient(zalo);
  const app = Fastify();
  await app.register(zaloWebhookPlugin, { appId: APP_ID, oaSecretKey: OA_SECRET, client, engine, now });
  await app.ready();
  apps.push(app);
  return app;
}

function event(name: string, fields: Record<string, unknown> = {}, at = NOW.getTime()) {
  return { app_id: APP_ID, event_name: name, timestamp: String(at), user_id_by_app: 'u-app', ...fields };
}
function textEvent(userId: string, text: string, msgId: string, at = NOW.getTime()) {
  return event('user_send_text', { sender: { id: userId }, recipient: { id: 'oa-1' }, message: { text, msg_id: msgId } }, at);
}

describe('Zalo OA webhook', () => {
  it('answers 200 before the engine is done, then sends the papers and the portal link', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = await getEngine();
    const engine = recording({ ...inner, ask: async (req) => (await gate, inner.ask(req)) });
    const app = await buildApp(engine);

    const res = await post(app, textEvent('user-1', 'làm giấy khai sinh cần gì', 'msg-1'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(zalo.messages).toHaveLength(0); // the engine is still held

    release();
    await waitFor(() => zalo.messages.length > 0);
    const [sent] = zalo.messages;
    expect(sent!.userId).toBe('user-1');
    expect(engine.requests[0]).toMatchObject({ question: 'làm giấy khai sinh cần gì', sessionId: 'zalo:user-1' });
    const procedure = engine.responses[0]!.procedure!;
    expect(sent!.text).toContain(`• ${procedure.papers[0]!.papers[0]!.name}`);
    expect(sent!.text).toMatch(/^.*https:\/\/dichvucong\.gov\.vn\/\S+$/m);
    expect(sent!.text).not.toMatch(/<\/?b>|&amp;/);
  });

  it('refuses a forged signature with 401 and sends nothing', async () => {
    const engine = recording(await getEngine());
    const app = await buildApp(engine);
    const body = textEvent('user-2', 'làm giấy khai sinh', 'msg-2');
    expect((await post(app, body, 'mac=' + 'a'.repeat(64))).statusCode).toBe(401);
    expect((await post(app, body, '')).statusCode).toBe(401);
    // A valid signature of a different body does not fit this one.
    const other = JSON.stringify({ ...body, message: { text: 'khác', msg_id: 'msg-2' } });
    const mac = zaloSignature(other, body.timestamp);
    expect((await post(app, body, mac)).statusCode).toBe(401);
    await app.close();
    expect(engine.requests).toHaveLength(0);
    expect(zalo.messages).toHaveLength(0);
  });

  it('answers a replayed msg_id once', async () => {
    const engine = recording(await getEngine());
    const app = await buildApp(engine);
    const body = textEvent('user-3', 'làm giấy khai sinh', 'msg-3');
    expect((await post(app, body)).statusCode).toBe(200);
    const again = await post(app, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ok: true, ignored: 'duplicate' });
    await app.close(); // waits for the reply in flight
    expect(engine.requests).toHaveLength(1);
    expect(new Set(zalo.messages.map((m) => m.userId))).toEqual(new Set(['user-3']));
  });

  it('refuses a stale timestamp with 401', async () => {
    const engine = recording(await getEngine());
    const app = await buildApp(engine);
    const res = await post(app, textEvent('user-4', 'làm giấy khai sinh', 'msg-4', NOW.getTime() - 10 * 60_000));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ZALO_STALE_EVENT');
    expect(engine.requests).toHaveLength(0);
  });

  it('greets a new follower and ignores other events', async () => {
    const engine = recording(await getEngine());
    const app = await buildApp(engine);
    expect((await post(app, event('follow', { follower: { id: 'user-5' }, oa_id: 'oa-1' }))).statusCode).toBe(200);
    const image = await post(app, event('user_send_image', { sender: { id: 'user-5' }, message: { msg_id: 'img-1' } }));
    expect(image.json()).toEqual({ ok: true, ignored: 'event' });
    await app.close();
    expect(zalo.messages).toHaveLength(1);
    expect(zalo.messages[0]).toMatchObject({ userId: 'user-5' });
    expect(zalo.messages[0]!.text).toContain('Cảm ơn bạn đã quan tâm');
    expect(engine.requests).toHaveLength(0);
  });

  it('keeps its raw-body parser to itself: sibling routes still get parsed JSON', async () => {
    const app = Fastify();
    app.post('/echo', async (req) => ({ isBuffer: Buffer.isBuffer(req.body) }));
    await app.register(zaloWebhookPlugin, {
      appId: APP_ID,
      oaSecretKey: OA_SECRET,
      client: { sendText: async () => ({}), refreshTokens: async () => {} },
      engine: await getEngine(),
    });
    apps.push(app);
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(res.json()).toEqual({ isBuffer: false });
  });

  it('answers a long answer in ONE message under 2,000 characters, saying that it was cut', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => `Dòng ${i}: nội dung hướng dẫn khá dài để vượt quá giới hạn tin nhắn của Zalo`);
    const engine: RecordingEngine = scriptedEngine(() => ({ answer: lines.join('\n'), links: [{ label: 'Tra cứu thủ tục', url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh' }] }));
    const app = await buildApp(engine);
    await post(app, textEvent('user-6', 'câu hỏi dài', 'msg-6'));
    await app.close();
    expect(zalo.messages).toHaveLength(1); // each message spends one of the 8 free replies
    const text = zalo.messages[0]!.text;
    expect(text.length).toBeLessThan(2000);
    expect(text.startsWith(`${lines[0]}\n${lines[1]}`)).toBe(true);
    expect(text).toContain('… (câu trả lời đầy đủ dài hơn một tin nhắn)');
    expect(text.split('\n').at(-1)).toBe('Tra cứu thủ tục: https://dichvucong.gov.vn/thu-tuc-hanh-chinh');
  });

  it('answers a procedure whose papers do not fit with the essentials and the portal link, in one message', async () => {
    const papers = Array.from({ length: 30 }, (_, i) => ({ name: `Giấy tờ số ${i + 1}: bản dịch có chứng thực của giấy tờ do cơ quan nước ngoài cấp`, copies: '1 bản chính' }));
    const url = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-8662-763f-927f-dc039ede198c';
    const engine = scriptedEngine(() => ({
      intent: 'procedure',
      procedure: { code: '2.000528', name: 'Thủ tục đăng ký khai sinh có yếu tố nước ngoài', level: ['Cấp xã'], agency: 'UBND cấp xã', url, papers: [{ case: null, kind: 'submit', papers }], channels: [{ channel: 'online', time: '3 ngày làm việc', fee: 'Miễn phí' }], legalBasis: [] },
    }));
    const app = await buildApp(engine);
    await post(app, textEvent('user-6b', 'khai sinh có yếu tố nước ngoài', 'msg-6b'));
    await app.close();
    expect(zalo.messages).toHaveLength(1);
    const text = zalo.messages[0]!.text;
    expect(text.length).toBeLessThan(2000);
    expect(text).toContain('• Trực tuyến: 3 ngày làm việc; Miễn phí');
    expect(text).toContain('Thành phần hồ sơ: 30 loại giấy tờ');
    expect(text.split('\n').at(-1)).toBe(`Nộp trực tuyến: ${url}`);
  });

  it('gives the configured contact with "not found" and to someone asking for "tổng đài"', async () => {
    const engine = recording(await getEngine());
    const client = fakeZaloClient(zalo);
    const app = Fastify();
    await app.register(zaloWebhookPlugin, { appId: APP_ID, oaSecretKey: OA_SECRET, client, engine, now: () => NOW, contact: { hotline: '024 3333 4444' } });
    apps.push(app);
    await post(app, textEvent('user-11', 'xyz abc foo', 'msg-11a'));
    await waitFor(() => zalo.messages.length === 1);
    expect(engine.responses[0]!.found).toBe(false);
    expect(zalo.messages[0]!.text).toContain('☎️ Cần gặp cán bộ hỗ trợ: 024 3333 4444');
    await post(app, textEvent('user-11', 'cho tôi số tổng đài', 'msg-11b'));
    await waitFor(() => zalo.messages.length === 2);
    expect(zalo.messages[1]!.text).toBe('☎️ Cần gặp cán bộ hỗ trợ: 024 3333 4444');
    expect(engine.requests).toHaveLength(1);
  });

  it('asks back with a numbered list; a reply "2" answers the second candidate', async () => {
    const engine = recording(askingBackOn(await getEngine(), ASK_BACK, CANDIDATES));
    const app = await buildApp(engine);
    await post(app, textEvent('user-7', ASK_BACK, 'msg-7a'));
    await waitFor(() => zalo.messages.length === 1);
    const list = zalo.messages[0]!.text.split('\n');
    expect(list[0]).toBe('Bạn hỏi về thủ tục nào dưới đây?');
    expect(list[2]).toBe('2. Thủ tục đăng ký lại khai sinh — Cấp xã (Mã 1.004884)');
    expect(list.at(-1)).toBe('Trả lời 1, 2 hoặc 3 để chọn thủ tục, hoặc nhắn câu hỏi khác.');

    await post(app, textEvent('user-7', '2', 'msg-7b'));
    await waitFor(() => zalo.messages.length >= 2);
    expect(engine.requests.map((r) => r.question)).toEqual([ASK_BACK, '1.004884']);
    expect(engine.responses[1]!.procedure?.code).toBe('1.004884');
    expect(zalo.messages[1]!.text).toContain('Thủ tục đăng ký lại khai sinh');
    expect(zalo.messages[1]!.text).toContain('Mã: 1.004884');
  });

  it('re-asks for a number out of range, and keeps the choices to one user and one answer', async () => {
    const engine = recording(askingBackOn(await getEngine(), ASK_BACK, CANDIDATES));
    const app = await buildApp(engine);
    const sent = async (userId: string, text: string, msgId: string) => {
      const before = zalo.messages.length;
      await post(app, textEvent(userId, text, msgId));
      await waitFor(() => zalo.messages.length > before);
      return zalo.messages.at(-1)!.text;
    };
    await sent('user-8', ASK_BACK, 'msg-8a');
    expect(await sent('user-8', '7', 'msg-8b')).toBe('Trả lời 1, 2 hoặc 3 để chọn thủ tục, hoặc nhắn câu hỏi khác.');
    await sent('user-9', '1', 'msg-9a'); // another user's "1" is a question of its own
    expect(engine.requests.map((r) => r.question)).toEqual([ASK_BACK, '1']);
    await sent('user-8', 'làm giấy khai sinh cần gì', 'msg-8c');
    await sent('user-8', '1', 'msg-8d'); // after an answer, "1" no longer picks
    expect(engine.requests.map((r) => r.question)).toEqual([ASK_BACK, '1', 'làm giấy khai sinh cần gì', '1']);
  });

  it('forgets the choices after their time is up', async () => {
    const engine = recording(askingBackOn(await getEngine(), ASK_BACK, CANDIDATES));
    let clock = NOW.getTime();
    const app = await buildApp(engine, () => new Date(clock));
    await post(app, textEvent('user-10', ASK_BACK, 'msg-10a', clock));
    await waitFor(() => zalo.messages.length === 1);
    clock += 31 * 60_000;
    await post(app, textEvent('user-10', '1', 'msg-10b', clock));
    await waitFor(() => engine.requests.length === 2);
    expect(engine.requests[1]!.question).toBe('1');
  });
});
