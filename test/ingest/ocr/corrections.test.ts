// A person's correction of a scan, through the real ingest: the scanned dispatch is read by
// Debian's tesseract, its tasks and passages know their page, and a correction saved beside the
// file (`<file>.ocr-corrected.json`) is indexed instead of the OCR reading, survives a rebuild,
// and is set aside for a new scan saved under the same name.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCR_CORRECTION_SUFFIX, type OcrCorrection } from '../../../domain/records.js';
import { createFileIndexStore, HashingEmbeddings, runIngest, type IndexSnapshot, type IngestSummary } from '../../../ingest/index.js';
import { joinPages, pageAt, pagesOf } from '../../../ingest/loaders/pages.js';
import { findSources } from '../../../ingest/scan.js';
import { dispatchHtml, scanOf } from './scans.js';

const SLOW = 180_000;
let work: string;
let data: string;
let scan: string;
const store = () => createFileIndexStore(join(work, 'index'));
const embedder = { id: 'hash-ngram-v1/256', dimension: 256, embeddings: new HashingEmbeddings() };

async function ingest(rebuild = false): Promise<IngestSummary> {
  return runIngest({ store: store(), embedder, paths: [data], baseDir: work, rebuild });
}

async function snapshot(): Promise<IndexSnapshot> {
  const s = store();
  return (await s.open((await s.currentVersion())!))!;
}

const taskOf = (snap: IndexSnapshot, words: string) => snap.records.tasks.find((t) => t.text.includes(words));

beforeAll(() => {
  for (const bin of ['tesseract', 'pdftoppm']) execFileSync('sh', ['-c', `command -v ${bin}`]);
  work = mkdtempSync(join(tmpdir(), 'ocr-corrections-'));
  data = join(work, 'data');
  mkdirSync(data);
  scan = join(data, 'cv-3107.pdf');
  writeFileSync(scan, scanOf(dispatchHtml({ stamp: true }), work, 'scan', 150));
}, SLOW);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pages of a document text', () => {
  it('joins pages as the loaders did and knows where each starts, an empty page included', () => {
    const { text, pageStarts } = joinPages(['  Trang một  \n', '', 'Trang   ba\n\n\n\ncuối']);
    expect(text).toBe('Trang một\n\nTrang ba\n\ncuối');
    expect(pageStarts).toEqual([0, 9, 11]);
    expect(pageAt(pageStarts, text.indexOf('ba'))).toBe(3);
    expect(pageAt(pageStarts, 0)).toBe(1);
    expect(pageAt(undefined, 5)).toBeUndefined();
    expect(pagesOf(text, pageStarts)).toEqual(['Trang một', '', 'Trang ba\n\ncuối']);
  });
});

describe('a scanned dispatch in the index, then corrected by a person', () => {
  let docId: string;

  it('records its file hash and text by page, and its tasks and passages know their page', async () => {
    const run = await ingest();
    expect(run.failed).toEqual([]);
    const snap = await snapshot();
    const doc = snap.records.documents[0]!;
    docId = doc.id;
    expect(doc.ocr?.sha256).toBe(createHash('sha256').update(readFileSync(scan)).digest('hex'));
    expect(doc.ocr?.text).toHaveLength(2);
    expect(doc.ocr?.text?.[1]).toContain('15/01/2027');
    expect(doc.ocr?.corrected).toBeUndefined();
    // Items 1 and 2 are on the first page, 3 and 4 on the second (the dispatch breaks before 3).
    expect(taskOf(snap, 'Sở Nội vụ')).toMatchObject({ page: 1, deadline: { date: '2026-11-30' } });
    expect(taskOf(snap, 'Văn phòng')).toMatchObject({ page: 2, deadline: { date: '2027-01-15' } });
    const chunks = snap.chunks.filter((c) => c.sourceId === docId);
    expect(chunks.find((c) => c.section === 'header')?.page).toBe(1);
    expect(chunks.find((c) => c.section === '4')?.page).toBe(2);
    expect(chunks.find((c) => c.section === '1')?.page).toBe(1);
  }, SLOW);

  it('indexes the corrected text instead of the OCR reading, and records that a person corrected it', async () => {
    const before = await snapshot();
    const doc = before.records.documents[0]!;
    const pages = doc.ocr!.text!.map((p) => p.replace('30/11/2026', '05/12/2026'));
    expect(pages.join('\n')).toContain('05/12/2026');
    const { text: _t, sha256, corrected: _c, ...read } = doc.ocr!;
    const correction: OcrCorrection = { format: 'tthc-ocr-correction/v1', sha256: sha256!, pages, ocr: read, correctedAt: '2026-11-20T08:00:00.000Z' };
    writeFileSync(scan + OCR_CORRECTION_SUFFIX, JSON.stringify(correction));

    // The sidecar is the document's, not a source of its own (as a .json it would read as a catalogue).
    const found = await findSources([data], work);
    expect(found.files.map((f) => f.rel)).toEqual(['data/cv-3107.pdf']);
    expect(found.skipped).toEqual([]);

    const run = await ingest();
    expect(run.updated).toEqual(['data/cv-3107.pdf']);
    expect(run.warnings.join('\n')).toMatch(/corrected by a person on 2026-11-20/);
    const snap = await snapshot();
    const corrected = snap.records.documents[0]!;
    expect(corrected.id).toBe(docId);
    expect(corrected.ocr).toMatchObject({ corrected: { at: '2026-11-20T08:00:00.000Z', by: 'admin' }, sha256, confidence: doc.ocr!.confidence });
    expect(taskOf(snap, 'Sở Nội vụ')).toMatchObject({ page: 1, deadline: { date: '2026-12-05' } });
    expect(taskOf(snap, 'Văn phòng')?.page).toBe(2);

    // Nothing changed: nothing is read again.
    expect((await ingest()).published).toBe(false);
  }, SLOW);

  it('keeps the correction when the index is rebuilt from nothing', async () => {
    const run = await ingest(true);
    expect(run.added).toEqual(['data/cv-3107.pdf']);
    const snap = await snapshot();
    expect(snap.records.documents[0]!.ocr?.corrected?.by).toBe('admin');
    expect(taskOf(snap, 'Sở Nội vụ')?.deadline.date).toBe('2026-12-05');
  }, SLOW);

  it('sets the correction aside for another file saved under the same name, and says so', async () => {
    // Other bytes (a new scan): the correction was not made for them.
    appendFileSync(scan, '\n% rescanned\n');
    const run = await ingest();
    expect(run.updated).toEqual(['data/cv-3107.pdf']);
    expect(run.warnings.join('\n')).toMatch(/OCR correction saved on 2026-11-20 was made for another version of the file/);
    const snap = await snapshot();
    expect(snap.records.documents[0]!.ocr?.corrected).toBeUndefined();
    expect(taskOf(snap, 'Sở Nội vụ')?.deadline.date).toBe('2026-11-30');
  }, SLOW);

});

describe('a correction sidecar found by the scan', () => {
  it('is reported when its document is gone, as a lone .meta.json is, and never read as a catalogue', async () => {
    const folder = join(work, 'orphan');
    mkdirSync(folder);
    writeFileSync(join(folder, `cv-9.pdf${OCR_CORRECTION_SUFFIX}`), '{}');
    const found = await findSources([folder], work);
    expect(found.files).toEqual([]);
    expect(found.skipped).toEqual([expect.objectContaining({ source: `orphan/cv-9.pdf${OCR_CORRECTION_SUFFIX}`, code: 'ORPHAN_SIDECAR', reason: expect.stringMatching(/^OCR correction for "cv-9.pdf"/) })]);
  });
});
