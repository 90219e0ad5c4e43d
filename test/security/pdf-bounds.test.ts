// Issue 13.6: a 16 MB PDF of 100,000 pages was parsed for more than 10 minutes while it held the
// ingest lock. A PDF over PDF_MAX_PAGES is now refused (TOO_LARGE) from its page count, before
// any page is read, and reading one file's text stops at its time budget (TIME_BUDGET), in the
// in-process pipeline too: the file is reported as failed with the reason, the rest is published
// and the lock is free for the next run. The hostile PDFs are made here, in memory.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddings, createFileIndexStore, runIngest } from '../../ingest/index.js';
import { createPdfExtractor, PDF_MAX_PAGES } from '../../ingest/loaders/pdf.js';
import { tempDir } from '../reliability/helpers.js';
import { manyPagePdf } from './hostile-pdf.js';

let dir: string;
const hundredThousandPages = manyPagePdf(100_000);

beforeAll(async () => {
  dir = await tempDir('pdf-bounds');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const file = (name: string, bytes: Buffer) => ({ path: path.join(dir, name), relPath: name, bytes });

describe('a PDF with more pages than a file may have', () => {
  it('is refused from its page count, naming the limit in English and Vietnamese', async () => {
    const extract = createPdfExtractor({ ocr: null });
    const started = Date.now();
    const refused = await extract(file('100k-trang.pdf', hundredThousandPages)).then(() => null, (e: unknown) => e);
    console.info(`100,000-page PDF (${(hundredThousandPages.length / 2 ** 20).toFixed(1)} MiB) refused in ${((Date.now() - started) / 1000).toFixed(1)} s, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
    expect(refused).toMatchObject({ name: 'LoadError', code: 'TOO_LARGE' });
    expect((refused as Error).message).toContain(`100000 pages, more than the ${PDF_MAX_PAGES}`);
    expect((refused as Error).message).toContain(`vượt quá giới hạn ${PDF_MAX_PAGES} trang`);
  }, 60_000);

  it('at the limit is read as before', async () => {
    const read = await createPdfExtractor({ ocr: null, maxPages: 20 })(file('hai-muoi-trang.pdf', manyPagePdf(20)));
    expect(read.text.match(/Trang thu nghiem dong 1/g)).toHaveLength(20);
  });
});

describe('a PDF whose text takes longer than the time budget of one file', () => {
  it('is refused between pages once the budget is spent', async () => {
    // 480 pages of 40 lines take pdf.js about half a second here; a 50 ms budget is spent long before.
    const extract = createPdfExtractor({ ocr: null, fileTimeoutMs: 50 });
    const refused = await extract(file('cham.pdf', manyPagePdf(480, 40))).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ name: 'LoadError', code: 'TIME_BUDGET' });
    expect((refused as Error).message).toContain('giới hạn cho mỗi tệp');
  }, 30_000);
});

describe('an in-process ingest given the 100,000-page PDF', () => {
  it('reports it as failed, publishes the file beside it, and leaves the lock free', async () => {
    const src = path.join(dir, 'data');
    await mkdir(src, { recursive: true });
    await writeFile(path.join(src, '100k-trang.pdf'), hundredThousandPages);
    await writeFile(path.join(src, 'cong-van.md'), '---\nid: cong-van-thu\ntitle: Công văn thử nghiệm\nyear: 2026\nlanguage: vi\n---\n\nCác phường báo cáo kết quả trước ngày 15/12/2026.\n');
    const store = createFileIndexStore(path.join(dir, 'index'));
    const embedder = await createEmbeddings({ kind: 'hashing' });

    const started = Date.now();
    const summary = await runIngest({ store, embedder, paths: [src], baseDir: dir });
    console.info(`in-process ingest with the 100,000-page PDF: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(summary.exitCode).toBe(2);
    expect(summary.failed.map((f) => `${path.basename(f.source)} ${f.code}`)).toEqual(['100k-trang.pdf TOO_LARGE']);
    expect(summary.added.map((s) => path.basename(s))).toEqual(['cong-van.md']);
    expect(summary.published).toBe(true);

    // The next run takes the lock (no IndexBusyError) and has nothing new to publish.
    const again = await runIngest({ store, embedder, paths: [src], baseDir: dir });
    expect(again.unchanged).toBe(1);
  }, 120_000);
});
