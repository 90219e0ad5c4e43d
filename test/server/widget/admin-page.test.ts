// The admin page in a real Chromium: it asks for the token, then lists documents, unanswered
// questions and feedback through the Bearer-protected routes, under the app's CSP.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminBackend } from '../../../server/http/admin.js';
import { buildTestApp } from '../http/setup.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const TOKEN = 'page-test-token-abcdef';
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts/widget');

const backend: AdminBackend = {
  saveUpload: async (name) => ({ name, path: `/tmp/${name}` }),
  startIngest: () => ({ jobId: 'job-1' }),
  ingestJob: (id) => (id === 'job-1' ? { id, status: 'succeeded', startedAt: '2026-11-27T03:00:00.000Z', finishedAt: '2026-11-27T03:00:01.000Z' } : undefined),
  listDocuments: async () => [{ id: 'cv-2458', title: 'Công văn <b>2458</b>/UBND-SNV', number: '2458/UBND-SNV', kind: 'document', sourcePath: 'documents/cv.md', status: 'indexed' }],
  removeDocument: async () => true,
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

it('logs in with the token and shows the data as text', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/admin`);
  await page.locator('#token').fill('wrong');
  await page.locator('#login-form button').click();
  await expect.poll(() => page.locator('#status').textContent()).toBe('Cần mã truy cập quản trị hợp lệ.');
  await page.locator('#token').fill(TOKEN);
  await page.locator('#login-form button').click();
  await page.locator('#documents tr').first().waitFor();
  expect(await page.locator('#documents td').first().textContent()).toBe('Công văn <b>2458</b>/UBND-SNV');
  expect(await page.locator('#documents b').count()).toBe(0);
  await page.locator('#ingest').click();
  await expect.poll(() => page.locator('#job').textContent()).toContain('succeeded');
  await page.screenshot({ path: `${SHOTS}/10-admin.png`, fullPage: true });
  // The 401 from the wrong token is expected; nothing else may fail.
  expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  await page.close();
});
