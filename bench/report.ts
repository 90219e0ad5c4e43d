// The bench's results as data, as a terminal table and as Markdown, with the targets from the
// issue set beside each measured figure (reported, never asserted).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Quality } from './questions.js';
import type { ConcurrentResult, Latency } from './stats.js';
import type { HttpResult } from './http.js';
import type { OcrResult } from './ocr.js';

export interface BuildResult {
  elapsedMs: number;
  phasesMs: Record<string, number>;
  files: number;
  chunks: number;
  procedures: number;
  documents: number;
  tasks: number;
  failed: number;
  indexBytes: number;
  maxRssMB: number;
}
export interface LoadResult { openMs: number; knowledgeMs: number; totalMs: number; chunks: number; procedures: number; maxRssMB: number }
export interface RetrieveResult {
  chunks: number;
  buildMs?: Record<string, number>;
  single: Latency;
  concurrent: ConcurrentResult;
  ask: Latency;
  quality: Quality | null;
  answerAccuracyAt1: number | null;
  maxRssMB: number;
}
export interface PeerResult { name: string; chunks: number; embedMs: number; buildMs: number; single: Latency; quality: Quality | null; maxRssMB: number }
export interface CorpusResult {
  id: string;
  label: string;
  chunks: number;
  synthetic?: { procedures: number; files: number };
  build?: BuildResult;
  load?: LoadResult;
  us?: RetrieveResult;
  peers: Record<string, PeerResult>;
}
export interface Machine { cpu: string; cores: number; memoryGB: number; node: string; os: string; date: string }
export interface BenchResults {
  mode: 'quick' | 'full';
  machine: Machine;
  corpora: CorpusResult[];
  http?: HttpResult & { corpus: string };
  incremental?: {
    corpus: string;
    elapsedMs: number;
    /** Ingest start → new version current. */
    publishedMs: number;
    phasesMs: Record<string, number>;
    newChunks: number;
    chunks: number;
    segments: number;
    /** The new segment and the manifest: all the publish wrote. */
    writtenBytes: number;
    versionBytes: number;
    /** A replica serving the previous version: open the new one (reads the new segment only), then build its knowledge. */
    swap: { openMs: number; knowledgeMs: number };
    endToEndMs: number;
    maxRssMB: number;
  };
  /** OCR of scans; `measuredAt`: a run with `--only ocr` replaces this alone in a results file. */
  ocr?: OcrResult & { measuredAt: string; maxRssMB: number };
  errors: string[];
  notes: string[];
  elapsedS?: number;
}

export function machine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: os.cpus() said it
  }
  return { cpu, cores: os.cpus().length, memoryGB: Math.round(os.totalmem() / 1024 ** 3), node: process.version, os: `${os.type()} ${os.release()}`, date: new Date().toISOString() };
}

const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const n0 = (x: number | undefined) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'));
const f3 = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(3));
/** us ÷ peer, two significant digits (0.0025× is 400 times less time). */
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? '–' : `${Number((a / b).toPrecision(2))}×`);

type Table = { head: string[]; rows: string[][] };

/** The target for "at 100k chunks": the 100k corpus, else (quick) the largest one measured. */
function at100k(r: BenchResults): CorpusResult | undefined {
  return r.corpora.find((c) => c.id === 'synthetic-100k') ?? [...r.corpora].reverse().find((c) => c.build);
}

export function tables(r: BenchResults): Array<{ title: string } & Table> {
  const peerNames = [...new Set(r.corpora.flatMap((c) => Object.keys(c.peers)))];
  const peerLabel = (p: string) => r.corpora.map((c) => c.peers[p]?.name).find(Boolean) ?? p;
  const out: Array<{ title: string } & Table> = [];

  out.push({
    title: 'Ingestion and start-up (us)',
    head: ['corpus', 'chunks', 'full build s', 'records/s', 'chunks/s', 'index MB', 'start-up ms', 'build peak RSS MB', 'serving RSS MB'],
    rows: r.corpora.filter((c) => c.build).map((c) => {
      const b = c.build!;
      const s = b.elapsedMs / 1000;
      return [c.label, n0(b.chunks), s.toFixed(1), n0((b.procedures + b.documents) / s), n0(b.chunks / s), (b.indexBytes / 1024 ** 2).toFixed(1), ms(c.load?.totalMs), n0(b.maxRssMB), n0(c.load?.maxRssMB)];
    }),
  });

  out.push({
    title: 'Retrieval latency, ms per question (procedure ranking; one caller)',
    head: ['corpus', 'chunks', 'us p50', 'us p95', 'us p99', ...peerNames.flatMap((p) => [`${peerLabel(p)} p50`, `${peerLabel(p)} p99`, `us/${peerLabel(p)} p50`])],
    rows: r.corpora.map((c) => [
      c.label,
      n0(c.chunks),
      ms(c.us?.single.p50),
      ms(c.us?.single.p95),
      ms(c.us?.single.p99),
      ...peerNames.flatMap((p) => [ms(c.peers[p]?.single.p50), ms(c.peers[p]?.single.p99), ratio(c.us?.single.p50, c.peers[p]?.single.p50)]),
    ]),
  });

  out.push({
    title: 'Under concurrency (8 async callers on one event loop) and ask() end to end (us)',
    head: ['corpus', 'questions/s (8 callers)', 'p50 ms', 'p99 ms', 'ask() p50 ms', 'ask() p95 ms', 'retrieval RSS MB'],
    rows: r.corpora.filter((c) => c.us).map((c) => [c.label, n0(c.us!.concurrent.perSecond), ms(c.us!.concurrent.p50), ms(c.us!.concurrent.p99), ms(c.us!.ask.p50), ms(c.us!.ask.p95), n0(c.us!.maxRssMB)]),
  });

  const qc = r.corpora.find((c) => c.us?.quality);
  if (qc) {
    const q = qc.us!.quality!;
    out.push({
      title: `Quality on ${qc.label}: ${q.n} stand-alone procedure questions of the eval set`,
      head: ['system', 'accuracy@1', 'recall@5', 'MRR', 'acc@1 us/peer', 'R@5 us/peer', 'MRR us/peer'],
      rows: [
        ['us (ranking)', f3(q.accuracyAt1), f3(q.recallAt5), f3(q.mrr), '', '', ''],
        ['us (ask() answer)', f3(qc.us!.answerAccuracyAt1 ?? undefined), '', '', '', '', ''],
        ...Object.values(qc.peers).filter((p) => p.quality).map((p) => [
          p.name,
          f3(p.quality!.accuracyAt1),
          f3(p.quality!.recallAt5),
          f3(p.quality!.mrr),
          ratio(q.accuracyAt1, p.quality!.accuracyAt1),
          ratio(q.recallAt5, p.quality!.recallAt5),
          ratio(q.mrr, p.quality!.mrr),
        ]),
      ],
    });
  }

  out.push({
    title: 'Index build from given chunks and vectors (peers) vs our full build; process peak RSS',
    head: ['corpus', 'system', 'build s', 'peak RSS MB'],
    rows: r.corpora.flatMap((c) => [
      ...(c.build ? [[c.label, 'us (full pipeline: parse, chunk, embed, index, write)', (c.build.elapsedMs / 1000).toFixed(1), n0(c.build.maxRssMB)]] : []),
      ...(c.us?.buildMs ? [[c.label, 'us (in memory: embed, vectors, lexical)', (c.us.buildMs['total']! / 1000).toFixed(1), n0(c.us.maxRssMB)]] : []),
      ...Object.values(c.peers).map((p) => [c.label, p.name, (p.buildMs / 1000).toFixed(1), n0(p.maxRssMB)]),
    ]),
  });

  if (r.ocr) {
    const frac = (x: { exact: number; of: number }) => (x.of ? `${x.exact}/${x.of} (${((100 * x.exact) / x.of).toFixed(0)} %)` : '–');
    out.push({
      title: `OCR of scans, no cache (${r.ocr.documents.length} documents, ${r.ocr.concurrency} pages at once); recovered exactly against the born-digital PDF`,
      head: ['scan', 'pages', 'pages/s', 's/page', 'CPU s/page (children + node)', 'RSS MB at start → peak (node + children)', 'largest tesseract MB', 'node MB', 'confidence %', 'number', 'date', 'task deadlines'],
      rows: r.ocr.dpis.map((d) => [
        `${d.dpi} dpi`,
        n0(d.pages),
        d.pagesPerSecond.toFixed(2),
        (1 / d.pagesPerSecond).toFixed(1),
        d.cpuPerPage ? `${d.cpuPerPage.children.toFixed(1)} + ${d.cpuPerPage.node.toFixed(1)}` : '–',
        `${n0(d.memory.startMB)} → ${n0(d.memory.totalMB)}`,
        n0(d.memory.childMB),
        n0(d.memory.selfMB),
        d.confidence.toFixed(1),
        frac(d.number),
        frac(d.date),
        frac(d.deadlines),
      ]),
    });
  }

  const t = targets(r);
  // A run of one phase (`--only ocr`) measures none of them: no table of "not measured".
  if (t.some((x) => x.met !== null)) out.push({ title: 'Targets (reported, not asserted)', head: ['target', 'measured', 'met'], rows: t.map((x) => [x.name, x.value, x.met === null ? '–' : x.met ? 'yes' : 'NO']) });
  return out.filter((x) => x.rows.length);
}

export function targets(r: BenchResults): Array<{ name: string; value: string; met: boolean | null }> {
  const big = at100k(r);
  const at = big ? ` (${big.label})` : '';
  const cat = r.corpora.find((c) => c.id === 'catalogue');
  const t: Array<{ name: string; value: string; met: boolean | null }> = [];
  const add = (name: string, v: number | undefined, limit: number, unit: string, more = false) =>
    t.push({ name, value: v === undefined ? 'not measured' : `${ms(v)} ${unit}`, met: v === undefined ? null : more ? v >= limit : v <= limit });
  add(`retrieval p50 ≤ 2 ms at 100k${at}`, big?.us?.single.p50, 2, 'ms');
  add(`retrieval p99 ≤ 10 ms at 100k${at}`, big?.us?.single.p99, 10, 'ms');
  add(`ask() p50 ≤ 10 ms${at}`, big?.us?.ask.p50, 10, 'ms');
  add(`HTTP ≥ 1,000 answers/s${r.http ? ` (${r.http.corpus})` : ''}`, r.http?.perSecond, 1000, '/s', true);
  add(`HTTP p99 ≤ 50 ms${r.http ? ` (${r.http.corpus})` : ''}`, r.http?.latencyMs.p99, 50, 'ms');
  add('full build of data/ + catalogue ≤ 60 s', cat?.build ? cat.build.elapsedMs / 1000 : undefined, 60, 's');
  add(`add one dispatch ≤ 2 s, publish + replica swap${r.incremental ? ` (${r.incremental.corpus})` : ''}`, r.incremental ? r.incremental.endToEndMs / 1000 : undefined, 2, 's');
  add(`start-up ≤ 1 s at 100k${at}`, big?.load ? big.load.totalMs / 1000 : undefined, 1, 's');
  add(`serving RSS ≤ 500 MB at 100k${at}`, big?.load?.maxRssMB, 500, 'MB');
  if (cat?.us?.quality) {
    const q = cat.us.quality;
    const peers = Object.values(cat.peers).filter((p) => p.quality);
    const ahead = peers.every((p) => q.accuracyAt1 > p.quality!.accuracyAt1 && q.recallAt5 >= p.quality!.recallAt5);
    t.push({ name: 'ahead of every peer on quality (acc@1 and recall@5)', value: peers.map((p) => `${p.name} ${f3(p.quality!.accuracyAt1)}/${f3(p.quality!.recallAt5)}`).join(', ') + ` vs us ${f3(q.accuracyAt1)}/${f3(q.recallAt5)}`, met: peers.length ? ahead : null });
  }
  const sizes = r.corpora.filter((c) => c.us && c.peers['orama']);
  if (sizes.length) {
    const faster = sizes.every((c) => c.us!.single.p50 < c.peers['orama']!.single.p50);
    t.push({ name: 'faster than Orama (p50) at every size', value: sizes.map((c) => `${c.label} ${ratio(c.us!.single.p50, c.peers['orama']!.single.p50)}`).join(', '), met: faster });
  }
  return t;
}

function pad(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ')).join('\n');
}

export function renderTerminal(r: BenchResults): string {
  const parts = [`\nBench (${r.mode}) on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGB} GB, Node ${r.machine.node}`];
  for (const t of tables(r)) parts.push(`\n${t.title}\n${pad([t.head, ...t.rows])}`);
  if (r.http) parts.push(`\nHTTP POST /api/ask (${r.http.corpus}): ${n0(r.http.perSecond)} answers/s, p50 ${r.http.latencyMs.p50} ms, p99 ${r.http.latencyMs.p99} ms (${r.http.connections} connections, ${r.http.durationS} s, ${n0(r.http.requests)} requests)`);
  if (r.incremental) parts.push(`Add one dispatch (${r.incremental.corpus}): published in ${(r.incremental.publishedMs / 1000).toFixed(2)} s, served by a replica after ${(r.incremental.endToEndMs / 1000).toFixed(2)} s (${phases(r.incremental.phasesMs)})`);
  for (const n of r.notes) parts.push(`note: ${n}`);
  return `${parts.join('\n')}\n`;
}

function phases(p: Record<string, number>): string {
  return Object.entries(p).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ');
}

export function renderMarkdown(r: BenchResults, chartFile = 'latency.svg'): string {
  const m = r.machine;
  const md = (t: Table) => [`| ${t.head.join(' | ')} |`, `|${t.head.map(() => '---').join('|')}|`, ...t.rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
  const parts = [
    `# Benchmark results (${r.mode} run)`,
    '',
    `${m.date.slice(0, 10)} · ${m.cpu} · ${m.cores} cores · ${m.memoryGB} GB · Node ${m.node} · ${m.os}${r.elapsedS ? ` · run took ${(r.elapsedS / 60).toFixed(1)} min` : ''}`,
    '',
    `Produced by \`npm run bench\`; how each figure is measured: [bench/README.md](../README.md). Latency chart: [${chartFile}](${chartFile}).`,
  ];
  for (const t of tables(r)) parts.push('', `## ${t.title}`, '', md(t));
  if (r.http || r.incremental) parts.push('', '## HTTP and incremental ingest', '');
  if (r.http) parts.push(`- POST /api/ask on ${r.http.corpus}: **${n0(r.http.perSecond)} answers/s**, latency p50 ${r.http.latencyMs.p50} ms, p90 ${r.http.latencyMs.p90} ms, p99 ${r.http.latencyMs.p99} ms, max ${r.http.latencyMs.max} ms (autocannon, ${r.http.connections} connections, ${r.http.durationS} s, ${n0(r.http.requests)} requests, ${r.http.non2xx} non-2xx${r.http.serverMaxRssMB ? `; server peak RSS ${n0(r.http.serverMaxRssMB)} MB` : ''}).`);
  if (r.incremental) {
    const i = r.incremental;
    const mb = (b: number) => (b / 1024 ** 2).toFixed(b < 1024 ** 2 ? 3 : 1);
    parts.push(
      `- Adding one dispatch to ${i.corpus}: **${(i.endToEndMs / 1000).toFixed(2)} s end to end**: published in ${(i.publishedMs / 1000).toFixed(2)} s (${phases(i.phasesMs)}), ` +
        `then a replica serving the previous version opened the new one in ${(i.swap.openMs / 1000).toFixed(2)} s and built its knowledge in ${(i.swap.knowledgeMs / 1000).toFixed(2)} s. ` +
        `${i.newChunks} new chunks; the publish wrote ${mb(i.writtenBytes)} MB (one segment and the manifest) of a ${mb(i.versionBytes)} MB version in ${i.segments} segments; the ingest ran ${(i.elapsedMs / 1000).toFixed(2)} s in all; peak RSS ${n0(i.maxRssMB)} MB.`,
    );
  }
  const builds = r.corpora.filter((c) => c.build);
  if (builds.length) parts.push('', '## Build phases (s)', '', ...builds.map((c) => `- ${c.label}: ${phases(c.build!.phasesMs)}`));
  const direct = r.corpora.filter((c) => c.us?.buildMs);
  for (const c of direct) parts.push(`- ${c.label} (in memory): ${phases(c.us!.buildMs!)}`);
  if (r.ocr) {
    parts.push('', `## OCR: the documents scanned (${r.ocr.measuredAt.slice(0, 10)}, load average ${r.ocr.loadAverage.toFixed(1)} as it began)`, '', ...r.ocr.documents.map((d) => `- ${d.label}: ${d.pages} ${d.pages === 1 ? 'page' : 'pages'}, ${d.tasks} ${d.tasks === 1 ? 'task' : 'tasks'} (${d.deadlines} with a deadline)`));
    const misses = r.ocr.dpis.flatMap((d) => d.misses.map((m) => `- ${d.dpi} dpi: ${m}`));
    if (misses.length) parts.push('', 'Not recovered exactly:', '', ...misses);
  }
  if (r.notes.length) parts.push('', '## Notes', '', ...r.notes.map((n) => `- ${n}`));
  if (r.errors.length) parts.push('', '## Errors', '', ...r.errors.map((e) => `- ${e}`));
  return `${parts.join('\n')}\n`;
}
