// Three replicas of the service, each in a process of its own as `npm start` runs it with
// DATABASE_URL set, over one index folder and one data folder (the shared volume) and one schema:
// a document uploaded and ingested on replica 1 is answered by replicas 2 and 3 within 5 s
// (PostgreSQL NOTIFY; their safety poll is a minute), questions asked while they switch all get
// their answer, and two admins starting ingests on two replicas at once get one run and one
// "another ingest is running". The listener alone: a notice missed while its connection was down
// is made up for on reconnecting, and the poll finds a version nobody announced. `npm run ingest`
// with DATABASE_URL: refused while a replica's run holds the lock, and announces what it publishes.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceIndexVersion, createIndexListener, INDEX_CHANNEL } from '../../state/index-announcer.js';
import { createPgIngestLock } from '../../state/ingest-lock.js';
import { projectRoot, testIndexDir } from '../helpers/engine.js';
import { freshSchema, type TestSchema } from './fixtures/schema.js';
import { killAll, PG_URL, postgresMissing, sayWhySkipped, startChild, type Child, type ChildEvent } from './fixtures/services.js';
import { startTcpProxy } from './fixtures/tcp-proxy.js';

const missing = await postgresMissing();
sayWhySkipped('test/state/index-announce.test.ts', missing);

const ADMIN = 'replica-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

/** A dispatch the bundled data does not hold, as an office would upload it. */
const dispatch = (number: string, subject: string) => `---
id: ${number.toLowerCase().replace(/\//g, '-')}-2026
number: ${number}
type: cong-van
title: Công văn ${number} ${subject}
subject: V/v ${subject}
issuer: Ủy ban nhân dân thành phố Hà Nội
year: 2026
language: vi
---

ỦY BAN NHÂN DÂN
THÀNH PHỐ HÀ NỘI

Số: ${number}

V/v ${subject}

Kính gửi: Các sở, ban, ngành Thành phố.

1. Sở Nội vụ chủ trì ${subject}, báo cáo Ủy ban nhân dân Thành phố trước ngày 15/12/2026.
2. Các sở, ban, ngành phối hợp cung cấp số liệu về ${subject}.
`;

interface Replica {
  child: Child;
  url: string;
}

const post = (replica: Replica, route: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${replica.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Whether `replica`'s answer to `question` cites the document numbered `number`, and the answer's status. */
async function cites(replica: Replica, question: string, number: string): Promise<{ ok: boolean; status: number }> {
  const res = await post(replica, '/api/ask', { question });
  const citations = res.status === 200 ? ((await res.json()) as { citations: Array<{ number?: string }> }).citations : (await res.text(), []);
  return { ok: citations.some((c) => c.number === number), status: res.status };
}

async function upload(replica: Replica, filename: string, text: string): Promise<number> {
  const form = new FormData();
  form.set('file', new Blob([text]), filename);
  const res = await fetch(`${replica.url}/admin/documents`, { method: 'POST', headers: auth, body: form });
  await res.text();
  return res.status;
}

const startIngest = async (replica: Replica): Promise<{ status: number; body: Record<string, any> }> => {
  const res = await fetch(`${replica.url}/admin/ingest`, { method: 'POST', headers: auth });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

async function finished(replica: Replica, jobId: string, timeoutMs = 90_000): Promise<Record<string, any>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = (await (await fetch(`${replica.url}/admin/ingest/${jobId}`, { headers: auth })).json()) as Record<string, any>;
    if (job.status !== 'running' || Date.now() > end) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitFor<T>(what: string, find: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(missing !== undefined)('replicas over one index folder, announced through PostgreSQL', () => {
  let schema: TestSchema;
  let dir: string;
  const events: ChildEvent[] = [];
  let replicas: Replica[] = [];
  const indexDir = () => path.join(dir, 'index');
  const current = () => readFileSync(path.join(indexDir(), 'CURRENT'), 'utf8').trim();
  const servingAt = (replica: Replica, version: string) => replica.child.events.find((e) => e.ev === 'serving' && e.version === version)?.at;

  beforeAll(async () => {
    schema = await freshSchema('replicas');
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-replicas-'));
    // The shared volume: the test index (built from data/ relative to the project) and a data folder for uploads.
    cpSync(testIndexDir(), indexDir(), { recursive: true });
    mkdirSync(path.join(dir, 'data'));
    const children = [1, 2, 3].map((n) =>
      startChild(
        'service-replica',
        `replica-${n}`,
        {
          REPLICA_CWD: projectRoot,
          DATABASE_URL: schema.url,
          DATABASE_POOL_MAX: '3',
          LOG_LEVEL: 'silent',
          INDEX_DIR: indexDir(),
          DATA_DIR: path.join(dir, 'data'),
          INGEST_PATHS: '',
          STATE_DIR: path.join(dir, `state-${n}`),
          ADMIN_TOKEN: ADMIN,
          EMBEDDINGS: 'hashing',
          EMBEDDINGS_DIM: '',
          LLM_PROVIDER: 'none',
          TELEGRAM_BOT_TOKEN: '',
          ZALO_APP_ID: '',
          RATE_LIMIT_MAX: '100000',
          // Only the announcement can make a replica switch within the test's 5 s.
          INDEX_POLL_MS: '60000',
        },
        events,
      ),
    );
    try {
      replicas = await Promise.all(
        children.map(async (child) => {
          const ready = await Promise.race([
            waitFor(`${child.id} listening`, () => child.events.find((e) => e.ev === 'listening'), 60_000),
            child.exited.then((code) => {
              throw new Error(`${child.id} exited (${code}): ${child.stderr()}`);
            }),
          ]);
          return { child, url: ready.url as string };
        }),
      );
    } catch (error) {
      await killAll(children);
      throw error;
    }
  }, 90_000);

  afterAll(async () => {
    for (const r of replicas) r.child.process.kill('SIGTERM');
    await Promise.race([Promise.all(replicas.map((r) => r.child.exited)), new Promise((r) => setTimeout(r, 10_000))]);
    await killAll(replicas.map((r) => r.child));
    await schema?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('serves a document ingested on replica 1 from replicas 2 and 3 within 5 s, answering every question asked meanwhile', async () => {
    const [one, two, three] = replicas as [Replica, Replica, Replica];
    const question = 'Công văn 3177/UBND-KSTTHC giao Sở Nội vụ việc gì?';
    const number = '3177/UBND-KSTTHC';
    expect((await cites(two, question, number)).ok).toBe(false);
    expect(await upload(one, 'cong-van-3177.md', dispatch(number, 'số hóa hồ sơ thủ tục hành chính'))).toBe(201);
    const before = current();

    // When the announcement goes out, heard as a replica hears it.
    const listener = new pg.Client({ connectionString: schema.url });
    await listener.connect();
    let announcedAt = 0;
    listener.on('notification', (n) => n.channel === INDEX_CHANNEL && (announcedAt ||= Date.now()));
    await listener.query(`LISTEN ${INDEX_CHANNEL}`);

    // Questions keep coming to replicas 2 and 3 the whole time, two at a time each: none may fail.
    const asked: Array<{ replica: Replica; status: number; startedAt: number; endedAt: number }> = [];
    let asking = true;
    const load = [two, three].flatMap((replica) =>
      Array.from({ length: 2 }, async () => {
        while (asking) {
          const startedAt = Date.now();
          const { status } = await cites(replica, 'thủ tục đăng ký khai sinh cần giấy tờ gì', 'none');
          asked.push({ replica, status, startedAt, endedAt: Date.now() });
        }
      }),
    );

    const started = await startIngest(one);
    expect(started.status).toBe(202);
    // The moment the pointer moves on the shared folder, seen from outside every replica.
    while (current() === before) await new Promise((r) => setTimeout(r, 5));
    const publishedAt = Date.now();
    const version = current();

    const servedAt = await Promise.all(
      [two, three].map(async (r) => {
        while (!(await cites(r, question, number)).ok) {
          if (Date.now() - publishedAt > 5000) throw new Error(`${r.child.id} did not serve ${version} within 5 s`);
          await new Promise((res) => setTimeout(res, 20));
        }
        return Date.now() - publishedAt;
      }),
    );
    asking = false;
    await Promise.all(load);
    await listener.end();

    const switchedAt = [two, three].map((r) => servingAt(r, version)!);
    // Questions that were being answered when their replica switched: they finished, on the version they started with.
    const across = asked.filter((a) => {
      const at = servingAt(a.replica, version)!;
      return a.startedAt < at && a.endedAt > at;
    });
    process.stderr.write(
      `index-announce: version ${version}: pointer switched at 0 ms, announced at ${announcedAt - publishedAt} ms (the ingest child finishing), ` +
        `replicas 2 and 3 switched at ${switchedAt.map((t) => t - publishedAt).join(' and ')} ms and answered about the new document at ${servedAt.join(' and ')} ms; ` +
        `${asked.length} questions answered meanwhile, ${across.length} of them in flight across a switch, ${asked.filter((a) => a.status !== 200).length} failed\n`,
    );

    expect(Math.max(...servedAt)).toBeLessThan(5000);
    expect(asked.length).toBeGreaterThan(10);
    expect(asked.filter((a) => a.status !== 200)).toEqual([]);

    const job = await finished(one, started.body.jobId as string);
    expect(job).toMatchObject({ status: 'succeeded', summary: { published: true, added: ['cong-van-3177.md'] } });
    expect(servingAt(one, version)).toBeDefined();
  }, 120_000);

  it('runs one of two ingests started on two replicas at once, and tells the other admin one is running', async () => {
    const [one, two, three] = replicas as [Replica, Replica, Replica];
    expect(await upload(one, 'cong-van-3200.md', dispatch('3200/UBND-KSTTHC', 'rà soát quy trình nội bộ'))).toBe(201);

    const [a, b] = await Promise.all([two, three].map(startIngest));
    expect([a!.status, b!.status].sort()).toEqual([202, 409]);
    const [ran, refused] = a!.status === 202 ? [{ replica: two, ...a! }, b!] : [{ replica: three, ...b! }, a!];
    expect(refused.body).toMatchObject({ code: 'INGEST_BUSY' });

    // While it goes, a third admin is refused too.
    const during = await startIngest(one);
    expect(during.status).toBe(409);

    const job = await finished(ran.replica, ran.body.jobId as string);
    expect(job).toMatchObject({ status: 'succeeded', summary: { published: true, added: ['cong-van-3200.md'] } });
    // Once it is done, the lock is free: another admin can start the next run.
    const next = await startIngest(one);
    expect(next.status).toBe(202);
    expect((await finished(one, next.body.jobId as string)).status).toBe('succeeded');
  }, 180_000);
});

describe.skipIf(missing !== undefined)('the index listener', () => {
  /** A replica's served index as the listener sees it: `published` is what the shared folder's pointer says. */
  const servedIndex = (start: string) => {
    const s = {
      served: start,
      published: start,
      refreshes: 0,
      version: () => s.served,
      async refresh() {
        s.refreshes++;
        if (s.published === s.served) return false;
        s.served = s.published;
        return true;
      },
    };
    return s;
  };
  const unique = () => `v-test-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

  it('hears a version announced, makes up for one missed while its connection was down, and polls as a safety net', async () => {
    const proxy = await startTcpProxy('127.0.0.1', Number(new URL(PG_URL).port || 5432));
    const through = new URL(PG_URL);
    through.port = String(proxy.port);
    const served = servedIndex('v-start');
    const listener = createIndexListener({ connection: through.toString(), served, pollMs: 60_000, retryMs: 100, maxRetryMs: 200 });
    try {
      await listener.ready;
      expect(listener.listening()).toBe(true);

      served.published = unique();
      await announceIndexVersion(PG_URL, served.published);
      await expect.poll(() => served.version(), { timeout: 2000 }).toBe(served.published);

      proxy.cut();
      await expect.poll(() => listener.listening(), { timeout: 2000 }).toBe(false);
      const missed = unique();
      served.published = missed;
      await announceIndexVersion(PG_URL, missed); // nobody of ours hears it
      await new Promise((r) => setTimeout(r, 300));
      expect(served.version()).not.toBe(missed);
      proxy.restore();
      await expect.poll(() => served.version(), { timeout: 5000 }).toBe(missed);
      expect(listener.listening()).toBe(true);
    } finally {
      await listener.close();
      await proxy.close();
    }

    // No announcement at all (published by hand, or the announcing process died): the poll finds it.
    const polled = servedIndex('v-start');
    const slow = createIndexListener({ connection: PG_URL, served: polled, pollMs: 200 });
    try {
      await slow.ready;
      polled.published = unique();
      await expect.poll(() => polled.version(), { timeout: 2000 }).toBe(polled.published);
    } finally {
      await slow.close();
    }
  }, 30_000);
});

describe.skipIf(missing !== undefined)('npm run ingest with DATABASE_URL', () => {
  let schema: TestSchema;
  let dir: string;
  beforeAll(async () => {
    schema = await freshSchema('cli_replicas');
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-cli-replicas-'));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data', 'cong-van-3300.md'), dispatch('3300/UBND-KSTTHC', 'tổng hợp phản ánh kiến nghị'));
  });
  afterAll(async () => {
    await schema?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ingest = (): Promise<{ code: number | null; stdout: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'cli', 'ingest.ts'), '--json', '--in-process'], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: schema.url, INDEX_DIR: path.join(dir, 'index'), DATA_DIR: path.join(dir, 'data') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
      child.stderr.resume();
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout }));
    });

  it('is refused while a replica runs an ingest, and announces the version it publishes', async () => {
    const hold = await createPgIngestLock({ connection: schema.url }).tryTake();
    expect(hold).not.toBeNull();
    const refused = await ingest();
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.stdout.trim().split('\n').at(-1)!)).toMatchObject({ error: { code: 'INGEST_BUSY' } });
    await hold!.release();

    const listener = new pg.Client({ connectionString: schema.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => n.channel === INDEX_CHANNEL && n.payload && heard.push(n.payload));
    await listener.query(`LISTEN ${INDEX_CHANNEL}`);
    try {
      const ran = await ingest();
      expect(ran.code).toBe(0);
      const version = readFileSync(path.join(dir, 'index', 'CURRENT'), 'utf8').trim();
      await expect.poll(() => heard, { timeout: 5000 }).toContain(version);
    } finally {
      await listener.end();
    }
  }, 60_000);
});
