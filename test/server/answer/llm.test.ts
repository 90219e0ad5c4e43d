// LLM phrasing against a fake OpenAI-compatible server on loopback: a faithful rephrasing is
// shown; an invented link, a wrong citation marker, a server error or a hang keep the composed answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_SEARCH } from '../../../server/answer/compose.js';
import type { AnswerEngine, AskResponse } from '../../../domain/contract.js';
import { createAnswerEngine } from '../../../server/answer/engine.js';
import { checkPhrasing, createChatModel, createPhraser } from '../../../server/answer/llm.js';
import { allowedUrls } from '../../../server/answer/links.js';
import { buildTestAssistant } from '../../helpers/engine.js';

type Reply = { kind: 'text'; content: string } | { kind: 'error' } | { kind: 'hang' };

interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
}

const TIMEOUT_MS = 1500;
let server: http.Server;
let port = 0;
let reply: (req: ChatRequest) => Reply = () => ({ kind: 'error' });
const received: ChatRequest[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body) as ChatRequest;
      received.push(parsed);
      const r = reply(parsed);
      if (r.kind === 'hang') return; // never answers
      if (r.kind === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: parsed.model,
          choices: [{ index: 0, message: { role: 'assistant', content: r.content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(() => {
  received.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function engineWithLlm(): Promise<AnswerEngine> {
  const assistant = await buildTestAssistant();
  const model = await createChatModel({ provider: 'openai', baseUrl: `http://127.0.0.1:${port}/v1`, model: 'fake', timeoutMs: TIMEOUT_MS });
  const phraser = createPhraser(model, { timeoutMs: TIMEOUT_MS });
  return createAnswerEngine({ knowledge: assistant.live.current, embedder: assistant.embedder, today: () => '2026-11-27', phraser });
}

const QUESTION = 'lệ phí đăng ký khai sinh bao nhiêu';
let composed: AskResponse;
let engine: AnswerEngine;

beforeAll(async () => {
  composed = await (await buildTestAssistant()).engine.ask({ question: QUESTION });
  engine = await engineWithLlm();
});

describe('LLM phrasing through the engine', () => {
  it('shows a faithful rephrasing with citation markers and only allowed links', async () => {
    const text = `Đăng ký khai sinh (mã 1.001193) được miễn lệ phí [1]. Nộp trực tuyến: ${composed.procedure!.url}`;
    reply = () => ({ kind: 'text', content: text });
    const r = await engine.ask({ question: QUESTION });
    expect(r.phrasedBy).toBe('llm');
    expect(r.answer).toBe(text);
    // The parts describe the composed text, not the model's: channels show the model's as written.
    expect(composed.parts?.length).toBeGreaterThan(0);
    expect(r.parts).toBeUndefined();
    expect(r.procedure?.code).toBe('1.001193');
    expect(r.citations).toEqual(composed.citations);
  });

  it('sends the retrieved facts (the draft answer and its sources) to the model', async () => {
    reply = () => ({ kind: 'text', content: 'Miễn phí [1].' });
    await engine.ask({ question: QUESTION });
    expect(received).toHaveLength(1);
    const req = received[0]!;
    expect(req.model).toBe('fake');
    const human = req.messages.find((m) => m.role === 'user')?.content ?? '';
    expect(human).toContain(`Question: ${QUESTION}`);
    expect(human).toContain(composed.answer);
    expect(human).toContain(`[1] ${composed.citations[0]!.title}`);
    const system = req.messages.find((m) => m.role === 'system')?.content ?? '';
    expect(system).toContain(composed.procedure!.url!);
  });

  it('keeps the composed answer when the output carries a link not in the data', async () => {
    reply = () => ({ kind: 'text', content: 'Miễn phí [1]. Xem thêm https://example.com/khai-sinh' });
    const r = await engine.ask({ question: QUESTION });
    expect(r.phrasedBy).toBe('composer');
    expect(r.answer).toBe(composed.answer);
  });

  it('keeps the composed answer when a citation marker refers to no retrieved source', async () => {
    reply = () => ({ kind: 'text', content: `Miễn phí [${composed.citations.length + 1}].` });
    const r = await engine.ask({ question: QUESTION });
    expect(r.phrasedBy).toBe('composer');
    expect(r.answer).toBe(composed.answer);
  });

  it('keeps the composed answer when the server fails', async () => {
    reply = () => ({ kind: 'error' });
    const r = await engine.ask({ question: QUESTION });
    expect(received.length).toBeGreaterThan(0);
    expect(r.phrasedBy).toBe('composer');
    expect(r.answer).toBe(composed.answer);
  });

  // The test's own time limit is the bound: the engine must give up on its own before it.
  it('keeps the composed answer when the server hangs', { timeout: TIMEOUT_MS + 1000 }, async () => {
    reply = () => ({ kind: 'hang' });
    const r = await engine.ask({ question: QUESTION });
    expect(received.length).toBeGreaterThan(0);
    expect(r.phrasedBy).toBe('composer');
    expect(r.answer).toBe(composed.answer);
  });

  it('does not call the model for an answer that was not found', async () => {
    reply = () => ({ kind: 'text', content: 'bịa [1]' });
    const r = await engine.ask({ question: 'công thức nấu phở bò' });
    expect(r.found).toBe(false);
    expect(r.phrasedBy).toBe('composer');
    expect(received).toHaveLength(0);
  });
});

function response(over: Partial<AskResponse> = {}): AskResponse {
  return {
    id: 'x',
    question: 'q',
    language: 'vi',
    intent: 'procedure',
    found: true,
    answer: 'a',
    citations: [
      { id: 'c1', title: 'T1', url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/aaa', quote: 'q1' },
      { id: 'c2', title: 'T2', quote: 'q2' },
    ],
    links: [{ label: 'L', url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/bbb' }],
    phrasedBy: 'composer',
    ...over,
  };
}

describe('allowedUrls', () => {
  it('holds the portal roots and the urls of links, citations, procedure and tasks', () => {
    const r = response({
      procedure: { code: '9.1', name: 'n', level: [], url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/ccc', papers: [], channels: [], legalBasis: [] },
      tasks: [
        {
          text: 't',
          units: [],
          deadline: { text: '', kind: 'none' },
          status: 'unknown',
          citation: { id: 't1', title: 'D', url: 'https://example.gov.vn/doc', quote: 'x' },
        },
      ],
    });
    const urls = allowedUrls(r);
    for (const u of [
      PORTAL_SEARCH,
      'https://dichvucong.hanoi.gov.vn',
      'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/aaa',
      'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/bbb',
      'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/ccc',
      'https://example.gov.vn/doc',
    ])
      expect(urls).toContain(u);
    expect(urls).not.toContain('https://example.com');
  });
});

describe('checkPhrasing', () => {
  const r = response();

  it('passes a text with valid markers and allowed links (trailing punctuation ignored)', () => {
    expect(checkPhrasing('Miễn phí [1], nộp tại https://dichvucong.gov.vn/thu-tuc-hanh-chinh/bbb. Xem [2].', r)).toBeNull();
  });

  it('rejects an empty text', () => {
    expect(checkPhrasing('   ', r)).toBe('empty output');
  });

  it('rejects a text that is too long', () => {
    expect(checkPhrasing(`[1] ${'x'.repeat(6001)}`, r)).toBe('output too long');
  });

  it('rejects a link that is not in the data', () => {
    expect(checkPhrasing('Xem [1] https://dichvucong.gov.vn/thu-tuc-hanh-chinh/zzz', r)).toMatch(/^link not in the data/);
  });

  it('rejects a text without markers when there are sources', () => {
    expect(checkPhrasing('Miễn phí.', r)).toBe('no citation markers');
    expect(checkPhrasing('Xin chào.', response({ citations: [] }))).toBeNull();
  });

  it('rejects a marker outside the sources', () => {
    expect(checkPhrasing('Miễn phí [3].', r)).toMatch(/citation \[3\]/);
    expect(checkPhrasing('Miễn phí [0].', r)).toMatch(/citation \[0\]/);
  });
});
