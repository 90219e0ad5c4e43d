// Photos and scans of a document's pages as images (PNG, JPEG, TIFF; a TIFF may hold every
// page): read by OCR, as the scanned pages of a PDF are.
import { extname } from 'node:path';
import { createOcrCache, createScanReader, DEFAULT_OCR_CACHE, type ScanReader } from '../ocr/index.js';
import { joinPages } from './pages.js';
import { LoadError, type TextExtractor } from './types.js';

/** Default reader: OCR cached in DEFAULT_OCR_CACHE; an ingest run gives its own (loaders/index.ts). */
export function createImageExtractor(ocr: ScanReader = createScanReader({ cache: createOcrCache(DEFAULT_OCR_CACHE) })): TextExtractor {
  return async (file) => {
    const read = await ocr.readImage(file.relPath, file.bytes, extname(file.relPath).toLowerCase());
    const { text, pageStarts } = joinPages(read.pages.map((p) => p.text));
    if (!/[\p{L}\p{N}]/u.test(text)) {
      throw new LoadError('EMPTY', file.relPath, `${file.relPath}: OCR found no text in the image. / Không nhận dạng được chữ trong ảnh.`);
    }
    return { text, pageStarts, meta: { ocr: read.ocr }, warnings: read.warnings };
  };
}

export const extractImage: TextExtractor = createImageExtractor();
