// A person's correction of a scan's text, saved by the admin page beside the file as
// `<file>.ocr-corrected.json`: the ingest indexes the corrected text instead of reading the scan
// again, for the bytes the correction was made for only. Every scan also records the hash of its
// file and its text by page, which is what the admin page shows to correct.
import { createHash } from 'node:crypto';
import { type DocumentMeta, type LoadResult, OCR_CORRECTION_SUFFIX, OcrCorrection, type OfficialDocument } from '../domain/records.js';
import { joinPages, pagesOf } from './loaders/pages.js';
import { LoadError, type SourceFile } from './loaders/types.js';
import { buildDocument } from './metadata.js';
import { nfc } from './text.js';
import { keepLink } from './urls.js';

/** Reads one source file with its `.meta.json` metadata (the loader registry, or a run's own). */
export type Load = (file: SourceFile, sidecar?: Partial<DocumentMeta>) => Promise<LoadResult>;

/** `cv.pdf.ocr-corrected.json` holds a person's text for `cv.pdf`; it is not a source itself. */
export function isCorrection(path: string): boolean {
  return path.toLowerCase().endsWith(OCR_CORRECTION_SUFFIX) && path.length > OCR_CORRECTION_SUFFIX.length;
}

export function correctionPathFor(docPath: string): string {
  return docPath + OCR_CORRECTION_SUFFIX;
}

/** A correction sidecar, validated: a broken one stops its document, as a broken `.meta.json` does. */
export function parseCorrection(bytes: Buffer, relPath: string): OcrCorrection {
  let raw: unknown;
  try {
    raw = JSON.parse(nfc(bytes.toString('utf8')));
  } catch (err) {
    throw new LoadError('UNREADABLE', relPath, `${relPath}: the OCR correction is not valid JSON (${(err as Error).message}). / Tệp hiệu đính không hợp lệ.`, { cause: err });
  }
  const parsed = OcrCorrection.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new LoadError('UNREADABLE', relPath, `${relPath}: invalid OCR correction: ${issues}. / Tệp hiệu đính không hợp lệ.`);
  }
  return parsed.data;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Load a source with its correction (the sidecar's bytes, or null). A correction made for these
 * bytes replaces OCR: its text is indexed and metadata and tasks are read from it, and the
 * document records that a person corrected it. One made for other bytes (a new scan saved
 * under the same name) is set aside with a warning, and the file is read as usual.
 */
export async function loadWithCorrection(load: Load, file: SourceFile, sidecar: Partial<DocumentMeta> | undefined, correctionBytes: Buffer | null): Promise<LoadResult> {
  const hash = sha256(file.bytes);
  const where = correctionPathFor(file.relPath);
  const correction = correctionBytes ? parseCorrection(correctionBytes, where) : null;
  if (correction && correction.sha256 === hash) return corrected(file, sidecar, correction, hash);
  const result = await load(file, sidecar);
  const warnings = correction
    ? [...result.warnings, `the OCR correction saved on ${correction.correctedAt.slice(0, 10)} was made for another version of the file (a new scan?): set aside, the file is read by OCR; correct it again on the admin page if needed. / Bản hiệu đính thuộc phiên bản khác của tệp nên không được dùng.`]
    : result.warnings;
  return { ...result, documents: result.documents.map((d) => withScanRecord(d, hash)), warnings };
}

/** A scanned document keeps the hash of its file and its text by page (what the admin page corrects). */
function withScanRecord(doc: OfficialDocument, hash: string): OfficialDocument {
  if (!doc.ocr) return doc;
  return { ...doc, ocr: { ...doc.ocr, sha256: hash, text: pagesOf(doc.text, doc.pageStarts) } };
}

function corrected(file: SourceFile, sidecar: Partial<DocumentMeta> | undefined, c: OcrCorrection, hash: string): LoadResult {
  const { text, pageStarts } = joinPages(c.pages);
  if (!/[\p{L}\p{N}]/u.test(text)) {
    throw new LoadError('EMPTY', file.relPath, `${file.relPath}: the corrected text is empty. / Văn bản hiệu đính để trống.`);
  }
  const ocr = { ...c.ocr, sha256: hash, text: pagesOf(text, pageStarts), corrected: { at: c.correctedAt, by: 'admin' as const } };
  const doc = buildDocument({ text, sourcePath: file.relPath, overrides: { ocr, ...sidecar }, pageStarts });
  // A link given by a sidecar is checked as the loaders check it (ingest/urls.ts).
  const link = keepLink(doc.url, 'document', 'url');
  if (link.url === undefined) delete doc.url;
  else doc.url = link.url;
  const warnings = [`text corrected by a person on ${c.correctedAt.slice(0, 10)}: indexed instead of the OCR reading`, ...(link.warning ? [link.warning] : [])];
  return { documents: [doc], procedures: [], references: [], warnings };
}
