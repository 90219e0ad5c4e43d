// The admin's ingest runs within a budget (a real child process: heap limit, time per file): a
// file that drives the run out of memory or never finishes is quarantined, the same job runs
// again without it and publishes what was uploaded beside it, and later runs skip it (reporting
// it) until it changes or is removed. The hostile files are made here.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileQuarantine, quarantineFile } from '../../ingest/index.js';
import { createAdminBackend, type IngestRunSummary } from '../../server/admin-backend.js';
import { ingestInChild, openAssistant, type Assistant, type IngestBudget } from '../../service.js';
import type { IngestJobView } from '../../server/http/admin.js';
import { waitFor } from '../helpers/wait.js';
import { copyData, projectRoot, tempDir, TODAY } from './helpers.js';

let dir: string;
let src: string;
let indexDir: string;
let assistant: Assistant;

/** A made-up procedure (a test fixture: its code is not in the national catalogue). */
const catalogue = (code: string, name: string) =>
  JSON.stringify({
    format: 'tthc-catalogue/v1',
    procedures: [{ code, name, level: ['Cấp xã'], papers: [{ case: null, kind: 'submit', papers: [{ name: 'Tờ khai thử nghiệm', copies: '1 bản chính' }] }], channels: [{ channel: 'in-person', time: '2 ngày làm việc', fee: 'Miễn phí' }] }],
  });

/** ~12 MB of numbered Vietnamese items: harmless in a roomy heap, more than a 192 MB one holds once chunked. */
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

function backend(budget: IngestBudget) {
  return createAdminBackend({
    store: assistant.store,
    live: assistant.live,
    ingest: ingestInChild({ indexDir, paths: [src], baseDir: dir, embedder: { kind: 'hashing' } }, budget),
    uploadDir: path.join(src, 'uploads'),
    baseDir: dir,
    quarantine: createFileQuarantine(quarantineFile(indexDir)),
  });
}

async function runJob(admin: ReturnType<typeof backend>): Promise<IngestJobView> {
  const { jobId } = await admin.startIngest();
  let job: IngestJobView | undefined;
  await waitFor(async () => (job = await admin.ingestJob(jobId))?.status !== 'running', { timeoutMs: 150_000, intervalMs: 100, what: 'the ingest job to end', detail: () => JSON.stringify(job) });
  return job!;
}

const failedOf = (job: IngestJobView) => (job.summary as IngestRunSummary | undefined)?.failed ?? [];
const quarantined = async () => (await createFileQuarantine(quarantineFile(indexDir)).list()).map((e) => `${e.source} ${e.code}`);
const answers = async (question: string) => (await assistant.engine.ask({ question })).procedure?.code;

beforeAll(async () => {
  dir = await tempDir('budget');
  src = await copyData(dir);
  indexDir = path.join(dir, 'index');
  await mkdir(path.join(src, 'uploads'), { recursive: true });
  assistant = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [src], baseDir: dir, now: () => TODAY });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('an admin ingest that runs out of memory on a file', () => {
  const admin = () => backend({ maxMemoryMb: 192, fileTimeoutMs: 300_000, timeoutMs: 600_000 });

  it('quarantines the file, publishes the file beside it in the same job, and skips it until it changes', async () => {
    await writeFile(path.join(src, 'uploads', 'rat-lon.md'), hog());
    await writeFile(path.join(src, 'uploads', 'chim-cau.json'), catalogue('9.999981', 'Thủ tục thử nghiệm cấp giấy xác nhận nuôi chim bồ câu đưa thư'));

    const job = await runJob(admin());
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.summary).toMatchObject({ published: true, added: ['chim-cau.json'], failed: [{ file: 'rat-lon.md', code: 'MEMORY_BUDGET' }] });
    expect(failedOf(job)[0]!.reason).toMatch(/^rat-lon\.md: reading this file took the ingest over its memory budget \(192 MB\); it is quarantined .* \/ Đọc tệp này .*giới hạn bộ nhớ \(192 MB\): tệp bị cách ly/);
    expect(await quarantined()).toEqual(['data/uploads/rat-lon.md MEMORY_BUDGET']);
    expect(await answers('thủ tục cấp giấy xác nhận nuôi chim bồ câu đưa thư')).toBe('9.999981');
    const docs = await admin().listDocuments();
    expect(docs.find((d) => d.file === 'rat-lon.md')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^MEMORY_BUDGET: rat-lon\.md: /) });

    // The next run does not read it again: it is reported, and the run does not die.
    await writeFile(path.join(src, 'uploads', 'chim-se.json'), catalogue('9.999982', 'Thủ tục thử nghiệm cấp giấy xác nhận nuôi chim sẻ cảnh'));
    const next = await runJob(admin());
    expect(next.status, JSON.stringify(next)).toBe('succeeded');
    expect(next.summary).toMatchObject({ published: true, added: ['chim-se.json'], failed: [{ file: 'rat-lon.md', code: 'MEMORY_BUDGET' }] });

    // Changed (here: cut down to a real document), it is read again and released.
    await writeFile(path.join(src, 'uploads', 'rat-lon.md'), '---\nid: tai-lieu-da-sua\ntitle: Tài liệu đã sửa (test fixture)\nyear: 2026\nlanguage: vi\n---\n\n1. Các phường, xã báo cáo kết quả trước ngày 15/12/2026.\n');
    const fixed = await runJob(admin());
    expect(fixed.summary).toMatchObject({ published: true, added: ['rat-lon.md'], failed: [] });
    expect(await quarantined()).toEqual([]);
  }, 300_000);
});

describe('an admin ingest whose loader never finishes a file', () => {
  // The child preloads a mammoth that never returns: every DOCX hangs, as on a hostile file.
  const admin = () => backend({ maxMemoryMb: 1024, fileTimeoutMs: 5000, timeoutMs: 600_000, nodeArgs: ['--import', path.join(projectRoot, 'test/reliability/fixtures/stalled-docx-loader.ts')] });

  it('kills the run after the time budget of one file, quarantines that file, and releases it once removed', async () => {
    await copyFile(path.join(projectRoot, 'test/fixtures/documents/dispatch.docx'), path.join(src, 'uploads', 'treo.docx'));
    await writeFile(path.join(src, 'uploads', 'chim-yen.json'), catalogue('9.999983', 'Thủ tục thử nghiệm cấp giấy xác nhận nuôi chim yến trong nhà'));

    const job = await runJob(admin());
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.summary).toMatchObject({ published: true, added: ['chim-yen.json'], failed: [{ file: 'treo.docx', code: 'TIME_BUDGET' }] });
    expect(failedOf(job)[0]!.reason).toMatch(/^treo\.docx: reading this file took longer than 5 s, the time budget of one file; .* \/ Đọc tệp này quá 5 giây/);
    expect(await quarantined()).toEqual(['data/uploads/treo.docx TIME_BUDGET']);
    expect(await answers('thủ tục cấp giấy xác nhận nuôi chim yến trong nhà')).toBe('9.999983');
    // The killed child's lock was recovered: nothing is left holding the index.
    expect(await readFile(path.join(indexDir, 'ingest.lock')).then(() => true, () => false)).toBe(false);

    await rm(path.join(src, 'uploads', 'treo.docx'));
    const after = await runJob(admin());
    expect(after.status).toBe('succeeded');
    expect(failedOf(after)).toEqual([]);
    expect(await quarantined()).toEqual([]);
  }, 300_000);
});

describe('an admin ingest that outlasts the time budget of a whole run', () => {
  it('is stopped, says so with the file it was on, quarantines nothing, and leaves the index served', async () => {
    const admin = backend({ maxMemoryMb: 1024, fileTimeoutMs: 600_000, timeoutMs: 8000, nodeArgs: ['--import', path.join(projectRoot, 'test/reliability/fixtures/stalled-docx-loader.ts')] });
    const served = assistant.live.version();
    await copyFile(path.join(projectRoot, 'test/fixtures/documents/dispatch.docx'), path.join(src, 'uploads', 'cham.docx'));
    const job = await runJob(admin);
    expect(job.status).toBe('failed');
    expect(job.error).toBe('The ingest took longer than its time budget (8 s) and was stopped while reading cham.docx; the index was left as it was. / Lần nạp dữ liệu vượt quá thời gian cho phép (8 giây) nên đã dừng; chỉ mục giữ nguyên.');
    // One slow file among many is not proof against it: only the per-file budget quarantines.
    expect(await quarantined()).toEqual([]);
    expect(assistant.live.version()).toBe(served);
    await rm(path.join(src, 'uploads', 'cham.docx'));
  }, 120_000);
});
