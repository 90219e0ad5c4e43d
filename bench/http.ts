// POST /api/ask under load: the server runs in its own process (one core), autocannon here
// (the other core), on loopback for a bounded time, cycling through the evaluation questions.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export interface HttpResult {
  connections: number;
  durationS: number;
  requests: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  serverMaxRssMB?: number;
}

export async function loadTest(phaseArgs: string[], questions: readonly string[], o: { connections: number; durationS: number }): Promise<HttpResult> {
  const child = spawn(process.execPath, phaseArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`HTTP server exited early (code ${child.exitCode})`);
    return JSON.parse(line.value) as Record<string, number>;
  };
  let result: HttpResult | undefined;
  try {
    const { port } = await next();
    const requests = questions.map((question) => ({
      method: 'POST' as const,
      path: '/api/ask',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
    }));
    // Warm-up: every question once, so the figures are the steady state, not JIT and lazy loading.
    for (const q of requests) {
      const res = await fetch(`http://127.0.0.1:${port}${q.path}`, { method: 'POST', headers: q.headers, body: q.body });
      if (!res.ok) throw new Error(`warm-up: POST /api/ask answered ${res.status}`);
      await res.arrayBuffer();
    }
    const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: o.connections, duration: o.durationS, requests });
    result = {
      connections: o.connections,
      durationS: o.durationS,
      requests: r.requests.total,
      perSecond: r.requests.average,
      latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    };
  } finally {
    child.stdin!.end();
  }
  const { maxRssMB } = await next();
  return { ...result, ...(maxRssMB ? { serverMaxRssMB: maxRssMB } : {}) };
}
