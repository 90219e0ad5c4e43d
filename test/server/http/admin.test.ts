// The admin surface: present only when configured, Bearer-token protected, careful with uploads.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminBackend, IngestJobView } from '../../../server/http/admin.js';
import { tokenMatches } from '../../../server/http/admin.js';
import { ingestBusy } from '../../../server/http/errors.js';
import { createFeedbackStore, createUnansweredLog } from '../../../server/http/stores.js';
import { sanitiseUploadName } from '../../../server/http/upload.js';
import { buildTestApp } from './setup.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/documents');
const TOKEN = 'admin-token-for-tests-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

/** A small real backend over a folder: uploads are files, documents are those files. */
function folderBackend(dir: string): AdminBackend & { finish(id: string): void } {
  const jobs = new Map<string, IngestJobView>();
  let running: string | undefined;
  return {
    async saveUpload(name, bytes) {
      const file = path.join(dir, name);
      await writeFile(file, bytes);
      return { name, path: file };
    },
    startIngest() {
      if (running) throw ingestBusy();
      const id = `job-${jobs.size + 1}`;
      jobs.set(id, { id, status: 'running', startedAt: new Date(0).toISOString() });
      running = id;
      return { jobId: id };
    },
    finish(id) {
      const job = jobs.get(id);
      if (job) jobs.set(id, { ...job, status: 'succeeded', finishedAt: new Date(1000).toISOString(), summary: { documents: 1 } });
      running = undefined;
    },
    ingestJob: (id) => jobs.get(id),
    async listDocuments() {
      return (await readdir(dir)).map((name) => ({ id: name, title: name, kind: 'document' as const, file: name, removable: true, status: 'pending' as const }));
    },
    async removeDocument(id) {
      return unlink(path.join(dir, path.basename(id))).then(() => true, () => false);
    },
  };
}

function multipart(filename: string, bytes: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----admin-test-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...auth },
  };
}

let dir: string;
let backend: ReturnType<typeof folderBackend>;
let app: FastifyInstance;
const feedback = createFeedbackStore();
const unanswered = createUnansweredLog({ size: 10 });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'admin-uploads-'));
  backend = folderBackend(dir);
  app = await buildTestApp({ admin: backend, adminToken: TOKEN, uploadLimitBytes: 200 * 1024, feedback, unanswered });
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const upload = (filename: string, bytes: Buffer) => app.inject({ method: 'POST', url: '/admin/documents', ...multipart(filename, bytes) });

describe('admin configuration', () => {
  it('has no admin routes without a token, but still serves the page', async () => {
    const plain = await buildTestApp({ admin: folderBackend(dir) });
    const res = await plain.inject({ url: '/admin/documents', headers: auth });
    const page = await plain.inject({ url: '/admin' });
    await plain.close();
    expect(res.statusCode).toBe(404);
    expect(page.statusCode).toBe(200);
  });
});

describe('admin authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['a token prefix', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
  ])('refuses %s with 401 JSON', async (_name, headers) => {
    const res = await app.inject({ url: '/admin/documents', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 'UNAUTHORIZED', message: 'Cần mã truy cập quản trị hợp lệ.' });
  });

  it('compares tokens whatever their length', () => {
    expect(tokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(tokenMatches('Bearer x', TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
  });
});

describe('POST /admin/documents', () => {
  it('accepts a real PDF and a real DOCX', async () => {
    const pdf = await upload('Công văn 2458 (bản ký).pdf', await readFile(path.join(FIXTURES, 'dispatch-chromium.pdf')));
    expect(pdf.statusCode).toBe(201);
    expect(pdf.json().name).toBe('Công văn 2458 _bản ký_.pdf');
    const docx = await upload('ke-hoach.docx', await readFile(path.join(FIXTURES, 'dispatch.docx')));
    expect(docx.statusCode).toBe(201);
    expect((await readdir(dir)).sort()).toEqual(['Công văn 2458 _bản ký_.pdf', 'ke-hoach.docx']);
  });

  it('accepts Word 97 (.doc), OpenDocument (.odt) and RTF files as offices send them', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'admin-legacy-'));
    try {
      const profile = pathToFileURL(path.join(work, 'profile')).href;
      for (const filter of ['doc:MS Word 97', 'odt:writer8', 'rtf:Rich Text Format']) {
        execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', filter, '--outdir', work, path.join(FIXTURES, 'dispatch.docx')], { stdio: 'ignore' });
      }
      for (const ext of ['doc', 'odt', 'rtf']) {
        const res = await upload(`cong-van-999.${ext}`, await readFile(path.join(work, `dispatch.${ext}`)));
        expect(res.statusCode, ext).toBe(201);
        expect(await readdir(dir)).toContain(`cong-van-999.${ext}`);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it.each([
    ['a path', '../x.pdf', Buffer.from('%PDF-1.4 x')],
    ['a nested path', 'a/b.txt', Buffer.from('hello')],
    ['a hidden file', '.env.txt', Buffer.from('hello')],
    ['an executable', 'setup.exe', Buffer.from('MZ')],
    ['a fake PDF', 'report.pdf', Buffer.from('<html>not a pdf</html>')],
    ['a DOCX that is not a zip', 'plan.docx', Buffer.from('just text')],
    ['binary text', 'notes.txt', Buffer.from([0x68, 0x00, 0x69])],
    ['a .doc that is neither Word 97 nor RTF', 'cv.doc', Buffer.from('<html>not a doc</html>')],
    ['an .odt that is not a zip', 'cv.odt', Buffer.from('just text')],
    ['an .rtf that is not RTF', 'cv.rtf', Buffer.from('just text')],
  ])('refuses %s', async (_name, filename, bytes) => {
    const res = await upload(filename, bytes);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('UPLOAD_REJECTED');
    expect(res.json().message).toMatch(/^Tệp không được chấp nhận: /);
    expect(await readdir(dir)).not.toContain(path.basename(filename));
  });

  it('refuses a file over the size limit with 413', async () => {
    const res = await upload('big.txt', Buffer.alloc(300 * 1024, 'a'));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('UPLOAD_TOO_LARGE');
  });

  it('refuses a request without multipart', async () => {
    const res = await app.inject({ method: 'POST', url: '/admin/documents', payload: { file: 'x' }, headers: auth });
    expect(res.statusCode).toBe(415);
  });
});

describe('ingest jobs and documents', () => {
  it('starts one ingest at a time and reports the job', async () => {
    const started = await app.inject({ method: 'POST', url: '/admin/ingest', headers: auth });
    expect(started.statusCode).toBe(202);
    const { jobId } = started.json() as { jobId: string };
    const busy = await app.inject({ method: 'POST', url: '/admin/ingest', headers: auth });
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('INGEST_BUSY');
    expect((await app.inject({ url: `/admin/ingest/${jobId}`, headers: auth })).json().status).toBe('running');
    backend.finish(jobId);
    expect((await app.inject({ url: `/admin/ingest/${jobId}`, headers: auth })).json()).toMatchObject({ status: 'succeeded', summary: { documents: 1 } });
    expect((await app.inject({ url: '/admin/ingest/job-404', headers: auth })).statusCode).toBe(404);
  });

  it('lists and removes documents', async () => {
    await writeFile(path.join(dir, 'remove-me.txt'), 'x');
    const list = await app.inject({ url: '/admin/documents', headers: auth });
    expect(list.json().documents.map((d: { id: string }) => d.id)).toContain('remove-me.txt');
    const removed = await app.inject({ method: 'DELETE', url: '/admin/documents/remove-me.txt', headers: auth });
    expect(removed.json()).toEqual({ removed: true, id: 'remove-me.txt' });
    expect((await app.inject({ method: 'DELETE', url: '/admin/documents/remove-me.txt', headers: auth })).statusCode).toBe(404);
  });

  it('shows unanswered questions and feedback', async () => {
    await app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'Câu hỏi không có trong dữ liệu' } });
    await app.inject({ method: 'POST', url: '/api/feedback', payload: { answerId: 'a-9', helpful: true } });
    const questions = (await app.inject({ url: '/admin/unanswered', headers: auth })).json().questions;
    expect(questions[0]).toMatchObject({ question: 'Câu hỏi không có trong dữ liệu', count: 1 });
    const fb = (await app.inject({ url: '/admin/feedback', headers: auth })).json();
    expect(fb).toMatchObject({ total: 1, helpful: 1, notHelpful: 0 });
    expect(fb.recent[0]).toMatchObject({ answerId: 'a-9', helpful: true });
  });
});

describe('feedback and unanswered questions across a restart', () => {
  it('keeps totals, questions and dates in STATE_DIR files', async () => {
    const state = await mkdtemp(path.join(os.tmpdir(), 'admin-state-'));
    const stores = () => ({
      feedback: createFeedbackStore({ file: path.join(state, 'feedback.jsonl') }),
      unanswered: createUnansweredLog({ size: 10, file: path.join(state, 'unanswered.jsonl') }),
    });
    const first = await buildTestApp({ admin: backend, adminToken: TOKEN, ...stores() });
    const asked = (await first.inject({ method: 'POST', url: '/api/ask', payload: { question: 'làm giấy khai sinh cần gì' } })).json() as { id: string };
    await first.inject({ method: 'POST', url: '/api/feedback', payload: { answerId: asked.id, helpful: false, comment: 'Thiếu lệ phí' } });
    await first.inject({ method: 'POST', url: '/api/ask', payload: { question: 'Câu hỏi không có trong dữ liệu' } });
    await first.inject({ method: 'POST', url: '/api/ask', payload: { question: 'Câu hỏi không có trong dữ liệu' } });
    await first.close();
    // The unanswered log appends in the background (asking never waits for the disk).
    await expect.poll(() => readFile(path.join(state, 'unanswered.jsonl'), 'utf8').then((t) => t.split('\n').filter(Boolean).length, () => 0)).toBe(2);

    const second = await buildTestApp({ admin: backend, adminToken: TOKEN, ...stores() });
    const fb = (await second.inject({ url: '/admin/feedback', headers: auth })).json();
    const questions = (await second.inject({ url: '/admin/unanswered', headers: auth })).json().questions;
    await second.close();
    await rm(state, { recursive: true, force: true });
    expect(fb).toMatchObject({ total: 1, helpful: 0, notHelpful: 1 });
    expect(fb.recent[0]).toMatchObject({ answerId: asked.id, question: 'làm giấy khai sinh cần gì', helpful: false, comment: 'Thiếu lệ phí' });
    expect(questions).toEqual([{ question: 'Câu hỏi không có trong dữ liệu', language: 'vi', at: expect.any(String), count: 2 }]);
  });

  it('reads a log whose last line was cut by a crash', async () => {
    const state = await mkdtemp(path.join(os.tmpdir(), 'admin-state-'));
    const file = path.join(state, 'unanswered.jsonl');
    await writeFile(file, `${JSON.stringify({ question: 'hỏi một', language: 'vi', at: '2026-11-27T03:00:00.000Z' })}\n{"question":"hỏi h`);
    const log = createUnansweredLog({ size: 10, file });
    log.record('hỏi hai', 'vi');
    expect(log.list().map((e) => e.question)).toEqual(['hỏi hai', 'hỏi một']);
    await rm(state, { recursive: true, force: true });
  });
});

describe('sanitiseUploadName', () => {
  it('keeps Vietnamese letters and refuses control characters', () => {
    expect(sanitiseUploadName('Quyết định số 1.pdf')).toEqual({ ok: true, name: 'Quyết định số 1.pdf' });
    expect(sanitiseUploadName('a\u0000b.pdf').ok).toBe(false);
    expect(sanitiseUploadName('..').ok).toBe(false);
    expect(sanitiseUploadName('C:\\x.pdf').ok).toBe(false);
  });
});
