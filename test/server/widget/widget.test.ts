// The widget in a real Chromium: the demo page, a question with papers and a portal link,
// hostile input shown as text, keyboard use, an ask-back answered by a chip, a phone screen,
// a reload, and embedding on another origin under a strict CSP. Screenshots of each state go to test-artifacts/widget/.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedbackStore } from '../../../server/http/stores.js';
import type { AnswerEngine, AnswerPart } from '../../../domain/contract.js';
import { askingBackOn } from '../../helpers/ask-back.js';
import { buildTestApp, testEngine } from '../http/setup.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts/widget');
const QUESTION = 'Làm giấy khai sinh cần những giấy tờ gì?';
const HOSTILE = '<img src=x onerror=alert(1)>';
/** The engine asks back on this question with these (real) procedures. */
const ASK_BACK = 'khai sinh';
const CANDIDATES = ['1.001193', '1.004884', '1.000689'];
/** Answered by hand: parts whose text says nothing of what they hold (see `structuredOn`). */
const STRUCTURED = 'giấy tờ khai sinh, câu trả lời viết tay';

/**
 * The real birth-registration answer, rewritten: the text of its papers paragraph names no paper,
 * a plain paragraph names them all, and a quote carries no "[…, mục …]" reference. The widget
 * must place the checklist and the reference by the parts alone.
 */
function structuredOn(engine: AnswerEngine, question: string): AnswerEngine {
  return {
    ...engine,
    async ask(request) {
      if (request.question !== question) return engine.ask(request);
      const real = await engine.ask({ ...request, question: '1.001193' });
      const names = real.procedure!.papers.flatMap((g) => g.papers.map((p) => p.name)).join('; ');
      const parts: AnswerPart[] = [
        { kind: 'fee', text: 'Lệ phí: miễn phí.' },
        { kind: 'papers', text: 'Danh sách ở dưới.' },
        { kind: 'text', text: `Nhắc lại: ${names}` },
        { kind: 'passage', text: '«Đoạn trích của hồ sơ thủ tục»', cites: [real.citations[0]!.id] },
      ];
      return { ...real, question, answer: parts.map((p) => p.text).join('\n\n'), parts };
    },
  };
}

let app: FastifyInstance;
let base: string;
let browser: Browser;
let hostSite: Server;
let hostOrigin: string;
const feedback = createFeedbackStore();

/** Everything a page reports that would mean the widget misbehaves. */
function watch(page: Page): { problems: string[]; dialogs: string[] } {
  const seen = { problems: [] as string[], dialogs: [] as string[] };
  page.on('pageerror', (e) => seen.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') seen.problems.push(`console: ${m.text()} ${m.location().url}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) seen.problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  return seen;
}

const shadow = <T>(page: Page, fn: (root: ShadowRoot) => T): Promise<T> =>
  page.evaluate(`(${fn.toString()})(document.querySelector('[data-tthc-widget]').shadowRoot)`) as Promise<T>;

async function askInWidget(page: Page, question: string): Promise<void> {
  const before = await page.locator('.msg.bot:not(.welcome)').count();
  await page.locator('#tthc-q').fill(question);
  await page.locator('#tthc-q').press('Enter');
  // The answer replaces the "thinking" card; wait until a finished bot message is added.
  await page.locator('.msg.bot:not(.welcome):not([aria-busy])').nth(before).waitFor();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium) to run the widget tests; CI installs it.`);
  }
  await mkdir(SHOTS, { recursive: true });
  // A third-party site on another origin, with its own strict CSP, embedding the widget.
  hostSite = createServer((req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'self'; script-src ${base}; connect-src ${base}; style-src 'self'; img-src 'self' data:`,
    });
    res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trang của phường</title><link rel="icon" href="data:,"></head>
<body><h1>UBND phường — trang thử nhúng</h1><script src="${base}/widget.js" data-lang="vi" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => hostSite.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://localhost:${(hostSite.address() as AddressInfo).port}`;
  const engine = structuredOn(askingBackOn(await testEngine(), ASK_BACK, CANDIDATES), STRUCTURED);
  app = await buildTestApp({ engine, widgetOrigins: [hostOrigin], feedback });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await new Promise((resolve) => (hostSite ? hostSite.close(resolve) : resolve(undefined)));
});

describe('the widget on the demo page', () => {
  it('answers, escapes, is keyboard-usable and survives a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${base}/`);
    const bubble = page.locator('button.bubble');
    await bubble.waitFor();
    await page.screenshot({ path: `${SHOTS}/1-demo-closed.png` });

    await bubble.click();
    await expect.poll(() => shadow(page, (r) => r.activeElement?.id)).toBe('tthc-q');
    expect(await page.locator('[role="dialog"][aria-modal="true"]').isVisible()).toBe(true);
    expect(await page.locator('[role="log"][aria-live="polite"]').count()).toBe(1);
    expect(await page.locator('label[for="tthc-q"]').textContent()).toBe('Câu hỏi của bạn');
    expect(await page.locator('.chip').allTextContents()).toContain('Làm giấy khai sinh cần gì?');
    await page.screenshot({ path: `${SHOTS}/2-open-welcome.png` });

    await askInWidget(page, QUESTION);
    const papers = page.locator('.checklist input[type="checkbox"]');
    expect(await papers.count()).toBeGreaterThanOrEqual(2);
    expect((await page.locator('.paper-name').allTextContents()).some((n) => n.includes('Giấy chứng sinh'))).toBe(true);
    const portal = page.locator('a.portal');
    expect(new URL((await portal.getAttribute('href')) ?? '').hostname).toBe('dichvucong.gov.vn');
    expect(await portal.getAttribute('rel')).toContain('noopener');
    await papers.first().check();
    await page.locator('.cite summary').first().click();
    expect(await page.locator('.cite blockquote').first().isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/3-answer-checklist.png` });

    await page.locator('button[aria-label="Câu trả lời hữu ích"]').click();
    await page.locator('.feedback button.comment-skip').click();
    await expect.poll(() => feedback.totals().helpful).toBe(1);

    // An alternative asks about that procedure by its code.
    const alternative = page.locator('button.alternative').first();
    const code = await alternative.getAttribute('data-code');
    const name = await alternative.textContent();
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/ask/stream') && r.postDataJSON()?.question === code);
    const answersBefore = await page.locator('.msg.bot:not(.welcome)').count();
    await alternative.click();
    await sent;
    await page.locator('.msg.bot:not(.welcome):not([aria-busy])').nth(answersBefore).waitFor();
    expect(await page.locator('.msg.user').last().textContent()).toContain(name);

    await askInWidget(page, HOSTILE);
    expect(await page.locator('.msg.user').last().textContent()).toContain(HOSTILE);
    expect(await shadow(page, (r) => r.querySelectorAll('img').length)).toBe(0);
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(seen.dialogs).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/4-hostile-input.png` });

    await page.keyboard.press('Escape');
    expect(await page.locator('[role="dialog"]').isHidden()).toBe(true);
    expect(await shadow(page, (r) => r.activeElement?.className)).toBe('bubble');
    expect(await bubble.getAttribute('aria-expanded')).toBe('false');

    await page.reload();
    await bubble.click();
    const users = await page.locator('.msg.user').allTextContents();
    expect(users.some((t) => t.includes(QUESTION))).toBe(true);
    expect(users.some((t) => t.includes(HOSTILE))).toBe(true);
    expect(await page.locator('.checklist input[type="checkbox"]').first().isChecked()).toBe(true);
    expect(await page.locator('button[aria-label="Câu trả lời hữu ích"]').first().getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: `${SHOTS}/5-after-reload.png` });

    await page.locator('button.icon-btn.lang').click();
    expect(await page.locator('#tthc-title').textContent()).toBe('Administrative procedures assistant');
    expect(await page.locator('label[for="tthc-q"]').textContent()).toBe('Your question');
    await page.screenshot({ path: `${SHOTS}/6-english.png` });

    expect(seen.problems).toEqual([]);
    await context.close();
  });

  it("puts the checklist and a quote's reference where the answer's parts say, whatever their text", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${base}/`);
    await page.locator('button.bubble').click();
    await askInWidget(page, STRUCTURED);
    const answer = page.locator('.msg.bot').last();
    // In the parts' order: the fee, the checklist in the papers part's place, the other paragraphs.
    const order = await answer.evaluate((m) => Array.from(m.children).map((c) => (c.classList.contains('papers') ? 'papers' : c.classList.contains('answer') ? `answer:${c.textContent?.slice(0, 10)}` : c.className)));
    expect(order.slice(1, 5)).toEqual(['answer:Lệ phí: mi', 'papers', 'answer:Nhắc lại: ', 'answer:«Đoạn tríc']);
    expect(await answer.locator('.checklist input[type="checkbox"]').count()).toBeGreaterThan(1);
    expect(await answer.locator('.answer', { hasText: 'Danh sách ở dưới.' }).count()).toBe(0);
    // The quote links to the citation it names by id; the reference is worded by the widget.
    const ref = answer.locator('.answer a.ref');
    expect(await ref.count()).toBe(1);
    expect(await ref.textContent()).toMatch(/^\[1\.001193, \p{Lu}[^\]]+\]$/u); // "[1.001193, Thông tin chung]"
    await ref.click();
    expect(await answer.locator('details.cite[open]').count()).toBe(1);
    expect(seen.problems).toEqual([]);
    await context.close();
  });

  it('asks back with a chip per candidate; a chip picked from the keyboard asks by its code', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${base}/`);
    await page.locator('button.bubble').click();
    await askInWidget(page, ASK_BACK);

    const group = page.locator('.msg.bot [role="group"].candidates');
    expect(await group.getAttribute('aria-labelledby')).toBeTruthy();
    expect(await page.locator(`#${await group.getAttribute('aria-labelledby')}`).textContent()).toBe('Bạn hỏi về thủ tục nào dưới đây?');
    const chips = group.locator('button.chip.candidate');
    expect(await chips.evaluateAll((bs) => bs.map((b) => b.getAttribute('data-code')))).toEqual(CANDIDATES);
    expect(await chips.nth(1).textContent()).toBe('Thủ tục đăng ký lại khai sinhCấp xã');
    // Styled as the alternatives' chips are.
    const style = (i: number) => chips.nth(i).evaluate((b) => [getComputedStyle(b).color, getComputedStyle(b).borderColor].join());
    expect(await style(0)).toBe('rgb(11, 61, 145),rgb(185, 198, 228)');
    await page.screenshot({ path: `${SHOTS}/11-ask-back.png` });

    // Reached with Tab from the chip before it, picked with Enter.
    await chips.nth(0).focus();
    await page.keyboard.press('Tab');
    expect(await shadow(page, (r) => r.activeElement?.getAttribute('data-code'))).toBe('1.004884');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/ask/stream') && r.postDataJSON()?.question === '1.004884');
    const answersBefore = await page.locator('.msg.bot:not(.welcome)').count();
    await page.keyboard.press('Enter');
    await sent;
    await page.locator('.msg.bot:not(.welcome):not([aria-busy])').nth(answersBefore).waitFor();
    expect(await page.locator('.msg.user').last().textContent()).toContain('Thủ tục đăng ký lại khai sinh');
    expect(await page.locator('.msg.bot').last().locator('.checklist input[type="checkbox"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/12-ask-back-picked.png` });
    expect(seen.problems).toEqual([]);
    await context.close();
  });

  it('fills a 360 px phone screen', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${base}/`);
    await page.screenshot({ path: `${SHOTS}/7-phone-closed.png` });
    await page.locator('button.bubble').click();
    await askInWidget(page, QUESTION);
    const box = await page.locator('[role="dialog"]').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    expect(box!.y + box!.height).toBeLessThanOrEqual(740);
    expect(box!.width).toBeGreaterThanOrEqual(359);
    const send = await page.locator('button.send').boundingBox();
    expect(send!.x + send!.width).toBeLessThanOrEqual(360);
    await page.screenshot({ path: `${SHOTS}/8-phone-answer.png` });
    expect(seen.problems).toEqual([]);
    await context.close();
  });

  it('works embedded on another origin with a strict CSP', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(`${hostOrigin}/`);
    await page.locator('button.bubble').click();
    await askInWidget(page, QUESTION);
    expect(await page.locator('.checklist input[type="checkbox"]').count()).toBeGreaterThanOrEqual(2);
    // Styled by the constructed stylesheet despite style-src 'self': the bubble is our blue.
    expect(await page.locator('.head').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(11, 61, 145)');
    await page.screenshot({ path: `${SHOTS}/9-embedded-other-origin.png` });
    expect(seen.problems).toEqual([]);
    await context.close();
  });
});
