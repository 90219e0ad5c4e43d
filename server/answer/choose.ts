// Choosing what to do with a procedure question, in one calibrated decision: answer when one
// record clearly wins, ask back when two or three fit about equally, say "not found" when
// nothing fits. Two logistic models over a few features of the ranking, fitted on the `tune`
// split by test/eval/tools/train.ts, give the probability that the top record is right and that
// the right record is among the first three.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BoostedTrees, boostedLogOdds } from './boosted.js';
import type { Knowledge } from './knowledge.js';
import { FEATURES, rankProcedures, ALL_ON, type ProcedureCandidate, type RankSwitches, type RankWeights } from './rank.js';
import { hybridChunks, type QueryView } from './retrieve.js';
import { QUESTION_WORDS } from './understand.js';

export const DECISION_FEATURES = ['margin', 'queryCov', 'recordCov', 'nameCov', 'chunk', 'unknown', 'short', 'unknownPairs', 'softmax', 'oddObject', 'poolGap', 'hitGap'] as const;

const Logistic = z.object({ bias: z.number(), weights: z.array(z.number()).length(DECISION_FEATURES.length) });
type Logistic = z.infer<typeof Logistic>;

export const RankModel = z.object({
  /** Linear ranker over rank.ts's FEATURES. */
  weights: z.object(Object.fromEntries(FEATURES.map((f) => [f, z.number()])) as Record<(typeof FEATURES)[number], z.ZodNumber>),
  /** P(top record is right). */
  answer: Logistic,
  /**
   * A correction to `answer`'s log-odds from boosted trees over answerFeatures: the decision
   * features plus the first record's ranking features and how far it leads the second. Trees see
   * interactions a linear model cannot (a long letter whose first record leads on its telling
   * words but not on coverage, say); the linear part keeps the decision monotone where the tune
   * split has few examples (a short question naming a popular procedure exactly).
   */
  answerTrees: BoostedTrees.optional(),
  /** P(the right record is among the first three). */
  offer: Logistic,
  /** A correction to `offer`'s log-odds, as answerTrees is to `answer`'s. */
  offerTrees: BoostedTrees.optional(),
  /**
   * P(answer) from which the first record is the answer; P(offer) from which the first three are
   * offered as the likely choices; and from `nearest` up to `offer`, they are offered as the
   * nearest records only, saying that none clearly fits (below it: "not found").
   */
  thresholds: z.object({ answer: z.number(), offer: z.number(), nearest: z.number().optional() }),
  /**
   * Log-odds added when the top record is a curated one: the procedures people ask about most.
   * Set, not fitted: the tune split samples the catalogue uniformly, while questions do not.
   */
  curatedLogOdds: z.number().default(0),
  trainedOn: z.string().optional(),
});
export type RankModel = z.infer<typeof RankModel>;

/** The model shipped with the code (fitted on the tune split); a path overrides it. */
export function loadRankModel(file: string | URL = new URL('./rank-model.json', import.meta.url)): RankModel {
  return RankModel.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export interface ChooseSwitches extends RankSwitches {
  /** Ask back with choices when unsure (off: answer or say not found). */
  askBack: boolean;
  /** The calibrated decision (off: always answer with the top record). */
  decision: boolean;
  /** The boosted trees for the answer and offer decisions (off: the logistic models alone). */
  boosted: boolean;
}
export const CHOOSE_ALL_ON: ChooseSwitches = { ...ALL_ON, askBack: true, decision: true, boosted: true };

export type Verdict =
  | { kind: 'answer'; best: ProcedureCandidate; confidence: number }
  /** `nearest`: no record clearly fits; these are the closest, offered as such. */
  | { kind: 'ask'; options: ProcedureCandidate[]; confidence: number; nearest?: boolean }
  | { kind: 'none'; closest?: ProcedureCandidate; confidence: number };

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function decisionFeatures(k: Knowledge, q: QueryView, cands: ProcedureCandidate[]): number[] {
  const top = cands[0];
  if (!top) return DECISION_FEATURES.map(() => 0);
  const second = cands[1]?.score ?? 0;
  // Words the whole catalogue never uses: a question about something it does not hold.
  let unknown = 0;
  let total = 0;
  // An English question's own words are unknown to a Vietnamese catalogue by nature: only its
  // translated terms speak, so unknown words say nothing there.
  for (const u of q.english ? [] : q.units) {
    for (const t of u.typed) {
      // Written with marks no record uses ("trăng" where records only say "trang"): unknown too.
      const forms = q.accented.get(t);
      const unseen = k.records.df(t) === 0 || (!!forms && [...forms].every((f) => !k.written.has(f)));
      const w = unseen ? 8 : k.records.idf(t);
      total += w;
      if (unseen && !u.official.length) unknown += w;
    }
  }
  // Pairs of content words the catalogue never writes together ("mặt trăng", "người máy", "sao
  // Hỏa"): a real procedure name next to an object no record knows.
  const content = q.english ? [] : q.tokens.filter((t) => !QUESTION_WORDS.has(t));
  let pairs = 0;
  let unseenPairs = 0;
  for (let i = 0; i + 1 < content.length; i++) {
    pairs++;
    if (k.records.df(`${content[i]}_${content[i + 1]}`) === 0) unseenPairs++;
  }
  // Only relative evidence: raw scores grow with the index (54 curated records or the whole catalogue).
  return [
    top.score - second,
    top.features.queryCov,
    top.features.recordCov,
    top.features.nameCov,
    top.features.chunk,
    total ? unknown / total : 0,
    1 / (1 + q.units.length),
    pairs ? unseenPairs / pairs : 0,
    softmaxTop(cands),
    oddObject(k, q),
    // How far the top name's telling words, against its nearest rivals', fit the question.
    top.features.poolCov - (cands[1]?.features.poolCov ?? 0),
    top.features.poolHit - (cands[1]?.features.poolHit ?? 0),
  ];
}

/**
 * How the boosted decisions (answer and offer) may move with each feature: +1 only up, -1 only
 * down; null: not read by the trees at all. More evidence for the first record, a wider lead or a
 * shorter question never lowers the chance that it is right: the tune split holds no short
 * question naming a popular procedure exactly, and unconstrained trees would guess there. The
 * features that describe the kind of record rather than the evidence (curated, generic, who,
 * level) are left to the linear part: the tune split samples the catalogue uniformly, where a
 * short generic name or a curated record on top mostly means a wrong pick, while people ask about
 * those most.
 */
const RANK_DIRECTION: Record<(typeof FEATURES)[number], 1 | -1 | null> = {
  name: 1, record: 1, chunk: 1, nameCov: 1, nameIdfCov: 1, namePairs: 1, queryCov: 1, recordCov: 1, variant: -1, cueAgree: 1, cueExtra: -1,
  cueMissing: -1, generic: null, who: null, level: null, curated: null, accentClash: -1, poolCov: 1, poolHit: 1, levelAsk: 1,
};
const DECISION_DIRECTION: Record<(typeof DECISION_FEATURES)[number], 1 | -1 | null> = {
  margin: 1, queryCov: 1, recordCov: 1, nameCov: 1, chunk: 1, unknown: -1, short: 1, unknownPairs: -1, softmax: 1, oddObject: -1, poolGap: 1, hitGap: 1,
};
const TREE_RANK = FEATURES.filter((f) => RANK_DIRECTION[f] !== null);
const TREE_DECISION = DECISION_FEATURES.flatMap((f, i) => (DECISION_DIRECTION[f] !== null ? [i] : []));

/**
 * What the boosted answer decision reads: the decision features, the first record's ranking
 * features, the same minus the second record's, and its lead over the third. Only relative or
 * bounded values: raw scores grow with the index and trees do not extrapolate.
 */
export function answerFeatures(cands: ProcedureCandidate[], decision: number[]): number[] {
  const row = (c: ProcedureCandidate | undefined) => TREE_RANK.map((f) => c?.features[f] ?? 0);
  const first = row(cands[0]);
  const second = row(cands[1]);
  return [...TREE_DECISION.map((i) => decision[i]!), ...first, ...first.map((x, i) => x - second[i]!), (cands[0]?.score ?? 0) - (cands[2]?.score ?? 0)];
}

/** The direction of each of answerFeatures, for fitting. */
export const ANSWER_MONOTONE: readonly number[] = [
  ...TREE_DECISION.map((i) => DECISION_DIRECTION[DECISION_FEATURES[i]!]!),
  ...TREE_RANK.map((f) => RANK_DIRECTION[f]!),
  ...TREE_RANK.map((f) => RANK_DIRECTION[f]!),
  1,
];

const PREPOSITIONS = new Set(['cho', 'voi', 'tren']);
const CLASSIFIERS = new Set(['con', 'cai', 'chiec', 'mot', 'nhung', 'cac', 'bac', 'ngoi', 'qua']);
/** Who or what a procedure is normally for: people, family, organisations, land and places. */
const ORDINARY = new Set(
  ('nguoi con vo chong bo me cha ong ba anh chi em chau toi minh ban be gia dinh ho nha ca nhan cong dan tre so sinh ' +
    'cong ty doanh nghiep to chuc co so hop tac xa chi nhanh van phong truong benh vien ngan hang ' +
    'dat thua manh can phuong xa quan huyen thanh tinh viet nuoc').split(' '),
);

/**
 * A procedure asked for something no record is about: "bằng lái cho con mèo", "kết hôn với cái
 * gối ôm", "xây nhà trên sao Hỏa". After "cho / với / trên", the object's first two words appear
 * together nowhere in the catalogue (or its one word nowhere at all), and it is not a person,
 * an organisation or a place. A real name with such an object must not get a confident answer.
 */
export function oddObject(k: Knowledge, q: QueryView): number {
  if (q.english) return 0;
  const t = q.tokens;
  for (let i = 1; i < t.length - 1; i++) {
    if (!PREPOSITIONS.has(t[i]!)) continue;
    let j = i + 1;
    while (j < t.length && CLASSIFIERS.has(t[j]!) && j < i + 3) j++;
    const head = t[j];
    if (!head || ORDINARY.has(head) || /\d/.test(head) || QUESTION_WORDS.has(head)) continue;
    const next = t[j + 1];
    const pair = next && !QUESTION_WORDS.has(next) && !/\d/.test(next) ? `${head}_${next}` : null;
    if (pair ? k.records.df(pair) === 0 : k.records.df(head) === 0) return 1;
  }
  return 0;
}

/**
 * The ranker is fitted on pairs with a logistic loss, so score differences are log-odds: the
 * softmax over the candidates is the chance that the top one is the right one among them.
 */
function softmaxTop(cands: ProcedureCandidate[]): number {
  const top = cands[0]!.score;
  let sum = 0;
  for (const c of cands) sum += Math.exp(c.score - top);
  return 1 / sum;
}

export function probability(m: Logistic, x: number[], offset = 0): number {
  let s = m.bias + offset;
  for (let i = 0; i < x.length; i++) s += m.weights[i]! * x[i]!;
  return sigmoid(s);
}

export function decide(k: Knowledge, q: QueryView, cands: ProcedureCandidate[], model: RankModel, switches: ChooseSwitches = CHOOSE_ALL_ON): Verdict {
  const best = cands[0];
  if (!best) return { kind: 'none', confidence: 0 };
  if (!switches.decision) return { kind: 'answer', best, confidence: 1 };
  const x = decisionFeatures(k, q, cands);
  const at = (f: (typeof DECISION_FEATURES)[number]) => x[DECISION_FEATURES.indexOf(f)]!;
  // Most of what the question says is in no record at all: whatever ranks first only shares a word.
  if (at('unknown') >= 0.5) return { kind: 'none', closest: best, confidence: 0 };
  // The popular record's prior counts when the question names it (most of its words are in the
  // record's name or aliases) and asks for nothing odd; it never makes an answer out of nothing.
  const named = best.features.queryCov >= 0.35 && best.features.accentClash === 0 && at('unknown') < 0.2 && !at('oddObject');
  // In an index of curated records only (data/ without the catalogue) being curated says nothing.
  const prior = best.entry.procedure.origin === 'curated' && named && k.catalogueLoaded ? model.curatedLogOdds : 0;
  const pAnswer =
    model.answerTrees && switches.boosted ? probability(model.answer, x, prior + boostedLogOdds(model.answerTrees, answerFeatures(cands, x))) : probability(model.answer, x, prior);
  // A real procedure asked for something no record is about ("hộ chiếu cho con cá vàng") is
  // never answered outright, however well its name matches: at most the choices are offered.
  if (pAnswer >= model.thresholds.answer && !at('oddObject')) return { kind: 'answer', best, confidence: pAnswer };
  const pOffer = model.offerTrees && switches.boosted ? probability(model.offer, x, boostedLogOdds(model.offerTrees, answerFeatures(cands, x))) : probability(model.offer, x);
  if (switches.askBack && pOffer >= model.thresholds.offer && cands.length > 1) {
    return { kind: 'ask', options: cands.slice(0, 3), confidence: pOffer };
  }
  if (switches.askBack && model.thresholds.nearest !== undefined && pOffer >= model.thresholds.nearest && cands.length > 1) {
    return { kind: 'ask', options: cands.slice(0, 3), confidence: pOffer, nearest: true };
  }
  return { kind: 'none', closest: best, confidence: pAnswer };
}

export interface ProcedureSearch {
  candidates: ProcedureCandidate[];
  verdict: Verdict;
}

/** Rank procedures for a question read by viewQuery, then decide. */
export function searchProcedures(
  k: Knowledge,
  q: QueryView,
  vector: number[] | null,
  model: RankModel,
  switches: ChooseSwitches = CHOOSE_ALL_ON,
): ProcedureSearch {
  const chunks = switches.chunks ? hybridChunks(k, q, vector, { limit: 60, kind: 'procedure' }) : [];
  const candidates = rankProcedures(k, q, chunks, model.weights as RankWeights, switches, 10);
  return { candidates, verdict: decide(k, q, candidates, model, switches) };
}
