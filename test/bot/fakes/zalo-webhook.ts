// What every test of the Zalo webhook needs besides the fake OA API: the app's credentials, an
// OA client pointed at the fake, and an event POSTed with Zalo's signature over the raw body.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createZaloClient } from '../../../bot/zalo-client.js';
import { createMemoryZaloTokenStore } from '../../../bot/storage.js';
import type { FakeZalo } from './zalo-api.js';

export const APP_ID = '4291763606161179100';
export const OA_SECRET = 'oa-secret-key-XYZ';
export const APP_SECRET = 'app-secret-key-ABC';

/** An OA client that talks to the fake, starting from the fake's current tokens. */
export function fakeZaloClient(zalo: FakeZalo) {
  return createZaloClient({
    apiBase: zalo.base,
    oauthBase: zalo.base,
    appId: APP_ID,
    secretKey: APP_SECRET,
    tokens: createMemoryZaloTokenStore({ accessToken: zalo.tokens.accessToken, refreshToken: zalo.tokens.refreshToken }),
  });
}

/** Zalo's signature header for a raw body: sha256 of app id, body, timestamp and OA secret. */
export function zaloSignature(raw: string, timestamp: string): string {
  return `mac=${createHash('sha256').update(`${APP_ID}${raw}${timestamp}${OA_SECRET}`).digest('hex')}`;
}

/** POST an event to /webhooks/zalo, signed as Zalo signs it unless another signature is given. */
export function postZaloEvent(app: FastifyInstance, body: Record<string, unknown>, signature?: string) {
  const raw = JSON.stringify(body);
  const mac = signature ?? zaloSignature(raw, String(body.timestamp));
  return app.inject({ method: 'POST', url: '/webhooks/zalo', headers: { 'content-type': 'application/json', 'x-zevent-signature': mac }, payload: raw });
}
