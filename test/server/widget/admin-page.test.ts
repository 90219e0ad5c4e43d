// The admin page in a real Chromium: it asks for the token, then lists documents, unanswered
// questions and feedback through the Bearer-protected routes, under the app's CSP.
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminBackend, AdminDocumentView, IngestJobView } from '../../../server/http/admin.js';
import { createFeedbackStore, createUnansweredLog } from '../../../server/http/stores.js';
import { buildTestApp } from '../http/setup.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const TOKEN = 'page-test-token-abcdef';
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts/widget');
const AT = new Date('2026-11-27T03:05:00Z'); // 10:05 in Hanoi

const DOCUMENTS: AdminDocumentView[] = [
  { id: 'cv-2458', title: 'Công văn <b>2458</b>/UBND-SNV', number: '2458/UBND-SNV', kind: 'document', file: '2458-UBND-SNV-2023.vi.md', removable: false, status: 'indexed' },
  { id: 'catalogue:procedures.json', title: '120 thủ tục', kind: 'catalogue', file: 'procedures.json', removable: false, status: 'indexed' },
  { id: 'ke-hoach-15', title: 'Kế hoạch 15/KH-UBND về chuyển đổi số năm 2026 của phường Cầu Giấy', number: '15/KH-UBND', kind: 'document', file: 'ke-hoach-15.docx', removable: true, status: 'indexed' },
];

/** A backend whose ingest run the test moves along: running (with a phase), then finished. */
let job: IngestJobView = { id: 'job-1', status: 'running', startedAt: AT.toISOString() };
const backend: AdminBackend = {
  saveUpload: async (name) => ({ name, path: `uploads/${name}` }),
  startIngest: () => ({ jobId: 'job-1' }),
  ingestJob: (id) => (id === 'job-1' ? job : undefined),
  listDocuments: async () => DOCUMENTS,
  removeDocument: async () => true,
};

const feedback = createFeedbackStore({ now: () => AT });
const unanswered = createUnansweredLog({ size: 10, now: () => AT });

let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium); CI installs it.`);
  mkdirSync(SHOTS, { recursive: true });
  feedback.rememberQuestion('answer-7', 'làm hộ chiếu mất bao lâu');
  await feedback.add({ answerId: 'answer-7', helpful: false, comment: 'Thiếu lệ phí' });
  unanswered.record('thủ tục nuôi chim bồ câu', 'vi');
  unanswered.record('thủ tục nuôi chim bồ câu', 'vi');
  app = await buildTestApp({ admin: backend, adminToken: TOKEN, feedback, unanswered });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openPage(width: number, height: number): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/admin`);
  return { page, problems };
}

async function logIn(page: Page): Promise<void> {
  await page.locator('#token').fill(TOKEN);
  await page.locator('#login-form button').click();
  await page.locator('#documents tr').first().waitFor();
  await page.locator('#feedback tr').first().waitFor();
}

describe('admin page', () => {
  it('shows only the login error for a wrong token, never the empty dashboard', async () => {
    const { page, problems } = await openPage(1366, 768);
    await page.locator('#token').fill('wrong');
    await page.locator('#login-form button').click();
    await expect.poll(() => page.locator('#login-error').textContent()).toBe('Cần mã truy cập quản trị hợp lệ.');
    expect(await page.locator('#login-error').isVisible()).toBe(true);
    expect(await page.locator('#app').isVisible()).toBe(false);
    expect(await page.locator('#login').isVisible()).toBe(true);
    await logIn(page);
    expect(await page.locator('#login-error').isVisible()).toBe(false);
    expect(await page.locator('#app').isVisible()).toBe(true);
    // The 401 from the wrong token is expected; nothing else may fail.
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.context().close();
  });

  it('offers removal only for uploads, shows data as text and file names, never paths', async () => {
    const { page } = await openPage(1366, 768);
    await logIn(page);
    expect(await page.locator('#documents tr').first().locator('td').first().textContent()).toBe('Công văn <b>2458</b>/UBND-SNV');
    expect(await page.locator('#documents b').count()).toBe(0);
    const buttons = page.locator('#documents button');
    expect(await buttons.count()).toBe(1);
    expect(await buttons.getAttribute('aria-label')).toBe('Gỡ tài liệu Kế hoạch 15/KH-UBND về chuyển đổi số năm 2026 của phường Cầu Giấy');
    expect(await page.locator('#documents tr').nth(1).textContent()).toContain('Danh mục thủ tục');
    expect(await page.locator('#documents tr').nth(1).textContent()).toContain('Dữ liệu có sẵn');
    await page.context().close();
  });

  it('shows the ingest phase, then the summary with reasons, and clears the "started" banner', async () => {
    job = { id: 'job-1', status: 'running', startedAt: AT.toISOString(), progress: { phase: 'embed', done: 256, total: 1024 } };
    const { page } = await openPage(1366, 768);
    await logIn(page);
    await page.locator('#ingest').click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Đã bắt đầu cập nhật chỉ mục.');
    await expect.poll(() => page.locator('#job').textContent()).toBe('Đang chạy — Tạo vector: 256/1024');
    expect(await page.locator('#ingest').isDisabled()).toBe(true);
    job = {
      ...job,
      status: 'succeeded',
      finishedAt: AT.toISOString(),
      progress: { phase: 'done', done: 1, total: 1 },
      summary: { published: true, added: ['ke-hoach-15.docx'], updated: [], unchanged: 5, removed: [], failed: [{ file: 'hong.docx', code: 'UNREADABLE', reason: 'hong.docx: not a readable DOCX file. / Tệp DOCX bị hỏng hoặc không phải DOCX.' }], documents: 7, procedures: 120 },
    };
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toBe('Đã cập nhật chỉ mục.');
    const text = await page.locator('#job').textContent();
    expect(text).toContain('Hoàn tất lúc 10:05 27/11/2026.');
    expect(text).toContain('Thêm mới: 1 · Cập nhật: 0 · Không đổi: 5 · Đã gỡ: 0 · Lỗi: 1');
    expect(await page.locator('#job li').allTextContents()).toEqual(['hong.docx — hong.docx: not a readable DOCX file. / Tệp DOCX bị hỏng hoặc không phải DOCX.']);
    expect(await page.locator('#ingest').isDisabled()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/10-admin.png`, fullPage: true });
    await page.context().close();
  });

  it('shows the question behind feedback and unanswered questions with readable Vietnamese dates', async () => {
    const { page } = await openPage(1366, 768);
    await logIn(page);
    expect(await page.locator('#feedback tr').first().locator('td').allTextContents()).toEqual(['làm hộ chiếu mất bao lâu', '👎 Chưa hữu ích', 'Thiếu lệ phí', '10:05 27/11/2026']);
    expect(await page.locator('#unanswered tr').first().locator('td').allTextContents()).toEqual(['thủ tục nuôi chim bồ câu', '2', '10:05 27/11/2026']);
    expect(await page.locator('#unanswered-totals').textContent()).toBe('1 câu hỏi · 2 lượt hỏi');
    expect(await page.locator('#feedback-totals').textContent()).toBe('Tổng: 1 · Hữu ích: 0 · Chưa hữu ích: 1');
    await page.screenshot({ path: `${SHOTS}/10-admin-1366.png`, fullPage: true });
    await page.context().close();
  });

  it('is usable at 360 px: a heading, and no horizontal scroll of the page', async () => {
    const { page } = await openPage(360, 740);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await page.locator('h1').isVisible()).toBe(true);
    expect(await overflow()).toBe(0);
    await logIn(page);
    expect(await page.locator('h1').textContent()).toBe('Quản trị dữ liệu');
    expect(await page.locator('h1').isVisible()).toBe(true);
    expect(await overflow()).toBe(0);
    // Each table cell says which column it is, as the header row is not shown on a phone.
    expect(await page.locator('#documents td').first().getAttribute('data-label')).toBe('Tiêu đề');
    await page.screenshot({ path: `${SHOTS}/10-admin-360.png`, fullPage: true });
    await page.context().close();
  });
});
