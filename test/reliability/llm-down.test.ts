// The optional LLM as a failing dependency: hanging, erroring, unreachable or answering with a
// link that is not in the data → the composed answer within the time budget; a good reply → used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAssistant } from '../../service.js';
import { testIndexDir } from '../helpers/engine.js';
import { BIRTH_CODE, BIRTH_QUESTION, dataUrls, collectUrls, TODAY } from './helpers.js';
import { EVIL_URL, startFakeLlm, type FakeLlm, type LlmMode } from './fake-llm.js';

const TIMEOUT_MS = 1500;
/** Slack for a loaded CI machine: this only catches a hang, it does not measure speed. */
const MARGIN_MS = 4000;

let indexDir: string;
let llm: FakeLlm;
let known: Set<string>;

beforeAll(async () => {
  // The shared index of data/ (test/global-setup.ts), opened read-only: these tests only read.
  indexDir = testIndexDir();
  llm = await startFakeLlm();
  known = await dataUrls();
}, 120_000);

afterAll(async () => {
  await llm?.close();
});

const assistantWith = (baseUrl: string) =>
  openAssistant({
    indexDir,
    embedder: { kind: 'hashing' },
    ingestPaths: [],
    now: () => TODAY,
    llm: { provider: 'openai', baseUrl, model: 'fake-model', apiKey: 'test-key-not-secret', timeoutMs: TIMEOUT_MS },
  });

describe('LLM endpoint faults', () => {
  const cases: Array<[LlmMode, 'composer' | 'llm']> = [
    ['hang', 'composer'],
    ['error', 'composer'],
    ['evil-link', 'composer'],
    ['valid', 'llm'],
  ];
  for (const [mode, expected] of cases) {
    it(`${mode} → phrasedBy ${expected}, within the time budget`, async () => {
      llm.mode = mode;
      const before = llm.requests.length;
      const { engine } = await assistantWith(llm.baseUrl);
      const started = Date.now();
      const answer = await engine.ask({ question: BIRTH_QUESTION });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(answer.found).toBe(true);
      expect(answer.procedure?.code).toBe(BIRTH_CODE);
      expect(answer.phrasedBy).toBe(expected);
      expect(llm.requests.length).toBeGreaterThan(before); // the LLM was really asked
      for (const url of collectUrls(answer)) expect(known, `unexpected link ${url}`).toContain(url);
      expect(JSON.stringify(answer)).not.toContain(EVIL_URL);
      if (expected === 'llm') expect(answer.answer).toContain('[1]');
      console.log(`[reliability] LLM ${mode}: ${answer.phrasedBy} in ${elapsed} ms (timeout ${TIMEOUT_MS} ms)`);
    }, 30_000);
  }

  it('an unreachable endpoint → the composed answer', async () => {
    const gone = await startFakeLlm();
    const baseUrl = gone.baseUrl;
    await gone.close();
    const { engine } = await assistantWith(baseUrl);
    const answer = await engine.ask({ question: BIRTH_QUESTION });
    expect(answer.phrasedBy).toBe('composer');
    expect(answer.procedure?.code).toBe(BIRTH_CODE);
  }, 30_000);

  it('sends the real OpenAI chat-completions request', () => {
    const req = llm.requests.find((r) => r.url === '/v1/chat/completions');
    expect(req).toBeDefined();
    expect(req!.method).toBe('POST');
    expect(req!.headers.authorization).toBe('Bearer test-key-not-secret');
    expect(String(req!.headers['content-type'])).toContain('application/json');
    expect(req!.body.model).toBe('fake-model');
    expect(req!.body.stream ?? false).toBe(false);
    const messages = req!.body.messages as Array<{ role: string; content: string }>;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(messages[0]!.content).toContain('Use ONLY the facts given');
    expect(messages[1]!.content).toContain(BIRTH_QUESTION);
    expect(messages[1]!.content).toMatch(/\[1\] /);
  });
});
