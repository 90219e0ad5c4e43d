// OCR of one file, page by page: rasterise (PDFs) → tesseract → reading order, pages in parallel
// up to the cores and the memory budget, each page cached by content, the whole file within a
// time budget so a 100-page scan cannot hold the ingest lock for ever.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OcrCache, createOcrCache, pageKey } from './cache.js';
import { type OcrPageText, pageText, parseTsv } from './layout.js';
import { rasterisePage } from './rasterise.js';
import { runTesseract } from './tesseract.js';

export interface OcrProgress {
  file: string;
  page: number;
  pages: number;
  done: number;
  cached: boolean;
}

export interface OcrOptions {
  tesseract?: string;
  pdftoppm?: string;
  lang?: string;
  /** 300 dpi: tesseract's models are trained near it; a 150-dpi scan is upsampled to it. */
  dpi?: number;
  /** Pages read at once; default: the cores, and no more than the memory budget allows. */
  concurrency?: number;
  /** Memory for the tesseract processes of one file, MB (a 300-dpi A4 page takes ~200 MB). */
  memoryMb?: number;
  /** The whole file's reading time. Pages read before it ran out stay cached. */
  fileBudgetMs?: number;
  pageTimeoutMs?: number;
  cache?: OcrCache;
  onProgress?: (p: OcrProgress) => void;
}

/** A file's pages read by OCR, in page order (1-based). */
export type OcrPages = Array<OcrPageText & { page: number }>;

/** The file could not be read within its time budget; what was read is cached for the next run. */
export class OcrBudgetError extends Error {
  override readonly name = 'OcrBudgetError';
  readonly code = 'OCR_BUDGET';
}

export interface OcrReader {
  /** Pages `pages` of a PDF (rasterised first). */
  readPdf(relPath: string, bytes: Buffer, pages: number[]): Promise<OcrPages>;
  /** An image (PNG, JPEG, TIFF: every frame of a multi-page TIFF). */
  readImage(relPath: string, bytes: Buffer, ext: string): Promise<OcrPages>;
}

const PER_PAGE_MB = 200;
/** Bump when what tesseract is asked changes (not the layout or repair: they run on the cached TSV). */
const SETTINGS_VERSION = 'tsv-1';

/** Pages a reader reads at once: as given, else the cores, and no more than the memory budget allows. */
export function ocrConcurrency(o: Pick<OcrOptions, 'concurrency' | 'memoryMb'> = {}): number {
  return Math.max(1, o.concurrency ?? Math.min(availableParallelism(), Math.floor((o.memoryMb ?? 1024) / PER_PAGE_MB)));
}

export function createOcrReader(o: OcrOptions = {}): OcrReader {
  const tesseract = o.tesseract ?? 'tesseract';
  const pdftoppm = o.pdftoppm ?? 'pdftoppm';
  const lang = o.lang ?? 'vie';
  const dpi = o.dpi ?? 300;
  const concurrency = ocrConcurrency(o);
  const fileBudgetMs = o.fileBudgetMs ?? 10 * 60_000;
  const pageTimeoutMs = o.pageTimeoutMs ?? 120_000;
  const cache = o.cache ?? createOcrCache(null);
  const settings = `${SETTINGS_VERSION}|${lang}|${dpi}`;

  /** Run `work` over `items`, `concurrency` at a time, stopping everything when the budget is spent. */
  async function withBudget<T, R>(relPath: string, items: T[], work: (item: T, signal: AbortSignal) => Promise<R>): Promise<R[]> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new OcrBudgetError('budget')), fileBudgetMs);
    const out: R[] = new Array(items.length);
    let next = 0;
    let done = 0;
    try {
      const lane = async () => {
        while (next < items.length) {
          controller.signal.throwIfAborted();
          const i = next++;
          out[i] = await work(items[i]!, controller.signal);
          done++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
      return out;
    } catch (err) {
      if (controller.signal.aborted && controller.signal.reason instanceof OcrBudgetError) {
        throw new OcrBudgetError(
          `${relPath}: OCR read ${done} of ${items.length} pages within its budget of ${Math.round(fileBudgetMs / 1000)} s; ` +
            'the pages read are kept, run the ingestion again to go on. / Hết thời gian nhận dạng; chạy lại để đọc tiếp.',
          { cause: err },
        );
      }
      controller.abort(); // one page failed: stop the others
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  const hashOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  return {
    async readPdf(relPath, bytes, pages) {
      const hash = hashOf(bytes);
      const dir = await mkdtemp(join(tmpdir(), 'ingest-ocr-'));
      try {
        const pdf = join(dir, 'in.pdf');
        await writeFile(pdf, bytes);
        let done = 0;
        return await withBudget(relPath, pages, async (page, signal) => {
          const key = pageKey(hash, page, settings);
          let tsv = await cache.get(key);
          const cached = tsv !== undefined;
          if (tsv === undefined) {
            const png = await rasterisePage(pdf, page, dir, { bin: pdftoppm, dpi, timeoutMs: pageTimeoutMs, signal });
            tsv = await runTesseract(png, { bin: tesseract, lang, timeoutMs: pageTimeoutMs, signal });
            await rm(png, { force: true });
            await cache.set(key, tsv);
          }
          o.onProgress?.({ file: relPath, page, pages: pages.length, done: ++done, cached });
          return { ...pageText([...parseTsv(tsv).values()].flat()), page };
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async readImage(relPath, bytes, ext) {
      const key = pageKey(hashOf(bytes), 0, settings);
      let tsv = await cache.get(key);
      const cached = tsv !== undefined;
      if (tsv === undefined) {
        const dir = await mkdtemp(join(tmpdir(), 'ingest-ocr-'));
        try {
          const image = join(dir, `in${ext}`);
          await writeFile(image, bytes);
          // One tesseract call reads every frame of a TIFF; the TSV numbers them.
          [tsv] = await withBudget(relPath, [image], (img, signal) => runTesseract(img, { bin: tesseract, lang, timeoutMs: fileBudgetMs, signal }));
          await cache.set(key, tsv!);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      const pages = [...parseTsv(tsv!).entries()].sort((a, b) => a[0] - b[0]);
      o.onProgress?.({ file: relPath, page: 1, pages: pages.length, done: pages.length, cached });
      return pages.map(([page, words]) => ({ ...pageText(words), page }));
    },
  };
}

