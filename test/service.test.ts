// The service exactly as `npm start` wires it, from environment-style configuration: the web
// API, the Telegram bot (polling a fake Bot API) and the Zalo webhook on the same app.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createService, type Service } from '../service.js';
import { startFakeTelegram, textUpdate, type FakeTelegram } from './bot/fakes/telegram-api.js';
import { startFakeZalo, type FakeZalo } from './bot/fakes/zalo-api.js';
import { projectRoot } from './helpers/engine.js';

const TG_TOKEN = '123456:TEST-token-for-service';
const APP_ID = '4291763606161179100';
const OA_SECRET = 'oa-secret-key-SERVICE';
const APP_SECRET = 'app-secret-key-SERVICE';

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
