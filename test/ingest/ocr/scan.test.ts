// Scans as an ingestion path, end to end with Debian's tesseract: a dispatch we print ourselves,
// rasterised at 150 dpi with a stamp and a slight skew and saved without a text layer, must give
// what the born-digital PDF gives (number, date, subject, addressees, every task's deadline).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfficialDocument } from '../../../domain/records.js';
import { createFileIndexStore, HashingEmbeddings, runIngest } from '../../../ingest/index.js';
import { createImageExtractor } from '../../../ingest/loaders/image.js';
import { loadFile } from '../../../ingest/loaders/index.js';
import { createPdfExtractor } from '../../../ingest/loaders/pdf.js';
import { LoadError, type SourceFile, type TextExtractor } from '../../../ingest/loaders/types.js';
import { buildDocument } from '../../../ingest/metadata.js';
import { createOcrCache, createScanReader, type OcrProgress } from '../../../ingest/ocr/index.js';
import { extractTasks } from '../../../ingest/tasks.js';
import { resolveUnit } from '../../../ingest/units.js';
import { answerDeadlines } from '../../../server/answer/deadlines.js';
import { buildKnowledge } from '../../../server/answer/knowledge.js';
import { CHROMIUM, dispatchHtml, pageImages, printPdf, scanOf } from './scans.js';

const SLOW = 180_000;
let work: string;
let born: OfficialDocument;
let scan150: Buffer;

async function documentOf(extract: TextExtractor, file: SourceFile): Promise<OfficialDocument> {
  const out = await extract(file);
  return buildDocument({ text: out.text, sourcePath: file.relPath, overrides: out.meta ?? {} });
}

const file = (relPath: string, bytes: Buffer): SourceFile => ({ path: join(work, relPath), relPath, bytes });
const deadlines = (doc: OfficialDocument) => extractTasks(doc).map((t) => ({ units: t.units, deadline: t.deadline }));
const facts = (d: OfficialDocument) => ({ number: d.number, date: d.date, subject: d.subject, addressees: d.addressees, type: d.type });

beforeAll(() => {
  for (const bin of ['tesseract', 'pdftoppm', 'pdfunite']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`]);
    } catch {
      throw new Error(`${bin} is missing: apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils (.ci/run installs them)`);
    }
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install chromium)`);
  work = mkdtempSync(join(tmpdir(), 'ocr-scan-'));
  printPdf(dispatchHtml(), work, 'born');
  scan150 = scanOf(dispatchHtml({ stamp: true, skew: 0.6 }), work, 'scan', 150);
}, SLOW);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a scanned dispatch (image-only PDF, 150 dpi, stamp, skew)', () => {
  it('gives the born-digital file\'s number, date, subject, addressees and task deadlines, and records that it was OCR\'d', async () => {
    born = await documentOf(createPdfExtractor({ ocr: null }), file('born.pdf', readFileSync(join(work, 'born.pdf'))));
    expect(born.number).toBe('3107/UBND-KSTTHC');
    expect(deadlines(born)).toHaveLength(4);

    const progress: OcrProgress[] = [];
    const ocr = createScanReader({ cache: createOcrCache(join(work, 'cache')), onProgress: (p) => progress.push(p) });
    const scanned = await documentOf(createPdfExtractor({ ocr }), file('scan.pdf', scan150));

    expect(facts(scanned)).toEqual(facts(born));
    expect(deadlines(scanned)).toEqual(deadlines(born));
    expect(scanned.recipients.slice(0, 2)).toEqual(['Như trên', 'Chủ tịch UBND Thành phố']);
    // The stamp and the signature do not leak into the text.
    expect(scanned.text).not.toMatch(/Ng~vA|★/);
    expect(scanned.ocr).toMatchObject({ pages: [1, 2], lowConfidencePages: [], uncertain: [] });
    expect(scanned.ocr!.confidence).toBeGreaterThan(80);
    expect(progress.map((p) => p.page).sort()).toEqual([1, 2]);
    expect(progress.every((p) => !p.cached)).toBe(true);
  }, SLOW);

  it('gives the same at 300 dpi', async () => {
    const dir = join(work, 'dpi300');
    mkdirSync(dir);
    const scan300 = scanOf(dispatchHtml({ stamp: true, skew: -0.4 }), dir, 'scan', 300);
    const ocr = createScanReader({ cache: createOcrCache(join(work, 'cache-300')) });
    const scanned = await documentOf(createPdfExtractor({ ocr }), file('scan300.pdf', scan300));
    expect(facts(scanned)).toEqual(facts(born));
    expect(deadlines(scanned)).toEqual(deadlines(born));
  }, SLOW);

  it('is never read twice: an unchanged scan comes from the cache, without tesseract', async () => {
    const progress: OcrProgress[] = [];
    // A tesseract that does not exist: any page not in the cache would fail the extraction.
    const ocr = createScanReader({ tesseract: join(work, 'no-tesseract'), cache: createOcrCache(join(work, 'cache')), onProgress: (p) => progress.push(p) });
    const again = await documentOf(createPdfExtractor({ ocr }), file('renamed/scan.pdf', scan150));
    expect(facts(again)).toEqual(facts(born));
    expect(progress.map((p) => p.cached)).toEqual([true, true]);
  }, SLOW);

  it('reads only the page without a text layer of a mixed PDF', async () => {
    // Page 1 born-digital, page 2 the scan's.
    const dir = join(work, 'mixed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'scan.pdf'), scan150);
    execFileSync('pdfseparate', ['-f', '1', '-l', '1', join(work, 'born.pdf'), join(dir, 'a.pdf')]);
    execFileSync('pdfseparate', ['-f', '2', '-l', '2', join(dir, 'scan.pdf'), join(dir, 'b.pdf')]);
    execFileSync('pdfunite', [join(dir, 'a.pdf'), join(dir, 'b.pdf'), join(dir, 'mixed.pdf')]);
    const ocr = createScanReader({ cache: createOcrCache(join(work, 'cache-mixed')) });
    const mixed = await documentOf(createPdfExtractor({ ocr }), file('mixed.pdf', readFileSync(join(dir, 'mixed.pdf'))));
    expect(mixed.ocr?.pages).toEqual([2]);
    expect(facts(mixed)).toEqual(facts(born));
    expect(deadlines(mixed)).toEqual(deadlines(born));
  }, SLOW);

  it('does not take a born-digital PDF with a blank page for a scan', async () => {
    const dir = join(work, 'blank-page');
    mkdirSync(dir);
    const blank = join(import.meta.dirname, '../../fixtures/documents/blank.pdf');
    execFileSync('pdfunite', [join(work, 'born.pdf'), blank, join(dir, 'with-blank.pdf')]);
    const ocr = createScanReader({ cache: createOcrCache(join(work, 'cache-blank')) });
    const doc = await documentOf(createPdfExtractor({ ocr }), file('with-blank.pdf', readFileSync(join(dir, 'with-blank.pdf'))));
    expect(doc.ocr).toBeUndefined();
    expect(facts(doc)).toEqual(facts(born));
  }, SLOW);

  it('reads a photo of the first page (PNG), registered as a source the ingestion picks up', async () => {
    const dir = join(work, 'png');
    mkdirSync(dir);
    const [first] = pageImages(join(work, 'scan.pdf'), dir, 200, 'png');
    const ocr = createScanReader({ cache: createOcrCache(join(work, 'cache-png')) });
    const page = await documentOf(createImageExtractor(ocr), file('cv-3107.png', readFileSync(first!)));
    expect(facts(page)).toEqual(facts(born));
    expect(page.ocr?.pages).toEqual([1]);
    // The registry reads images through the same path (its default cache).
    const viaRegistry = await loadFile(file('cv-3107.png', readFileSync(first!)));
    expect(viaRegistry.documents[0]?.number).toBe('3107/UBND-KSTTHC');
  }, SLOW);

  it('stops a file at its time budget and says how to go on', async () => {
    const ocr = createScanReader({ fileBudgetMs: 1, cache: createOcrCache(join(work, 'cache-budget')) });
    const err = await createPdfExtractor({ ocr })(file('slow.pdf', scan150)).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).message).toMatch(/OCR read 0 of 2 pages within its budget.*run the ingestion again/);
  }, SLOW);
});

describe('a scanned dispatch in the index', () => {
  it('answers a unit\'s deadline from it, cited "(bản quét, nhận dạng tự động)"', async () => {
    const root = join(work, 'indexed');
    mkdirSync(join(root, 'data'), { recursive: true });
    writeFileSync(join(root, 'data', 'cv-3107.pdf'), scan150);
    const store = createFileIndexStore(join(root, 'index'));
    const summary = await runIngest({ store, embedder: { id: 'hash-ngram-v1/256', dimension: 256, embeddings: new HashingEmbeddings() }, paths: ['data'], baseDir: root });
    expect(summary.failed).toEqual([]);
    expect(summary.warnings.join('\n')).toMatch(/read by OCR \(2 pages/);
    const k = buildKnowledge((await store.open())!);
    expect(k.documents.get('3107-ubnd-kstthc-2026')?.ocr).toMatchObject({ pages: [1, 2] });
    const answer = answerDeadlines(k, resolveUnit('Sở Nội vụ')!, [], 'vi', '2026-11-01');
    const task = answer.tasks?.find((t) => t.deadline.date === '2026-11-30');
    expect(task?.citation.title).toBe('Công văn 3107/UBND-KSTTHC: V/v đẩy mạnh giải quyết thủ tục hành chính trực tuyến (bản quét, nhận dạng tự động)');
  }, SLOW);
});

describe('without tesseract', () => {
  it('reports the scan with the packages to install', async () => {
    const ocr = createScanReader({ tesseract: join(work, 'no-tesseract'), cache: createOcrCache(null) });
    const err = await createPdfExtractor({ ocr })(file('scan.pdf', scan150)).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('OCR_UNAVAILABLE');
    expect((err as LoadError).message).toContain('apt-get install tesseract-ocr tesseract-ocr-vie');
  }, SLOW);

  it('publishes the rest of the run and lists the scan as failed', async () => {
    const root = join(work, 'run');
    const bin = join(root, 'bin'); // a PATH with poppler but no tesseract
    mkdirSync(join(root, 'data'), { recursive: true });
    mkdirSync(bin);
    symlinkSync(execFileSync('sh', ['-c', 'command -v pdftoppm']).toString().trim(), join(bin, 'pdftoppm'));
    writeFileSync(join(root, 'data', 'scan-never-seen.pdf'), Buffer.concat([scan150, Buffer.from(`\n% a copy no cache has seen: ${process.pid}-${Date.now()}\n`)]));
    writeFileSync(join(root, 'data', 'cv.md'), 'ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\n\nSố: 12/UBND-KSTT\n\nHà Nội, ngày 2 tháng 3 năm 2026\n\nV/v thử nghiệm\n\n1. Sở Nội vụ báo cáo trước ngày 30/3/2026.\n');
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      const summary = await runIngest({ store: createFileIndexStore(join(root, 'index')), embedder: { id: 'hash-ngram-v1/256', dimension: 256, embeddings: new HashingEmbeddings() }, paths: ['data'], baseDir: root });
      expect(summary.published).toBe(true);
      expect(summary.added).toEqual(['data/cv.md']);
      expect(summary.failed).toEqual([expect.objectContaining({ source: 'data/scan-never-seen.pdf', code: 'OCR_UNAVAILABLE' })]);
      expect(summary.failed[0]!.message).toContain('tesseract-ocr-vie');
      expect(summary.exitCode).toBe(2);
    } finally {
      process.env.PATH = path;
    }
  }, SLOW);
});
