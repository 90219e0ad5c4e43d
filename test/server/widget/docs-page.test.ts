// /docs in a real Chromium: the OpenAPI UI loads with nothing fetched from outside this server,
// shows the operations (admin ones with their lock), and fits a 360 px phone.
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminBackend } from '../../../server/http/admin.js';
import { buildTestApp } from '../http/setup.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts/widget');
const backend: AdminBackend = { saveUpload: async (name) => ({ name, path: `uploads/${name}` }), startIngest: () => ({ jobId: 'j' }), ingestJob: () => undefined, listDocuments: async () => [], removeDocument: async () => false };

let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium); CI installs it.`);
  mkdirSync(SHOTS, { recursive: true });
  app = await buildTestApp({ admin: backend, adminToken: 'docs-page-token-0123456789' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openDocs(options: BrowserContextOptions): Promise<{ page: Page; outside: string[]; problems: string[] }> {
  // The admin's view (the admin operations are in the document only for the admin token).
  const context = await browser.newContext({ ...options, extraHTTPHeaders: { authorization: 'Bearer docs-page-token-0123456789' } });
  const page = await context.newPage();
  const outside: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => !r.url().startsWith(base) && !r.url().startsWith('data:') && outside.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/docs`);
  await page.locator('.opblock').first().waitFor();
  return { page, outside, problems };
}

describe('/docs', () => {
  it('shows the operations from the spec, offline, under the app’s CSP', async () => {
    const { page, outside, problems } = await openDocs({ viewport: { width: 1366, height: 768 } });
    expect(await page.locator('.info .title').textContent()).toContain('Trợ lý thủ tục hành chính Hà Nội — API');
    // The UI reads the whole document: no error box (it refuses, for one, a non-default jsonSchemaDialect).
    expect(await page.locator('.errors-wrapper').count()).toBe(0);
    const paths = await page.locator('.opblock-summary-path').allTextContents();
    expect(paths.map((p) => p.replace(/\u200b/g, ''))).toEqual(expect.arrayContaining(['/api/ask', '/api/search', '/admin/documents', '/admin/ingest/{id}']));
    // The admin scheme is there: the "Authorize" button and a lock on admin operations.
    expect(await page.locator('.auth-wrapper .authorize').count()).toBe(1);
    expect(await page.locator('.opblock:has(.opblock-summary-path[data-path="/admin/documents"]) .authorization__btn').count()).toBeGreaterThan(0);
    // An operation opens with its example request.
    await page.locator('.opblock-post:has(.opblock-summary-path[data-path="/api/ask"]) .opblock-summary').first().click();
    await expect.poll(() => page.locator('.opblock-post.is-open').first().textContent()).toContain('Làm giấy khai sinh cần gì?');
    await page.screenshot({ path: `${SHOTS}/11-docs-1366.png` });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('fits a 360 px phone: no horizontal scroll of the page', async () => {
    const { page, outside } = await openDocs({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    expect(await page.evaluate(() => window.innerWidth)).toBe(360);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await page.locator('.opblock-post:has(.opblock-summary-path[data-path="/api/ask"]) .opblock-summary').first().click();
    await page.locator('.opblock-post.is-open').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await page.screenshot({ path: `${SHOTS}/11-docs-360.png` });
    expect(outside).toEqual([]);
    await page.context().close();
  });
});
