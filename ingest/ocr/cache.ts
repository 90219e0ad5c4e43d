// OCR results by content: tesseract's TSV for each page, keyed by the file's hash, the page and
// the reading settings, so an unchanged scan is never read twice and a scan cut short by its
// time budget resumes where it stopped. The raw TSV is kept, not the text: a better layout
// reader or repair applies to cached pages without reading them again.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OcrCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, tsv: string): Promise<void>;
}

/**
 * Where an ingest run keeps OCR results: in the index folder, beside its versions, so they
 * survive reboots and go wherever the index goes (a copied or restored index reads no scan again).
 */
export function indexOcrCacheDir(indexDir: string): string {
  return join(indexDir, 'ocr-cache');
}

/** Where a loader used outside an ingest run (a test, a tool) keeps them: survives runs, not reboots. */
export const DEFAULT_OCR_CACHE = join(tmpdir(), 'tthc-ocr-cache');

export function pageKey(fileHash: string, page: number, settings: string): string {
  return createHash('sha256').update(`${fileHash}\n${page}\n${settings}`).digest('hex');
}

/** A cache in a folder (`indexOcrCacheDir` in an ingest run); null dir: no cache. */
export function createOcrCache(dir: string | null): OcrCache {
  if (dir === null) return { get: async () => undefined, set: async () => {} };
  return {
    get: (key) => readFile(join(dir, `${key}.tsv`), 'utf8').catch(() => undefined),
    async set(key, tsv) {
      await mkdir(dir, { recursive: true });
      // Written aside, then renamed: a run stopped mid-write leaves no torn page behind.
      const tmp = join(dir, `${key}.${process.pid}.tmp`);
      await writeFile(tmp, tsv);
      await rename(tmp, join(dir, `${key}.tsv`));
    },
  };
}
