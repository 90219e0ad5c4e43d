// The service exactly as `npm start` wires it, from environment-style configuration: the web
// API, the Telegram bot (polling a fake Bot API) and the Zalo webhook on the same app; the Zalo
// token-only start; the one logger's real lines; what the start says it serves.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createLogger } from '../server/log.js';
import { createService, logSettings, type Service } from '../service.js';
import { startFakeTelegram, textUpdate, type FakeTelegram } from './bot/fakes/telegram-api.js';
import { startFakeZalo, type FakeZalo } from './bot/fakes/zalo-api.js';
import { projectRoot, testIndexDir } from './helpers/engine.js';
import { waitFor as waitUntil } from './helpers/wait.js';

const TG_TOKEN = '123456:TEST-token-for-service';
const APP_ID = '4291763606161179100';
const OA_SECRET = 'oa-secret-key-SERVICE';
const APP_SECRET = 'app-secret-key-SERVICE';

const waitFor = (check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> => waitUntil(check, timeoutMs);

describe('the service as npm start wires it', () => {
  let dir: string;
  let telegram: FakeTelegram;
  let zalo: FakeZalo;
  let service: Service;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-service-'));
    telegram = await startFakeTelegram({ token: TG_TOKEN });
    zalo = await startFakeZalo({ appId: APP_ID, secretKey: APP_SECRET, accessToken: 'access-1', refreshToken: 'refresh-1' });
    const config = loadConfig(
      {
        LOG_LEVEL: 'silent',
        INDEX_DIR: path.join(dir, 'index'),
        STATE_DIR: path.join(dir, 'state'),
        DATA_DIR: path.join(projectRoot, 'data'),
        ADMIN_TOKEN: 'service-admin-token-0123456789',
        TELEGRAM_BOT_TOKEN: TG_TOKEN,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ZALO_APP_ID: APP_ID,
        ZALO_APP_SECRET: APP_SECRET,
        ZALO_OA_SECRET_KEY: OA_SECRET,
        ZALO_OA_ACCESS_TOKEN: 'access-1',
        ZALO_OA_REFRESH_TOKEN: 'refresh-1',
        ZALO_API_BASE: zalo.base,
        ZALO_OAUTH_BASE: zalo.base,
      },
      projectRoot,
    );
    service = await createService(config);
    await service.app.ready();
  });

  afterAll(async () => {
    await service?.close();
    await telegram?.close();
    await zalo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the index on first start and answers over HTTP', async () => {
    const res = await service.app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'làm giấy khai sinh cần gì' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().procedure.code).toBe('1.001193');
    expect((await service.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('answers a Telegram message through the same engine', async () => {
    telegram.pushUpdate(textUpdate(4242, 'làm giấy khai sinh cần gì'));
    await waitFor(() => telegram.callsOf('sendMessage').some((c) => c.payload.chat_id === 4242));
    const sent = telegram.callsOf('sendMessage').find((c) => c.payload.chat_id === 4242)!;
    expect(String(sent.payload.text)).toContain('1.001193');
  });

  it('accepts a signed Zalo event on the web app and replies through the OA API', async () => {
    const body = JSON.stringify({
      app_id: APP_ID,
      event_name: 'user_send_text',
      timestamp: String(Date.now()),
      sender: { id: 'zalo-user-1' },
      recipient: { id: 'oa' },
      message: { text: 'làm giấy khai sinh cần gì', msg_id: 'm-service-1' },
    });
    const ts = JSON.parse(body).timestamp as string;
    const mac = `mac=${createHash('sha256').update(`${APP_ID}${body}${ts}${OA_SECRET}`).digest('hex')}`;
    const res = await service.app.inject({ method: 'POST', url: '/webhooks/zalo', headers: { 'content-type': 'application/json', 'x-zevent-signature': mac }, payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    await waitFor(() => zalo.messages.some((m) => m.userId === 'zalo-user-1'));
    expect(zalo.messages.find((m) => m.userId === 'zalo-user-1')!.text).toMatch(/https:\/\/dichvucong\.gov\.vn\//);

    const forged = await service.app.inject({ method: 'POST', url: '/webhooks/zalo', headers: { 'content-type': 'application/json', 'x-zevent-signature': 'mac=00' }, payload: body });
    expect(forged.statusCode).toBe(401);
  });
});

/** A Zalo OA event signed as Zalo signs it. */
function signedZaloEvent(userId: string, text: string, msgId: string): { body: string; signature: string } {
  const timestamp = String(Date.now());
  const body = JSON.stringify({ app_id: APP_ID, event_name: 'user_send_text', timestamp, sender: { id: userId }, recipient: { id: 'oa' }, message: { text, msg_id: msgId } });
  return { body, signature: `mac=${createHash('sha256').update(`${APP_ID}${body}${timestamp}${OA_SECRET}`).digest('hex')}` };
}

/** The logger's destination, read back as the lines an operator would see. */
function captureLog() {
  const chunks: string[] = [];
  return {
    destination: { write: (line: string) => void chunks.push(line) },
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>),
  };
}

describe("Zalo token-only start through npm start's wiring, and the one logger", () => {
  const ACCESS = 'access-env-current-0001';
  const ADMIN = 'service-admin-token-ABCDEFGHIJ';
  let dir: string;
  let zalo: FakeZalo;
  let telegram: FakeTelegram;
  let service: Service;
  let base: string;
  const out = captureLog();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-service-zalo-'));
    zalo = await startFakeZalo({ appId: APP_ID, secretKey: APP_SECRET, accessToken: ACCESS, refreshToken: 'refresh-not-given' });
    telegram = await startFakeTelegram({ token: TG_TOKEN });
    // An earlier run left its tokens in STATE_DIR; the operator has since set a new one in the environment.
    mkdirSync(path.join(dir, 'state'), { recursive: true });
    writeFileSync(path.join(dir, 'state', 'zalo-tokens.json'), JSON.stringify({ accessToken: 'access-stale-last-run', refreshToken: 'refresh-stale-last-run' }));
    // What the README says turns Zalo on: app id, OA secret key, access token. No app secret, no refresh token.
    const config = loadConfig(
      {
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        // The shared index of data/, read-only: this start is not the first one (that is above).
        INDEX_DIR: testIndexDir(),
        STATE_DIR: path.join(dir, 'state'),
        DATA_DIR: path.join(projectRoot, 'data'),
        ADMIN_TOKEN: ADMIN,
        TELEGRAM_BOT_TOKEN: TG_TOKEN,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ZALO_APP_ID: APP_ID,
        ZALO_OA_SECRET_KEY: OA_SECRET,
        ZALO_OA_ACCESS_TOKEN: ACCESS,
        ZALO_API_BASE: zalo.base,
        ZALO_OAUTH_BASE: zalo.base,
      },
      projectRoot,
    );
    service = await createService(config, { log: createLogger(logSettings(config), { destination: out.destination }) });
    await service.app.listen({ host: '127.0.0.1', port: 0 });
    const address = service.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await service?.close();
    await telegram?.close();
    await zalo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const postEvent = (event: { body: string; signature: string }) =>
    fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zevent-signature': event.signature }, body: event.body });

  it("replies with the environment's access token alone, not the stale one left in STATE_DIR", async () => {
    const res = await postEvent(signedZaloEvent('zalo-token-only', 'làm giấy khai sinh cần gì', 'm-token-only-1'));
    expect(res.status).toBe(200);
    await waitFor(() => zalo.messages.some((m) => m.userId === 'zalo-token-only'));
    expect(zalo.messages.find((m) => m.userId === 'zalo-token-only')).toMatchObject({ accessToken: ACCESS });
    expect(zalo.messages.find((m) => m.userId === 'zalo-token-only')!.text).toMatch(/https:\/\/dichvucong\.gov\.vn\//);
  });

  it('an expired token that cannot be refreshed gives one clear log line saying what to set', async () => {
    zalo.expireAccessToken();
    const res = await postEvent(signedZaloEvent('zalo-expired', 'làm hộ chiếu ở đâu', 'm-expired-1'));
    expect(res.status).toBe(200);
    await waitFor(() => out.lines().some((l) => l.msg === 'zalo reply failed'));
    // One line for the one failed reply, from the Zalo side, and it carries the reason.
    const problems = out.lines().filter((l) => l.level >= 40 && l.channel === 'zalo');
    expect(problems).toHaveLength(1);
    const [line] = problems;
    expect(line).toMatchObject({ level: 50, msg: 'zalo reply failed', channel: 'zalo', event: 'user_send_text', userId: 'zalo-expired' });
    expect(line!.err).toMatchObject({ type: 'ZaloApiError', code: 'ZALO_TOKEN_EXPIRED', zaloError: -216 });
    expect(line!.err.message).toContain('ZALO_APP_SECRET');
    expect(line!.err.message).toContain('ZALO_OA_REFRESH_TOKEN');
    expect(zalo.refreshCalls).toEqual([]);
    expect(zalo.messages.some((m) => m.userId === 'zalo-expired')).toBe(false);
  });

  it("logs every part through the one logger: the bots' fields, fastify's requests, no secret anywhere", async () => {
    await waitFor(() => out.lines().some((l) => l.msg === 'telegram polling started'));
    const admin = await fetch(`${base}/admin/unanswered`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(admin.status).toBe(200);
    const lines = out.lines();
    expect(lines.find((l) => l.msg === 'telegram polling started')).toMatchObject({ channel: 'telegram', username: 'test_bot' });
    expect(lines.find((l) => String(l.msg).startsWith('Zalo OA webhook on'))).toMatchObject({ channel: 'zalo', tokenRefresh: false });
    expect(lines.some((l) => l.req?.url === '/webhooks/zalo' && l.reqId !== undefined)).toBe(true);
    expect(lines.some((l) => l.req?.url === '/admin/unanswered')).toBe(true);
    const text = out.text();
    for (const secret of [ACCESS, TG_TOKEN, OA_SECRET, ADMIN]) expect(text).not.toContain(secret);
  });

  it('says in its first lines what it serves and, without the national catalogue, how to add it', () => {
    const from = out.lines().length;
    service.announce(`${base}/`);
    const said = out
      .lines()
      .slice(from)
      .map((l) => String(l.msg));
    expect(said.length).toBeLessThanOrEqual(4);
    const text = said.join('\n');
    expect(text).toMatch(/serving 2 documents \(\+\d+ cited by number only\) and \d+ procedures/);
    for (const part of [`${base}/`, `${base}/docs`, `${base}/admin`, 'no national catalogue loaded', 'dichvucong.gov.vn', 'tthc-catalogue/v1', 'CSV', 'npm run ingest']) {
      expect(text).toContain(part);
    }
  });
});

describe('the start with a catalogue loaded', () => {
  let dir: string;
  let service: Service;
  const out = captureLog();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-service-catalogue-'));
    // One record of the national catalogue (origin "portal"), as the catalogue JSON carries it.
    const catalogue = path.join(dir, 'catalogue.json');
    const record = { code: '9.000001', name: 'Thủ tục thử nghiệm của danh mục quốc gia', level: ['Cấp xã'], origin: 'portal' };
    writeFileSync(catalogue, JSON.stringify({ format: 'tthc-catalogue/v1', procedures: [record] }));
    const config = loadConfig(
      { LOG_FORMAT: 'json', INDEX_DIR: path.join(dir, 'index'), STATE_DIR: path.join(dir, 'state'), DATA_DIR: path.join(projectRoot, 'data'), INGEST_PATHS: catalogue },
      projectRoot,
    );
    service = await createService(config, { log: createLogger(logSettings(config), { destination: out.destination }) });
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the catalogue is loaded and does not ask for it', () => {
    const from = out.lines().length;
    service.announce('http://127.0.0.1:3000/');
    const said = out.lines().slice(from);
    expect(said[0]).toMatchObject({ catalogue: true });
    const text = said.map((l) => String(l.msg)).join('\n');
    expect(text).toContain('admin off (set ADMIN_TOKEN');
    expect(text).not.toContain('no national catalogue');
  });
});

describe("the admin ingest run with the service's own configuration", () => {
  const ADMIN = 'service-admin-token-RUNS-0123';
  let dir: string;
  let dataDir: string;
  let service: Service;
  let saved: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-service-admin-'));
    dataDir = path.join(dir, 'data');
    cpSync(path.join(projectRoot, 'data'), dataDir, { recursive: true });
    // The service is configured from its own settings (a 128-dimension embedder); the process
    // environment says something else. The admin's run must index as the service serves.
    saved = process.env.EMBEDDINGS_DIM;
    process.env.EMBEDDINGS_DIM = '64';
    const config = loadConfig(
      { LOG_LEVEL: 'silent', EMBEDDINGS_DIM: '128', INDEX_DIR: path.join(dir, 'index'), STATE_DIR: path.join(dir, 'state'), DATA_DIR: dataDir, ADMIN_TOKEN: ADMIN },
      projectRoot,
    );
    service = await createService(config);
    await service.app.ready();
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.EMBEDDINGS_DIM;
    else process.env.EMBEDDINGS_DIM = saved;
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the first index with the configured embedder, and the admin run adds a file with it', async () => {
    expect(service.assistant.built?.published).toBe(true);
    expect(service.assistant.embedder.dimension).toBe(128);
    const record = { code: '9.000077', name: 'Thủ tục thử nghiệm cấp giấy xác nhận nuôi ong mật', level: ['Cấp xã'], origin: 'portal' };
    writeFileSync(path.join(dataDir, 'catalogue', 'ong-mat.json'), JSON.stringify({ format: 'tthc-catalogue/v1', procedures: [record] }));

    const auth = { authorization: `Bearer ${ADMIN}` };
    const started = await service.app.inject({ method: 'POST', url: '/admin/ingest', headers: auth });
    expect(started.statusCode).toBe(202);
    const { jobId } = started.json() as { jobId: string };
    let job: Record<string, any> = {};
    await waitFor(async () => {
      job = (await service.app.inject({ method: 'GET', url: `/admin/ingest/${jobId}`, headers: auth })).json();
      return job.status !== 'running';
    }, 60_000);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', summary: { published: true, added: ['ong-mat.json'] } });
    expect(service.assistant.engine.procedure('9.000077')?.name).toBe(record.name);
  });
});
