// Issue 13.5, part 2: an upload that redefines a procedure the bundled data already has (here the
// curated birth registration, 1.001193) does not silently replace its portal link and facts. The
// run reports it, the admin page lists it, the bundled record is served until the admin confirms
// the upload's version, and the confirmation (kept under STATE_DIR) survives re-ingestion, for
// that version of the upload only. Real backend, real child-process ingests, real HTTP.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminBackend } from '../../server/admin-backend.js';
import { buildApp } from '../../server/http/app.js';
import { createFeedbackStore, createUnansweredLog } from '../../server/http/stores.js';
import { createFileConfirmationStore, uploadPrecedence } from '../../server/redefinitions.js';
import { ingestInChild, openAssistant, type Assistant } from '../../service.js';
import { projectRoot, TEST_TODAY } from '../helpers/engine.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const BUNDLED_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7';
// A well-formed portal link that is not the birth registration's page: what a mistaken or hostile upload would give.
const UPLOAD_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/00000000-0000-4000-8000-000000000001';
const LATER_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/00000000-0000-4000-8000-000000000002';
const csv = (url: string) =>
  'code,name,url,channels\n' + `1.001193,Thủ tục đăng ký khai sinh,${url},in-person: 1 ngày làm việc; 500.000 đồng\n`;
const QUESTION = { question: 'làm giấy khai sinh cần gì' };

describe('an upload that redefines a bundled procedure', () => {
  let dir: string;
  let dataDir: string;
  let stateFile: string;
  let assistant: Assistant;
  let app: FastifyInstance;
  let base: string;
  const auth = { authorization: `Bearer ${TOKEN}` };

  const precedenceFor = () => uploadPrecedence({ uploadDir: path.join(dataDir, 'uploads'), baseDir: projectRoot, confirmations: createFileConfirmationStore(stateFile) });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-redefine-'));
    dataDir = path.join(dir, 'data');
    cpSync(path.join(projectRoot, 'data'), dataDir, { recursive: true });
    stateFile = path.join(dir, 'state', 'confirmed-redefinitions.json');
    const indexDir = path.join(dir, 'index');
    const confirmations = createFileConfirmationStore(stateFile);
    const precedence = uploadPrecedence({ uploadDir: path.join(dataDir, 'uploads'), baseDir: projectRoot, confirmations });
    assistant = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [dataDir], now: () => TEST_TODAY, precedence });
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
        confirmations,
      }),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ask = async () => (await (await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(QUESTION) })).json()) as Record<string, any>;
  async function upload(name: string, content: string): Promise<void> {
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'text/csv' }), name);
    const res = await fetch(`${base}/admin/documents`, { method: 'POST', headers: auth, body: form });
    expect(res.status).toBe(201);
  }
  async function ingest(): Promise<Record<string, any>> {
    const started = await fetch(`${base}/admin/ingest`, { method: 'POST', headers: auth });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    let job: Record<string, any> = {};
    await waitFor(
      async () => {
        job = (await (await fetch(`${base}/admin/ingest/${jobId}`, { headers: auth })).json()) as Record<string, any>;
        return job.status !== 'running';
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the ingest job to end', detail: () => JSON.stringify(job) },
    );
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    return job;
  }
  const listed = async () => ((await (await fetch(`${base}/admin/redefinitions`, { headers: auth })).json()) as { redefinitions: Array<Record<string, any>> }).redefinitions;

  it('is reported, keeps the bundled link and facts until confirmed, then serves the confirmed version across re-ingestion', async () => {
    expect((await ask()).procedure).toMatchObject({ code: '1.001193', url: BUNDLED_URL });

    await upload('khai-sinh.csv', csv(UPLOAD_URL));
    const job = await ingest();
    // The run's summary reports the redefinition, naming the file only.
    expect(job.summary.added).toEqual(['khai-sinh.csv']);
    expect(job.summary.redefinitions).toEqual([
      {
        code: '1.001193',
        name: 'Thủ tục đăng ký khai sinh',
        file: 'khai-sinh.csv',
        fingerprint: expect.any(String),
        bundledUrl: BUNDLED_URL,
        uploadUrl: UPLOAD_URL,
        changed: expect.arrayContaining(['url', 'channels']),
        status: 'pending',
      },
    ]);
    expect(JSON.stringify(job.summary.redefinitions)).not.toContain(dir);

    // Every channel reads the same answer: the bundled link and fee stay.
    const held = await ask();
    expect(held.procedure.url).toBe(BUNDLED_URL);
    expect(JSON.stringify(held)).not.toContain(UPLOAD_URL);
    expect(JSON.stringify(held.procedure.channels)).not.toContain('500.000');

    // The admin page's list; a confirmation must name the version shown.
    const [pending] = await listed();
    expect(pending).toMatchObject({ code: '1.001193', file: 'khai-sinh.csv', status: 'pending' });
    const wrong = await fetch(`${base}/admin/redefinitions/confirm`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ code: '1.001193', file: 'khai-sinh.csv', fingerprint: 'not-this-version' }),
    });
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { code: string }).code).toBe('REDEFINITION_NOT_FOUND');
    const anonymous = await fetch(`${base}/admin/redefinitions/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: '1.001193', file: 'khai-sinh.csv', fingerprint: pending!.fingerprint }) });
    expect(anonymous.status).toBe(401);
    expect((await ask()).procedure.url).toBe(BUNDLED_URL);

    const ok = await fetch(`${base}/admin/redefinitions/confirm`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ code: '1.001193', file: 'khai-sinh.csv', fingerprint: pending!.fingerprint }),
    });
    expect(ok.status).toBe(200);
    const confirmed = await ask();
    expect(confirmed.procedure.url).toBe(UPLOAD_URL);
    expect(JSON.stringify(confirmed.procedure.channels)).toContain('500.000');
    expect((await listed()).map((r) => r.status)).toEqual(['confirmed']);

    // Re-ingestion from scratch (a new index) and a restart (the store read again from STATE_DIR): still confirmed.
    const rebuilt = await openAssistant({ indexDir: path.join(dir, 'index-rebuilt'), embedder: { kind: 'hashing' }, ingestPaths: [dataDir], baseDir: projectRoot, now: () => TEST_TODAY, precedence: precedenceFor() });
    expect(rebuilt.built?.published).toBe(true);
    expect((await rebuilt.engine.ask(QUESTION)).procedure?.url).toBe(UPLOAD_URL);

    // The upload changed after the confirmation: reported again, and the bundled record is back.
    await upload('khai-sinh.csv', csv(LATER_URL));
    const again = await ingest();
    expect(again.summary.updated).toEqual(['khai-sinh.csv']);
    expect(again.summary.redefinitions).toEqual([expect.objectContaining({ code: '1.001193', uploadUrl: LATER_URL, status: 'pending' })]);
    expect((await ask()).procedure.url).toBe(BUNDLED_URL);
  }, 180_000);
});
