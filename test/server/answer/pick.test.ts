// Replies to an ask-back: by position ("số 2", "the second one") or by a word only one choice has
// ("lưu động"); and, through the engine, the reply answers the choice it picks.
import { describe, expect, it } from 'vitest';
import type { ProcedureEntry } from '../../../server/answer/knowledge.js';
import { buildLexicon } from '../../../server/answer/lexicon.js';
import { ordinalPick, wordPick } from '../../../server/answer/pick.js';
import { viewQuery } from '../../../server/answer/retrieve.js';
import { createSessionMemory } from '../../../server/answer/sessions.js';
import { openAssistant } from '../../../service.js';
import { TEST_TODAY, testIndexDir } from '../../helpers/engine.js';

describe('ordinalPick', () => {
  it.each([
    ['2', 3, 2],
    ['số 2', 3, 2],
    ['cái thứ hai nhé', 3, 2],
    ['thủ tục đầu tiên', 3, 1],
    ['Chọn số 3 ạ', 3, 3],
    ['cái cuối', 3, 3],
    ['the second one', 3, 2],
    ['Option 1', 3, 1],
    ['last', 2, 2],
  ])('"%s" of %i choices → %i', (reply, n, want) => expect(ordinalPick(reply, n)).toBe(want));

  it.each([
    ['4', 3], // no such choice
    ['ok', 3],
    ['tôi có 2 con', 3], // a sentence, not a reply
    ['lệ phí bao nhiêu?', 3],
  ])('"%s" of %i choices picks nothing', (reply, n) => expect(ordinalPick(reply, n)).toBeNull());
});

describe('wordPick', () => {
  const entry = (code: string, name: string) => ({ procedure: { code, name }, nameTokens: viewQuery(name, []).tokens }) as unknown as ProcedureEntry;
  const marriage = [entry('a', 'Thủ tục đăng ký kết hôn'), entry('b', 'Thủ tục đăng ký kết hôn lưu động'), entry('c', 'Thủ tục đăng ký kết hôn có yếu tố nước ngoài')];
  const lexicon = buildLexicon();

  it('picks the one choice whose own words the reply says', () => {
    expect(wordPick(marriage, viewQuery('lưu động', lexicon))?.procedure.code).toBe('b');
    expect(wordPick(marriage, viewQuery('vợ tôi là người nước ngoài', lexicon))?.procedure.code).toBe('c');
  });

  it('picks nothing when the reply says only what they share, or nothing of theirs', () => {
    expect(wordPick(marriage, viewQuery('đăng ký kết hôn', lexicon))).toBeNull();
    expect(wordPick(marriage, viewQuery('còn lệ phí?', lexicon))).toBeNull();
  });
});

describe('a reply to an ask-back, through the engine', () => {
  it('answers the choice a reply picks by its position, and remembers it', async () => {
    const sessions = createSessionMemory();
    const a = await openAssistant({ indexDir: testIndexDir(), embedder: { kind: 'hashing' }, ingestPaths: [], now: () => TEST_TODAY, sessions });
    // The turn an ask-back leaves in the session: its choices, no procedure.
    sessions.remember('pick', { intent: 'procedure', language: 'vi', candidateCodes: ['1.000894', '1.000656'], at: Date.now() });
    const r = await a.engine.ask({ question: 'số 2', sessionId: 'pick' });
    expect(r.procedure?.code).toBe('1.000656');
    expect(r.found).toBe(true);
    // The answer is remembered: a follow-up is about the picked record.
    const fee = await a.engine.ask({ question: 'lệ phí bao nhiêu?', sessionId: 'pick' });
    expect(fee.procedure?.code).toBe('1.000656');
    // The pick answers what the ask-back's question asked: the fee first.
    sessions.remember('fee', { intent: 'procedure', language: 'vi', candidateCodes: ['1.000894', '1.000656'], aspect: 'fee', at: Date.now() });
    const picked = await a.engine.ask({ question: '1', sessionId: 'fee' });
    expect(picked.procedure?.code).toBe('1.000894');
    expect(picked.aspect).toBe('fee');
    expect(picked.answer.split('\n')[0]).toMatch(/^Lệ phí/);
    // Still open after a subjectless turn: the choices are offered again.
    sessions.remember('again', { intent: 'procedure', language: 'vi', candidateCodes: ['1.000894', '1.000656'], at: Date.now() });
    const again = await a.engine.ask({ question: 'còn lệ phí?', sessionId: 'again' });
    expect(again.candidates?.map((c) => c.code)).toEqual(['1.000894', '1.000656']);
  });
});
