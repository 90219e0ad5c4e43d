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
    // A question of its own that happens to share a word with one choice is no pick.
    expect(wordPick(marriage, viewQuery('bố mẹ tôi ở nước ngoài muốn làm hộ chiếu để về thăm quê thì nộp ở đâu', lexicon))).toBeNull();
  });
});

describe('a reply to an ask-back, through the engine', () => {
  it('answers the choice a reply picks by its position, leading with what was asked, and remembers it', async () => {
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
  });

  it('while the choices are open, gives a one-line fact for each ("còn lệ phí?"), else offers them again', async () => {
    const sessions = createSessionMemory();
    const a = await openAssistant({ indexDir: testIndexDir(), embedder: { kind: 'hashing' }, ingestPaths: [], now: () => TEST_TODAY, sessions });
    sessions.remember('again', { intent: 'procedure', language: 'vi', candidateCodes: ['1.000894', '1.000656'], at: Date.now() });
    const fee = await a.engine.ask({ question: 'còn lệ phí?', sessionId: 'again' });
    expect(fee.candidates?.map((c) => c.code)).toEqual(['1.000894', '1.000656']);
    const lines = fee.answer.split('\n');
    expect(lines[0]).toBe('Lệ phí của từng thủ tục bạn đang cân nhắc:');
    expect(lines[1]).toMatch(/^1\. Thủ tục đăng ký kết hôn \(mã 1\.000894\) — Lệ phí: /);
    expect(lines[2]).toMatch(/^2\. Thủ tục đăng ký khai tử \(mã 1\.000656\) — Lệ phí: /);
    expect(fee.aspect).toBe('fee');
    // The papers are no one-line fact: the choices are offered again.
    const papers = await a.engine.ask({ question: 'cần giấy tờ gì?', sessionId: 'again' });
    expect(papers.answer.split('\n')[0]).toBe('Bạn hỏi về thủ tục nào dưới đây?');
    expect(papers.candidates?.map((c) => c.code)).toEqual(['1.000894', '1.000656']);
  });
});
