// `npm run soak` (not in CI): 5 minutes of load on POST /api/ask over the full catalogue index,
// RSS sampled every 5 s after a full GC. Fails (exit 1) when the RSS at the end exceeds the RSS
// after the warm-up by more than 10 %. Figures are printed and written to test-artifacts/reliability/soak.json.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ARTIFACTS, tempDir } from './helpers.js';
import { hammer, serveFullCatalogue, warmUp } from './load-kit.js';

const DURATION_S = 300;
const WARMUP_S = 30;
const SAMPLE_MS = 5000;
const MAX_GROWTH = 0.1;

/** Window over which each end is read: longer than one GC sawtooth under this load (about 75 s). */
const WINDOW_S = 90;

// A full collection before each sample: without it RSS swings by hundreds of MiB with the GC cycle
// and one sample says nothing about growth. (The npm script cannot pass --expose-gc.)
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<number> {
  const dir = await tempDir('soak');
  try {
    process.stderr.write('Building the full catalogue index…\n');
    const { app, url } = await serveFullCatalogue(path.join(dir, 'index'));
    await warmUp(url);
    const started = Date.now();
    const samples: Array<{ s: number; rssMiB: number; heapMiB: number }> = [];
    const sample = () => {
      gc();
      const m = process.memoryUsage();
      samples.push({ s: Math.round((Date.now() - started) / 1000), rssMiB: mib(m.rss), heapMiB: mib(m.heapUsed) });
      process.stderr.write(`  t=${samples.at(-1)!.s}s rss=${samples.at(-1)!.rssMiB} MiB heap=${samples.at(-1)!.heapMiB} MiB\n`);
    };
    sample();
    const timer = setInterval(sample, SAMPLE_MS);
    const result = await hammer(url, DURATION_S);
    clearInterval(timer);
    sample();
    await app.close();

    // Each end is the lowest RSS of its window (the floor the GC comes back to), which a leak raises.
    const floor = (from: number, to: number) => Math.min(...samples.filter((x) => x.s >= from && x.s <= to).map((x) => x.rssMiB));
    const last = samples.at(-1)!.s;
    const afterWarmup = { rssMiB: floor(WARMUP_S, WARMUP_S + WINDOW_S) };
    const end = { rssMiB: floor(last - WINDOW_S, last) };
    const growth = (end.rssMiB - afterWarmup.rssMiB) / afterWarmup.rssMiB;
    const figures = {
      durationSeconds: result.duration,
      requestsServed: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      rssMiB: {
        start: samples[0]!.rssMiB,
        afterWarmup: afterWarmup.rssMiB,
        end: end.rssMiB,
        peak: Math.max(...samples.map((x) => x.rssMiB)),
        rule: `lowest sample in ${WARMUP_S}–${WARMUP_S + WINDOW_S} s vs lowest in the last ${WINDOW_S} s, each after a full GC`,
      },
      growthPercent: Math.round(growth * 1000) / 10,
      limitPercent: MAX_GROWTH * 100,
      samples,
    };
    await mkdir(ARTIFACTS, { recursive: true });
    await writeFile(path.join(ARTIFACTS, 'soak.json'), `${JSON.stringify(figures, null, 2)}\n`);
    const { samples: _s, ...summary } = figures;
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    const failures: string[] = [];
    if (growth > MAX_GROWTH) failures.push(`RSS grew ${figures.growthPercent}% after warm-up (limit ${MAX_GROWTH * 100}%)`);
    if (result.errors || result.timeouts || result.non2xx) failures.push(`${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
    for (const f of failures) process.stderr.write(`SOAK FAILED: ${f}\n`);
    if (!failures.length) process.stderr.write(`Soak passed: RSS ${afterWarmup.rssMiB} → ${end.rssMiB} MiB (${figures.growthPercent}%), ${result.requests.total} requests, 0 errors.\n`);
    return failures.length ? 1 : 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
