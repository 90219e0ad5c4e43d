// OCR of scans as an ingestion path: the one entry the loaders use. A scan's pages → repaired
// text in reading order, plus the provenance every OCR'd document records.
import type { OcrProvenance } from '../../domain/records.js';
import { LoadError } from '../loaders/types.js';
import { type Lexicon, loadBundledLexicon } from './lexicon.js';
import { createOcrReader, OcrBudgetError, type OcrOptions, type OcrPages, type OcrReader } from './reader.js';
import { repairOcrText } from './repair.js';
import { OCR_PACKAGES, OcrUnavailableError } from './tesseract.js';

export { createOcrCache, DEFAULT_OCR_CACHE, indexOcrCacheDir, type OcrCache } from './cache.js';
export { createOcrReader, OcrBudgetError, ocrConcurrency, type OcrOptions, type OcrProgress, type OcrReader } from './reader.js';
export { OCR_PACKAGES, OcrUnavailableError } from './tesseract.js';

/** Pages below this mean confidence are listed for a person to check. */
export const LOW_CONFIDENCE = 75;

export interface OcrText {
  /** Per page read, the repaired text. */
  pages: Array<{ page: number; text: string }>;
  ocr: OcrProvenance;
  warnings: string[];
}

export interface ScanReader {
  readPdf(relPath: string, bytes: Buffer, pages: number[]): Promise<OcrText>;
  readImage(relPath: string, bytes: Buffer, ext: string): Promise<OcrText>;
}

export interface ScanReaderOptions extends OcrOptions {
  reader?: OcrReader;
  lexicon?: Lexicon;
}

/** OCR, then repair, then provenance; OCR's own failures leave as LoadErrors naming the file. */
export function createScanReader(o: ScanReaderOptions = {}): ScanReader {
  const reader = o.reader ?? createOcrReader(o);
  let lexicon = o.lexicon; // read on the first scan: most runs have none
  const finish = (relPath: string, read: OcrPages): OcrText => {
    lexicon ??= loadBundledLexicon();
    const uncertain: string[] = [];
    const pages = read.map((p) => {
      const r = repairOcrText(p.text, lexicon!);
      uncertain.push(...r.uncertain);
      return { page: p.page, text: r.text };
    });
    const words = read.reduce((n, p) => n + p.words, 0);
    const confidence = words ? read.reduce((s, p) => s + p.confidence * p.words, 0) / words : 0;
    const low = read.filter((p) => p.confidence < LOW_CONFIDENCE).map((p) => p.page);
    const warnings = [`read by OCR (${read.length} page${read.length === 1 ? '' : 's'}, mean confidence ${confidence.toFixed(0)} %)`];
    if (low.length) warnings.push(`OCR confidence below ${LOW_CONFIDENCE} % on page ${low.join(', ')}: check the text`);
    if (uncertain.length) warnings.push(`OCR could not read for sure: ${uncertain.join('; ')}`);
    return {
      pages,
      ocr: { engine: `tesseract (${o.lang ?? 'vie'})`, pages: read.map((p) => p.page), confidence: Math.round(confidence * 10) / 10, lowConfidencePages: low, uncertain },
      warnings,
    };
  };
  const guard = async <T>(relPath: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof OcrUnavailableError) {
        throw new LoadError('OCR_UNAVAILABLE', relPath,
          `${relPath}: a scan (no text layer) and ${err.message} Install: apt-get install ${OCR_PACKAGES} / Tệp là bản quét; hãy cài ${OCR_PACKAGES} để nhận dạng chữ.`, { cause: err });
      }
      if (err instanceof OcrBudgetError) throw new LoadError('UNREADABLE', relPath, err.message, { cause: err });
      throw new LoadError('UNREADABLE', relPath, `${relPath}: OCR failed (${(err as Error).message}).`, { cause: err });
    }
  };
  return {
    readPdf: (relPath, bytes, pages) => guard(relPath, async () => finish(relPath, await reader.readPdf(relPath, bytes, pages))),
    readImage: (relPath, bytes, ext) => guard(relPath, async () => finish(relPath, await reader.readImage(relPath, bytes, ext))),
  };
}
