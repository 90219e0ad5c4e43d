// Hostile HTTP: over a thousand malformed bodies to the public API, the admin routes and the
// channel webhooks (wrong types, huge, invalid UTF-8, deep nesting, prototype-pollution keys,
// wrong content types, empty) → only 4xx, never 5xx; nothing polluted; the service still answers.
// Plus the admin gate (401, constant-time compare) and what an upload may not be.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import Fastify from 'fastify';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySubscriptionStore, createMemoryZaloTokenStore } from '../../bot/storage.js';
import { createTelegramBot } from '../../bot/telegram.js';
import { telegramWebhookPlugin } from '../../bot/telegram-webhook.js';
import { zaloWebhookPlugin } from '../../bot/zalo.js';
import { createZaloClient } from '../../bot/zalo-client.js';
import type { AdminBackend } from '../../server/http/admin.js';
import { buildApp } from '../../server/http/app.js';
import { ingestBusy } from '../../server/http/errors.js';
import { createFeedbackStore, createUnansweredLog } from '../../server/http/stores.js';
import { startFakeTelegram, type FakeTelegram } from '../bot/fakes/telegram-api.js';
import { startFakeZalo, type FakeZalo } from '../bot/fakes/zalo-api.js';
import { buildTestEngine } from '../helpers/engine.js';
import { BIRTH_CODE, BIRTH_QUESTION } from './helpers.js';

const TOKEN = 'admin-token-reliability-0123456789';
const TG_TOKEN = '123456:HOSTILE-token-abcdefghijkl';
const TG_SECRET = 'telegram-webhook-secret-ok';
const ZALO_APP = '4291763606161179100';
const ZALO_OA_SECRET = 'oa-secret-hostile';
const UPLOAD_LIMIT = 64 * 1024;

let app: FastifyInstance;
/** The channel webhooks, on a plain fastify app: buildApp's zod serializer compiler refuses their JSON schemas. */
let hooks: FastifyInstance;
let uploads: string;
let saved = 0;
let ingests = 0;
let tg: FakeTelegram;
let zalo: FakeZalo;
let tried = 0;
const statuses = new Map<number, number>();

function backend(dir: string): AdminBackend {
  return {
    async saveUpload(name, bytes) {
      saved++;
      await writeFile(path.join(dir, name), bytes);
      return { name, path: path.join(dir, name) };
    },
    startIngest() {
      ingests++;
      throw ingestBusy();
    },
    ingestJob: () => undefined,
    listDocuments: async () => [],
    removeDocument: async () => false,
  };
}

beforeAll(async () => {
  uploads = await mkdtemp(path.join(os.tmpdir(), 'tthc-rel-uploads-'));
  tg = await startFakeTelegram({ token: TG_TOKEN });
  zalo = await startFakeZalo({ appId: ZALO_APP, secretKey: 'app-secret', accessToken: 'a-0', refreshToken: 'r-0' });
  const { engine } = await buildTestEngine();
  app = await buildApp({
    engine,
    isReady: () => true,
    widgetOrigins: [],
    rateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
    feedback: createFeedbackStore(),
    unanswered: createUnansweredLog({ size: 50 }),
    adminThrottle: { maxFailures: 1_000_000 }, // the 401 gate itself; the throttle: test/security/admin-surface.test.ts
    admin: backend(uploads),
    adminToken: TOKEN,
    uploadLimitBytes: UPLOAD_LIMIT,
  });
  const bot = createTelegramBot({ token: TG_TOKEN, engine, apiRoot: tg.apiRoot, subscriptions: createMemorySubscriptionStore(), throttle: false });
  await app.ready();
  hooks = Fastify();
  await hooks.register(telegramWebhookPlugin, { bot, secret: TG_SECRET });
  const client = createZaloClient({ apiBase: zalo.base, oauthBase: zalo.base, appId: ZALO_APP, secretKey: 'app-secret', tokens: createMemoryZaloTokenStore({ accessToken: 'a-0', refreshToken: 'r-0' }) });
  await hooks.register(zaloWebhookPlugin, { appId: ZALO_APP, oaSecretKey: ZALO_OA_SECRET, client, engine });
  await hooks.ready();
}, 120_000);

afterAll(async () => {
  await app?.close();
  await hooks?.close();
  await tg?.close();
  await zalo?.close();
  if (uploads) await rm(uploads, { recursive: true, force: true });
  console.log(`[reliability] hostile HTTP: ${tried} malformed requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
});

/** Sends one hostile request; it must get a 4xx (never a 5xx, never a success). */
async function refused(opts: InjectOptions, allowed: number[] = []): Promise<number> {
  tried++;
  const res = await (String(opts.url).startsWith('/webhooks/') ? hooks : app).inject(opts);
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  const ok = (res.statusCode >= 400 && res.statusCode < 500) || allowed.includes(res.statusCode);
  if (!ok) throw new Error(`${opts.method} ${opts.url} → ${res.statusCode}: ${res.body.slice(0, 300)}\nbody: ${String(opts.payload ?? '').slice(0, 200)}`);
  // Errors are coded JSON (the webhooks answer their own small JSON, grammY a bare 401).
  if (res.statusCode >= 400 && (res.statusCode !== 401 || !String(opts.url).includes('telegram'))) expect(res.headers['content-type']).toMatch(/json/);
  return res.statusCode;
}

const json = (payload: string | Buffer, contentType = 'application/json'): Pick<InjectOptions, 'payload' | 'headers'> => ({ payload, headers: { 'content-type': contentType } });

// Bodies that are not a valid request for any route.
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObj = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const HANDWRITTEN: Array<[string, string | Buffer, string?]> = [
  ['empty', ''],
  ['null', 'null'],
  ['number', '42'],
  ['string', '"Làm giấy khai sinh"'],
  ['array', `[{"question":"${BIRTH_QUESTION}"}]`],
  ['wrong type', '{"question":123}'],
  ['question object', '{"question":{"$ne":null}}'],
  ['blank question', '{"question":"   "}'],
  ['too long', JSON.stringify({ question: 'a'.repeat(1001) })],
  ['huge', JSON.stringify({ question: 'khai sinh '.repeat(5000) })],
  ['unknown field', JSON.stringify({ question: BIRTH_QUESTION, admin: true })],
  ['bad language', JSON.stringify({ question: BIRTH_QUESTION, language: 'fr' })],
  ['proto', `{"question":"${BIRTH_QUESTION}","__proto__":{"polluted":"yes"}}`],
  ['proto only', '{"__proto__":{"polluted":"yes"}}'],
  ['constructor', '{"constructor":{"prototype":{"polluted":"yes"}}}'],
  ['constructor in question', `{"question":"x","constructor":{"prototype":{"polluted":"yes"}}}`],
  ['deep array', deep(20_000)],
  ['deep object', deepObj(5_000)],
  ['invalid utf-8', Buffer.concat([Buffer.from('{"question":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from('"}')])],
  ['lone surrogate escape', '{"question":"\\ud800"}'],
  ['nul', '{"question":"\\u0000"}'],
  ['truncated', '{"question":"Làm giấy'],
  ['trailing garbage', `{"question":"${BIRTH_QUESTION}"} xyz`],
  ['duplicate keys', `{"question":"a","question":{"x":1}}`],
  ['number overflow', '{"question":1e999999}'],
  ['text/plain', JSON.stringify({ question: BIRTH_QUESTION }), 'text/plain'],
  ['form', `question=${encodeURIComponent(BIRTH_QUESTION)}`, 'application/x-www-form-urlencoded'],
  ['multipart', '--x\r\nContent-Disposition: form-data; name="question"\r\n\r\nkhai sinh\r\n--x--\r\n', 'multipart/form-data; boundary=x'],
  ['xml', '<question>khai sinh</question>', 'application/xml'],
  ['json charset', JSON.stringify({ question: 1 }), 'application/json; charset=utf-16'],
  ['bogus type', '{}', 'application/json-patch+json'],
  ['no type', '{"question":1}', ''],
];

const PUBLIC_POSTS = ['/api/ask', '/api/ask/stream', '/api/feedback'];

describe('malformed bodies', () => {
  it('hand-written hostile bodies → 4xx on every public POST route', async () => {
    for (const url of PUBLIC_POSTS) {
      for (const [name, body, type] of HANDWRITTEN) {
        const headers: Record<string, string> = type === '' ? {} : { 'content-type': type ?? 'application/json' };
        // Invalid UTF-8 (decoded as U+FFFD), a lone surrogate or NUL is refused as well.
        await refused({ method: 'POST', url, payload: body, headers }, []);
      }
    }
  }, 60_000);

  it('random JSON values and wrong-typed fields → 4xx', async () => {
    const field = fc.oneof(fc.jsonValue(), fc.string({ minLength: 1001, maxLength: 1100 }), fc.constant(''), fc.constant('   '));
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('question' in v)),
      fc.record({ question: field.filter((v) => typeof v !== 'string' || v.trim() === '' || v.length > 1000) }),
      fc.record({ question: fc.constant(BIRTH_QUESTION), extra: fc.jsonValue() }),
      fc.record({ question: fc.constant(BIRTH_QUESTION), language: fc.string().filter((s) => s !== 'vi' && s !== 'en') }),
      fc.record({ answerId: field, helpful: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(...PUBLIC_POSTS), async (value, url) => {
        // A feedback body can be valid for /api/feedback; everything here is invalid for /api/ask.
        if (url === '/api/feedback' && typeof value === 'object' && value && 'answerId' in value && typeof (value as { helpful?: unknown }).helpful === 'boolean') return;
        await refused({ method: 'POST', url, ...json(JSON.stringify(value)) });
      }),
      { numRuns: 600, seed: 7 },
    );
  }, 120_000);

  it('random bytes, truncated and invalid UTF-8 → 4xx', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      fc.nat(Buffer.byteLength(JSON.stringify({ question: BIRTH_QUESTION })) - 1).map((n) => Buffer.from(JSON.stringify({ question: BIRTH_QUESTION })).subarray(0, n)),
      // Invalid UTF-8 inside a JSON string that is left unterminated: must be refused.
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.concat([Buffer.from('{"question":"'), Buffer.from(b.map((x) => x | 0x80)), Buffer.from('"')])),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.constantFrom(...PUBLIC_POSTS), async (payload, url) => void (await refused({ method: 'POST', url, ...json(payload) }))),
      { numRuns: 300, seed: 11 },
    );
  }, 120_000);

  it('admin routes: hostile requests without, with a wrong and with the right token → 4xx', async () => {
    const auths = [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }, { authorization: 'Bearer' }, { authorization: `Bearer ${TOKEN}` }];
    const routes: Array<[NonNullable<InjectOptions['method']>, string]> = [
      ['POST', '/admin/documents'],
      ['POST', '/admin/ingest'],
      ['GET', '/admin/ingest/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
      ['DELETE', '/admin/documents/..%2F..%2Fdata%2Fcatalogue%2Fprocedures.json'],
      ['GET', '/admin/documents'],
    ];
    for (const headers of auths) {
      const authorised = headers.authorization === `Bearer ${TOKEN}`;
      for (const [method, url] of routes) {
        for (const [, body, type] of HANDWRITTEN.slice(0, 12)) {
          const status = await refused(
            { method, url, ...(method === 'GET' ? {} : { payload: body }), headers: { ...headers, ...(type === '' || method === 'GET' ? {} : { 'content-type': type ?? 'application/json' }) } },
            authorised && method === 'GET' && url === '/admin/documents' ? [200] : [],
          );
          if (!authorised) expect(status).toBe(401);
        }
      }
    }
    expect(saved).toBe(0);
  }, 60_000);

  it('channel webhooks: garbage and forged Zalo events, wrong Telegram secrets → 4xx, nothing sent', async () => {
    const secrets = [undefined, '', 'wrong', `${TG_SECRET}x`, TG_SECRET.toUpperCase()];
    for (const secret of secrets) {
      for (const [, body] of HANDWRITTEN.slice(0, 20)) {
        await refused({ method: 'POST', url: '/webhooks/telegram', payload: body, headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) } });
      }
    }
    const event = fc.record({ app_id: fc.oneof(fc.constant(ZALO_APP), fc.string()), event_name: fc.constantFrom('user_send_text', 'follow', 'x'), timestamp: fc.oneof(fc.constant(String(Date.now())), fc.string(), fc.integer()) });
    await fc.assert(
      fc.asyncProperty(event, fc.oneof(fc.constant(undefined), fc.string(), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((h) => `mac=${h}`)), async (ev, sig) => {
        const body = JSON.stringify({ ...ev, sender: { id: 'u' }, message: { text: 'khai sinh', msg_id: `m${tried}` } });
        await refused({ method: 'POST', url: '/webhooks/zalo', payload: body, headers: { 'content-type': 'application/json', ...(sig === undefined ? {} : { 'x-zevent-signature': sig }) } });
      }),
      { numRuns: 150, seed: 13 },
    );
    for (const [, body, type] of HANDWRITTEN) await refused({ method: 'POST', url: '/webhooks/zalo', payload: body, headers: type === '' ? {} : { 'content-type': type ?? 'application/json' } });
    expect(tg.callsOf('sendMessage')).toEqual([]);
    expect(zalo.messages).toEqual([]);
  }, 60_000);

  it('polluted nothing, and the service still answers a good request', async () => {
    expect(tried).toBeGreaterThanOrEqual(1000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    const res = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: BIRTH_QUESTION } });
    expect(res.statusCode).toBe(200);
    expect(res.json().procedure.code).toBe(BIRTH_CODE);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBeLessThan(500);
  });
});

function multipart(filename: string, bytes: Buffer, token = TOKEN): InjectOptions {
  const boundary = '----reliability-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    method: 'POST',
    url: '/admin/documents',
    payload: Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` },
  };
}

describe('admin uploads', () => {
  const pdf = Buffer.from('%PDF-1.4\n% test fixture\n%%EOF\n');
  it('refuses paths, odd types, disguised content and oversize files; saves nothing outside the folder', async () => {
    const before = saved;
    for (const name of ['../evil.pdf', '..\\evil.pdf', '/etc/passwd.pdf', 'a/../../b.pdf', '..', '.hidden.pdf', 'x.pdf\u0000.sh', 'x.exe', 'x.pdf.sh', 'x.svg', 'x.js', 'x.html.php', `${'a'.repeat(300)}.pdf`]) {
      await refused(multipart(name, pdf));
    }
    await refused(multipart('van-ban.pdf', Buffer.from('MZ\x90\x00 not a pdf')));
    await refused(multipart('van-ban.docx', Buffer.from('not a zip at all')));
    await refused(multipart('ghi-chu.md', Buffer.from([0x23, 0x20, 0x00, 0x01])));
    expect(await refused(multipart('lon.pdf', Buffer.concat([pdf, Buffer.alloc(UPLOAD_LIMIT + 1, 0x20)])))).toBe(413);
    expect(await refused(multipart('van-ban.pdf', pdf, 'wrong-token'))).toBe(401);
    // Refused before the body is read, and the connection closed so node does not read the rest
    // of it either (over a real socket: test/server/http/slow-clients.test.ts).
    expect((await app.inject(multipart('van-ban.pdf', pdf, 'wrong-token'))).headers.connection).toBe('close');
    expect(saved).toBe(before);
    expect(await readdir(uploads)).toEqual([]);
    // The same gate lets a proper file through.
    const ok = await app.inject(multipart('Công văn số 1.pdf', pdf));
    expect(ok.statusCode).toBe(201);
    expect(await readdir(uploads)).toEqual(['Công văn số 1.pdf']);
  });
});
