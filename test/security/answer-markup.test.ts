// The `answer` is plain text (domain/contract.ts, README "The answer contract"): HTML planted in
// an ingested document (<script>, <img onerror>, <a href>) reaches neither the answer nor the
// citations' quotes as markup; its tags are stripped and its words kept. A real index of two
// planted documents (Markdown with raw HTML, an HTML page whose text shows escaped tags) and the
// real engine; the widget's side is test/reliability/planted.test.ts.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine, AskResponse } from '../../domain/contract.js';
import { stripMarkup } from '../../server/answer/links.js';
import { checkPhrasing } from '../../server/answer/llm.js';
import { buildApp } from '../../server/http/app.js';
import { createFeedbackStore, createUnansweredLog } from '../../server/http/stores.js';
import { openAssistant } from '../../service.js';
import { TEST_TODAY } from '../helpers/engine.js';

const MARKDOWN = `---
id: test-fixture-markup-dispatch
number: 998/TEST-MARKUP
type: cong-van
title: Công văn thử nghiệm về tiếp nhận hồ sơ chứng thực trực tuyến <b onmouseover=alert(1)>(TEST FIXTURE)</b>
issuer: Đơn vị thử nghiệm
year: 2026
language: vi
---

ĐƠN VỊ THỬ NGHIỆM

Số: 998/TEST-MARKUP

V/v tiếp nhận hồ sơ chứng thực trực tuyến (tài liệu kiểm thử bảo mật)

Kính gửi: Bộ phận một cửa.

1. Bộ phận một cửa tiếp nhận hồ sơ chứng thực trực tuyến thử nghiệm <script>alert(1)</script>hằng ngày<img src=x onerror=alert(2)>.

2. Người dân <a href="https://evil.example/chung-thuc" onclick="alert(3)">nộp hồ sơ chứng thực tại đây</a> theo quy định, thời hạn < 5 ngày.

3. Hồ sơ chứng thực trực tuyến thử nghiệm gửi kèm <iframe src="javascript:alert(4)"></iframe>bản sao<svg/onload=alert(5)> giấy tờ.
`;

// An HTML page whose visible text shows tags (written as entities): the loader decodes them to
// "<script>…" in the document's text, which must not come back out as markup either.
const PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Hướng dẫn thử nghiệm về lệ phí chứng thực điện tử (TEST FIXTURE)</title></head>
<body><main>
<h1>Hướng dẫn thử nghiệm về lệ phí chứng thực điện tử</h1>
<p>Số: 997/TEST-MARKUP</p>
<p>Lệ phí chứng thực điện tử thử nghiệm được nộp trực tuyến &lt;img src=x onerror=alert(6)&gt;qua Cổng dịch vụ công&lt;/img&gt;.</p>
<p>Cán bộ tiếp nhận lệ phí chứng thực điện tử thử nghiệm kiểm tra &lt;script&gt;alert(7)&lt;/script&gt;biên lai trong ngày.</p>
</main></body></html>
`;

const QUESTIONS = [
  'Công văn 998/TEST-MARKUP nói gì?',
  'Công văn thử nghiệm về tiếp nhận hồ sơ chứng thực trực tuyến yêu cầu gì?',
  'Hồ sơ chứng thực trực tuyến thử nghiệm nộp ở đâu?',
  'Hướng dẫn 997/TEST-MARKUP nói gì?',
  '997/TEST-MARKUP',
];

/** Markup a browser would build elements from: a tag opening with a name, a comment, a doctype. */
const TAG = /<\/?[a-z][^\s/>]*|<!/i;

/** Every text of an answer meant to be shown: the answer, its paragraphs, quotes, titles, tasks, notes. */
function shownTexts(r: AskResponse): string[] {
  return [
    r.answer,
    ...(r.parts ?? []).map((p) => p.text),
    ...r.citations.flatMap((c) => [c.quote, c.title]),
    ...(r.tasks ?? []).flatMap((t) => [t.text, t.citation.quote]),
    ...(r.notes ?? []),
  ];
}

let dir: string;
let engine: AnswerEngine;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tthc-answer-markup-'));
  const src = path.join(dir, 'data');
  await mkdir(src, { recursive: true });
  await writeFile(path.join(src, 'test-fixture-markup.md'), MARKDOWN);
  await writeFile(path.join(src, 'test-fixture-markup.html'), PAGE);
  engine = (await openAssistant({ indexDir: path.join(dir, 'index'), embedder: { kind: 'hashing' }, ingestPaths: [src], now: () => TEST_TODAY })).engine;
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('answers are plain text', () => {
  it('cite the planted documents, with their words but none of their tags', async () => {
    const answers = await Promise.all(QUESTIONS.map((question) => engine.ask({ question })));
    const cited = (n: string) => answers.some((r) => r.citations.some((c) => c.number === n));
    expect(cited('998/TEST-MARKUP'), 'the Markdown dispatch must be quoted, or this test proves nothing').toBe(true);
    expect(cited('997/TEST-MARKUP'), 'the HTML page must be quoted, or this test proves nothing').toBe(true);
    const shown = answers.flatMap(shownTexts);
    for (const text of shown) {
      expect(text, 'markup in a text meant to be shown').not.toMatch(TAG);
      expect(text).not.toMatch(/onerror\s*=\s*alert\(\d\)\s*>|href=|onclick=|evil\.example/);
    }
    const all = shown.join('\n');
    // The words inside the tags stay; a "<" that opens no tag stays too.
    expect(all).toMatch(/nộp hồ sơ chứng thực tại đây/);
    expect(all).toMatch(/thời hạn < 5 ngày/);
    expect(all).toMatch(/hằng ngày/);
  });

  it('keeps parts and answer alike: each paragraph reads in `answer` as in `parts`', async () => {
    for (const question of QUESTIONS) {
      const r = await engine.ask({ question });
      for (const part of r.parts ?? []) expect(r.answer, question).toContain(part.text);
    }
  });

  it('refuses an LLM phrasing with markup of its own: the composed answer stands', async () => {
    const r = await engine.ask({ question: QUESTIONS[0]! });
    expect(r.citations.length).toBeGreaterThan(0);
    expect(checkPhrasing('Theo công văn [1], <b onmouseover="alert(1)">nộp hồ sơ</b> tại bộ phận một cửa.', r)).toMatch(/^markup in output/);
    expect(checkPhrasing('Theo công văn [1], nộp hồ sơ tại bộ phận một cửa, thời hạn < 5 ngày.', r)).toBeNull();
  });

  it('is what the OpenAPI document tells API clients', async () => {
    const app = await buildApp({ engine, isReady: () => true, widgetOrigins: [], feedback: createFeedbackStore({}), unanswered: createUnansweredLog({ size: 10 }) });
    try {
      const doc = (await app.inject({ url: '/docs/json' })).json();
      const answer = doc.paths['/api/ask'].post.responses['200'].content['application/json'].schema;
      expect(answer.properties.answer.description).toMatch(/plain text \(no HTML, no Markdown\)/);
      expect(answer.properties.citations.items.properties.quote.description).toMatch(/plain text/);
    } finally {
      await app.close();
    }
  });
});

describe('stripMarkup', () => {
  it.each([
    ['<script>alert(1)</script>hằng ngày', 'alert(1)hằng ngày'],
    ['a<img src=x onerror=alert(1)>b', 'ab'],
    ['<a href="https://evil.example" onclick="x>y">Đăng ký</a> tại đây', 'Đăng ký tại đây'],
    ['<svg/onload=alert(1)>x', 'x'],
    ['<!-- ẩn --> văn bản <!DOCTYPE html>', ' văn bản '],
    ['<IMG SRC=x ONERROR=alert(1)>', ''],
  ])('strips the tags of %j and keeps its text', (input, output) => {
    expect(stripMarkup(input)).toBe(output);
  });

  it('leaves text that is not markup as it is', () => {
    for (const text of ['thời hạn < 5 ngày, > 3 tháng', 'Công văn 2458/UBND-SNV «trích dẫn» [2458/UBND-SNV, mục 7]', 'a <= b, 1 < 2', '<< Luật >>']) {
      expect(stripMarkup(text)).toBe(text);
    }
  });

  it('disarms a tag cut short at the end of a quote, and never joins paragraphs', () => {
    expect(stripMarkup('… nộp tại <img src=x onerror=alert(1)')).toBe('… nộp tại ‹img src=x onerror=alert(1)');
    expect(stripMarkup('đoạn một <a\n\nđoạn hai>')).toBe('đoạn một ‹a\n\nđoạn hai>');
  });
});
