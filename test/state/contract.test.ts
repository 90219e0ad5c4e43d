// One contract for each store, whichever keeps the state: the same assertions run against the
// single-machine implementation (files under STATE_DIR, or this process's memory where the
// single machine keeps none) and against PostgreSQL (state/), each PostgreSQL run in a fresh
// schema. Then what only a shared store can do: two pools (two replicas) see each other's writes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageAdapter } from 'grammy';
import {
  createFileSessionStorage,
  createFileSubscriptionStore,
  createFileZaloTokenStore,
  type SubscriptionStore,
  type ZaloTokens,
  type ZaloTokenStore,
} from '../../bot/storage.js';
import { createSessionMemory, type SessionMemory, type Turn } from '../../server/answer/sessions.js';
import { createFeedbackStore, createUnansweredLog, type FeedbackStore, type UnansweredLog } from '../../server/http/stores.js';
import type { IngestJobView } from '../../server/http/schemas.js';
import { createMemoryIngestJobStore, type IngestJobStore } from '../../server/ingest-jobs.js';
import { createFileConfirmationStore, type ConfirmationStore } from '../../server/redefinitions.js';
import {
  createPgConfirmationStore,
  createPgFeedbackStore,
  createPgIngestJobStore,
  createPgSessionMemory,
  createPgSessionStorage,
  createPgSubscriptionStore,
  createPgUnansweredLog,
  createPgZaloTokenStore,
  type State,
} from '../../state/index.js';
import { freshSchema, openTestState, type TestSchema } from './fixtures/schema.js';
import { postgresMissing, sayWhySkipped } from './fixtures/services.js';

const missing = await postgresMissing();
sayWhySkipped('test/state/contract.test.ts (PostgreSQL half)', missing);

/** What a test opens: the stores over one place, opened again as a restart (or another replica) would. */
interface Place {
  sessions<T>(): StorageAdapter<T>;
  conversations(o: { ttlMs: number; now: () => number }): SessionMemory;
  subscriptions(): SubscriptionStore;
  feedback(o?: { now?: () => Date }): FeedbackStore;
  unanswered(o: { size: number; now?: () => Date }): UnansweredLog;
  zaloTokens(configured?: ZaloTokens): ZaloTokenStore;
  confirmations(): Promise<ConfirmationStore>;
  ingestJobs(keep?: number): IngestJobStore;
  /** Whether what one instance wrote is seen by a new instance over the same place. */
  persists: { conversations: boolean; ingestJobs: boolean };
  /** Whether instances over one place may work at once (processes sharing a database; a file has one writer). */
  shared: boolean;
}

interface Backend {
  name: string;
  skip: boolean;
  open(): Promise<{ place: Place; close(): Promise<void> }>;
}

const files: Backend = {
  name: 'files (one machine)',
  skip: false,
  async open() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'state-contract-'));
    const file = (name: string) => path.join(dir, name);
    // What the single machine keeps in memory is one memory per place, as in one process.
    const memoryJobs = new Map<number, IngestJobStore>();
    const place: Place = {
      sessions: () => createFileSessionStorage(file('sessions.json')),
      conversations: (o) => createSessionMemory(o),
      subscriptions: () => createFileSubscriptionStore(file('subscriptions.json')),
      feedback: (o = {}) => createFeedbackStore({ file: file('feedback.jsonl'), ...o }),
      unanswered: (o) => createUnansweredLog({ ...o, file: file('unanswered.jsonl') }),
      zaloTokens: (configured) => createFileZaloTokenStore(file('zalo-tokens.json'), configured),
      confirmations: async () => createFileConfirmationStore(file('confirmations.json')),
      ingestJobs: (keep = 20) => {
        if (!memoryJobs.has(keep)) memoryJobs.set(keep, createMemoryIngestJobStore(keep));
        return memoryJobs.get(keep)!;
      },
      persists: { conversations: false, ingestJobs: false },
      shared: false,
    };
    return { place, close: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

const postgres: Backend = {
  name: 'PostgreSQL (replicas)',
  skip: missing !== undefined,
  async open() {
    const schema = await freshSchema('contract');
    // Stores opened one after another take turns on three pools: a new instance is another
    // process's, never a cache shared with the last one.
    const states = [await openTestState(schema.url), await openTestState(schema.url), await openTestState(schema.url)];
    const pools = states.map((s) => s.db);
    let next = 0;
    const any = () => pools[next++ % pools.length]!;
    const place: Place = {
      sessions: () => createPgSessionStorage(any(), 'telegram'),
      conversations: (o) => createPgSessionMemory(any(), o),
      subscriptions: () => createPgSubscriptionStore(any()),
      feedback: (o = {}) => createPgFeedbackStore(any(), o),
      unanswered: (o) => createPgUnansweredLog(any(), o),
      zaloTokens: (configured) => createPgZaloTokenStore(any(), configured),
      confirmations: () => createPgConfirmationStore(any()),
      ingestJobs: (keep) => createPgIngestJobStore(any(), keep),
      persists: { conversations: true, ingestJobs: true },
      shared: true,
    };
    return {
      place,
      async close() {
        await Promise.all(states.map((s) => s.close()));
        await schema.drop();
      },
    };
  },
};

const turn = (at: number, procedureCode = '1.001193'): Turn => ({ intent: 'procedure', language: 'vi', procedureCode, candidateCodes: ['1.001193', '2.000001'], at });
const job = (id: string, startedAt: string, extra: Partial<IngestJobView> = {}): IngestJobView => ({ id, status: 'running', startedAt, ...extra });

describe.each([files, postgres])('the stores on $name', (backend) => {
  let place: Place;
  let close: () => Promise<void>;
  beforeAll(async () => {
    if (backend.skip) return;
    ({ place, close } = await backend.open());
  });
  afterAll(async () => close?.());

  describe.skipIf(backend.skip)('contract', () => {
    it('chat sessions: write, read, delete, and a new instance reads what the last one wrote', async () => {
      const a = place.sessions<{ unit?: string; choices?: string[] }>();
      await Promise.all(Array.from({ length: 20 }, (_, i) => a.write(String(i), { unit: `Phường ${i}`, choices: ['1.001193'] })));
      await a.delete('3');
      await a.write('7', { unit: 'Phường Cầu Giấy' });
      const b = place.sessions<{ unit?: string }>();
      expect(await b.read('7')).toEqual({ unit: 'Phường Cầu Giấy' });
      expect(await b.read('8')).toEqual({ unit: 'Phường 8', choices: ['1.001193'] });
      expect(await b.read('3')).toBeUndefined();
      expect(await b.read('nobody')).toBeUndefined();
    });

    it('conversations: the last turn of a session, none for another, forgotten after its time to live', async () => {
      let clock = 1_000_000;
      const m = place.conversations({ ttlMs: 60_000, now: () => clock });
      await m.remember('web:a', turn(clock, '1.001193'));
      await m.remember('web:a', turn(clock, '1.001456'));
      expect(await m.last('web:a')).toEqual(turn(clock, '1.001456'));
      expect(await m.last('web:b')).toBeUndefined();
      clock += 60_000;
      expect((await m.last('web:a'))?.procedureCode).toBe('1.001456'); // exactly at the limit: still remembered
      clock += 1;
      expect(await m.last('web:a')).toBeUndefined();
      if (place.persists.conversations) {
        await m.remember('web:c', turn(clock));
        expect(await place.conversations({ ttlMs: 60_000, now: () => clock }).last('web:c')).toEqual(turn(clock));
      }
    });

    it('subscriptions: once per chat and unit (any case), language updated, removed by unit or all, runs recorded', async () => {
      const store = place.subscriptions();
      const now = new Date('2026-03-01T00:00:00.000Z');
      const first = await store.add({ chatId: 5002, unit: 'Sở Tư pháp', language: 'vi', now });
      expect(first).toEqual({ chatId: 5002, unit: 'Sở Tư pháp', language: 'vi', createdAt: '2026-03-01T00:00:00.000Z', seen: [], sent: [] });
      const again = await store.add({ chatId: 5002, unit: 'SỞ TƯ PHÁP', language: 'en', now: new Date('2026-03-02T00:00:00Z') });
      expect(again).toEqual({ ...first, language: 'en' });
      await store.add({ chatId: 5002, unit: 'Sở Y tế', language: 'vi', now });
      await store.add({ chatId: 7, unit: 'UBND phường Cầu Giấy', language: 'vi', now });
      expect((await store.forChat(5002)).map((s) => [s.unit, s.language])).toEqual([
        ['Sở Tư pháp', 'en'],
        ['Sở Y tế', 'vi'],
      ]);
      await store.record(5002, 'sở tư pháp', { lastRun: '2026-03-03T01:00:00.000Z', seen: ['t1', 't2'], sent: ['t1'] });
      const reopened = place.subscriptions();
      expect((await reopened.forChat(5002))[0]).toEqual({ ...first, language: 'en', lastRun: '2026-03-03T01:00:00.000Z', seen: ['t1', 't2'], sent: ['t1'] });
      expect(await reopened.remove(5002, 'Sở Y tế')).toBe(1);
      expect(await reopened.remove(5002, 'Sở Y tế')).toBe(0);
      expect(await reopened.remove(5002)).toBe(1);
      expect((await place.subscriptions().list()).map((s) => s.chatId)).toEqual([7]);
    });

    it('feedback: kept with the question its answer answered, counted, newest first, and read again after a restart', async () => {
      let clock = Date.parse('2026-05-01T08:00:00.000Z');
      const now = () => new Date((clock += 1000));
      const store = place.feedback({ now });
      await store.rememberQuestion('ans-1', 'làm giấy khai sinh cần gì');
      expect(await store.add({ answerId: 'ans-1', helpful: true })).toEqual({ answerId: 'ans-1', question: 'làm giấy khai sinh cần gì', helpful: true, at: '2026-05-01T08:00:01.000Z' });
      await store.add({ answerId: 'ans-2', helpful: false, comment: 'Thiếu mẫu tờ khai' });
      await store.add({ answerId: 'ans-3', helpful: false });
      expect(await store.totals()).toEqual({ total: 3, helpful: 1, notHelpful: 2 });
      expect((await store.recent(2)).map((e) => e.answerId)).toEqual(['ans-3', 'ans-2']);
      const reopened = place.feedback();
      expect(await reopened.totals()).toEqual({ total: 3, helpful: 1, notHelpful: 2 });
      expect(await reopened.recent()).toEqual([
        { answerId: 'ans-3', helpful: false, at: '2026-05-01T08:00:03.000Z' },
        { answerId: 'ans-2', helpful: false, comment: 'Thiếu mẫu tờ khai', at: '2026-05-01T08:00:02.000Z' },
        { answerId: 'ans-1', question: 'làm giấy khai sinh cần gì', helpful: true, at: '2026-05-01T08:00:01.000Z' },
      ]);
    });

    it('unanswered: a question asked again moves to the top and counts up; beyond its size the oldest go', async () => {
      let clock = Date.parse('2026-05-02T08:00:00.000Z');
      const log = place.unanswered({ size: 3, now: () => new Date((clock += 1000)) });
      log.record('Giá vé máy bay?', 'vi');
      log.record('How much is a visa?', 'en');
      log.record('  giá vé MÁY BAY? ', 'vi');
      const expected = [
        { question: 'giá vé MÁY BAY?', language: 'vi', at: '2026-05-02T08:00:03.000Z', count: 2 },
        { question: 'How much is a visa?', language: 'en', at: '2026-05-02T08:00:02.000Z', count: 1 },
      ];
      await expect.poll(() => log.list()).toEqual(expected);
      log.record('một', 'vi');
      log.record('hai', 'vi');
      await expect.poll(async () => (await log.list()).map((e) => e.question)).toEqual(['hai', 'một', 'giá vé MÁY BAY?']);
      // A restart reads the same list back.
      await expect.poll(async () => (await place.unanswered({ size: 3 }).list()).map((e) => [e.question, e.count])).toEqual([
        ['hai', 1],
        ['một', 1],
        ['giá vé MÁY BAY?', 2],
      ]);
    });

    it('Zalo tokens: the configured pair until a refresh, a refreshed pair kept across restarts, a rotated environment wins', async () => {
      const env1 = { accessToken: 'access-env-one-111', refreshToken: 'refresh-env-one-111' };
      const env2 = { accessToken: 'access-env-two-222', refreshToken: 'refresh-env-two-222' };
      expect(await place.zaloTokens(env1).get()).toEqual(env1);
      const refreshed = { accessToken: 'access-refreshed-333', refreshToken: 'refresh-refreshed-333' };
      await place.zaloTokens(env1).set(refreshed);
      expect(await place.zaloTokens(env1).get()).toEqual(refreshed);
      expect(await place.zaloTokens(env2).get()).toEqual(env2);
      await place.zaloTokens(env2).set({ accessToken: 'access-only-444' });
      expect(await place.zaloTokens(env2).get()).toEqual({ accessToken: 'access-only-444' });
    });

    it('Zalo tokens: refresh exchanges the expired pair once; a refresh that finds it changed reuses the stored pair', async () => {
      const env = { accessToken: 'access-r-000', refreshToken: 'refresh-r-000' };
      const store = place.zaloTokens(env);
      const exchanged: ZaloTokens[] = [];
      let n = 0;
      const exchange = async (current: ZaloTokens) => {
        exchanged.push(current);
        await new Promise((resolve) => setTimeout(resolve, 20));
        n++;
        return { accessToken: `access-r-${n}`, refreshToken: `refresh-r-${n}` };
      };
      // Five at once on one instance; one more on another instance, at once where instances may
      // share the place (replicas), else after (a restart).
      const other = () => place.zaloTokens(env).refresh('access-r-000', exchange);
      const results = await Promise.all([...Array.from({ length: 5 }, () => store.refresh('access-r-000', exchange)), ...(place.shared ? [other()] : [])]);
      if (!place.shared) results.push(await other());
      expect(exchanged).toEqual([env]);
      for (const r of results) expect(r).toEqual({ accessToken: 'access-r-1', refreshToken: 'refresh-r-1' });
      expect(await place.zaloTokens(env).get()).toEqual({ accessToken: 'access-r-1', refreshToken: 'refresh-r-1' });
      // A failed exchange stores nothing and says why.
      await expect(store.refresh('access-r-1', async () => Promise.reject(new Error('Zalo said no')))).rejects.toThrow('Zalo said no');
      expect(await store.get()).toEqual({ accessToken: 'access-r-1', refreshToken: 'refresh-r-1' });
      // A token no longer stored: nothing to exchange, the stored pair is the answer.
      expect(await place.zaloTokens(undefined).refresh('access-r-000', exchange)).toEqual({ accessToken: 'access-r-1', refreshToken: 'refresh-r-1' });
      expect(exchanged).toHaveLength(1);
    });

    it('confirmed redefinitions: kept across restarts, the latest version of a code in a file replacing the earlier', async () => {
      const store = await place.confirmations();
      await store.confirm({ code: '1.001193', file: 'khai-sinh.csv', fingerprint: 'v1' }, new Date('2026-12-01T10:00:00Z'));
      await store.confirm({ code: '2.000001', file: 'khai-sinh.csv', fingerprint: 'v1' }, new Date('2026-12-01T10:01:00Z'));
      await store.confirm({ code: '1.001193', file: 'khai-sinh.csv', fingerprint: 'v2' }, new Date('2026-12-01T10:02:00Z'));
      expect(store.isConfirmed('1.001193', 'khai-sinh.csv', 'v2')).toBe(true);
      expect(store.isConfirmed('1.001193', 'khai-sinh.csv', 'v1')).toBe(false);
      const again = await place.confirmations();
      expect(again.list()).toEqual([
        { code: '2.000001', file: 'khai-sinh.csv', fingerprint: 'v1', at: '2026-12-01T10:01:00.000Z' },
        { code: '1.001193', file: 'khai-sinh.csv', fingerprint: 'v2', at: '2026-12-01T10:02:00.000Z' },
      ]);
      expect(again.isConfirmed('2.000001', 'khai-sinh.csv', 'v1')).toBe(true);
    });

    it('ingest jobs: saved, replaced as they progress, read back, the newest kept', async () => {
      const store = place.ingestJobs(2);
      await store.save(job('j1', '2026-12-01T10:00:00.000Z'));
      await store.save(job('j1', '2026-12-01T10:00:00.000Z', { progress: { phase: 'load', done: 3, total: 9 } }));
      const reader = place.persists.ingestJobs ? place.ingestJobs(2) : store;
      expect(await reader.get('j1')).toEqual(job('j1', '2026-12-01T10:00:00.000Z', { progress: { phase: 'load', done: 3, total: 9 } }));
      await store.save(job('j2', '2026-12-01T11:00:00.000Z'));
      await store.save(job('j3', '2026-12-01T12:00:00.000Z', { status: 'succeeded', finishedAt: '2026-12-01T12:05:00.000Z', summary: { published: true, added: ['a.pdf'] } }));
      expect(await reader.get('j1')).toBeUndefined();
      expect(await reader.get('j3')).toEqual(job('j3', '2026-12-01T12:00:00.000Z', { status: 'succeeded', finishedAt: '2026-12-01T12:05:00.000Z', summary: { published: true, added: ['a.pdf'] } }));
      expect(await reader.get('nope')).toBeUndefined();
    });
  });
});

describe.skipIf(missing !== undefined)('PostgreSQL stores shared by replicas (two pools on one schema)', () => {
  let schema: TestSchema;
  let a: State;
  let b: State;
  beforeAll(async () => {
    schema = await freshSchema('replicas');
    [a, b] = [await openTestState(schema.url), await openTestState(schema.url)];
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await schema?.drop();
  });

  it('feedback on one replica shows the question the other answered', async () => {
    await createPgFeedbackStore(a.db).rememberQuestion('ans-x', 'thủ tục cấp lại căn cước');
    expect((await createPgFeedbackStore(b.db).add({ answerId: 'ans-x', helpful: true })).question).toBe('thủ tục cấp lại căn cước');
  });

  it("a conversation goes on on another replica, and the bots' sessions are one per channel", async () => {
    await createPgSessionMemory(a.db).remember('tg:5002', turn(Date.now(), '1.001456'));
    expect((await createPgSessionMemory(b.db).last('tg:5002'))?.procedureCode).toBe('1.001456');
    await createPgSessionStorage(a.db, 'telegram').write('5002', { language: 'en' });
    expect(await createPgSessionStorage(b.db, 'zalo').read('5002')).toBeUndefined();
    expect(await createPgSessionStorage(b.db, 'telegram').read('5002')).toEqual({ language: 'en' });
  });

  it("a confirmation made on one replica is seen by the other's reload, which says it changed once", async () => {
    const onA = await createPgConfirmationStore(a.db);
    const onB = await createPgConfirmationStore(b.db);
    await onA.confirm({ code: '1.001193', file: 'x.csv', fingerprint: 'f1' });
    expect(onB.isConfirmed('1.001193', 'x.csv', 'f1')).toBe(false);
    expect(await onB.reload!()).toBe(true);
    expect(onB.isConfirmed('1.001193', 'x.csv', 'f1')).toBe(true);
    expect(await onB.reload!()).toBe(false);
  });

  it('an ingest job started on one replica is followed on the other', async () => {
    const started = job('j-a', new Date().toISOString());
    await createPgIngestJobStore(a.db).save(started);
    expect(await createPgIngestJobStore(b.db).get('j-a')).toEqual(started);
  });

  it('the rows are really in PostgreSQL', async () => {
    const { rows } = await schema.admin('SELECT (SELECT count(*) FROM feedback)::int AS feedback, (SELECT count(*) FROM conversation_turns)::int AS turns');
    expect(rows[0]).toEqual({ feedback: 1, turns: 1 });
  });
});
