// Hardening (issue 13): `npm run ingest` does its work in a child process within the admin runs'
// budget (INGEST_MAX_MEMORY_MB, INGEST_FILE_TIMEOUT_MS, INGEST_TIMEOUT_MS). A file that hangs its
// loader or exhausts the heap is quarantined and reported as failed (exit 2), the rest is
// published, and the CLI's output stays what it was. Before, the CLI ran the work in its own
// process with no limit: the hung file held it (and the ingest lock) for ever, and the heap grew
// to what the machine had. The hostile files are made here.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, tempDir } from '../reliability/helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await tempDir('cli-budget');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  last: () => Record<string, unknown>;
}

/** `npm run dev:ingest -- ARGS` with the environment given (the CLI reads its budget from it). */
function ingest(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'cli/ingest.ts'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, EMBEDDINGS: 'hashing', EMBEDDINGS_DIM: '', LLM_PROVIDER: 'none', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, last: () => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown> }));
  });
}

const dispatch = (id: string, title: string) => `---\nid: ${id}\ntitle: ${title}\nyear: 2026\nlanguage: vi\n---\n\nCác phường, xã báo cáo kết quả thực hiện trước ngày 15/12/2026.\n`;

/** ~12 MB of numbered Vietnamese items: harmless in a roomy heap, more than a 192 MB one holds once chunked (as in ingest-budget.test.ts). */
function hog(): string {
  const words = 'ủy ban nhân dân thành phố hà nội đề nghị các sở ban ngành phường xã thực hiện hồ sơ thủ tục hành chính đăng ký khai sinh kết hôn báo cáo kết quả'.split(' ');
  const items: string[] = ['---', 'id: tai-lieu-rat-lon', 'title: Tài liệu rất lớn (test fixture)', 'year: 2026', 'language: vi', '---', ''];
  for (let i = 1, size = 0; size < 12 * 1024 * 1024; i++) {
    const item = `${i}. ${Array.from({ length: 40 }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' ')} trước ngày ${(i % 28) + 1}/${(i % 12) + 1}/2026.`;
    items.push(item, '');
    size += Buffer.byteLength(item) + 2;
  }
  return items.join('\n');
}

describe('npm run ingest on a file whose loader never finishes', () => {
  it('kills the work after the time budget of one file, reports the file as failed and publishes the rest (exit 2)', async () => {
    const src = path.join(dir, 'treo');
    await mkdir(src, { recursive: true });
    await copyFile(path.join(projectRoot, 'test/fixtures/documents/dispatch.docx'), path.join(src, 'treo.docx'));
    await writeFile(path.join(src, 'cong-van.md'), dispatch('cong-van-thu', 'Công văn thử nghiệm'));
    // Preloaded into every node process of the run: mammoth never returns, as on a hostile DOCX.
    const stalled = path.join(dir, 'stalled-mammoth.mjs');
    await writeFile(stalled, `import { createRequire } from 'node:module';\nconst mammoth = createRequire(${JSON.stringify(path.join(projectRoot, 'package.json'))})('mammoth');\nmammoth.convertToHtml = () => new Promise(() => setInterval(() => undefined, 60_000));\n`);

    const started = Date.now();
    const run = await ingest(['--json', '--index', path.join(dir, 'index-treo'), src], { INGEST_FILE_TIMEOUT_MS: '2000', NODE_OPTIONS: `--import ${stalled}` });
    console.info(`CLI with a hung DOCX: exit ${run.code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(run.code, run.stderr).toBe(2);
    expect(run.last()).toMatchObject({ published: true, exitCode: 2, added: [expect.stringMatching(/cong-van\.md$/)], failed: [{ source: expect.stringMatching(/treo\.docx$/), code: 'TIME_BUDGET' }] });
    expect(run.stderr).toMatch(/FAILED \S*treo\.docx \[TIME_BUDGET\]: .*took longer than 2 s, the time budget of one file.*Đọc tệp này quá 2 giây/);
  }, 90_000);
});

describe('npm run ingest on a file that takes more memory than the budget', () => {
  it('runs out of its heap in the child, not the machine: the file is reported as failed and the rest published', async () => {
    const src = path.join(dir, 'lon');
    await mkdir(src, { recursive: true });
    await writeFile(path.join(src, 'rat-lon.md'), hog());
    await writeFile(path.join(src, 'cong-van.md'), dispatch('cong-van-nho', 'Công văn nhỏ'));

    const started = Date.now();
    const run = await ingest(['--index', path.join(dir, 'index-lon'), src], { INGEST_MAX_MEMORY_MB: '192' });
    console.info(`CLI with a 12 MB file under a 192 MB heap: exit ${run.code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/FAILED \S*rat-lon\.md \[MEMORY_BUDGET\]: .*over its memory budget \(192 MB\)/);
    expect(run.stderr).toMatch(/Published index version \S+ .*\n\s+files: 1 added/);
  }, 240_000);
});

describe('npm run ingest --in-process', () => {
  it('is listed in the help, as the way to run without the child', async () => {
    const run = await ingest(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--in-process/);
  });
});
