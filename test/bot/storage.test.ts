// The bots' JSON-file stores: sessions, subscriptions, Zalo tokens; atomic, serialised writes.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSessionStorage, createFileSubscriptionStore, createFileZaloTokenStore, createMemorySessionStorage } from '../../bot/storage.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bot-storage-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('file stores', () => {
  it('keeps sessions across instances and leaves no temp files', async () => {
    const path = join(dir, 'nested', 'sessions.json');
    const a = createFileSessionStorage<{ language?: string; unit?: string }>(path);
    await Promise.all(Array.from({ length: 20 }, (_, i) => a.write(String(i), { unit: `Phường ${i}` })));
    await a.delete('3');
    const b = createFileSessionStorage<{ unit?: string }>(path);
    expect(await b.read('7')).toEqual({ unit: 'Phường 7' });
    expect(await b.read('3')).toBeUndefined();
    expect(Object.keys(JSON.parse(await readFile(path, 'utf8')))).toHaveLength(19);
    expect((await readdir(join(dir, 'nested'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('subscribes once per chat and unit, removes by unit or all', async () => {
    const store = createFileSubscriptionStore(join(dir, 'subs.json'));
    const now = new Date('2026-03-01T00:00:00Z');
    await store.add({ chatId: 1, unit: 'Sở Tư pháp', language: 'vi', now });
    await store.add({ chatId: 1, unit: 'sở tư pháp', language: 'en', now });
    await store.add({ chatId: 1, unit: 'Sở Y tế', language: 'vi', now });
    expect((await store.forChat(1)).map((s) => [s.unit, s.language])).toEqual([
      ['Sở Tư pháp', 'en'],
      ['Sở Y tế', 'vi'],
    ]);
    expect(await store.remove(1, 'Sở Y tế')).toBe(1);
    expect(await store.remove(1)).toBe(1);
    expect(await createFileSubscriptionStore(join(dir, 'subs.json')).list()).toHaveLength(0);
  });

  it('refuses a corrupt file with a coded error instead of starting empty', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{ not json');
    await expect(createFileSubscriptionStore(path).list()).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });
});

describe('memory sessions', () => {
  it('hold at most maxEntries, dropping the least recently written', async () => {
    const sessions = createMemorySessionStorage<number>({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await sessions.write(key, 1);
    await sessions.write('a', 2); // written again: now the newest
    await sessions.write('d', 1);
    expect(await sessions.read('b')).toBeUndefined();
    expect([await sessions.read('a'), await sessions.read('c'), await sessions.read('d')]).toEqual([2, 1, 1]);
  });
});

describe('Zalo token file', () => {
  const env1 = { accessToken: 'access-env-one-111', refreshToken: 'refresh-env-one-111' };

  it('gives an access token configured alone (no refresh token)', async () => {
    const store = createFileZaloTokenStore(join(dir, 'zalo-tokens.json'), { accessToken: 'access-only-000' });
    expect(await store.get()).toEqual({ accessToken: 'access-only-000' });
  });

  it("lets the environment's token win over a stale one left in STATE_DIR by an earlier run", async () => {
    const path = join(dir, 'zalo-tokens.json');
    await writeFile(path, JSON.stringify({ accessToken: 'access-stale-old', refreshToken: 'refresh-stale-old' }));
    expect(await createFileZaloTokenStore(path, env1).get()).toEqual(env1);
  });

  it('keeps a refreshed pair over the environment it came from, until the environment changes', async () => {
    const path = join(dir, 'zalo-tokens.json');
    const refreshed = { accessToken: 'access-refreshed-222', refreshToken: 'refresh-refreshed-222' };
    await createFileZaloTokenStore(path, env1).set(refreshed);
    // A restart with the same environment: its refresh token was spent, the refreshed pair is the live one.
    expect(await createFileZaloTokenStore(path, env1).get()).toEqual(refreshed);
    // The operator rotates the token in the environment: the new one is used.
    const env2 = { accessToken: 'access-env-two-333' };
    const rotated = createFileZaloTokenStore(path, env2);
    expect(await rotated.get()).toEqual(env2);
    // ... and a pair refreshed from it persists in turn.
    const again = { accessToken: 'access-refreshed-444', refreshToken: 'refresh-refreshed-444' };
    await rotated.set(again);
    expect(await createFileZaloTokenStore(path, env2).get()).toEqual(again);
    // The file remembers where the pair came from by a hash, not by a second copy of the token.
    expect(await readFile(path, 'utf8')).not.toContain('access-env-two-333');
  });
});
