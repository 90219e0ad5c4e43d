// The admin path end to end over the real backend: upload a catalogue file over HTTP, run an
// ingest (a real child process), and see the new procedure answered without a restart.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createAdminBackend } from '../../server/admin-backend.js';
import { ingestInChild, openAssistant, type Assistant } from '../../service.js';
import { buildApp } from '../../server/http/app.js';
import { createFeedbackStore, createUnansweredLog } from '../../server/http/stores.js';
import { projectRoot, TEST_TODAY } from '../helpers/engine.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'admin-token-for-tests-0123456789';
// A made-up procedure, a test fixture only: its code does not exist in the national catalogue.
const FIXTURE = {
  format: 'tthc-catalogue/v1',
  procedures: [
    {
      code: '9.999998',
      name: 'Thủ tục thử nghiệm cấp giấy xác nhận nuôi chim bồ câu',
      level: ['Cấp xã'],
      papers: [{ case: null, kind: 'submit', papers: [{ name: 'Tờ khai thử nghiệm', copies: '1 bản chính' }] }],
      channels: [{ channel: 'in-person', time: '2 ngày làm việc', fee: 'Miễn phí' }],
    },
  ],
};

describe('admin upload → ingest → new answer (real backend)', () => {
  let dir: string;
  let assistant: Assistant;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-admin-'));
    const dataDir = path.join(dir, 'data');
    cpSync(path.join(projectRoot, 'data'), dataDir, { recursive: true });
    const indexDir = path.join(dir, 'index');
    assistant = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [dataDir], now: () => TEST_TODAY });
    app = await buildApp({
      engine: assistant.engine,
      isReady: () => assistant.live.current() !== null,
      widgetOrigins: [],
      feedback: createFeedbackStore({}),
      unanswered: createUnansweredLog({ size: 10 }),
      adminToken: TOKEN,
      admin: createAdminBackend({
        store: assistant.store,
        live: assistant.live,
        ingest: ingestInChild({ indexDir, paths: [dataDir], baseDir: projectRoot, embedder: { kind: 'hashing' } }, { maxMemoryMb: 1024, fileTimeoutMs: 60_000, timeoutMs: 120_000 }),
        uploadDir: path.join(dataDir, 'uploads'),
        baseDir: projectRoot,
      }),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the uploaded procedure after the ingest run, while answering throughout', async () => {
    const q = { question: 'thủ tục cấp giấy xác nhận nuôi chim bồ câu' };
    const before = await (await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(q) })).json();
    expect(before.procedure?.code).not.toBe('9.999998');

    const form = new FormData();
    form.append('file', new Blob([JSON.stringify(FIXTURE)], { type: 'application/json' }), 'bo-cau.json');
    const up = await fetch(`${base}/admin/documents`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    expect(up.status).toBeLessThan(300);

    // A DOCX that is a zip but not a document: the run reports it, by name, with the reason.
    const broken = new FormData();
    broken.append('file', new Blob([Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)])]), 'hong.docx');
    expect((await fetch(`${base}/admin/documents`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: broken })).status).toBe(201);

    const started = await fetch(`${base}/admin/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    let job: Record<string, any> = {};
    await waitFor(
      async () => {
        // The service keeps answering from the previous version while the run goes on.
        const during = await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'làm giấy khai sinh cần gì' }) });
        expect(during.status).toBe(200);
        job = (await (await fetch(`${base}/admin/ingest/${jobId}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Record<string, any>;
        return job.status !== 'running';
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the ingest job to end', detail: () => JSON.stringify(job) },
    );
    expect(job.status).toBe('succeeded');
    // The run's phases reach the job, and its summary names files, never where they lie.
    expect(job.progress).toEqual({ phase: 'done', done: 1, total: 1 });
    expect(job.summary).toMatchObject({ published: true, added: expect.arrayContaining(['bo-cau.json']), failed: [{ file: 'hong.docx', code: 'UNREADABLE' }] });
    expect(job.summary.failed[0].reason).toMatch(/^hong\.docx: not a readable DOCX file .* Tệp DOCX bị hỏng/);
    expect(JSON.stringify(job)).not.toContain(dir);
    expect(JSON.stringify(job)).not.toMatch(/uploads\//);
    const after = await (await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(q) })).json();
    expect(after.found).toBe(true);
    expect(after.procedure.code).toBe('9.999998');

    const docs = (await (await fetch(`${base}/admin/documents`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { documents: Array<{ id: string; file: string; status: string; removable: boolean; error?: string }> };
    expect(docs.documents.some((d) => d.file === 'bo-cau.json' && d.status === 'indexed')).toBe(true);
    // Only uploads are offered for removal; the bundled documents and catalogue are not.
    expect(docs.documents.filter((d) => d.removable).map((d) => d.file).sort()).toEqual(['bo-cau.json', 'hong.docx']);
    expect(docs.documents.find((d) => d.file === 'procedures.json')).toMatchObject({ kind: 'catalogue', removable: false });
    expect(docs.documents.find((d) => d.file === 'hong.docx')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^UNREADABLE: hong\.docx: /) });
    expect(JSON.stringify(docs)).not.toContain(dir);
    expect(JSON.stringify(docs)).not.toMatch(/(data|uploads|documents|catalogue)\//);
    const bundled = docs.documents.find((d) => d.file === '2458-UBND-SNV-2023.vi.md')!;
    const refused = await fetch(`${base}/admin/documents/${encodeURIComponent(bundled.id)}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(refused.status).toBe(404);
  }, 120_000);

  it('refuses an uploaded DOCX zip bomb with its reason and publishes the file uploaded beside it', async () => {
    // A 100 MB document.xml in the real DOCX fixture: about 360 KB on the wire.
    const zip = await JSZip.loadAsync(readFileSync(path.join(projectRoot, 'test/fixtures/documents/dispatch.docx')));
    const para = '<w:p><w:r><w:t>Ủy ban nhân dân thành phố Hà Nội đề nghị các sở, ban, ngành thực hiện.</w:t></w:r></w:p>';
    zip.file('word/document.xml', para.repeat(Math.ceil((100 * 1024 * 1024) / Buffer.byteLength(para))), { compression: 'DEFLATE', compressionOptions: { level: 9 } });
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const upload = async (name: string, bytes: Uint8Array<ArrayBuffer> | string) => {
      const form = new FormData();
      form.append('file', new Blob([bytes]), name);
      return (await fetch(`${base}/admin/documents`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form })).status;
    };
    expect(await upload('bom.docx', new Uint8Array(bomb))).toBe(201);
    const sparrow = { ...FIXTURE, procedures: [{ ...FIXTURE.procedures[0]!, code: '9.999984', name: 'Thủ tục thử nghiệm cấp giấy xác nhận nuôi chim sáo' }] };
    expect(await upload('chim-sao.json', JSON.stringify(sparrow))).toBe(201);

    const { jobId } = (await (await fetch(`${base}/admin/ingest`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { jobId: string };
    let job: Record<string, any> = {};
    await waitFor(
      async () => {
        job = (await (await fetch(`${base}/admin/ingest/${jobId}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Record<string, any>;
        return job.status !== 'running';
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the ingest job to end', detail: () => JSON.stringify(job) },
    );
    expect(job.status).toBe('succeeded');
    expect(job.summary).toMatchObject({ published: true, added: ['chim-sao.json'] });
    expect(job.summary.failed).toContainEqual({ file: 'bom.docx', code: 'TOO_LARGE', reason: 'bom.docx: the archive unpacks to 100 MB (at most 50 MB); refused as a possible zip bomb. / Tệp DOCX giải nén ra 100 MB (tối đa 50 MB); nghi là "bom nén", không đọc.' });
    const after = await (await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'thủ tục cấp giấy xác nhận nuôi chim sáo' }) })).json();
    expect(after.procedure?.code).toBe('9.999984');
    const docs = (await (await fetch(`${base}/admin/documents`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { documents: Array<{ file: string; status: string; error?: string }> };
    expect(docs.documents.find((d) => d.file === 'bom.docx')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^TOO_LARGE: bom\.docx: the archive unpacks to 100 MB/) });
  }, 120_000);
});
