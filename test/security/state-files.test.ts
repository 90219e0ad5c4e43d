// Issue 13 item 10: what the service keeps under STATE_DIR is for its own user only: files 0600 in
// a folder 0700 (Zalo tokens above all; bot sessions, subscriptions, feedback and unanswered
// questions are personal data), also when an earlier version left them readable by everyone. And
// without an app secret the Zalo client never sends a refresh with an empty `secret_key`.
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFileSessionStorage, createFileSubscriptionStore, createFileZaloTokenStore, createMemoryZaloTokenStore } from '../../bot/storage.js';
import { createZaloClient } from '../../bot/zalo-client.js';
import { CONFIRMATIONS_FILE, createFileConfirmationStore } from '../../server/redefinitions.js';
import { createFeedbackStore, createUnansweredLog } from '../../server/http/stores.js';
import { startFakeZalo, type FakeZalo } from '../bot/fakes/zalo-api.js';

const APP_ID = '4291763606161179100';
const APP_SECRET = 'app-secret-key-state-files';

const modeOf = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;
const octal = (mode: number): string => `0${mode.toString(8)}`;

let dir: string;
let umask: number;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'state-files-'));
  // The usual umask of a service account: without our modes, files come out 0644 and folders 0755.
  umask = process.umask(0o022);
});
afterEach(async () => {
  process.umask(umask);
  await rm(dir, { recursive: true, force: true });
});

describe('files under STATE_DIR are private to the service user', () => {
  it('writes the Zalo tokens 0600 in a new folder 0700, and leaves no temporary file', async () => {
    const state = path.join(dir, 'state');
    const store = createFileZaloTokenStore(path.join(state, 'zalo-tokens.json'), { accessToken: 'access-configured', refreshToken: 'refresh-configured' });
    await store.set({ accessToken: 'access-refreshed', refreshToken: 'refresh-refreshed' });
    expect(octal(await modeOf(path.join(state, 'zalo-tokens.json')))).toBe('0600');
    expect(octal(await modeOf(state))).toBe('0700');
    expect(await readdir(state)).toEqual(['zalo-tokens.json']);
  });

  it('tightens a token file and a folder left 0644 / 0755 by an earlier version', async () => {
    const state = path.join(dir, 'state');
    await mkdir(state, { mode: 0o755 });
    await chmod(state, 0o755);
    const file = path.join(state, 'zalo-tokens.json');
    await writeFile(file, JSON.stringify({ accessToken: 'access-old', refreshToken: 'refresh-old' }), { mode: 0o644 });
    await chmod(file, 0o644);
    // Reading alone (a restart whose token has not expired yet) already closes the file.
    const store = createFileZaloTokenStore(file);
    expect(await store.get()).toEqual({ accessToken: 'access-old', refreshToken: 'refresh-old' });
    expect(octal(await modeOf(file))).toBe('0600');
    await store.set({ accessToken: 'access-new', refreshToken: 'refresh-new' });
    expect(octal(await modeOf(file))).toBe('0600');
    expect(octal(await modeOf(state))).toBe('0700');
  });

  it('keeps Telegram sessions and subscriptions 0600', async () => {
    const sessions = createFileSessionStorage<{ unit: string }>(path.join(dir, 'state', 'telegram-sessions.json'));
    await sessions.write('5002', { unit: 'Sở Tư pháp' });
    const subscriptions = createFileSubscriptionStore(path.join(dir, 'state', 'telegram-subscriptions.json'));
    await subscriptions.add({ chatId: 5002, unit: 'Sở Tư pháp', language: 'vi', now: new Date('2026-03-05T02:00:00Z') });
    expect(octal(await modeOf(path.join(dir, 'state', 'telegram-sessions.json')))).toBe('0600');
    expect(octal(await modeOf(path.join(dir, 'state', 'telegram-subscriptions.json')))).toBe('0600');
  });

  it('keeps feedback, unanswered questions and confirmations 0600 in a folder 0700', async () => {
    const state = path.join(dir, 'state');
    const feedback = createFeedbackStore({ file: path.join(state, 'feedback.jsonl') });
    await feedback.add({ answerId: 'a-1', helpful: false, comment: 'số điện thoại của tôi là 0912 345 678' });
    expect(octal(await modeOf(state))).toBe('0700');
    expect(octal(await modeOf(path.join(state, 'feedback.jsonl')))).toBe('0600');

    const errors: unknown[] = [];
    const unanswered = createUnansweredLog({ size: 10, file: path.join(state, 'unanswered.jsonl'), onError: (e) => errors.push(e) });
    unanswered.record('nhà tôi ở số 12 ngõ 34, hỏi thủ tục gì', 'vi');
    await expect.poll(async () => (await readdir(state)).includes('unanswered.jsonl')).toBe(true);
    expect(errors).toEqual([]);
    expect(octal(await modeOf(path.join(state, 'unanswered.jsonl')))).toBe('0600');

    const confirmations = createFileConfirmationStore(path.join(state, CONFIRMATIONS_FILE));
    await confirmations.confirm({ code: '1.001193', file: 'x.json', fingerprint: 'f'.repeat(16) });
    expect(octal(await modeOf(path.join(state, CONFIRMATIONS_FILE)))).toBe('0600');
  });
});

describe('Zalo token refresh over the fake OAuth server', () => {
  let zalo: FakeZalo;
  beforeAll(async () => {
    zalo = await startFakeZalo({ appId: APP_ID, secretKey: APP_SECRET, accessToken: 'access-initial', refreshToken: 'refresh-initial' });
  });
  afterAll(() => zalo.close());
  beforeEach(() => {
    zalo.refreshCalls.length = 0;
    zalo.tokens = { accessToken: 'access-initial', refreshToken: 'refresh-initial' };
  });

  it('stores the refreshed pair 0600 when a send meets an expired token', async () => {
    const file = path.join(dir, 'state', 'zalo-tokens.json');
    const tokens = createFileZaloTokenStore(file, { accessToken: 'access-initial', refreshToken: 'refresh-initial' });
    const client = createZaloClient({ apiBase: zalo.base, oauthBase: zalo.base, appId: APP_ID, secretKey: APP_SECRET, tokens, backoffMs: 1 });
    zalo.expireAccessToken();
    await client.sendText('user-1', 'Xin chào');
    expect(zalo.refreshCalls).toHaveLength(1);
    expect(octal(await modeOf(file))).toBe('0600');
    expect(octal(await modeOf(path.dirname(file)))).toBe('0700');
  });

  for (const [label, secretKey] of [
    ['no ZALO_APP_SECRET', undefined],
    ['an empty ZALO_APP_SECRET', ''],
    ['a ZALO_APP_SECRET of spaces', '   '],
  ] as const) {
    it(`with ${label}, never sends a refresh, from a send or when asked to refresh`, async () => {
      const client = createZaloClient({
        apiBase: zalo.base,
        oauthBase: zalo.base,
        appId: APP_ID,
        secretKey,
        tokens: createMemoryZaloTokenStore({ accessToken: 'access-initial', refreshToken: 'refresh-initial' }),
        backoffMs: 1,
      });
      zalo.expireAccessToken();
      await expect(client.sendText('user-2', 'Xin chào')).rejects.toMatchObject({ code: 'ZALO_TOKEN_EXPIRED', message: expect.stringContaining('ZALO_APP_SECRET') });
      await expect(client.refreshTokens()).rejects.toMatchObject({ code: 'ZALO_CONFIG', message: expect.stringContaining('ZALO_APP_SECRET') });
      expect(zalo.refreshCalls).toEqual([]);
    });
  }
});
