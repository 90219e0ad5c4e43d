// Timing helpers: percentiles, a bounded sequential timer and a concurrent one. Every figure
// is wall-clock milliseconds from performance.now().

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function summarize(samples: readonly number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), mean };
}

export interface Budget {
  /** Passes over the queries at most. */
  rounds: number;
  /** Stop after this long (checked between queries), once `minSamples` are in. */
  maxMs: number;
  minSamples: number;
  /** Questions asked before timing starts (JIT, caches). Default 20. */
  warmup?: number;
}

/** One caller, one query at a time, after a warm-up; `earlier` samples (already warm) count too. */
export async function timeSequential<Q>(queries: readonly Q[], run: (q: Q) => unknown, budget: Budget, earlier: readonly number[] = []): Promise<Latency> {
  const samples: number[] = [...earlier];
  const started = performance.now();
  const warm = earlier.length ? 0 : Math.min(queries.length, budget.warmup ?? 20);
  for (let i = 0; i < warm; i++) await run(queries[i]!);
  outer: for (let r = 0; r < budget.rounds; r++) {
    for (const q of queries) {
      const t = performance.now();
      await run(q);
      samples.push(performance.now() - t);
      if (samples.length >= budget.minSamples && performance.now() - started > budget.maxMs) break outer;
    }
  }
  return summarize(samples);
}

export interface ConcurrentResult extends Latency {
  callers: number;
  perSecond: number;
}

/**
 * `callers` async loops share the query list. Node runs them on one thread, so this shows
 * queueing (latency includes waiting for the others) and throughput, not parallel speed-up.
 */
export async function timeConcurrent<Q>(queries: readonly Q[], run: (q: Q) => unknown, callers: number, total: number): Promise<ConcurrentResult> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  const loop = async () => {
    while (next < total) {
      const q = queries[next++ % queries.length]!;
      const t = performance.now();
      // A request waits for the event loop's next turn, as one arriving on a socket would:
      // the wait (other callers' work) counts in its latency.
      await new Promise<void>((r) => setImmediate(r));
      await run(q);
      samples.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: callers }, loop));
  const elapsed = performance.now() - started;
  return { ...summarize(samples), callers, perSecond: (samples.length / elapsed) * 1000 };
}

/** Deterministic PRNG (mulberry32): the same seed makes the same synthetic corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
