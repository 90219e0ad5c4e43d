// The calibrated decision: answer when one record clearly wins, ask back when a few fit about
// equally, say not found when nothing fits; and the model shipped with the code is valid.
import { describe, expect, it } from 'vitest';
import { ANSWER_MONOTONE, answerFeatures, CHOOSE_ALL_ON, decide, DECISION_FEATURES, loadRankModel, probability, type RankModel } from '../../../server/answer/choose.js';
import type { Knowledge, ProcedureEntry } from '../../../server/answer/knowledge.js';
import { FEATURES, type ProcedureCandidate } from '../../../server/answer/rank.js';
import type { QueryView } from '../../../server/answer/retrieve.js';
import { LexicalIndex } from '../../../ingest/lexical.js';

const k = { catalogueLoaded: true, records: LexicalIndex.build(['đăng ký khai sinh', 'đăng ký kết hôn', 'cấp phiếu lý lịch tư pháp']) } as unknown as Knowledge;
const q: QueryView = { tokens: ['dang', 'ky', 'khai', 'sinh'], meaning: [], units: [{ typed: ['khai'], official: [] }, { typed: ['sinh'], official: [] }], cueText: ' dang ky khai sinh ', terms: new Map(), embedText: '', english: false, accented: new Map() };

function cand(code: string, score: number, recordCov = 0.5): ProcedureCandidate {
  const features = Object.fromEntries(FEATURES.map((f) => [f, f === 'recordCov' ? recordCov : 0.5])) as ProcedureCandidate['features'];
  const entry = { procedure: { code, name: `Thủ tục ${code}`, level: [] }, nameTokens: [], vocabulary: new Set(), slot: 0 } as unknown as ProcedureEntry;
  return { entry, score, features, nameCoverage: 0.5, queryCoverage: 0.5, chunks: [] };
}

// A model whose answer depends only on the margin between the first two records, and its offer on how much of the question the top record covers.
const model: RankModel = {
  weights: Object.fromEntries(FEATURES.map((f) => [f, 1])) as RankModel['weights'],
  answer: { bias: -5, weights: DECISION_FEATURES.map((f) => (f === 'margin' ? 20 : 0)) },
  offer: { bias: -5, weights: DECISION_FEATURES.map((f) => (f === 'recordCov' ? 20 : 0)) },
  thresholds: { answer: 0.5, offer: 0.5 },
  curatedLogOdds: 0,
};

describe('decide', () => {
  it('answers when one record clearly wins', () => {
    const v = decide(k, q, [cand('a', 1), cand('b', 0.5)], model);
    expect(v.kind).toBe('answer');
    if (v.kind === 'answer') expect(v.best.entry.procedure.code).toBe('a');
  });

  it('asks back with the first three when several fit about equally', () => {
    const v = decide(k, q, [cand('a', 1), cand('b', 0.98), cand('c', 0.97), cand('d', 0.9)], model);
    expect(v.kind).toBe('ask');
    if (v.kind === 'ask') expect(v.options.map((o) => o.entry.procedure.code)).toEqual(['a', 'b', 'c']);
  });

  it('says not found when nothing fits well', () => {
    const v = decide(k, q, [cand('a', 0.2, 0.1), cand('b', 0.19, 0.1)], model);
    expect(v.kind).toBe('none');
  });

  it('offers the nearest records, saying none clearly fits, between the nearest and the offer threshold', () => {
    // recordCov 0.24 gives P(offer) = sigmoid(-0.2) ≈ 0.45: under the offer threshold (0.5).
    const weak = [cand('a', 0.2, 0.24), cand('b', 0.19, 0.24), cand('c', 0.18, 0.24)];
    expect(decide(k, q, weak, model).kind).toBe('none');
    const v = decide(k, q, weak, { ...model, thresholds: { ...model.thresholds, nearest: 0.4 } });
    expect(v).toMatchObject({ kind: 'ask', nearest: true });
    const sure = decide(k, q, [cand('a', 1), cand('b', 0.98), cand('c', 0.97)], { ...model, thresholds: { ...model.thresholds, nearest: 0.4 } });
    expect(sure.kind).toBe('ask');
    expect(sure.kind === 'ask' && sure.nearest).toBeFalsy();
  });

  it('says not found with no candidates, and never asks back with one', () => {
    expect(decide(k, q, [], model).kind).toBe('none');
    expect(decide(k, q, [cand('a', 0.9)], { ...model, answer: { ...model.answer, bias: -50 } }).kind).toBe('none');
  });

  it('never answers a real procedure asked for an object no record is about: it asks back', () => {
    const cat: QueryView = { ...q, tokens: ['dang', 'ky', 'khai', 'sinh', 'cho', 'con', 'meo'], cueText: ' dang ky khai sinh cho con meo ' };
    const child: QueryView = { ...q, tokens: ['dang', 'ky', 'khai', 'sinh', 'cho', 'con'], cueText: ' dang ky khai sinh cho con ' };
    const clear = [cand('a', 1), cand('b', 0.5)];
    expect(decide(k, child, clear, model).kind).toBe('answer');
    const v = decide(k, cat, clear, model);
    expect(v.kind).toBe('ask');
  });

  it('answers with the top record when the decision is switched off (ablation)', () => {
    const v = decide(k, q, [cand('a', 0.2), cand('b', 0.19)], model, { records: true, lexicon: true, chunks: true, variants: true, askBack: true, decision: false, boosted: true });
    expect(v.kind).toBe('answer');
  });
});

describe('the boosted answer decision', () => {
  const close = [cand('a', 1), cand('b', 0.98), cand('c', 0.97)];
  const width = answerFeatures(close, DECISION_FEATURES.map(() => 0)).length;

  it('adds the trees’ log-odds to the logistic model’s, and is switched off for ablation', () => {
    expect(decide(k, q, close, model).kind).toBe('ask');
    const sure: RankModel = { ...model, answerTrees: { base: 0, features: width, trees: [{ v: 10 }] } };
    expect(decide(k, q, close, sure).kind).toBe('answer');
    expect(decide(k, q, close, sure, { ...CHOOSE_ALL_ON, boosted: false }).kind).toBe('ask');
    const doubt: RankModel = { ...model, answerTrees: { base: 0, features: width, trees: [{ v: -50 }] } };
    expect(decide(k, q, [cand('a', 1), cand('b', 0.5)], doubt).kind).not.toBe('answer');
  });

  it('corrects the offer the same way: trees sure that the right record is among the first three turn "not found" into choices', () => {
    const weak = [cand('a', 0.2, 0.1), cand('b', 0.19, 0.1)];
    expect(decide(k, q, weak, model).kind).toBe('none');
    const offer: RankModel = { ...model, offerTrees: { base: 0, features: width, trees: [{ v: 10 }] } };
    expect(decide(k, q, weak, offer).kind).toBe('ask');
    expect(decide(k, q, weak, offer, { ...CHOOSE_ALL_ON, boosted: false }).kind).toBe('none');
  });

  it('reads one direction for each of its features', () => {
    expect(ANSWER_MONOTONE).toHaveLength(width);
    expect(ANSWER_MONOTONE.every((d) => d === 1 || d === -1)).toBe(true);
  });
});

describe('the shipped model', () => {
  it('loads, validates and gives probabilities in 0..1', () => {
    const m = loadRankModel();
    expect(Object.keys(m.weights).sort()).toEqual([...FEATURES].sort());
    const p = probability(m.answer, DECISION_FEATURES.map(() => 0.5));
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    expect(m.thresholds.answer).toBeGreaterThan(0);
    // From the nearest-records threshold through the offer one to the answer one, each asks for more.
    expect(m.thresholds.nearest).toBeLessThanOrEqual(m.thresholds.offer);
  });

  it('ships boosted trees for the answer and the offer that read the engine’s feature vector', () => {
    const m = loadRankModel();
    for (const trees of [m.answerTrees, m.offerTrees]) {
      expect(trees?.trees.length).toBeGreaterThan(0);
      expect(trees?.features).toBe(ANSWER_MONOTONE.length);
    }
  });
});
