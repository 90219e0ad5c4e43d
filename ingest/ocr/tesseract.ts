// Running Debian's tesseract on one page image: TSV out (words, boxes, confidences). Spawned,
// not bound: tesseract.js fetches its traineddata at run time, which fails on an offline host.
import { childEnv } from '../child-env.js';
import { execFile } from 'node:child_process';

export const OCR_PACKAGES = 'tesseract-ocr tesseract-ocr-vie';

/** Tesseract is missing, or its Vietnamese model is: the operator must install packages. */
export class OcrUnavailableError extends Error {
  override readonly name = 'OcrUnavailableError';
  readonly code = 'OCR_UNAVAILABLE';
}

export interface TesseractOptions {
  /** The binary (a name on PATH or a path). */
  bin: string;
  lang: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The TSV of one image. */
export function runTesseract(image: string, o: TesseractOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      o.bin,
      [image, '-', '-l', o.lang, '--psm', '3', 'tsv'],
      // One thread per process: pages run in parallel instead (OpenMP threads would oversubscribe).
      { timeout: o.timeoutMs, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8', env: childEnv({ OMP_THREAD_LIMIT: '1' }), ...(o.signal ? { signal: o.signal } : {}) },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new OcrUnavailableError(`tesseract is not installed (apt-get install ${OCR_PACKAGES}).`, { cause: err }));
        }
        if (/Failed loading language|Error opening data file/i.test(stderr)) {
          return reject(new OcrUnavailableError(`tesseract has no "${o.lang}" model (apt-get install ${OCR_PACKAGES}).`, { cause: err }));
        }
        reject(new Error(`tesseract failed: ${stderr.trim().split('\n').at(-1) || err.message}`, { cause: err }));
      },
    );
  });
}
