// The bots' JSON-file stores: sessions, subscriptions, tokens; atomic, serialised writes.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSessionStorage, createFileSubscriptionStore, createMemorySessionStorage } from '../../bot/storage.js';

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
