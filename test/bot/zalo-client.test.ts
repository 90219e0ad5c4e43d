// The Zalo OA client against a fake OA API and OAuth server: token refresh with single-use
// refresh tokens, retries on 5xx, coded errors without secrets.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZaloClient } from '../../bot/zalo-client.js';
import { createFileZaloTokenStore, createMemoryZaloTokenStore, type ZaloTokenStore } from '../../bot/storage.js';
import { ZaloApiError } from '../../bot/errors.js';
import { startFakeZalo, type FakeZalo } from './fakes/zalo-api.js';

const APP_ID = '4291763606161179100';
const SECRET = 'app-secret-key-ABCDEF';
let zalo: FakeZalo;
let logs: string[];
let entries: { fields: Record<string, unknown>; message: string }[];
// Object first, message second: the shape of the service's pino logger.
const record = (fields: Record<string, unknown>, message: string) => {
  entries.push({ fields, message });
  logs.push(`${message} ${JSON.stringify(fields)} ${fields.err instanceof Error ? `${fields.err.message} ${fields.err.stack} ${String(fields.err.cause)}` : ''}`);
};
const logger = { info: record, warn: record, error: record };

beforeEach(async () => {
  logs = [];
  entries = [];
  zalo = await startFakeZalo({ appId: APP_ID, secretKey: SECRET, accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' });
});
afterEach(() => zalo.close());

const client = (tokens: ZaloTokenStore, extra: { maxAttempts?: number; secretKey?: string } = {}) =>
  createZaloClient({ apiBase: zalo.base, oauthBase: zalo.base, appId: APP_ID, secretKey: SECRET, tokens, logger, backoffMs: 10, ...extra });

describe('Zalo OA client', () => {
  it('sends a text with the access_token header', async () => {
    const c = client(createMemoryZaloTokenStore({ accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' }));
    await c.sendText('user-1', 'Xin chào');
    expect(zalo.messages).toEqual([{ userId: 'user-1', text: 'Xin chào', accessToken: 'access-initial-000' }]);
  });

  it('refreshes an expired token once, stores the new pair and resends', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zalo-tokens-'));
    try {
      const path = join(dir, 'tokens.json');
      const c = client(createFileZaloTokenStore(path, { accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' }));
      zalo.expireAccessToken();
      await c.sendText('user-2', 'lần 1');
      expect(zalo.refreshCalls).toEqual([{ refreshToken: 'refresh-initial-000', appId: APP_ID, grantType: 'refresh_token', secretKey: SECRET }]);
      expect(zalo.messages.map((m) => m.text)).toEqual(['lần 1']);
      // The new pair survives a restart; the next expiry spends the NEW refresh token.
      const reopened = createFileZaloTokenStore(path);
      const stored = await reopened.get();
      expect(stored).toEqual(zalo.tokens);
      expect(stored!.refreshToken).not.toBe('refresh-initial-000');
      zalo.expireAccessToken();
      await client(reopened).sendText('user-2', 'lần 2');
      expect(zalo.refreshCalls.map((r) => r.refreshToken)).toEqual(['refresh-initial-000', stored!.refreshToken]);
      expect(zalo.messages.map((m) => m.text)).toEqual(['lần 1', 'lần 2']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refreshes once for concurrent sends that meet the same expired token', async () => {
    const c = client(createMemoryZaloTokenStore({ accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' }));
    zalo.expireAccessToken();
    await Promise.all([c.sendText('a', '1'), c.sendText('b', '2'), c.sendText('c', '3')]);
    expect(zalo.refreshCalls).toHaveLength(1);
    expect(zalo.messages).toHaveLength(3);
  });

  it('retries after a 500 and delivers', async () => {
    const c = client(createMemoryZaloTokenStore({ accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' }));
    zalo.failNext(1);
    await c.sendText('user-3', 'sau lỗi');
    expect(zalo.sendAttempts).toBe(2);
    expect(zalo.messages.map((m) => m.text)).toEqual(['sau lỗi']);
  });

  it('waits as long as Retry-After asks before trying again, and delivers', async () => {
    const c = client(createMemoryZaloTokenStore({ accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' }), { maxAttempts: 3 });
    // Zalo refuses every request for the next second; a client that retried on its own
    // 10 ms back-off would spend its three attempts inside that second and lose the reply.
    zalo.limitFor(1);
    await c.sendText('user-9', 'sau khi chờ');
    expect(zalo.sendAttempts).toBe(2);
    expect(zalo.messages.map((m) => m.text)).toEqual(['sau khi chờ']);
    expect(entries.filter((e) => e.message === 'zalo call failed, retrying').map((e) => e.fields)).toEqual([{ status: 429, what: 'message/cs', attempt: 1, problem: 'HTTP 429' }]);
  });

  it('fails at once when Retry-After asks for a longer wait than a reply can afford', async () => {
    const c = client(createMemoryZaloTokenStore({ accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' }), { maxAttempts: 3 });
    zalo.limitFor(3600);
    const error = (await c.sendText('user-10', 'x').catch((e: unknown) => e)) as ZaloApiError;
    expect(error).toBeInstanceOf(ZaloApiError);
    expect(error.code).toBe('ZALO_UNAVAILABLE');
    expect(error.status).toBe(429);
    expect(error.message).toContain('3600 giây');
    expect(zalo.sendAttempts).toBe(1);
  });

  it('gives up after the bounded attempts with a coded error', async () => {
    const c = client(createMemoryZaloTokenStore({ accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' }), { maxAttempts: 3 });
    zalo.failNext(10);
    const error = await c.sendText('user-4', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZaloApiError);
    expect((error as ZaloApiError).code).toBe('ZALO_UNAVAILABLE');
    expect(zalo.sendAttempts).toBe(3);
  });

  it('fails clearly when the refresh token is refused, without secrets in errors or logs', async () => {
    const c = client(createMemoryZaloTokenStore({ accessToken: 'access-stale-111', refreshToken: 'refresh-spent-222' }));
    const error = await c.sendText('user-5', 'x').catch((e: unknown) => e);
    expect((error as ZaloApiError).code).toBe('ZALO_REFRESH_FAILED');
    expect((error as ZaloApiError).zaloError).toBe(-14014);
    const visible = `${(error as Error).message} ${JSON.stringify(error)} ${logs.join('\n')}`;
    for (const secret of ['access-stale-111', 'refresh-spent-222', SECRET]) expect(visible).not.toContain(secret);
    expect(zalo.messages).toHaveLength(0);
  });

  it('sends with an access token alone, without refresh token or app secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zalo-tokens-'));
    try {
      const c = client(createFileZaloTokenStore(join(dir, 'tokens.json'), { accessToken: 'access-initial-000' }), { secretKey: '' });
      await c.sendText('user-6', 'chỉ có access token');
      expect(zalo.messages).toEqual([{ userId: 'user-6', text: 'chỉ có access token', accessToken: 'access-initial-000' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names what to set when an expired token cannot be refreshed, and spends no refresh call', async () => {
    for (const [extra, tokens, missing] of [
      [{ secretKey: '' }, { accessToken: 'access-initial-000' }, ['ZALO_APP_SECRET', 'ZALO_OA_REFRESH_TOKEN']],
      [{}, { accessToken: 'access-initial-000' }, ['ZALO_OA_REFRESH_TOKEN']],
      [{ secretKey: '' }, { accessToken: 'access-initial-000', refreshToken: 'refresh-initial-000' }, ['ZALO_APP_SECRET']],
    ] as const) {
      zalo.expireAccessToken();
      const c = client(createMemoryZaloTokenStore({ ...tokens, accessToken: 'access-initial-000' }), extra);
      const error = (await c.sendText('user-7', 'x').catch((e: unknown) => e)) as ZaloApiError;
      expect(error).toBeInstanceOf(ZaloApiError);
      expect(error.code).toBe('ZALO_TOKEN_EXPIRED');
      expect(error.zaloError).toBe(-216);
      for (const name of missing) expect(error.message).toContain(name);
      expect(error.message).toContain('ZALO_OA_ACCESS_TOKEN');
      expect(error.message).not.toContain('access-initial-000');
    }
    expect(zalo.refreshCalls).toEqual([]);
    expect(zalo.messages).toEqual([]);
  });

  it('logs object first, with the failure as an error and its cause', async () => {
    const closed = await startFakeZalo({ appId: APP_ID, secretKey: SECRET, accessToken: 'a', refreshToken: 'r' });
    await closed.close(); // nothing listens there any more: a network failure
    const c = createZaloClient({ apiBase: closed.base, appId: APP_ID, secretKey: SECRET, tokens: createMemoryZaloTokenStore({ accessToken: 'access-initial-000' }), logger, backoffMs: 1, maxAttempts: 3 });
    const error = (await c.sendText('user-8', 'x').catch((e: unknown) => e)) as ZaloApiError;
    expect(error.code).toBe('ZALO_UNAVAILABLE');
    expect(error.cause).toBeInstanceOf(Error);
    const retries = entries.filter((e) => e.message === 'zalo call failed, retrying');
    // One line before each retry: three attempts, two retries.
    expect(retries).toHaveLength(2);
    expect(retries[0]!.fields).toMatchObject({ what: 'message/cs', attempt: 1, problem: 'network error' });
    expect(retries[0]!.fields.err).toBeInstanceOf(Error);
  });

  it('reports a missing token', async () => {
    const error = await client(createMemoryZaloTokenStore()).sendText('u', 'x').catch((e: unknown) => e);
    expect((error as ZaloApiError).code).toBe('ZALO_TOKEN_MISSING');
  });
});
