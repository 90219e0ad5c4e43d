// The OCR phase: scans of our own dispatches, made as test/ingest/ocr/scans.ts makes them (printed
// by Chromium, rasterised at 150 and 300 dpi, a stamp over the signature, a slight skew, saved
// without a text layer), read by the ingestion's own OCR path with no cache. Measured: pages per
// second and CPU seconds per page, the peak memory of this process with its tesseract and pdftoppm
// children, and how much of its born-digital PDF each scan gives back exactly (number, date, every
// task's deadline).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OfficialDocument } from '../domain/records.js';
import { createPdfExtractor } from '../ingest/loaders/pdf.js';
import type { TextExtractor } from '../ingest/loaders/types.js';
import { buildDocument } from '../ingest/metadata.js';
import { createOcrCache, createScanReader, OCR_PACKAGES, ocrConcurrency } from '../ingest/ocr/index.js';
import { extractTasks } from '../ingest/tasks.js';
import { CHROMIUM, dispatchHtml, imageOnlyPdf, pageImages, printPdf, textDispatchHtml } from '../test/ingest/ocr/scans.js';
import { childrenCpuSeconds, sampleTree, type TreePeak } from './rss.js';

export interface OcrJob {
  dpis: number[];
  /** Quick (CI): the two-page test dispatch only. */
  quick: boolean;
  workDir: string;
  root: string;
}

/** A fraction measured: `exact` of `of` recovered. */
export interface Recovered {
  exact: number;
  of: number;
}

export interface OcrDpiResult {
  dpi: number;
  documents: number;
  pages: number;
  seconds: number;
  pagesPerSecond: number;
  /** Pages' mean tesseract confidence, weighted by pages. */
  confidence: number;
  number: Recovered;
  date: Recovered;
  deadlines: Recovered;
  memory: TreePeak;
  /** CPU seconds a page took: tesseract and pdftoppm, and node (pdf.js, layout, repair). */
  cpuPerPage: { children: number; node: number };
  /** What a scan did not give back, for a person to look at. */
  misses: string[];
}

export interface OcrResult {
  /** Each scanned document: its pages, and its born-digital tasks, those with a deadline among them. */
  documents: Array<{ id: string; label: string; pages: number; tasks: number; deadlines: number }>;
  /** Pages read at once (the OCR reader's default: the cores, within its memory budget). */
  concurrency: number;
  /** The machine's 1-minute load average as OCR began: other work on a shared machine slows it. */
  loadAverage: number;
  dpis: OcrDpiResult[];
}

interface Source {
  id: string;
  label: string;
  html: string;
}

/** Skews a copier gives, in turn: slight, both ways. */
const SKEWS = [0.6, -0.4, 0.3, -0.5, 0.5, -0.3];

/**
 * The dispatches scanned: the official two-column test dispatch of the OCR tests, the Vietnamese
 * dispatches of data/documents, and the dispatches among the test fixtures (more tasks and
 * deadlines than data/ alone holds). Quick: the test dispatch only.
 */
function sources(root: string, quick: boolean): Source[] {
  const out: Source[] = [{ id: 'cv-3107', label: '3107/UBND-KSTTHC (OCR test dispatch, two-column header)', html: dispatchHtml({ stamp: true, skew: SKEWS[0]! }) }];
  if (quick) return out;
  const files = [
    ...readdirSync(path.join(root, 'data/documents')).filter((f) => f.endsWith('.md')).map((f) => path.join('data/documents', f)),
    ...readdirSync(path.join(root, 'test/fixtures/documents')).filter((f) => /^cong-van-.*\.md$/.test(f)).map((f) => path.join('test/fixtures/documents', f)),
  ].sort();
  for (const rel of files) {
    const text = readFileSync(path.join(root, rel), 'utf8');
    if (/^language:\s*en\s*$/m.test(text)) continue; // tesseract reads with its Vietnamese model
    out.push({ id: path.basename(rel, '.md'), label: rel, html: textDispatchHtml(text, { stamp: true, skew: SKEWS[out.length % SKEWS.length]! }) });
  }
  return out;
}

function documentOf(extract: TextExtractor, relPath: string, bytes: Buffer): Promise<OfficialDocument> {
  return extract({ path: relPath, relPath, bytes }).then((out) => buildDocument({ text: out.text, sourcePath: relPath, overrides: out.meta ?? {} }));
}

/** A task as compared: who must do it and by when (the deadline as normalised, not as written). */
const taskKey = (t: ReturnType<typeof extractTasks>[number]) => {
  const { text: _asWritten, ...deadline } = t.deadline;
  return JSON.stringify({ units: t.units, deadline });
};

function requireTools(): void {
  const missing = ['tesseract', 'pdftoppm'].filter((bin) => {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`]);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) throw new Error(`OCR: ${missing.join(', ')} not installed (apt-get install ${OCR_PACKAGES} poppler-utils)`);
  if (!existsSync(CHROMIUM)) throw new Error(`OCR: Chromium, which prints the documents scanned, is missing at ${CHROMIUM} (apt-get install chromium)`);
}

export async function ocrPhase(job: OcrJob, log: (s: string) => void): Promise<OcrResult> {
  requireTools();
  // Made before anything is measured: Chromium and the scans' rasterising are not OCR.
  const prepared = [];
  for (const d of sources(job.root, job.quick)) {
    const dir = path.join(job.workDir, d.id);
    mkdirSync(dir, { recursive: true });
    const bornPdf = printPdf(d.html, dir, 'born');
    const born = await documentOf(createPdfExtractor({ ocr: null }), `${d.id}.pdf`, readFileSync(bornPdf));
    const scans = new Map<number, string>();
    for (const dpi of job.dpis) {
      const file = path.join(dir, `scan-${dpi}.pdf`);
      writeFileSync(file, imageOnlyPdf(pageImages(bornPdf, dir, dpi).map((f) => readFileSync(f)), dpi));
      scans.set(dpi, file);
    }
    prepared.push({ ...d, born, tasks: extractTasks(born), scans });
  }
  const documents: OcrResult['documents'] = [];
  const dpis: OcrDpiResult[] = [];
  const loadAverage = os.loadavg()[0]!;
  for (const dpi of job.dpis) {
    const tally = { pages: 0, seconds: 0, confidence: 0, number: { exact: 0, of: 0 }, date: { exact: 0, of: 0 }, deadlines: { exact: 0, of: 0 }, misses: [] as string[] };
    const memory = sampleTree();
    const cpu0 = { children: childrenCpuSeconds(), node: process.cpuUsage() };
    // One reader for the pass, as an ingest run has one, and no cache: every page goes through pdftoppm and tesseract.
    const extract = createPdfExtractor({ ocr: createScanReader({ cache: createOcrCache(null) }) });
    for (const d of prepared) {
      const t0 = performance.now();
      const scanned = await documentOf(extract, `${d.id}.pdf`, readFileSync(d.scans.get(dpi)!));
      const seconds = (performance.now() - t0) / 1000;
      const pages = scanned.ocr?.pages.length ?? 0;
      tally.seconds += seconds;
      tally.pages += pages;
      tally.confidence += (scanned.ocr?.confidence ?? 0) * pages;
      if (dpi === job.dpis[0]) documents.push({ id: d.id, label: d.label, pages, tasks: d.tasks.length, deadlines: d.tasks.filter((t) => t.deadline.kind !== 'none').length });
      compare(d.id, d.born, d.tasks, scanned, tally);
      log(`  ${dpi} dpi, ${d.id}: ${pages} pages in ${seconds.toFixed(1)} s`);
    }
    const nodeCpu = process.cpuUsage(cpu0.node);
    const peak = memory.stop();
    const cpuPerPage = { children: (childrenCpuSeconds() - cpu0.children) / tally.pages, node: ((nodeCpu.user + nodeCpu.system) / 1e6 - peak.samplerCpuS) / tally.pages };
    dpis.push({
      dpi,
      cpuPerPage,
      documents: prepared.length,
      ...tally,
      pagesPerSecond: tally.pages / tally.seconds,
      confidence: tally.pages ? tally.confidence / tally.pages : 0,
      memory: peak,
    });
  }
  return { documents, concurrency: ocrConcurrency(), loadAverage, dpis };
}

/** Count into `row` what `scanned` gives back of `born`: its number, its date, each task's deadline. */
function compare(id: string, born: OfficialDocument, bornTasks: ReturnType<typeof extractTasks>, scanned: OfficialDocument, row: Pick<OcrDpiResult, 'number' | 'date' | 'deadlines' | 'misses'>): void {
  for (const field of ['number', 'date'] as const) {
    if (!born[field]) continue;
    row[field].of++;
    if (scanned[field] === born[field]) row[field].exact++;
    else row.misses.push(`${id} ${field}: ${born[field]} read as ${scanned[field] ?? '(none)'}`);
  }
  const left = new Map<string, number>();
  for (const t of extractTasks(scanned)) left.set(taskKey(t), (left.get(taskKey(t)) ?? 0) + 1);
  for (const t of bornTasks) {
    if (t.deadline.kind === 'none') continue; // a task without a deadline has none to recover
    row.deadlines.of++;
    const k = taskKey(t);
    const n = left.get(k) ?? 0;
    if (n > 0) {
      row.deadlines.exact++;
      left.set(k, n - 1);
    } else row.misses.push(`${id} deadline: "${t.deadline.text}" (${t.units.join(', ') || 'no unit'}) not recovered`);
  }
}
