// The admin page's redefinitions in a real Chromium: an upload that redefines a bundled
// procedure is listed with both links (as text), the run summary says it waits for
// confirmation, and the confirm control sends the version shown, only after the admin agrees.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminBackend, IngestJobView, RedefinitionView } from '../../../server/http/admin.js';
import { buildTestApp } from '../http/setup.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const TOKEN = 'page-test-token-abcdef';
const BUNDLED_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7';
const UPLOAD_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/00000000-0000-4000-8000-000000000001';

let redefinition: RedefinitionView = {
  code: '1.001193',
  name: 'Thủ tục đăng ký khai sinh',
  file: 'khai-sinh.csv',
  fingerprint: 'f00dfeed12345678',
  bundledUrl: BUNDLED_URL,
  uploadUrl: UPLOAD_URL,
  changed: ['url', 'channels'],
  status: 'pending',
};
const confirmed: Array<{ code: string; file: string; fingerprint: string }> = [];
const job: IngestJobView = {
  id: 'job-1',
  status: 'succeeded',
  startedAt: '2026-11-27T03:00:00Z',
  finishedAt: '2026-11-27T03:01:00Z',
  summary: { published: true, added: ['khai-sinh.csv'], updated: [], unchanged: 9, removed: [], failed: [], documents: 5, procedures: 120, redefinitions: [redefinition] },
};
const backend: AdminBackend = {
  saveUpload: async (name) => ({ name, path: `uploads/${name}` }),
  startIngest: () => ({ jobId: 'job-1' }),
  ingestJob: (id) => (id === 'job-1' ? job : undefined),
  listDocuments: async () => [],
  removeDocument: async () => false,
  listRedefinitions: async () => [redefinition],
  async confirmRedefinition(which) {
    if (which.fingerprint !== redefinition.fingerprint) return false;
    confirmed.push(which);
    redefinition = { ...redefinition, status: 'confirmed' };
    return true;
  },
};

let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium); CI installs it.`);
  app = await buildTestApp({ admin: backend, adminToken: TOKEN });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('admin page: uploads that redefine a bundled procedure', () => {
  it('lists the redefinition, says so after the run, and confirms the version shown only when the admin agrees', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${base}/admin`);
    await page.locator('#token').fill(TOKEN);
    await page.locator('#login-form button').click();
    const row = page.locator('#redefinitions tr').first();
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 7)).toEqual(['1.001193', 'Thủ tục đăng ký khai sinh', 'khai-sinh.csv', BUNDLED_URL, UPLOAD_URL, 'liên kết, cách nộp, thời hạn, phí', 'Chờ xác nhận — đang dùng bản có sẵn']);
    expect(await page.locator('#redefinitions a').count()).toBe(0); // links shown as text, never followed from here
    expect(await page.locator('#redefinitions-totals').textContent()).toBe('1 chờ xác nhận · 0 đã xác nhận');

    // The run's outcome names what waits for confirmation.
    await page.locator('#ingest').click();
    await expect.poll(() => page.locator('#job').textContent()).toContain('1 thủ tục có sẵn bị tệp tải lên định nghĩa lại');
    expect(await page.locator('#job li').allTextContents()).toContain('1.001193 Thủ tục đăng ký khai sinh — khai-sinh.csv');

    // Declining the dialog sends nothing; accepting sends the version shown.
    const button = row.getByRole('button', { name: 'Dùng bản trong tệp khai-sinh.csv cho thủ tục 1.001193' });
    page.once('dialog', (d) => void d.dismiss());
    await button.click();
    expect(confirmed).toEqual([]);
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await button.click();
    await expect.poll(() => page.locator('#redefinitions tr td').nth(6).textContent()).toBe('Đã xác nhận — đang dùng bản tải lên');
    expect(asked).toContain(UPLOAD_URL);
    expect(confirmed).toEqual([{ code: '1.001193', file: 'khai-sinh.csv', fingerprint: 'f00dfeed12345678' }]);
    expect(await page.locator('#status').textContent()).toBe('Đã xác nhận bản tải lên cho thủ tục 1.001193.');
    expect(await page.locator('#redefinitions button').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
