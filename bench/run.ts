// `npm run bench [-- --quick] [-- --skip-1m] [-- --peers-1m] [-- --only ocr]`: ingestion,
// start-up, retrieval, end-to-end and HTTP figures at several corpus sizes, beside Orama,
// MiniSearch and LangChain + HNSWLib on the same chunks and questions; OCR of scans. Exits
// non-zero on an error, never on a timing.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createFileIndexStore } from '../ingest/index.js';
import { writeSynthetic, synthBase } from './corpora.js';
import { loadTest } from './http.js';
import type { Job, PeerName, Source } from './phase.js';
import { loadQuestions } from './questions.js';
import { renderChart } from './chart.js';
import { machine, renderMarkdown, renderTerminal, type BenchResults, type CorpusResult } from './report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PEERS: PeerName[] = ['orama', 'minisearch', 'langchain'];
const MB = 1024 * 1024;

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'skip-1m': { type: 'boolean', default: false },
    'peers-1m': { type: 'boolean', default: false },
    portal: { type: 'string' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const quick = opts.quick!;
// `--only ocr`: the OCR phase alone, its figures put in the results file in place of the last ones.
const only = opts.only;
if (only !== undefined && only !== 'ocr') {
  process.stderr.write(`--only takes "ocr" (the phase that runs on its own), not "${only}".\n`);
  process.exit(2);
}
const portal = path.resolve(opts.portal ?? path.join(root, '../shared/data/tthc-portal'));
const outDir = path.resolve(opts.out ?? path.join(root, 'bench/results'));
const log = (s: string) => process.stderr.write(`${s}\n`);

const results: BenchResults = {
  mode: quick ? 'quick' : 'full',
  machine: machine(),
  corpora: [],
  errors: [],
  notes: [],
};

let jobCount = 0;
/** Run one phase in a fresh process; its failure is recorded, and `null` returned. */
async function phase<T>(label: string, job: Omit<Job, 'out' | 'root'> & Record<string, unknown>, timeoutMs: number, heapMB = 4096): Promise<T | null> {
  const out = path.join(work, `result-${jobCount++}.json`);
  const full = { ...job, out, root } as Job;
  const t0 = performance.now();
  log(`▸ ${label}`);
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMB}`, '--import', 'tsx', path.join(root, 'bench/phase.ts'), JSON.stringify(full)], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (c, signal) => {
      clearTimeout(timer);
      resolve(signal ? `killed by ${signal}${signal === 'SIGKILL' ? ` after ${timeoutMs / 1000} s` : ''}` : (c ?? 1));
    });
  });
  if (code !== 0) {
    results.errors.push(`${label}: phase failed (${typeof code === 'number' ? `exit code ${code}` : code})`);
    log(`  ✗ ${label} failed`);
    return null;
  }
  log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return JSON.parse(await fs.readFile(out, 'utf8')) as T;
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'tthc-bench-'));
const started = performance.now();

/** Every corpus: build, start-up, retrieval, peers; the HTTP load and the incremental add; 1M. */
async function corpusPhases(): Promise<void> {
  await fs.access(portal).catch(() => {
    throw new Error(`The national catalogue is not at ${portal} (pass --portal DIR).`);
  });
  // Sources are a copy of data/ (the incremental phase drops a dispatch into it) plus the catalogue.
  const dataCopy = path.join(work, 'src/data');
  await fs.cp(path.join(root, 'data'), dataCopy, { recursive: true });
  const questions = loadQuestions(root);
  const budget = quick ? { rounds: 2, maxMs: 4_000, minSamples: 60 } : { rounds: 6, maxMs: 20_000, minSamples: 200 };
  const peerBudget = quick ? { rounds: 1, maxMs: 2_000, minSamples: 10, warmup: 5 } : { rounds: 3, maxMs: 15_000, minSamples: 20, warmup: 5 };
  const concurrent = { callers: 8, total: quick ? 400 : 2000 };

  const corpora: Array<{ id: string; label: string; paths: string[]; synthetic?: number; quality?: boolean; heavy?: boolean }> = [
    { id: 'data', label: 'data/', paths: [dataCopy] },
    { id: 'catalogue', label: 'data/ + national catalogue', paths: [dataCopy, portal], quality: true },
  ];
  if (!quick) corpora.push({ id: 'synthetic-100k', label: 'synthetic 100k', paths: [dataCopy, portal, path.join(work, 'src/synthetic-100k')], synthetic: 100_000, heavy: true });

  let catalogueChunks = 0;
  for (const c of corpora) {
    const indexDir = path.join(work, `index-${c.id}`);
    const entry: CorpusResult = { id: c.id, label: c.label, chunks: 0, peers: {} };
    results.corpora.push(entry);
    if (c.synthetic) {
      const base = await createFileIndexStore(path.join(work, 'index-catalogue')).open();
      if (!base) {
        results.errors.push(`${c.label}: the catalogue index it grows from is missing`);
        continue;
      }
      const sb = synthBase(base.records.procedures, base.chunks.map((x) => x.sourceId));
      const w = await writeSynthetic(c.paths[2]!, sb, c.synthetic - base.chunks.length, 2026);
      entry.synthetic = { procedures: w.procedures, files: w.files };
      log(`▸ ${c.label}: ${w.procedures} synthetic procedures in ${w.files} catalogue files`);
    }
    const build = await phase<NonNullable<CorpusResult['build']>>(`${c.label}: full build`, { phase: 'build', indexDir, paths: c.paths, baseDir: work }, 15 * 60_000, 8192);
    if (!build) continue;
    entry.build = build;
    entry.chunks = build.chunks;
    if (c.id === 'catalogue') catalogueChunks = build.chunks;
    const load = await phase<NonNullable<CorpusResult['load']>>(`${c.label}: start-up load`, { phase: 'load', indexDir }, 5 * 60_000);
    if (load) entry.load = load;
    const source: Source = { kind: 'index', indexDir };
    const us = await phase<NonNullable<CorpusResult['us']>>(`${c.label}: retrieval (us)`, { phase: 'retrieve', source, budget, concurrent, quality: !!c.quality }, 10 * 60_000);
    if (us) entry.us = us;
    for (const p of PEERS) {
      // Quick: peers' quality is left to the full run (Orama alone needs ~1 min for it).
      const r = await phase<NonNullable<CorpusResult['peers'][string]>>(`${c.label}: ${p}`, { phase: 'peer', peer: p, source, budget: peerBudget, quality: !!c.quality && !quick }, 15 * 60_000, 12_288);
      if (r) entry.peers[p] = r;
    }
  }
  if (quick) results.notes.push('quick run: the peers are timed on a few questions and not scored for quality; run the full bench for the comparison.');

  // Load, incremental add: on the largest published index.
  const largest = [...corpora].reverse().find((c) => results.corpora.find((r) => r.id === c.id)?.build);
  if (largest) {
    const indexDir = path.join(work, `index-${largest.id}`);
    const connections = 50;
    const durationS = quick ? 3 : 10;
    log(`▸ ${largest.label}: HTTP POST /api/ask, ${connections} connections, ${durationS} s`);
    try {
      const serveJob = { phase: 'serve', indexDir, out: '', root };
      const http = await loadTest(['--max-old-space-size=4096', '--import', 'tsx', path.join(root, 'bench/phase.ts'), JSON.stringify(serveJob)], questions.all, { connections, durationS });
      results.http = { corpus: largest.label, ...http };
      if (http.non2xx || http.errors || http.timeouts) results.errors.push(`HTTP: ${http.non2xx} non-2xx responses, ${http.errors} errors, ${http.timeouts} timeouts`);
    } catch (e) {
      results.errors.push(`HTTP: ${(e as Error).message}`);
    }
    const inc = await phase<NonNullable<BenchResults['incremental']>>(`${largest.label}: add one dispatch`, { phase: 'incremental', indexDir, paths: largest.paths, baseDir: work, dispatchDir: path.join(dataCopy, 'documents') }, 10 * 60_000, 8192);
    if (inc) results.incremental = { ...inc, corpus: largest.label };
  }

  // 1M chunks: built in memory with the pipeline's pieces (see direct.ts for why not on disk).
  if (!quick) {
    const freeGB = os.freemem() / 1024 / MB;
    if (opts['skip-1m']) results.notes.push('synthetic 1M: skipped (--skip-1m).');
    else if (freeGB < 12) results.notes.push(`synthetic 1M: skipped, ${freeGB.toFixed(1)} GB of memory free (needs about 12).`);
    else if (!catalogueChunks) results.notes.push('synthetic 1M: skipped, the catalogue index it grows from failed.');
    else {
      const entry: CorpusResult = { id: 'synthetic-1m', label: 'synthetic 1M (in memory)', chunks: 0, peers: {} };
      results.corpora.push(entry);
      const source: Source = { kind: 'direct', baseIndexDir: path.join(work, 'index-catalogue'), extraChunks: 1_000_000 - catalogueChunks, seed: 2026 };
      const us = await phase<NonNullable<CorpusResult['us']>>(`${entry.label}: build + retrieval (us)`, { phase: 'retrieve', source, budget, concurrent, quality: false }, 45 * 60_000, 16_384);
      if (us) entry.us = us;
      entry.chunks = entry.us?.chunks ?? 0;
      if (opts['peers-1m']) {
        for (const p of PEERS) {
          const r = await phase<NonNullable<CorpusResult['peers'][string]>>(`${entry.label}: ${p}`, { phase: 'peer', peer: p, source, budget: peerBudget, quality: false }, 45 * 60_000, 16_384);
          if (r) entry.peers[p] = r;
        }
      } else results.notes.push('synthetic 1M: peers not run (each needs its own 1M-chunk index in memory and many minutes; pass --peers-1m).');
    }
  }
}

/**
 * OCR of scans (bench/ocr.ts), with no cache. Quick (CI): the two-page test dispatch at 150 dpi
 * (~20 s): enough to catch the phase breaking, not a figure to quote; full: every dispatch, 150
 * and 300 dpi (a few minutes).
 */
async function ocrPhase(): Promise<void> {
  const job = { phase: 'ocr' as const, dpis: quick ? [150] : [150, 300], quick, workDir: path.join(work, 'ocr') };
  const ocr = await phase<Omit<NonNullable<BenchResults['ocr']>, 'measuredAt'>>('OCR of scans', job, (quick ? 5 : 30) * 60_000);
  if (ocr) results.ocr = { ...ocr, measuredAt: new Date().toISOString() };
}

try {
  if (!only) await corpusPhases();
  await ocrPhase();
} catch (e) {
  results.errors.push((e as Error).message);
} finally {
  results.elapsedS = (performance.now() - started) / 1000;
  if (!opts.keep) await fs.rm(work, { recursive: true, force: true });
  else log(`work folder kept: ${work}`);
}

await fs.mkdir(outDir, { recursive: true });
// A quick run (CI) writes beside the full run's committed figures, never over them.
const [json, md, svg] = quick ? ['quick.json', 'quick.md', 'quick-latency.svg'] : ['latest.json', 'latest.md', 'latency.svg'];
const written = only ? await withFiguresOf(path.join(outDir, json)) : results;
await fs.writeFile(path.join(outDir, json), `${JSON.stringify(written, null, 2)}\n`);
await fs.writeFile(path.join(outDir, md), renderMarkdown(written, svg));
await fs.writeFile(path.join(outDir, svg), renderChart(written));
process.stdout.write(renderTerminal(results));
if (results.errors.length) {
  log(`\n${results.errors.length} error(s):\n${results.errors.map((e) => `  - ${e}`).join('\n')}`);
  process.exitCode = 1;
}

/**
 * `--only ocr`: the results file as it was, with this run's OCR figures (and OCR errors) in place
 * of its last ones; the other figures and the machine line stay those of the run that made them.
 */
async function withFiguresOf(file: string): Promise<BenchResults> {
  const previous = await fs.readFile(file, 'utf8').then((t) => JSON.parse(t) as BenchResults, (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new Error(`${file} cannot be read to put the OCR figures in`, { cause: e });
  });
  if (!previous) return results;
  const { ocr: _last, ...rest } = previous;
  return { ...rest, ...(results.ocr ? { ocr: results.ocr } : {}), errors: [...previous.errors.filter((e) => !e.startsWith('OCR')), ...results.errors] };
}
