// `npm run cluster -- --replicas 3`: a local demonstration of the service scaled out. N replicas
// of `npm start` (each on its own port, sharing DATABASE_URL, REDIS_URL and INDEX_DIR) and a
// round-robin proxy on loopback in front of them, as a load balancer would stand in production.
// Ctrl-C stops them all.
// Usage: npm run cluster -- [--replicas N] [--port P] [--replica-port P]
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js';

const USAGE = 'Usage: npm run cluster -- [--replicas N] [--port P] [--replica-port P]\n';
const HOST = '127.0.0.1';
/** How long a replica may take to say it is ready; the first one may be building the index. */
const READY_TIMEOUT_MS = 10 * 60_000;
const STOP_GRACE_MS = 10_000;

interface Replica {
  n: number;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
}

class ClusterError extends Error {
  override readonly name = 'ClusterError';
}

function options(argv: string[], env: NodeJS.ProcessEnv): { replicas: number; port: number; replicaPort: number } {
  const { values } = parseArgs({ args: argv, options: { replicas: { type: 'string' }, port: { type: 'string' }, 'replica-port': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const whole = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) throw new ClusterError(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
    return v;
  };
  const replicas = whole('replicas', values.replicas, 3, 1, 32);
  const port = whole('port', values.port ?? env.PORT, 3000, 0, 65535);
  // Port 0: any free ports, for tests and a second cluster beside the first.
  const replicaPort = whole('replica-port', values['replica-port'], port === 0 ? 0 : port + 1, 0, 65535 - replicas);
  return { replicas, port, replicaPort };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** main.ts beside this file's folder: main.js when compiled, main.ts (with the tsx loader this process runs under) in development. */
function mainEntry(): string {
  const self = fileURLToPath(import.meta.url);
  return path.resolve(path.dirname(self), '..', `main${path.extname(self)}`);
}

function startReplica(n: number, port: number, env: NodeJS.ProcessEnv): Replica {
  const child = spawn(process.execPath, [...process.execArgv, mainEntry()], {
    env: { ...env, PORT: String(port), HOST },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Each replica's log lines, marked with the replica they come from.
  for (const [stream, out] of [
    [child.stdout!, process.stdout],
    [child.stderr!, process.stderr],
  ] as const)
    createInterface({ input: stream }).on('line', (line) => out.write(`[replica ${n}] ${line}\n`));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { n, port, child, exited };
}

/** Resolves when the replica's /readyz answers 200 (its index loaded); rejects when it exits first. */
async function ready(replica: Replica): Promise<void> {
  let gone = false;
  void replica.exited.then(() => (gone = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new ClusterError(`replica ${replica.n} (port ${replica.port}) exited before it was ready; its lines above say why`);
    const ok = await fetch(`http://${HOST}:${replica.port}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new ClusterError(`replica ${replica.n} (port ${replica.port}) was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}

async function stopAll(replicas: readonly Replica[], proxy: RoundRobinProxy | undefined): Promise<void> {
  await proxy?.close();
  const running = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
  for (const r of running) r.child.kill('SIGTERM');
  const timer = setTimeout(() => running.forEach((r) => r.child.kill('SIGKILL')), STOP_GRACE_MS);
  await Promise.all(running.map((r) => r.exited));
  clearTimeout(timer);
}

async function main(): Promise<void> {
  const env = process.env;
  // Replicas share their state only through PostgreSQL: with files under STATE_DIR each would
  // keep its own conversations, and a conversation spread over them would lose its thread.
  if (!env.DATABASE_URL)
    throw new ClusterError(
      'The cluster needs PostgreSQL for the state its replicas share: set DATABASE_URL (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run cluster).\n' +
        'REDIS_URL (e.g. redis://127.0.0.1:6379) makes the replicas share the rate limit too. One process without either: npm start.',
    );
  const { replicas: count, port, replicaPort } = options(process.argv.slice(2), env);
  if (!env.REDIS_URL) process.stderr.write(`cluster: REDIS_URL is unset, so each replica counts the rate limit alone (a client gets up to ${count} × RATE_LIMIT_MAX).\n`);
  // Behind the proxy every request comes from loopback: the replicas take the client from X-Forwarded-For.
  const replicaEnv: NodeJS.ProcessEnv = { ...env, TRUST_PROXY: env.TRUST_PROXY ?? 'true' };
  const ports: number[] = [];
  for (let n = 0; n < count; n++) ports.push(replicaPort === 0 ? await freePort() : replicaPort + n);

  const replicas: Replica[] = [];
  let proxy: RoundRobinProxy | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('cluster: stopping the proxy and the replicas\n');
    await stopAll(replicas, proxy);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    // The first one alone: it migrates the schema and builds the index when there is none, which
    // the others would otherwise race to do.
    replicas.push(startReplica(1, ports[0]!, replicaEnv));
    await ready(replicas[0]!);
    for (let n = 2; n <= count; n++) replicas.push(startReplica(n, ports[n - 1]!, replicaEnv));
    await Promise.all(replicas.slice(1).map(ready));
    proxy = await startRoundRobinProxy(
      replicas.map((r) => ({ host: HOST, port: r.port })),
      { host: HOST, port },
    );
  } catch (error) {
    await stopAll(replicas, proxy);
    throw error;
  }
  for (const r of replicas) {
    process.stdout.write(`cluster: replica ${r.n} at http://${HOST}:${r.port}/ (pid ${r.child.pid})\n`);
    // A replica that dies is not restarted: the proxy passes over it, as a load balancer would.
    void r.exited.then((code) => {
      if (!stopping) process.stderr.write(`cluster: replica ${r.n} (pid ${r.child.pid}) exited (${code}); the proxy sends its share to the others\n`);
    });
  }
  process.stdout.write(`cluster: ${count} replica${count > 1 ? 's' : ''} behind http://${HOST}:${proxy.port}/ (round robin; Ctrl-C stops all)\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`${e instanceof ClusterError ? '' : 'cluster failed: '}${e.message}\n`);
  process.exit(1);
});
