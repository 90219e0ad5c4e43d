// A scanned dispatch served as `npm start` wires it, over real HTTP on loopback: a deadline
// answer cites the page of the scan and links it (and the link opens the PDF), the admin page's
// list says how sure the reading is, and an admin's correction of the text is refused without
// the token, changes the answer once saved, and survives the next ingest run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import type { AskResponse } from '../../domain/contract.js';
import { OCR_CORRECTION_SUFFIX } from '../../domain/records.js';
import { allowedUrls } from '../../server/answer/links.js';
import { createService, type Service } from '../../service.js';
import { dispatchHtml, scanOf } from '../ingest/ocr/scans.js';
import { waitFor } from '../helpers/wait.js';

const SLOW = 240_000;
const TOKEN = 'scan-admin-token-0123456789';
const DOC = '3107-ubnd-kstthc-2026';
let dir: string;
let scan: string;
let service: Service;
let base: string;

const admin = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

async function ask(question: string): Promise<AskResponse> {
  const res = await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
  expect(res.status).toBe(200);
  return (await res.json()) as AskResponse;
}

async function finished(jobId: string): Promise<Record<string, any>> {
  let job: Record<string, any> = {};
  await waitFor(async () => {
    job = await (await fetch(`${base}/admin/ingest/${jobId}`, { headers: admin() })).json();
    return job.status !== 'running';
  }, 120_000);
  return job;
}

beforeAll(async () => {
  for (const bin of ['tesseract', 'pdftoppm']) execFileSync('sh', ['-c', `command -v ${bin}`]);
  dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-scan-citations-'));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  scan = path.join(data, 'cv-3107.pdf');
  writeFileSync(scan, scanOf(dispatchHtml({ stamp: true, skew: 0.6 }), dir, 'scan', 150));
  const config = loadConfig(
    { LOG_LEVEL: 'silent', INDEX_DIR: path.join(dir, 'index'), STATE_DIR: path.join(dir, 'state'), DATA_DIR: data, ADMIN_TOKEN: TOKEN },
    dir,
  );
  service = await createService(config);
  await service.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(service.app.server.address() as AddressInfo).port}`;
}, SLOW);

afterAll(async () => {
  await service?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a citation of a scanned dispatch', () => {
  it('names the page of the scan the deadline is on and links it, and the link opens the PDF', async () => {
    const r = await ask('Văn phòng UBND Thành phố có hạn chót nào?');
    const task = r.tasks?.find((t) => t.deadline.date === '2027-01-15');
    expect(task, JSON.stringify(r.tasks?.map((t) => t.deadline))).toBeDefined();
    expect(task!.citation).toMatchObject({
      title: expect.stringContaining('(bản quét, nhận dạng tự động)'),
      page: 2,
      source: `/api/documents/${DOC}/source#page=2`,
      url: `${base}/api/documents/${DOC}/source#page=2`,
    });
    expect(r.answer).toMatch(/\[3107\/UBND-KSTTHC, mục 4, tr\. 2\]/);
    // A link an answer shows is one the answer vouches for, absolute like every other.
    expect(allowedUrls(r).has(task!.citation.url!)).toBe(true);

    const file = await fetch(task!.citation.url!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toMatch(/^inline; filename="cv-3107.pdf"/);
    expect(Buffer.from(await file.arrayBuffer()).equals(readFileSync(scan))).toBe(true);
  }, SLOW);

  it('serves only indexed documents, found by id, never a path', async () => {
    for (const id of ['no-such-document', '..%2F..%2Fconfig.ts', '..%2Fdata%2Fcv-3107.pdf', '%2Fetc%2Fpasswd']) {
      const res = await fetch(`${base}/api/documents/${id}/source`);
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('DOCUMENT_NOT_FOUND');
    }
    expect((await fetch(`${base}/api/documents/${DOC}/../../config.ts`)).status).toBe(404);
  });
});

describe('the admin page and a scan', () => {
  it('lists the scan with how sure the reading is, to the admin only', async () => {
    expect((await fetch(`${base}/admin/documents`)).status).toBe(401);
    const list = (await (await fetch(`${base}/admin/documents`, { headers: admin() })).json()) as { documents: Array<Record<string, any>> };
    const doc = list.documents.find((d) => d.id === DOC);
    expect(doc?.scan).toMatchObject({ pages: [1, 2], lowConfidencePages: [], uncertain: [], editable: true });
    expect(doc!.scan.confidence).toBeGreaterThan(80);
    expect(doc!.scan.correctedAt).toBeUndefined();
  });

  it('shows it on the admin page ("bản quét · độ tin cậy …") and opens its text by page to correct', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      await page.goto(`${base}/admin`);
      await page.locator('#token').fill(TOKEN);
      await page.locator('#login-form button').click();
      const row = page.locator('#documents tr', { hasText: '3107/UBND-KSTTHC' });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/bản quét · độ tin cậy \d+ %/);
      await row.getByRole('button', { name: /Hiệu đính/ }).click();
      await page.locator('#scan-page-2').waitFor();
      expect(await page.locator('#scan-editor textarea').count()).toBe(2);
      expect(await page.locator('#scan-page-1').inputValue()).toContain('30/11/2026');
      expect(await page.locator('#scan-editor a').first().getAttribute('href')).toBe(`/api/documents/${DOC}/source#page=1`);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, SLOW);

  it('refuses a correction without the admin token, and writes nothing', async () => {
    const body = JSON.stringify({ pages: ['Sở Nội vụ hoàn thành trước ngày 01/01/2030.', ''] });
    for (const headers of [{}, admin('wrong-token-0123456789abcdef')]) {
      const res = await fetch(`${base}/admin/documents/${DOC}/text`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body });
      expect(res.status).toBe(401);
    }
    expect((await fetch(`${base}/admin/documents/${DOC}/text`)).status).toBe(401);
    expect(existsSync(scan + OCR_CORRECTION_SUFFIX)).toBe(false);
  });

  it('indexes a correction of the text: the answer shows the corrected deadline, also after the next ingest run', async () => {
    const before = await ask('Sở Nội vụ có hạn chót nào?');
    expect(before.tasks?.some((t) => t.deadline.date === '2026-11-30')).toBe(true);

    const text = (await (await fetch(`${base}/admin/documents/${DOC}/text`, { headers: admin() })).json()) as { pages: Array<{ page: number; text: string }> };
    expect(text.pages.map((p) => p.page)).toEqual([1, 2]);
    expect(text.pages[0]!.text).toContain('30/11/2026');
    const pages = text.pages.map((p) => p.text.replace('30/11/2026', '05/12/2026'));

    const wrong = await fetch(`${base}/admin/documents/${DOC}/text`, { method: 'PUT', headers: { 'content-type': 'application/json', ...admin() }, body: JSON.stringify({ pages: [pages[0]] }) });
    expect(wrong.status).toBe(400);

    const saved = await fetch(`${base}/admin/documents/${DOC}/text`, { method: 'PUT', headers: { 'content-type': 'application/json', ...admin() }, body: JSON.stringify({ pages }) });
    expect(saved.status).toBe(200);
    const { jobId } = (await saved.json()) as { jobId?: string };
    expect(jobId).toBeDefined();
    expect(existsSync(scan + OCR_CORRECTION_SUFFIX)).toBe(true);
    expect((await finished(jobId!)).status).toBe('succeeded');

    const after = await ask('Sở Nội vụ có hạn chót nào?');
    const task = after.tasks?.find((t) => t.citation.section === '1');
    expect(task?.deadline.date).toBe('2026-12-05');
    expect(task?.citation.title).toContain('(bản quét, đã được hiệu đính)');
    expect(after.answer).toContain('05/12/2026');
    expect(after.answer).not.toContain('30/11/2026');
    const list = (await (await fetch(`${base}/admin/documents`, { headers: admin() })).json()) as { documents: Array<Record<string, any>> };
    expect(list.documents.find((d) => d.id === DOC)?.scan.correctedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // The next run keeps it (a rebuild from nothing does too: test/ingest/ocr/corrections.test.ts).
    const again = (await (await fetch(`${base}/admin/ingest`, { method: 'POST', headers: admin() })).json()) as { jobId: string };
    expect((await finished(again.jobId)).status).toBe('succeeded');
    expect((await ask('Sở Nội vụ có hạn chót nào?')).tasks?.find((t) => t.citation.section === '1')?.deadline.date).toBe('2026-12-05');
  }, SLOW);
});
