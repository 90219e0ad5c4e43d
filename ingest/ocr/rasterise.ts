// PDF pages → greyscale PNGs for OCR, one page at a time (a long scan never sits in memory whole).
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OCR_PACKAGES, OcrUnavailableError } from './tesseract.js';

export interface RasteriseOptions {
  bin: string; // pdftoppm
  dpi: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Render page `page` (1-based) of `pdf` into `dir`; the PNG's path. */
export async function rasterisePage(pdf: string, page: number, dir: string, o: RasteriseOptions): Promise<string> {
  const prefix = join(dir, `p${page}`);
  await new Promise<void>((resolve, reject) => {
    execFile(
      o.bin,
      ['-r', String(o.dpi), '-gray', '-png', '-f', String(page), '-l', String(page), pdf, prefix],
      { timeout: o.timeoutMs, ...(o.signal ? { signal: o.signal } : {}) },
      (err, _out, stderr) => {
        if (!err) return resolve();
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new OcrUnavailableError(`pdftoppm is not installed (apt-get install poppler-utils ${OCR_PACKAGES}).`, { cause: err }));
        }
        reject(new Error(`pdftoppm failed on page ${page}: ${String(stderr).trim() || err.message}`, { cause: err }));
      },
    );
  });
  // pdftoppm pads the page number to the width of the page count ("p7-07.png").
  const name = (await readdir(dir)).find((n) => n.startsWith(`p${page}-`) && n.endsWith('.png'));
  if (!name) throw new Error(`pdftoppm wrote no image for page ${page}`);
  return join(dir, name);
}
