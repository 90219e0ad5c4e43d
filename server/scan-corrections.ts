// An admin's corrections of scanned documents, over the served index: the text by page as
// indexed (kept in the document's OCR record), and a correction saved beside the scan's file as
// `<file>.ocr-corrected.json`, which the next ingest indexes instead of the OCR reading.
//
// Beside the file rather than in the index or the state folder: the index is derived and may be
// rebuilt from nothing (`--rebuild`, another embedder), while a correction is a person's work,
// source data like a `.meta.json`; it travels with the data folder, and the ingest that finds
// the file finds it (ingest/scan.ts). It names the SHA-256 of the bytes it was made for, so a new
// scan saved under the same name is read by OCR again rather than given an old correction.
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { OCR_CORRECTION_SUFFIX, type OcrCorrection, type OcrProvenance } from '../domain/records.js';
import type { StoredDocument } from '../ingest/index.js';
import type { LiveKnowledge } from './answer/live-knowledge.js';
import type { CorrectionOutcome, ScanCorrections, ScanView } from './http/admin.js';

export interface ScanCorrectionDeps {
  live: LiveKnowledge;
  /** The folder the index names its sources relative to. */
  baseDir: string;
  /** Start an ingest run; null (or an INGEST_BUSY error) when one is going already: the admin starts one when it ends. */
  startIngest: () => Promise<{ jobId: string }> | null;
  now?: () => Date;
  logger?: { info(o: object, m: string): void };
}

/** How a scan was read, for the list of documents. */
export function scanView(ocr: OcrProvenance): ScanView {
  return {
    confidence: ocr.confidence,
    pages: ocr.pages,
    lowConfidencePages: ocr.lowConfidencePages,
    uncertain: ocr.uncertain,
    ...(ocr.corrected ? { correctedAt: ocr.corrected.at } : {}),
    editable: !!ocr.text?.length && !!ocr.sha256,
  };
}

/** The correction sidecar of a source: `cv.pdf` → `cv.pdf.ocr-corrected.json`. */
export const correctionFileOf = (sourceFile: string): string => sourceFile + OCR_CORRECTION_SUFFIX;

export function createScanCorrections(deps: ScanCorrectionDeps): ScanCorrections {
  const now = deps.now ?? (() => new Date());
  const scanOf = (id: string): (StoredDocument & { ocr: OcrProvenance }) | null => {
    const doc = deps.live.current()?.documents.get(id);
    return doc?.ocr && !doc.summaryOnly ? (doc as StoredDocument & { ocr: OcrProvenance }) : null;
  };

  return {
    async scanText(id) {
      const doc = scanOf(id);
      if (!doc) return null;
      return {
        id: doc.id,
        title: doc.title,
        file: path.basename(doc.source),
        scan: scanView(doc.ocr),
        pages: (doc.ocr.text ?? []).map((text, i) => ({ page: i + 1, text })),
      };
    },

    async saveCorrection(id, pages): Promise<CorrectionOutcome> {
      const doc = scanOf(id);
      if (!doc) return { saved: false, reason: 'not-found' };
      const expected = doc.ocr.text?.length ?? 0;
      if (!expected || !doc.ocr.sha256) return { saved: false, reason: 'changed' };
      if (pages.length !== expected) return { saved: false, reason: 'pages', expected };
      const file = path.resolve(deps.baseDir, doc.source);
      // Made for the bytes that were indexed: a file replaced since is read again first.
      const bytes = await fs.readFile(file).catch(() => null);
      if (!bytes || createHash('sha256').update(bytes).digest('hex') !== doc.ocr.sha256) return { saved: false, reason: 'changed' };
      const { text: _text, corrected: _corrected, sha256: _sha, ...read } = doc.ocr;
      const correction: OcrCorrection = {
        format: 'tthc-ocr-correction/v1',
        sha256: doc.ocr.sha256,
        pages: pages.map((p) => p.normalize('NFC').replace(/\r\n?/g, '\n')),
        ocr: read,
        correctedAt: now().toISOString(),
      };
      // Written beside, then renamed: an ingest never reads half a correction. The temporary
      // name is hidden, so a scan running meanwhile leaves it out.
      const target = correctionFileOf(file);
      const tmp = path.join(path.dirname(file), `.correction-${randomUUID()}.part`);
      try {
        await fs.writeFile(tmp, `${JSON.stringify(correction, null, 2)}\n`);
        await fs.rename(tmp, target);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      deps.logger?.info({ document: doc.id, file: path.basename(doc.source), pages: pages.length }, 'scan text corrected by the admin');
      // A run going (here or, with a shared lock, on another replica): the admin starts one after it.
      const run = await Promise.resolve(deps.startIngest()).catch((e: unknown) => {
        if ((e as { code?: string }).code === 'INGEST_BUSY') return null;
        throw e;
      });
      return { saved: true, ...(run ? { jobId: run.jobId } : {}) };
    },
  };
}
