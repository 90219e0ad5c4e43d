// A long scan as `npm run ingest` shows it: a line per page OCR reads ("OCR data/cv.pdf: page
// 1/2") on standard error, the same pages as JSON progress events under --json, the pages kept
// under the index folder (not $TMPDIR) so a rebuild reads none again, and a scan read page after
// page not killed as stuck by the per-file time budget of the child process.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../helpers/engine.js';
import { CHROMIUM, dispatchHtml, imageOnlyPdf, pageImages, scanOf } from './scans.js';

const SLOW = 180_000;
const CLI = join(projectRoot, 'cli', 'ingest.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
let work: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run ingest` from `cwd` (the base folder: sources are named from it), settings from `env` only. */
function ingest(cwd: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TMPDIR: join(work, 'tmp'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const jsonLines = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

beforeAll(() => {
  for (const bin of ['tesseract', 'pdftoppm', 'flock']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`]);
    } catch {
      throw new Error(`${bin} is missing: apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils util-linux (.ci/run installs them)`);
    }
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install chromium)`);
  work = mkdtempSync(join(tmpdir(), 'ocr-progress-'));
  mkdirSync(join(work, 'tmp'));
}, SLOW);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run ingest on a scan', () => {
  let root: string;
  let env: Record<string, string>;

  beforeAll(() => {
    root = join(work, 'office');
    mkdirSync(join(root, 'data'), { recursive: true });
    writeFileSync(join(root, 'data', 'cv-3107.pdf'), scanOf(dispatchHtml({ stamp: true, skew: 0.6 }), work, 'scan', 150));
    env = { INDEX_DIR: join(root, 'index'), DATA_DIR: join(root, 'data'), EMBEDDINGS_DIM: '96' };
  }, SLOW);

  it('prints each page OCR reads, and keeps the pages read under the index folder', async () => {
    const run = await ingest(root, [], env);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('OCR '));
    expect(lines).toEqual(['OCR data/cv-3107.pdf: page 1/2', 'OCR data/cv-3107.pdf: page 2/2']);
    expect(run.stderr).toContain('read by OCR (2 pages');

    expect(readdirSync(join(root, 'index', 'ocr-cache')).filter((f) => f.endsWith('.tsv'))).toHaveLength(2);
    expect(existsSync(join(work, 'tmp', 'tthc-ocr-cache'))).toBe(false);
  }, SLOW);

  it('gives the pages as JSON progress events under --json; a rebuild takes them from the index\'s cache', async () => {
    const run = await ingest(root, ['--json', '--rebuild'], env);
    expect(run.code, run.stderr).toBe(0);
    const events = jsonLines(run.stdout);
    const pages = events.filter((e) => e.progress?.ocr).map((e) => e.progress);
    expect(pages).toEqual([
      { phase: 'load', done: 0, total: 1, current: 'data/cv-3107.pdf', ocr: { page: expect.any(Number), pages: 2, done: 1, cached: true } },
      { phase: 'load', done: 0, total: 1, current: 'data/cv-3107.pdf', ocr: { page: expect.any(Number), pages: 2, done: 2, cached: true } },
    ]);
    expect(pages.map((p) => p.ocr.page).sort()).toEqual([1, 2]);
    expect(events.at(-1)).toMatchObject({ published: true, added: ['data/cv-3107.pdf'] });
    // Human lines stay off standard error under --json: the supervisor reads its last line as the error.
    expect(run.stderr).not.toContain('OCR data/');
  }, SLOW);
});

describe('a scan longer than the per-file budget of the child process', () => {
  it('is read to its end while pages keep coming, not quarantined as stuck', async () => {
    const root = join(work, 'long');
    const bin = join(root, 'bin');
    mkdirSync(join(root, 'data'), { recursive: true });
    mkdirSync(bin);
    // Eighteen pages; a tesseract that takes 2 s a page, one page at a time whatever the cores:
    // 36 s in all, past the 30 s a file may take, but never 30 s without a page read. The first
    // page comes after pdf.js starts up, ~10 s on a busy 2-core machine.
    const [jpeg] = pageImages(join(projectRoot, 'test/fixtures/documents/dispatch-chromium.pdf'), root, 40);
    writeFileSync(join(root, 'data', 'long-scan.pdf'), imageOnlyPdf(Array(18).fill(readFileSync(jpeg!)), 40));
    const tsv = join(root, 'page.tsv');
    writeFileSync(tsv, 'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n5\t1\t1\t1\t1\t1\t300\t300\t400\t60\t96\tBáo\n5\t1\t1\t1\t1\t2\t720\t300\t300\t60\t96\tcáo\n');
    writeFileSync(join(bin, 'tesseract'), `#!/bin/sh\nflock ${join(root, 'lock')} sleep 2\ncat ${tsv}\n`);
    chmodSync(join(bin, 'tesseract'), 0o755);

    const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, INDEX_DIR: join(root, 'index'), DATA_DIR: join(root, 'data'), EMBEDDINGS_DIM: '96', INGEST_FILE_TIMEOUT_MS: '30000' };
    const run = await ingest(root, [], env);
    expect(run.stderr).not.toContain('Quarantined');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('OCR '))).toHaveLength(18);
    expect(run.stderr).toContain('1 added');
  }, SLOW);
});
