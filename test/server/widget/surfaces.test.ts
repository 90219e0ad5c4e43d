// The widget as people meet it (issue 11), in a real Chromium against the real app on loopback:
// the language of the question and of the toggle, a site missing from WIDGET_ORIGINS told apart
// from a server that is down, deadline answers as lists with references that open their
// source, progressive answers, a phone with its keyboard, feedback with a comment, axe-core,
// and the screenshots at 1366×768 and 360×740 in test-artifacts/.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskResponse } from '../../../domain/contract.js';
import { openAssistant } from '../../../service.js';
import { createFeedbackStore } from '../../../server/http/stores.js';
import { projectRoot, TEST_TODAY } from '../../helpers/engine.js';
import { buildTestApp } from '../http/setup.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = path.join(projectRoot, 'test-artifacts');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PAPERS_VI = 'Làm giấy khai sinh cần những giấy tờ gì?';
const PAPERS_EN = 'What papers do I need to register a birth?';
/** With the 2026 dispatch of the eval corpus, Sở Tài chính has tasks of its own, of its groups and of everyone. */
const DEADLINES = 'Sở Tài chính có hạn chót nào?';
const DOCUMENT = 'Công văn 2458/UBND-SNV yêu cầu gì về chỉ số PAR Index?';

let app: FastifyInstance;
let base: string;
let browser: Browser;
const sites: Server[] = [];
let allowedOrigin: string;
let refusedOrigin: string;
let deadApi: string;
let indexDir: string;
const feedback = createFeedbackStore();

/** A third-party page embedding the widget; `api` points it at another server than the script's. */
function page(widget: { lang: 'vi' | 'en'; api?: string }): string {
  return `<!doctype html><html lang="${widget.lang}"><head><meta charset="utf-8"><title>Trang của phường</title><link rel="icon" href="data:,"></head>
<body><h1>UBND phường — trang thử nhúng</h1><script src="${base}/widget.js" data-lang="${widget.lang}"${widget.api ? ` data-api="${widget.api}"` : ''} async></script></body></html>`;
}

async function site(pages: Record<string, () => string>): Promise<string> {
  const server = createServer((req, res) => {
    const make = pages[req.url ?? '/'];
    res.writeHead(make ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(make ? make() : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sites.push(server);
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

/** A reverse proxy that sends each response only once it has all of it. */
async function bufferingProxy(target: string): Promise<string> {
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      void fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'connection') as Array<[string, string]>),
        ...(req.method === 'POST' ? { body: Buffer.concat(body) } : {}),
      }).then(async (upstream) => {
        const whole = Buffer.from(await upstream.arrayBuffer());
        const headers: Record<string, string> = {};
        upstream.headers.forEach((value, key) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(key)) headers[key] = value;
        });
        res.writeHead(upstream.status, { ...headers, 'content-length': String(whole.length) });
        res.end(whole);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sites.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const WIDGET = '[data-tthc-widget]';
const inShadow = <T>(p: Page, fn: (root: ShadowRoot) => T): Promise<T> =>
  p.evaluate(`(${fn.toString()})(document.querySelector('${WIDGET}').shadowRoot)`) as Promise<T>;

/** The answers the widget kept (what came back from the API), newest last. */
const kept = (p: Page): Promise<AskResponse[]> =>
  p.evaluate(() =>
    (JSON.parse(sessionStorage.getItem('tthc-widget:v1') ?? '{"messages":[]}').messages as Array<{ response?: AskResponse }>)
      .filter((m) => m.response)
      .map((m) => m.response as AskResponse),
  );

async function ask(p: Page, question: string): Promise<Request> {
  const before = await p.locator('.msg.bot:not(.welcome)').count();
  const sent = p.waitForRequest((r) => r.url().endsWith('/api/ask/stream') && r.postDataJSON()?.question === question);
  await p.locator('#tthc-q').fill(question);
  await p.locator('#tthc-q').press('Enter');
  const request = await sent;
  await p.locator('.msg.bot:not(.welcome):not([aria-busy])').nth(before).waitFor();
  return request;
}

async function opened(context: BrowserContext, url: string): Promise<{ page: Page; console: string[] }> {
  const p = await context.newPage();
  const lines: string[] = [];
  p.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  p.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  await p.goto(url);
  await p.locator('button.bubble').click();
  return { page: p, console: lines };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium); CI installs it.`);
  await mkdir(SHOTS, { recursive: true });
  indexDir = mkdtempSync(path.join(os.tmpdir(), 'tthc-widget-index-'));
  const assistant = await openAssistant({
    indexDir,
    embedder: { kind: 'hashing' },
    ingestPaths: [path.join(projectRoot, 'data'), path.join(projectRoot, 'test/eval/corpus/dispatch-eval-2026.md')],
    now: () => TEST_TODAY,
  });
  allowedOrigin = await site({ '/': () => page({ lang: 'en' }) });
  refusedOrigin = await site({ '/': () => page({ lang: 'vi' }), '/down': () => page({ lang: 'vi', api: deadApi }) });
  app = await buildTestApp({ engine: assistant.engine, widgetOrigins: [allowedOrigin], feedback });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // A port nothing listens on: the API of the "server down" case.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  deadApi = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await Promise.all(sites.map((s) => new Promise((resolve) => s.close(resolve))));
  if (indexDir) rmSync(indexDir, { recursive: true, force: true });
});

describe('language', () => {
  it('answers an English question in English on a Vietnamese page, and sends the page language', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page: p } = await opened(context, `${base}/`);
    const request = await ask(p, PAPERS_EN);
    // The question decides its language; the page's language travels as Accept-Language.
    expect(request.postDataJSON().language).toBeUndefined();
    expect(request.headers()['accept-language']).toBe('vi');
    expect((await kept(p)).at(-1)?.language).toBe('en');
    const answer = p.locator('.msg.bot').last();
    expect(await answer.getAttribute('lang')).toBe('en');
    expect(await answer.locator('.papers .block-title').textContent()).toBe('Papers to prepare');
    await context.close();
  });

  it("sends the page's data-lang with a suggestion, and the person's choice from the toggle", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page: p } = await opened(context, `${allowedOrigin}/`);
    expect(await p.locator('#tthc-title').textContent()).toBe('Administrative procedures assistant');
    const suggestion = p.locator('.welcome .chip').first();
    const question = (await suggestion.textContent()) ?? '';
    const sent = p.waitForRequest((r) => r.url().endsWith('/api/ask/stream'));
    await suggestion.click();
    const request = await sent;
    expect(request.postDataJSON()).toMatchObject({ question, language: 'en' });
    expect(request.headers()['accept-language']).toBe('en');
    await p.locator('.msg.bot:not(.welcome):not([aria-busy])').first().waitFor();
    expect((await kept(p)).at(-1)?.language).toBe('en');

    // Picked with the toggle, Vietnamese is asked for even for a question in English.
    await p.locator('.head button', { hasText: /^(EN|VI)$/ }).click();
    const again = await ask(p, PAPERS_EN);
    expect(again.postDataJSON().language).toBe('vi');
    expect(again.headers()['accept-language']).toBe('vi');
    expect((await kept(p)).at(-1)?.language).toBe('vi');
    expect(await p.locator('.msg.bot').last().locator('.papers .block-title').textContent()).toBe('Giấy tờ cần chuẩn bị');
    await context.close();
  });
});

describe('a site the server does not serve', () => {
  it('GET /widget/status says whether an origin is in WIDGET_ORIGINS, to any origin', async () => {
    for (const [origin, enabled] of [[allowedOrigin, true], [refusedOrigin, false]] as const) {
      const res = await app.inject({ method: 'GET', url: '/widget/status', headers: { origin } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.json()).toEqual({ origin, enabled });
    }
  });

  it('tells the person the assistant is not enabled here, and the site owner which setting to change', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page: p, console: lines } = await opened(context, `${refusedOrigin}/`);
    await p.locator('#tthc-q').fill(PAPERS_VI);
    await p.locator('#tthc-q').press('Enter');
    const error = p.locator('.msg.bot.error[role="alert"]');
    await error.waitFor();
    expect(await error.locator('p').textContent()).toBe('Trợ lý hỏi đáp chưa được bật cho trang web này. Vui lòng liên hệ đơn vị quản lý trang web.');
    const hint = lines.find((l) => l.startsWith('error: [tthc-widget]'));
    expect(hint).toContain('WIDGET_ORIGINS');
    expect(hint).toContain(refusedOrigin);
    await context.close();
  });

  it('says it cannot reach the server when the server is down', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page: p, console: lines } = await opened(context, `${refusedOrigin}/down`);
    await p.locator('#tthc-q').fill(PAPERS_VI);
    await p.locator('#tthc-q').press('Enter');
    const error = p.locator('.msg.bot.error[role="alert"]');
    await error.waitFor();
    expect(await error.locator('p').textContent()).toBe('Không kết nối được máy chủ. Vui lòng thử lại sau.');
    expect(lines.some((l) => l.includes('WIDGET_ORIGINS'))).toBe(false);
    await context.close();
  });
});

describe('answers', () => {
  it("lists a unit's deadlines from the answer's tasks, its own first, each linked to its source", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page: p } = await opened(context, `${base}/`);
    await ask(p, DEADLINES);
    const response = (await kept(p)).at(-1)!;
    const tasks = response.tasks ?? [];
    // The engine's order does not put the unit's own tasks first; the widget does.
    expect(tasks[0]?.scope).not.toBe('own');
    const own = tasks.filter((t) => t.scope === 'own');
    expect(own.length).toBeGreaterThan(0);

    const answer = p.locator('.msg.bot').last();
    const scopes = await answer.locator('.tasks-group').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-scope')));
    expect(scopes[0]).toBe('own');
    expect(scopes.at(-1)).toBe('everyone');
    expect(await answer.locator('.tasks-group').first().locator('.case').textContent()).toBe('Giao trực tiếp cho Sở Tài chính');
    const items = await answer.locator('ul.tasks > li .task-text').allTextContents();
    expect(items.slice(0, own.length)).toEqual(own.map((t) => t.text));
    expect([...items].sort()).toEqual(tasks.map((t) => t.text).sort());
    // The numbered text of the same tasks is not shown a second time.
    expect(await answer.locator('.answer p', { hasText: /^\d+\. / }).count()).toBe(0);

    // Each task's reference opens its own citation.
    const first = own[0]!;
    const ref = answer.locator('ul.tasks > li').first().locator('a.ref');
    expect(await ref.textContent()).toBe(`[${first.citation.number}, mục ${first.citation.section}]`);
    await ref.click();
    const cite = answer.locator('details.cite[open]');
    expect(await cite.count()).toBe(1);
    expect(await cite.locator('summary .cite-section').textContent()).toBe(`Mục ${first.citation.section}`);
    expect(await cite.locator('blockquote').textContent()).toBe(first.citation.quote);
    await context.close();
  });

  it('links a reference in the text to its citation, and names sections for people', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const { page: p } = await opened(context, `${base}/`);
    await ask(p, DOCUMENT);
    const answer = p.locator('.msg.bot').last();
    const ref = answer.locator('.answer a.ref', { hasText: '2458/UBND-SNV, mục 7' });
    await ref.click();
    const open = answer.locator('details.cite[open]');
    expect(await open.locator('.cite-section').textContent()).toBe('Mục 7');
    expect(await open.locator('blockquote').textContent()).toContain('PAR Index');
    // "preamble" is a section name for programs, not for people.
    expect(await answer.locator('.answer a.ref', { hasText: 'Phần mở đầu' }).count()).toBe(1);
    expect(await answer.textContent()).not.toContain('preamble');

    await ask(p, PAPERS_VI);
    const papers = p.locator('.msg.bot').last();
    const summaries = await papers.locator('details.cite summary').allTextContents();
    expect(summaries.some((s) => s.includes('Thành phần hồ sơ'))).toBe(true);
    expect(new Set(summaries).size).toBe(summaries.length);
    expect(summaries.join(' ')).not.toMatch(/\b(papers|channels|overview|steps|legal)\b/);
    await context.close();
  });

  it('names sections in English in an English answer and never cuts a title inside a word', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const { page: p } = await opened(context, `${base}/`);
    await ask(p, PAPERS_EN);
    const answer = p.locator('.msg.bot').last();
    const sections = await answer.locator('details.cite summary .cite-section').allTextContents();
    expect(sections).toContain('Required papers');
    expect(sections).not.toContain('papers');
    expect(sections.join(' ')).not.toMatch(/Thành phần/);
    const response = (await kept(p)).at(-1)!;
    const titles = await answer.locator('details.cite summary').evaluateAll((ss) => ss.map((s) => s.firstChild?.textContent ?? ''));
    titles.forEach((shown, i) => {
      const title = response.citations[i]!.title;
      const text = shown.replace(/^\[\d+\] /, '').replace(/ \([^)]*\)$/, '');
      if (text.endsWith('…')) expect(title.startsWith(text.slice(0, -1)) && /\s/.test(title[text.length - 1] ?? ' ')).toBe(true);
      else expect(text).toBe(title);
    });
    // And no word of a title is broken across two lines on a 360 px screen.
    const broken = await inShadow(p, (root) => {
      const out: string[] = [];
      root.querySelectorAll('details.cite summary').forEach((s) => {
        const node = s.firstChild;
        if (!node || node.nodeType !== 3) return;
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index ?? 0);
          range.setEnd(node, (m.index ?? 0) + m[0].length);
          const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
          if (tops.size > 1) out.push(m[0]);
        }
      });
      return out;
    });
    expect(broken).toEqual([]);
    await context.close();
  });

  it('shows the first part of an answer on screen before the whole answer, even when it all arrives at once', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    // Behind a proxy that buffers responses (as many do with event streams), every event of the
    // answer reaches the browser in one piece: the widget must still show it progressively.
    const { page: p } = await opened(context, `${await bufferingProxy(base)}/`);
    // Sample what is on screen at every frame the browser renders.
    await p.evaluate((selector) => {
      const frames: Array<{ streaming: string; done: boolean }> = [];
      (window as unknown as { frames_: typeof frames }).frames_ = frames;
      const sample = (): void => {
        const root = document.querySelector(selector)!.shadowRoot!;
        frames.push({
          streaming: root.querySelector('.streaming')?.textContent ?? '',
          done: root.querySelectorAll('.msg.bot:not(.welcome):not([aria-busy])').length > 0,
        });
        requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    }, WIDGET);
    await ask(p, DEADLINES);
    const frames = await p.evaluate(() => (window as unknown as { frames_: Array<{ streaming: string; done: boolean }> }).frames_);
    const firstShown = frames.findIndex((f) => f.streaming.length > 0);
    const finished = frames.findIndex((f) => f.done);
    expect(firstShown).toBeGreaterThanOrEqual(0);
    expect(firstShown).toBeLessThan(finished);
    const answer = (await kept(p)).at(-1)!.answer;
    // What came first is the answer's beginning, not all of it.
    expect(answer.startsWith(frames[firstShown]!.streaming)).toBe(true);
    expect(frames[firstShown]!.streaming.length).toBeLessThan(answer.length);
    await context.close();
  });
});

describe('on a phone', () => {
  it('keeps the keyboard down on open, a 16 px input, and follows the visual viewport', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await context.newPage();
    await p.goto(`${base}/`);
    await p.locator('button.bubble').tap();
    expect(await inShadow(p, (r) => r.activeElement?.id)).not.toBe('tthc-q');
    expect(await inShadow(p, (r) => r.activeElement?.id)).toBe('tthc-title');
    expect(await p.locator('.welcome .chip').first().isVisible()).toBe(true);
    expect(parseFloat(await p.locator('#tthc-q').evaluate((t) => getComputedStyle(t).fontSize))).toBeGreaterThanOrEqual(16);

    // The visual viewport shrinks (as when the keyboard opens): the input stays inside it.
    const cdp = await context.newCDPSession(p);
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 2 });
    await expect.poll(() => p.evaluate(() => window.visualViewport!.height)).toBe(370);
    const visible = await p.evaluate(() => ({ top: window.visualViewport!.offsetTop, bottom: window.visualViewport!.offsetTop + window.visualViewport!.height }));
    await expect.poll(async () => (await p.locator('[role="dialog"]').boundingBox())!.height).toBeLessThanOrEqual(visible.bottom - visible.top + 1);
    const composer = (await p.locator('form.composer').boundingBox())!;
    expect(composer.y).toBeGreaterThanOrEqual(visible.top);
    expect(composer.y + composer.height).toBeLessThanOrEqual(visible.bottom + 1);
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 1 });
    await expect.poll(async () => (await p.locator('[role="dialog"]').boundingBox())!.height).toBe(740);
    await context.close();
  });

  it('asks before "↺" wipes the conversation, and sends a comment with the feedback', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const p = await context.newPage();
    const dialogs: string[] = [];
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await p.goto(`${base}/`);
    await p.locator('button.bubble').tap();
    await ask(p, PAPERS_VI);

    await p.locator('.msg.bot').last().locator('button[aria-label="Câu trả lời chưa hữu ích"]').tap();
    await p.locator('.feedback input[type="text"]').fill('Thiếu mẫu tờ khai');
    await p.locator('.feedback button.comment-send').tap();
    const id = (await kept(p)).at(-1)!.id;
    await expect.poll(() => feedback.recent().find((f) => f.answerId === id)).toMatchObject({ helpful: false, comment: 'Thiếu mẫu tờ khai' });
    expect(await p.locator('.feedback .thanks').textContent()).toBe('Cảm ơn bạn đã góp ý!');

    await p.locator('button[aria-label="Cuộc trò chuyện mới"]').tap();
    expect(await p.locator('.confirm').isVisible()).toBe(true);
    expect(await p.locator('.msg.user').count()).toBe(1);
    await p.locator('.confirm button.reset-no').tap();
    expect(await p.locator('.confirm').isHidden()).toBe(true);
    expect(await p.locator('.msg.user').count()).toBe(1);
    await p.locator('button[aria-label="Cuộc trò chuyện mới"]').tap();
    await p.locator('.confirm button.reset-yes').tap();
    expect(await p.locator('.msg.user').count()).toBe(0);
    expect(await p.locator('.welcome').isVisible()).toBe(true);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});

describe('accessibility and screenshots', () => {
  it('has no critical or serious axe-core violation with the panel open and answers shown', async () => {
    // axe is injected as a script; the demo page's CSP allows only our own scripts.
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, bypassCSP: true });
    const { page: p } = await opened(context, `${base}/`);
    await ask(p, PAPERS_VI);
    await ask(p, DEADLINES);
    await p.locator('.msg.bot').last().locator('button[aria-label="Câu trả lời hữu ích"]').click();
    await p.addScriptTag({ path: AXE });
    const violations = await p.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    });
    expect(violations).toEqual([]);
    await context.close();
  });

  for (const [width, height, extra] of [[1366, 768, {}], [360, 740, { isMobile: true, hasTouch: true }]] as const) {
    it(`writes screenshots of answers at ${width}×${height}`, async () => {
      const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, ...extra });
      const { page: p } = await opened(context, `${base}/`);
      await ask(p, PAPERS_VI);
      const file = path.join(SHOTS, `widget-${width}x${height}.png`);
      await p.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      expect(existsSync(file)).toBe(true);
      await ask(p, DEADLINES);
      const deadlines = path.join(SHOTS, `widget-deadlines-${width}x${height}.png`);
      await p.screenshot({ path: deadlines, animations: 'disabled', caret: 'hide' });
      expect(existsSync(deadlines)).toBe(true);
      await context.close();
    });
  }
});
