// One bench phase in its own process (`node --import tsx bench/phase.ts '<job json>'`), so that
// each phase's peak RSS is its own (the OCR phase also samples its tesseract children: rss.ts);
// peers and the HTTP server are imported only by the phase that uses them, since loaded modules
// count in RSS too. The result is written as JSON to `job.out`; logs go to stderr.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createFileIndexStore, HashingEmbeddings, type IndexSnapshot, type IngestProgress } from '../ingest/index.js';
import { createAnswerEngine } from '../server/answer/engine.js';
import { buildKnowledge } from '../server/answer/knowledge.js';
import { buildLexicon } from '../server/answer/lexicon.js';
import { viewQuery } from '../server/answer/retrieve.js';
import { loadRankModel, searchProcedures } from '../server/answer/choose.js';
import { dispatchMarkdown } from './corpora.js';
import { buildDirect, readChunks } from './direct.js';
import type { OcrJob } from './ocr.js';
import { chunkText, type Peer, type PeerDoc } from './peers/types.js';
import { loadQuestions, scoreRanking } from './questions.js';
import { timeConcurrent, timeSequential, type Budget } from './stats.js';

export type Source = { kind: 'index'; indexDir: string } | { kind: 'direct'; baseIndexDir: string; extraChunks: number; seed: number };
export type PeerName = 'orama' | 'minisearch' | 'langchain';

export type Job = { out: string; root: string } & (
  | { phase: 'build'; indexDir: string; paths: string[]; baseDir: string }
  | { phase: 'load'; indexDir: string }
  | { phase: 'retrieve'; source: Source; budget: Budget; concurrent: { callers: number; total: number }; quality: boolean }
  | { phase: 'peer'; peer: PeerName; source: Source; budget: Budget; quality: boolean }
  | { phase: 'incremental'; indexDir: string; paths: string[]; baseDir: string; dispatchDir: string }
  | { phase: 'serve'; indexDir: string }
  | ({ phase: 'ocr' } & Omit<OcrJob, 'root'>)
);

const log = (s: string) => process.stderr.write(`${s}\n`);
const TODAY = '2026-11-27';

/** Milliseconds spent in each ingest phase, from the pipeline's progress events. */
function phaseClock() {
  const ms: Record<string, number> = {};
  let last: string | null = null;
  let at = performance.now();
  return {
    ms,
    onProgress(p: IngestProgress) {
      if (p.phase === last) return;
      const now = performance.now();
      if (last) ms[last] = (ms[last] ?? 0) + now - at;
      last = p.phase;
      at = now;
    },
  };
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? await dirBytes(p) : (await fs.stat(p)).size;
  }
  return total;
}

/** Bytes of a version: its manifest and the segments it lists. */
async function versionBytes(indexDir: string, version: string): Promise<number> {
  const manifest = await createFileIndexStore(indexDir).manifest(version);
  let total = await dirBytes(path.join(indexDir, 'versions', version));
  for (const s of manifest?.segments ?? []) total += await dirBytes(path.join(indexDir, 'segments', s.id));
  return total;
}

async function build(job: Extract<Job, { phase: 'build' }>) {
  const { runIngest } = await import('../ingest/index.js');
  const store = createFileIndexStore(job.indexDir);
  const embedder = new HashingEmbeddings();
  const clock = phaseClock();
  const s = await runIngest({ store, embedder: { id: embedder.id, dimension: embedder.dimension, embeddings: embedder }, paths: job.paths, baseDir: job.baseDir, rebuild: true, onProgress: clock.onProgress });
  if (!s.published) throw new Error(`build of ${job.indexDir} published nothing`);
  const version = await store.currentVersion();
  return {
    elapsedMs: s.elapsedMs,
    phasesMs: clock.ms,
    files: s.added.length + s.updated.length,
    chunks: s.chunks,
    procedures: s.procedures,
    documents: s.documents,
    tasks: s.tasks,
    failed: s.failed.length,
    indexBytes: await versionBytes(job.indexDir, version!),
  };
}

async function load(job: Extract<Job, { phase: 'load' }>) {
  const t0 = performance.now();
  const snapshot = await createFileIndexStore(job.indexDir).open();
  if (!snapshot) throw new Error(`No index in ${job.indexDir}`);
  const t1 = performance.now();
  const k = buildKnowledge(snapshot);
  const t2 = performance.now();
  return { openMs: t1 - t0, knowledgeMs: t2 - t1, totalMs: t2 - t0, chunks: snapshot.chunks.length, procedures: k.procedures.size };
}

async function openSource(source: Source, embedder: HashingEmbeddings): Promise<{ snapshot: IndexSnapshot; buildMs?: Record<string, number> }> {
  if (source.kind === 'direct') {
    const d = await buildDirect(source.baseIndexDir, source.extraChunks, source.seed, embedder, log);
    return { snapshot: d.snapshot, buildMs: d.ms };
  }
  const snapshot = await createFileIndexStore(source.indexDir).open();
  if (!snapshot) throw new Error(`No index in ${source.indexDir}`);
  return { snapshot };
}

async function retrieve(job: Extract<Job, { phase: 'retrieve' }>) {
  const embedder = new HashingEmbeddings();
  const { snapshot, buildMs } = await openSource(job.source, embedder);
  const k = buildKnowledge(snapshot);
  const lexicon = buildLexicon();
  const questions = loadQuestions(job.root);
  const model = loadRankModel();
  const rank = async (question: string) => {
    const q = viewQuery(question, lexicon);
    const vector = await embedder.embedQuery(q.embedText);
    return searchProcedures(k, q, vector, model).candidates.slice(0, 5).map((c) => c.entry.procedure.code);
  };
  const engine = createAnswerEngine({ knowledge: () => k, embedder: { id: embedder.id, dimension: embedder.dimension, embeddings: embedder }, today: () => TODAY });
  const single = await timeSequential(questions.all, rank, job.budget);
  const concurrent = await timeConcurrent(questions.all, rank, job.concurrent.callers, job.concurrent.total);
  const ask = await timeSequential(questions.all, (question) => engine.ask({ question }), job.budget);
  let quality = null;
  let answerAccuracyAt1 = null;
  if (job.quality) {
    quality = await scoreRanking(questions.procedure, rank);
    let ok = 0;
    for (const q of questions.procedure) {
      const r = await engine.ask({ question: q.question });
      if (r.intent === 'procedure' && r.procedure && q.codes.includes(r.procedure.code)) ok++;
    }
    answerAccuracyAt1 = ok / questions.procedure.length;
  }
  return { chunks: snapshot.chunks.length, buildMs, single, concurrent, ask, quality, answerAccuracyAt1 };
}

async function makePeer(name: PeerName, embedder: HashingEmbeddings): Promise<Peer> {
  if (name === 'orama') return (await import('./peers/orama.js')).oramaPeer(embedder.dimension);
  if (name === 'minisearch') return (await import('./peers/minisearch.js')).miniSearchPeer();
  return (await import('./peers/langchain.js')).langchainPeer(embedder);
}

async function peer(job: Extract<Job, { phase: 'peer' }>) {
  const embedder = new HashingEmbeddings();
  const chunks = job.source.kind === 'index' ? await readChunks(job.source.indexDir) : (await openSource(job.source, embedder)).snapshot.chunks;
  const t0 = performance.now();
  const docs: PeerDoc[] = chunks.map((c, id) => {
    const text = chunkText(c);
    return { id, code: c.sourceId, kind: c.kind, text, vector: Array.from(embedder.embed(text)) };
  });
  const embedMs = performance.now() - t0;
  const p = await makePeer(job.peer, embedder);
  const t1 = performance.now();
  await p.build(docs);
  const buildMs = performance.now() - t1;
  const questions = loadQuestions(job.root);
  const rank = async (question: string) => p.rank(question, await embedder.embedQuery(question), 5);
  // A slow peer's quality pass is most of its run: after a warm-up, its timings are latency samples too.
  const samples: number[] = [];
  let quality = null;
  if (job.quality) {
    for (const q of questions.all.slice(0, job.budget.warmup ?? 20)) await rank(q);
    quality = await scoreRanking(questions.procedure, async (q) => {
      const t = performance.now();
      const got = await rank(q);
      samples.push(performance.now() - t);
      return got;
    });
  }
  const single = await timeSequential(questions.all, rank, job.budget, samples);
  return { name: p.name, chunks: chunks.length, embedMs, buildMs, single, quality };
}

/**
 * One dispatch added to a large index, as a deployment sees it: a replica serves the current
 * version; the ingest publishes; the replica (the same store, which keeps the segments it has)
 * loads the new version and builds its knowledge. End to end is publish + swap.
 */
async function incremental(job: Extract<Job, { phase: 'incremental' }>) {
  const { runIngest } = await import('../ingest/index.js');
  const replica = createFileIndexStore(job.indexDir);
  const served = await replica.open();
  if (!served) throw new Error(`No index in ${job.indexDir}`);
  buildKnowledge(served);
  const store = createFileIndexStore(job.indexDir);
  const embedder = new HashingEmbeddings();
  const file = path.join(job.dispatchDir, 'bench-dispatch-9001.md');
  await fs.writeFile(file, dispatchMarkdown(9001));
  const clock = phaseClock();
  const s = await runIngest({ store, embedder: { id: embedder.id, dimension: embedder.dimension, embeddings: embedder }, paths: job.paths, baseDir: job.baseDir, onProgress: clock.onProgress });
  await fs.rm(file);
  if (s.added.length !== 1 || !s.published) {
    // Everything re-added means the previous version was not reused (e.g. built by another pipeline version).
    throw new Error(`adding one dispatch: expected one added source, got ${s.added.length} (${s.added.slice(0, 3).join(', ')}…), ${s.failed.length} failed`);
  }
  const manifest = (await store.manifest(s.version!))!;
  const newSegment = manifest.segments.at(-1)!;
  const t0 = performance.now();
  const next = await replica.open(s.version!);
  const t1 = performance.now();
  buildKnowledge(next!);
  const t2 = performance.now();
  return {
    elapsedMs: s.elapsedMs,
    publishedMs: s.publishedMs,
    phasesMs: clock.ms,
    newChunks: s.newChunks,
    chunks: s.chunks,
    tasks: s.tasks,
    segments: manifest.segments.length,
    writtenBytes: (await dirBytes(path.join(job.indexDir, 'segments', newSegment.id))) + (await dirBytes(path.join(job.indexDir, 'versions', s.version!))),
    versionBytes: await versionBytes(job.indexDir, s.version!),
    swap: { openMs: t1 - t0, knowledgeMs: t2 - t1 },
    endToEndMs: s.publishedMs + (t2 - t0),
  };
}

async function main() {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  if (job.phase === 'serve') return (await import('./serve.js')).serve(job.indexDir, TODAY);
  const result =
    job.phase === 'build' ? await build(job)
    : job.phase === 'load' ? await load(job)
    : job.phase === 'retrieve' ? await retrieve(job)
    : job.phase === 'peer' ? await peer(job)
    : job.phase === 'ocr' ? await (await import('./ocr.js')).ocrPhase(job, log)
    : await incremental(job);
  await fs.writeFile(job.out, JSON.stringify({ ...result, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

await main();
