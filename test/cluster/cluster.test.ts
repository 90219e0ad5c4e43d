// `npm run cluster` against the real PostgreSQL and Redis of this machine: three replicas of the
// service as child processes and the round-robin proxy in front. A conversation whose turns go to
// different replicas keeps its thread; the rate limit is one across them; PostgreSQL cut off
// under load makes requests fail with a clear 503 and they succeed again once it is back, with no
// acknowledged turn lost and no replica restarted; a replica killed outright leaves the proxy
// answering from the others. The outage is a real restart: the cluster runs on a PostgreSQL
// server of the test's own that it stops and starts with pg_ctl. Where no server can be made
// (no initdb here), it runs on the shared one through a TCP proxy that the test cuts.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, testIndexDir } from '../helpers/engine.js';
import { waitFor } from '../helpers/wait.js';
import { freshSchema, type TestSchema } from '../state/fixtures/schema.js';
import { PG_URL, REDIS_URL, postgresMissing, redisMissing, sayWhySkipped, unique } from '../state/fixtures/services.js';
import { privatePostgresMissing, startPrivatePostgres, type PrivatePostgres } from '../state/fixtures/private-postgres.js';
import { startTcpProxy, type TcpProxy } from '../state/fixtures/tcp-proxy.js';

const missing = (await postgresMissing()) ?? (await redisMissing());
sayWhySkipped('test/cluster/cluster.test.ts', missing);
const noPrivateServer = process.env.TEST_NO_PRIVATE_POSTGRES ? 'TEST_NO_PRIVATE_POSTGRES is set' : await privatePostgresMissing();

const CLUSTER = path.join(projectRoot, 'cli', 'cluster.ts');
const RATE_LIMIT_MAX = 20;
const MARRIAGE = 'đăng ký kết hôn cần giấy tờ gì';
const FEE = 'lệ phí bao nhiêu';

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run dev:cluster -- ARGS`: node with the tsx loader, as `tsx cli/cluster.ts` runs it. */
function startCluster(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', CLUSTER, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Every few requests a client of its own, so that the rate limit shapes only the test about it. */
let clients = 0;
const client = (): string => `10.${Math.floor(++clients / 250)}.${clients % 250}.9`;

describe('npm run cluster without PostgreSQL', () => {
  it('refuses to start, saying the replicas need DATABASE_URL to share their state', async () => {
    const run = startCluster(['--replicas', '2', '--port', '0'], {});
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('The cluster needs PostgreSQL for the state its replicas share: set DATABASE_URL');
  });
});

describe.skipIf(missing !== undefined)('npm run cluster -- --replicas 3', () => {
  let schema: TestSchema;
  /** How PostgreSQL goes away and comes back: a real stop and start, or a cut of the TCP proxy. */
  let outage: { kind: string; begin(): Promise<void>; end(): Promise<void> };
  let privatePg: PrivatePostgres | undefined;
  let pgProxy: TcpProxy | undefined;
  let cluster: Running;
  let indexDir: string;
  let stateDir: string;
  let proxyUrl: string;
  const replicas: Array<{ url: string; pid: number }> = [];
  const rateLimitPrefix = `${unique('cluster_rl')}:`;

  beforeAll(async () => {
    let url: URL;
    if (!noPrivateServer) {
      const server = await startPrivatePostgres();
      privatePg = server;
      schema = await freshSchema('cluster', server.url);
      url = new URL(schema.url);
      outage = { kind: 'restarted (pg_ctl stop, then start)', begin: () => server.stop(), end: () => server.start() };
    } else {
      schema = await freshSchema('cluster');
      const server = new URL(PG_URL);
      const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
      pgProxy = proxy;
      url = new URL(schema.url);
      url.host = `127.0.0.1:${proxy.port}`;
      outage = { kind: `cut off (${noPrivateServer})`, begin: async () => proxy.cut(), end: async () => proxy.restore() };
    }
    console.log(`[cluster] PostgreSQL outage: ${outage.kind}`);
    // A copy of the shared test index: the replicas serve it and must not write into the original.
    indexDir = mkdtempSync(path.join(os.tmpdir(), 'cluster-index-'));
    cpSync(testIndexDir(), indexDir, { recursive: true });
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'cluster-state-'));
    cluster = startCluster(['--replicas', '3', '--port', '0', '--replica-port', '0'], {
      DATABASE_URL: url.toString(),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_POOL_MAX: '4',
      REDIS_URL,
      REDIS_RATE_LIMIT_PREFIX: rateLimitPrefix,
      RATE_LIMIT_MAX: String(RATE_LIMIT_MAX),
      INDEX_DIR: indexDir,
      STATE_DIR: stateDir,
      DATA_DIR: path.join(projectRoot, 'data'),
    });
    await waitFor(
      () => {
        if (cluster.child.exitCode !== null) throw new Error(`the cluster exited:\n${cluster.output()}`);
        return /replicas? behind http:\/\//.test(cluster.output());
      },
      { timeoutMs: 110_000, intervalMs: 100, what: 'the cluster to say where it serves', detail: cluster.output },
    );
    for (const m of cluster.output().matchAll(/replica \d+ at (http:\/\/127\.0\.0\.1:\d+)\/ \(pid (\d+)\)/g)) replicas.push({ url: m[1]!, pid: Number(m[2]) });
    proxyUrl = /behind (http:\/\/127\.0\.0\.1:\d+)\//.exec(cluster.output())![1]!;
  }, 120_000);

  afterAll(async () => {
    if (cluster && cluster.child.exitCode === null) {
      cluster.child.kill('SIGTERM');
      await cluster.exited;
    }
    for (const r of replicas) {
      try {
        process.kill(r.pid, 'SIGKILL'); // only if the cluster left one behind
      } catch {
        /* gone, as it should be */
      }
    }
    await pgProxy?.close();
    if (privatePg) await privatePg.destroy();
    else await schema?.drop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${rateLimitPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    for (const dir of [indexDir, stateDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ask = (base: string, question: string, sessionId: string, from = client()) =>
    fetch(`${base}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ question, sessionId }),
    });

  it('starts three replicas, each on its own port and process, behind one proxy', () => {
    expect(replicas).toHaveLength(3);
    expect(new Set(replicas.map((r) => r.url)).size).toBe(3);
    expect(new Set(replicas.map((r) => r.pid)).size).toBe(3);
  });

  it('keeps a conversation whose turns go to different replicas, streamed answers through the proxy included', async () => {
    const session = unique('conversation').replace(/[^A-Za-z0-9_-]/g, '');
    const first = await ask(replicas[0]!.url, MARRIAGE, session);
    expect(first.status).toBe(200);
    const code = ((await first.json()) as { procedure?: { code: string } }).procedure?.code;
    expect(code).toBeDefined();

    const followUp = await ask(replicas[1]!.url, FEE, session);
    expect(followUp.status).toBe(200);
    expect(await followUp.json()).toMatchObject({ procedure: { code }, aspect: 'fee' });

    // Through the proxy, streamed: whichever replica takes it knows the conversation.
    const streamed = await fetch(`${proxyUrl}/api/ask/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client() },
      body: JSON.stringify({ question: 'nộp ở đâu', sessionId: session }),
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const events = await streamed.text();
    expect(events).toContain('event: meta');
    expect(events).toContain(`"code":"${code}"`);
  });

  it('holds one rate limit across the replicas: a client spreading its requests over them is refused after the shared maximum', async () => {
    const from = client();
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT_MAX + 3; i++) {
      const target = i % 4 === 3 ? proxyUrl : replicas[i % 3]!.url;
      statuses.push((await fetch(`${target}/api/procedures/1.001193`, { headers: { 'x-forwarded-for': from } })).status);
    }
    expect(statuses.slice(0, RATE_LIMIT_MAX)).toEqual(new Array(RATE_LIMIT_MAX).fill(200));
    expect(statuses.slice(RATE_LIMIT_MAX)).toEqual([429, 429, 429]);
    // Another client is not held back by it.
    expect((await fetch(`${proxyUrl}/api/procedures/1.001193`, { headers: { 'x-forwarded-for': client() } })).status).toBe(200);
  });

  it('answers 503 STATE_UNAVAILABLE while PostgreSQL is restarted, recovers without restarting a replica, and loses no acknowledged turn', async () => {
    const sessions = Array.from({ length: 6 }, () => unique('outage').replace(/[^A-Za-z0-9_-]/g, ''));
    const acknowledged = await Promise.all(sessions.map((s) => ask(proxyUrl, MARRIAGE, s)));
    expect(acknowledged.map((r) => r.status)).toEqual(new Array(6).fill(200));
    const code = ((await acknowledged[0]!.json()) as { procedure: { code: string } }).procedure.code;

    // Load through the proxy all along, across the cut and the return: every answer is either an
    // answer or the clear 503, never a 5xx of another kind, a 502 from the proxy or a hang.
    let loading = true;
    const background: Array<{ status: number; code?: string }> = [];
    const worker = async () => {
      while (loading) {
        const res = await ask(proxyUrl, MARRIAGE, unique('load'));
        background.push({ status: res.status, ...(res.status === 200 ? {} : { code: ((await res.json()) as { code: string }).code }) });
        if (res.status === 200) await res.arrayBuffer();
      }
    };
    const workers = [worker(), worker(), worker()];
    await waitFor(() => background.length >= 3, { what: 'the load to be running' });

    await outage.begin();
    // More load while it is away: every request fails, at once and clearly, on every replica.
    const during = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i % 4 === 3 ? proxyUrl : replicas[i % 3]!.url, FEE, sessions[i % 6]!)));
    expect(during.map((r) => r.status)).toEqual(new Array(12).fill(503));
    const body = (await during[0]!.json()) as { code: string; message: string };
    expect(body.code).toBe('STATE_UNAVAILABLE');
    expect(body.message).toContain('cơ sở dữ liệu');
    // The processes are up all along: liveness does not depend on the database.
    for (const r of replicas) expect((await fetch(`${r.url}/healthz`)).status).toBe(200);

    await outage.end();
    for (const r of replicas)
      await expect.poll(async () => (await ask(r.url, 'làm giấy khai sinh cần gì', unique('probe').replace(/[^A-Za-z0-9_-]/g, ''))).status, { timeout: 20_000, interval: 250 }).toBe(200);

    const settled = background.length;
    await waitFor(() => background.length >= settled + 9, { what: 'the load to go on after the return' });
    loading = false;
    await Promise.all(workers);
    expect(background.filter((r) => r.status !== 200 && !(r.status === 503 && r.code === 'STATE_UNAVAILABLE'))).toEqual([]);
    // (A request still in flight from before the return may have failed; the ones after it did not.)
    expect(background.slice(-6).map((r) => r.status)).toEqual(new Array(6).fill(200));
    expect(background.some((r) => r.status === 503)).toBe(true);

    // Each acknowledged conversation goes on where it was, on whichever replica.
    const after = await Promise.all(sessions.map((s, i) => ask(replicas[i % 3]!.url, FEE, s)));
    expect(after.map((r) => r.status)).toEqual(new Array(6).fill(200));
    for (const r of after) expect(await r.json()).toMatchObject({ procedure: { code }, aspect: 'fee' });
    expect(replicas.every((r) => isAlive(r.pid))).toBe(true);
  });

  it('keeps answering through the proxy from the other replicas when one is killed outright', async () => {
    const victim = replicas[2]!;
    process.kill(victim.pid, 'SIGKILL');
    await waitFor(() => !isAlive(victim.pid), { what: 'the killed replica to be gone' });
    await waitFor(() => cluster.output().includes(`(pid ${victim.pid}) exited`), { what: 'the cluster to notice' });

    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      const res = i % 3 === 2 ? await fetch(`${proxyUrl}/api/procedures/1.001193`, { headers: { 'x-forwarded-for': client() } }) : await ask(proxyUrl, MARRIAGE, unique('after_kill').replace(/[^A-Za-z0-9_-]/g, ''));
      statuses.push(res.status);
    }
    expect(statuses).toEqual(new Array(9).fill(200));
    // Its share went to the others: refused connections were retried, none reached the client as a 502.
    expect(cluster.output()).not.toContain('no replica answered');
  });

  it('stops every replica on SIGTERM (Ctrl-C)', async () => {
    cluster.child.kill('SIGTERM');
    expect(await cluster.exited).toBe(0);
    expect(replicas.filter((r) => isAlive(r.pid))).toEqual([]);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
