// `npm run bench:cluster [-- --quick]`: the service scaled out as `npm run cluster` runs it, on
// the real PostgreSQL and Redis of this machine. Answers/s and latency through the round-robin
// proxy with 1 and 3 replicas (and 1 replica without the proxy, for the proxy's own cost), then
// the PostgreSQL state path per answer: the conversation's read and write against PostgreSQL and
// against the memory one process keeps. Writes bench/results/cluster.{json,md} (quick:
// cluster-quick.*). Exits non-zero on an error, never on a timing.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import type { Turn } from '../server/answer/sessions.js';
import { localSessionMemory, pgSessionMemory, type OpenedSessionMemory } from '../test/cluster/fixtures/session-stores.js';
import { freshSchema } from '../test/state/fixtures/schema.js';
import { PG_URL, REDIS_URL, postgresMissing, redisMissing, unique } from '../test/state/fixtures/services.js';
import { loadQuestions } from './questions.js';
import { machine, type Machine } from './report.js';
import { summarize, timeConcurrent, type ConcurrentResult, type Latency } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
const quick = opts.quick!;
const CONNECTIONS = 50;
const DURATION_S = quick ? 3 : 10;
/** Conversations the load is spread over: every answer reads and writes one in PostgreSQL. */
const SESSIONS = 200;
const STORE_ITERATIONS = quick ? 500 : 5000;

interface LoadRow {
  setup: string;
  replicas: number;
  viaProxy: boolean;
  requests: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  /** The machine's 1-minute load average as the measured run ended: other work takes cores too. */
  loadAverage: number;
}
interface StoreRow {
  store: string;
  /** One caller: a read then a write, µs; and each alone. */
  sequentialUs: Latency;
  readUs: Latency;
  writeUs: Latency;
  /** 8 callers at once in one process, µs per pair and pairs/s. */
  concurrent: ConcurrentResult;
}
interface ClusterResults {
  machine: Machine;
  quick: boolean;
  connections: number;
  durationS: number;
  load: LoadRow[];
  stores: StoreRow[];
  notes: string[];
}

function startCluster(replicas: number, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; proxy: string; replicaUrls: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cli/cluster.ts'), '--replicas', String(replicas), '--port', '0', '--replica-port', '0'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const look = (d: Buffer) => {
      out += d.toString('utf8');
      const proxy = /behind (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
      if (proxy) resolve({ child, proxy, replicaUrls: [...out.matchAll(/replica \d+ at (http:\/\/127\.0\.0\.1:\d+)\//g)].map((m) => m[1]!) });
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`the cluster exited (${code}) before it served:\n${out.slice(-4000)}`)));
  });
}

async function stopCluster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, questions: readonly string[], warmups: number): Promise<Omit<LoadRow, 'setup' | 'replicas' | 'viaProxy'>> {
  const requests = questions.map((question, i) => ({
    method: 'POST',
    path: '/api/ask',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question, sessionId: `bench-cluster-session-${i % SESSIONS}` }),
  }));
  // Warm-up: every question on every replica (round robin spreads them), so the figures are the steady state.
  for (let w = 0; w < warmups; w++)
    for (const r of requests) {
      const res = await fetch(`${url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
      if (!res.ok) throw new Error(`warm-up: POST /api/ask answered ${res.status}`);
      await res.arrayBuffer();
    }
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, requests });
  return {
    requests: r.requests.total,
    perSecond: r.requests.average,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    loadAverage: os.loadavg()[0]!,
  };
}

async function timeStore(name: string, opened: OpenedSessionMemory): Promise<StoreRow> {
  const turn = (i: number): Turn => ({ intent: 'procedure', language: 'vi', procedureCode: `1.00${1000 + (i % 900)}`, at: Date.now() });
  const pair = async (i: number) => {
    const id = `bench-store-${i % SESSIONS}`;
    await opened.memory.last(id);
    await opened.memory.remember(id, turn(i));
  };
  const ids = Array.from({ length: STORE_ITERATIONS }, (_, i) => i);
  for (let i = 0; i < 200; i++) await pair(i); // warm-up: pool connections, prepared plans, JIT
  const [reads, writes, pairs]: number[][] = [[], [], []];
  for (const i of ids) {
    const id = `bench-store-${i % SESSIONS}`;
    const t0 = performance.now();
    await opened.memory.last(id);
    const t1 = performance.now();
    await opened.memory.remember(id, turn(i));
    const t2 = performance.now();
    reads!.push((t1 - t0) * 1000);
    writes!.push((t2 - t1) * 1000);
    pairs!.push((t2 - t0) * 1000);
  }
  const concurrent = await timeConcurrent(ids, pair, 8, STORE_ITERATIONS);
  await opened.close();
  const us = (l: ConcurrentResult): ConcurrentResult => ({ ...l, p50: l.p50 * 1000, p95: l.p95 * 1000, p99: l.p99 * 1000, mean: l.mean * 1000 });
  return { store: name, sequentialUs: summarize(pairs!), readUs: summarize(reads!), writeUs: summarize(writes!), concurrent: us(concurrent) };
}

function renderMarkdown(r: ClusterResults): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const f = (x: number) => (x < 10 ? x.toFixed(1) : Math.round(x).toString());
  const lines = [
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGB} GB, Node ${r.machine.node}, ${r.machine.date.slice(0, 10)}${r.quick ? ' (quick run)' : ''}.`,
    `POST /api/ask with a session (${SESSIONS} conversations: every answer reads and writes its turn in PostgreSQL), autocannon ${r.connections} connections for ${r.durationS} s.`,
    '',
    '| setup | answers/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors | load average |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.load.map((l) => `| ${l.setup} | ${n(l.perSecond)} | ${l.latencyMs.p50} | ${l.latencyMs.p90} | ${l.latencyMs.p99} | ${l.latencyMs.max} | ${l.non2xx} | ${l.errors} | ${l.loadAverage.toFixed(1)} |`),
    '',
    `The conversation's state per answer (a read and a write of its last turn), ${STORE_ITERATIONS.toLocaleString('en-US')} answers:`,
    '',
    '| store | read p50 µs | write p50 µs | read + write p50 µs | p99 µs | mean µs | 8 callers: p50 µs | p99 µs | answers/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.stores.map(
      (s) =>
        `| ${s.store} | ${f(s.readUs.p50)} | ${f(s.writeUs.p50)} | ${f(s.sequentialUs.p50)} | ${f(s.sequentialUs.p99)} | ${f(s.sequentialUs.mean)} | ${f(s.concurrent.p50)} | ${f(s.concurrent.p99)} | ${n(s.concurrent.perSecond)} |`,
    ),
    '',
    'One caller: a read then a write, one after the other. 8 callers: eight such loops at once in one process (the figure a busy replica sees: waiting for a pooled connection and for the other callers counts); answers/s is the pairs done per second.',
    ...(r.notes.length ? ['', ...r.notes.map((x) => `- ${x}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const missing = (await postgresMissing()) ?? (await redisMissing());
  if (missing) throw new Error(`bench:cluster needs PostgreSQL and Redis: ${missing}`);
  const { all: questions } = loadQuestions(root);
  const schema = await freshSchema('bench_cluster');
  const indexDir = mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-index-'));
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-state-'));
  const prefix = `${unique('bench_rl')}:`;
  const results: ClusterResults = { machine: machine(), quick, connections: CONNECTIONS, durationS: DURATION_S, load: [], stores: [], notes: [] };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: schema.url,
    REDIS_URL,
    REDIS_RATE_LIMIT_PREFIX: prefix,
    RATE_LIMIT_MAX: '1000000', // the limit must not shape the load
    INDEX_DIR: indexDir, // built from data/ by the first replica, as on a first start
    STATE_DIR: stateDir,
    LOG_LEVEL: 'warn',
  };
  try {
    // Other work on the machine takes cores from the replicas: say how busy it was.
    results.notes.push(`Load average: the machine's 1-minute load average as each measured run ended (${os.cpus().length} cores; it was ${os.loadavg()[0]!.toFixed(1)} as the bench began). Above 2, other work took cores from the replicas.`);
    for (const replicas of [1, 3]) {
      process.stderr.write(`cluster of ${replicas}: starting\n`);
      const { child, proxy, replicaUrls } = await startCluster(replicas, env);
      try {
        if (replicas === 1) {
          const direct = await load(replicaUrls[0]!, questions, 1);
          results.load.push({ setup: '1 replica, no proxy', replicas, viaProxy: false, ...direct });
          process.stderr.write(`  direct: ${Math.round(direct.perSecond)}/s p99 ${direct.latencyMs.p99} ms\n`);
        }
        const proxied = await load(proxy, questions, replicas === 1 ? 0 : replicas);
        results.load.push({ setup: `${replicas} replica${replicas > 1 ? 's' : ''} behind the proxy`, replicas, viaProxy: true, ...proxied });
        process.stderr.write(`  via proxy: ${Math.round(proxied.perSecond)}/s p99 ${proxied.latencyMs.p99} ms\n`);
      } finally {
        await stopCluster(child);
      }
    }
    process.stderr.write('state path: timing the conversation store\n');
    results.stores.push(await timeStore('in memory (one process, no DATABASE_URL)', localSessionMemory()));
    results.stores.push(await timeStore('PostgreSQL (DATABASE_URL, loopback)', await pgSessionMemory(schema.url)));
    const setting = async (name: string) => String((await schema.admin(`SHOW ${name}`)).rows[0]?.[name]);
    results.notes.push(`PostgreSQL ${await setting('server_version')} on this machine, synchronous_commit ${await setting('synchronous_commit')}, fsync ${await setting('fsync')}: every write waits for its commit to reach the disk.`);
    const [mem, pgRow] = results.stores;
    results.notes.push(
      `PostgreSQL state path per answer: ${(pgRow!.sequentialUs.p50 - mem!.sequentialUs.p50).toFixed(0)} µs more than in memory at p50 (${(pgRow!.sequentialUs.p99 - mem!.sequentialUs.p99).toFixed(0)} µs at p99), one caller.`,
    );
    for (const l of results.load) if (l.non2xx || l.errors) results.notes.push(`${l.setup}: ${l.non2xx} non-2xx responses and ${l.errors} errors: an error, not a figure.`);
  } finally {
    await schema.drop().catch(() => undefined);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    rmSync(indexDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
  const outDir = path.resolve(opts.out ?? path.join(root, 'bench/results'));
  await fs.mkdir(outDir, { recursive: true });
  // A quick run never writes over the full run's figures.
  const name = quick ? 'cluster-quick' : 'cluster';
  await fs.writeFile(path.join(outDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const md = renderMarkdown(results);
  await fs.writeFile(path.join(outDir, `${name}.md`), md);
  process.stdout.write(md);
  if (results.load.some((l) => l.non2xx || l.errors)) process.exitCode = 1;
}

main().catch((e: Error) => {
  process.stderr.write(`bench:cluster failed: ${e.message}\n`);
  process.exit(1);
});
