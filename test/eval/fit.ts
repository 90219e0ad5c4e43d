// Fitting the ranker and the answer / ask-back / not-found decision on the `tune` split only.
// Used by tools/train.ts (writes server/answer/rank-model.json) and by the eval's refitted
// ablation (each component switched off, the model fitted again without it).
import { createHash } from 'node:crypto';
import { buildLexicon } from '../../server/answer/lexicon.js';
import { hybridChunks, viewQuery } from '../../server/answer/retrieve.js';
import { FEATURES, PINNED, rankProcedures, type ProcedureCandidate, type RankWeights } from '../../server/answer/rank.js';
import { ANSWER_MONOTONE, answerFeatures, CHOOSE_ALL_ON, DECISION_FEATURES, decisionFeatures, probability, type ChooseSwitches, type RankModel } from '../../server/answer/choose.js';
import { boostedLogOdds } from '../../server/answer/boosted.js';
import { fitBoosted } from './boost.js';
import type { Knowledge } from '../../server/answer/knowledge.js';
import { loadQuestions, type openEval, type Question } from './harness.js';

interface Example {
  question: string;
  /** The procedure (or the question, when out of scope): examples of one go to the same fold. */
  group: string;
  /** Candidates with their features (the pool does not depend on the weights being fitted). */
  cands: ProcedureCandidate[];
  codes: Set<string> | null; // null: out of scope
}

const dot = (w: number[], x: number[]) => w.reduce((s, wi, i) => s + wi * x[i]!, 0);
const vec = (c: ProcedureCandidate) => FEATURES.map((f) => c.features[f]);

/** Pairwise logistic loss: every right candidate above every wrong one of the same question. */
function fitRanker(examples: Example[], start: number[], epochs = 6000, lr = 0.1, l2 = 1e-3): number[] {
  const w = [...start];
  const pairs: Array<[number[], number[]]> = [];
  for (const ex of examples) {
    if (!ex.codes) continue;
    const right = ex.cands.filter((c) => ex.codes!.has(c.entry.procedure.code));
    const wrong = ex.cands.filter((c) => !ex.codes!.has(c.entry.procedure.code)).slice(0, 15);
    for (const r of right.slice(0, 1)) for (const o of wrong) pairs.push([vec(r), vec(o)]);
  }
  for (let e = 0; e < epochs; e++) {
    const g = w.map(() => 0);
    for (const [a, b] of pairs) {
      const d = a.map((x, i) => x - b[i]!);
      const p = 1 / (1 + Math.exp(dot(w, d))); // gradient of log(1 + e^{-w·d})
      d.forEach((x, i) => (g[i]! -= p * x));
    }
    w.forEach((_, i) => {
      if (!PINNED.has(FEATURES[i]!)) w[i]! -= lr * (g[i]! / Math.max(1, pairs.length) + l2 * w[i]!);
    });
  }
  return w;
}

function fitLogistic(xs: number[][], ys: number[], epochs = 2000, lr = 0.1, l2 = 1e-3): { bias: number; weights: number[] } {
  let bias = 0;
  const w = xs[0]!.map(() => 0);
  for (let e = 0; e < epochs; e++) {
    let gb = 0;
    const g = w.map(() => 0);
    xs.forEach((x, n) => {
      const p = 1 / (1 + Math.exp(-(bias + dot(w, x))));
      const err = p - ys[n]!;
      gb += err;
      x.forEach((xi, i) => (g[i]! += err * xi));
    });
    bias -= (lr * gb) / xs.length;
    w.forEach((_, i) => (w[i]! -= lr * (g[i]! / xs.length + l2 * w[i]!)));
  }
  return { bias, weights: w };
}

/** Each example's P(y = 1) from trees fitted on the other folds. */
function outOfFold(xs: number[][], ys: number[], groups: string[], offset: number[], folds = 5): number[] {
  const foldOf = groups.map((g) => createHash('sha1').update(g).digest()[0]! % folds);
  const p = new Array<number>(xs.length).fill(0);
  for (let f = 0; f < folds; f++) {
    const train = xs.flatMap((_, i) => (foldOf[i] === f ? [] : [i]));
    const m = fitBoosted(train.map((i) => xs[i]!), train.map((i) => ys[i]!), { monotone: ANSWER_MONOTONE }, train.map((i) => offset[i]!));
    xs.forEach((x, i) => {
      if (foldOf[i] === f) p[i] = 1 / (1 + Math.exp(-(offset[i]! + boostedLogOdds(m, x))));
    });
  }
  return p;
}

function rerank(k: Knowledge, ex: Example, weights: RankWeights): ProcedureCandidate[] {
  return ex.cands
    .map((c) => ({ ...c, score: FEATURES.reduce((s, f) => s + weights[f] * c.features[f], 0) }))
    .sort((a, b) => b.score - a.score || a.entry.slot - b.entry.slot);
}

export interface FitReport {
  procedures: number;
  inPool: number;
  outOfScope: number;
  top1: number;
}

/**
 * The hand-set weights of the engine before the ranker was fitted (name match, coverage,
 * passages, variant penalty, a small bonus for curated records): the baseline the fitted ranker
 * is measured against.
 */
export const HAND_WEIGHTS: RankWeights = Object.fromEntries(FEATURES.map((f) => [f, 0])) as RankWeights;
Object.assign(HAND_WEIGHTS, { name: 0.25, nameCov: 0.35, queryCov: 0.45, chunk: 0.2, variant: -0.24, level: 0.03, curated: 0.12 });

/**
 * Fit on the tune split with the given components switched off. The ranker starts from the
 * hand-set weights, so fitting is reproducible; `start` gives the pinned weights and the curated
 * prior (and, with fitRanker false, the ranker weights kept as they are).
 */
export async function fitRankModel(
  ev: Awaited<ReturnType<typeof openEval>>,
  start: RankModel,
  switches: ChooseSwitches = CHOOSE_ALL_ON,
  options: { fitRanker?: boolean; questions?: Question[] } = {},
): Promise<{ model: RankModel; report: FitReport }> {
  const k = ev.live.current()!;
  const lexicon = switches.lexicon ? buildLexicon() : [];
  // The candidates and the ranker's starting point come from the hand-set weights (with the
  // pinned ones as shipped), not from the model being replaced: fitting twice gives the same model.
  const fromHand = options.fitRanker !== false;
  const poolWeights: RankWeights = fromHand ? { ...HAND_WEIGHTS, ...Object.fromEntries([...PINNED].map((f) => [f, start.weights[f]])) } : start.weights;
  const tune = (options.questions ?? loadQuestions().filter((q) => q.split === 'tune')).filter((q) => !q.turns?.length && (q.expect.codes || q.expect.found === false));
  const examples: Example[] = [];
  for (const q of tune) {
    const v = viewQuery(q.question, lexicon);
    const chunks = switches.chunks ? hybridChunks(k, v, await ev.embedder.embeddings.embedQuery(v.embedText), { limit: 60, kind: 'procedure' }) : [];
    const cands = rankProcedures(k, v, chunks, poolWeights, switches, 60);
    examples.push({ question: q.question, group: q.expect.codes?.[0] ?? q.id, cands, codes: q.expect.codes ? new Set(q.expect.codes) : null });
  }
  const inPool = examples.filter((e) => e.codes && e.cands.some((c) => e.codes!.has(c.entry.procedure.code))).length;
  const nProc = examples.filter((e) => e.codes).length;

  const w = options.fitRanker === false ? FEATURES.map((f) => start.weights[f]) : fitRanker(examples, FEATURES.map((f) => poolWeights[f]));
  const weights = Object.fromEntries(FEATURES.map((f, i) => [f, Number(w[i]!.toFixed(4))])) as RankWeights;

  const xs: number[][] = [];
  const axs: number[][] = [];
  const yAnswer: number[] = [];
  const yOffer: number[] = [];
  for (const ex of examples) {
    const ranked = rerank(k, ex, weights);
    const v = viewQuery(ex.question, lexicon);
    const x = decisionFeatures(k, v, ranked);
    xs.push(x);
    axs.push(answerFeatures(ranked, x));
    const top = ranked.slice(0, 3).map((c) => c.entry.procedure.code);
    yAnswer.push(ex.codes && top[0] && ex.codes.has(top[0]) ? 1 : 0);
    yOffer.push(ex.codes && top.some((c) => ex.codes!.has(c)) ? 1 : 0);
  }
  const answer = fitLogistic(xs, yAnswer);
  const offer = fitLogistic(xs, yOffer);
  const boosted = switches.boosted && switches.decision;
  const linear = xs.map((x) => Math.log(probability(answer, x) / (1 - probability(answer, x))));
  const answerTrees = boosted ? fitBoosted(axs, yAnswer, { monotone: ANSWER_MONOTONE }, linear) : undefined;

  // The answer threshold: as many right answers as possible while confident wrong ones (a wrong
  // record, or any record for an out-of-scope question) stay within 4 % of the tune questions.
  // (At 2 % a third of the right answers are lost to asking back; the policy is a product choice.)
  // Trees fit their own examples closely: the threshold is chosen on out-of-fold probabilities
  // (5 folds by procedure), as the model will see questions it was not fitted on.
  const pa = boosted ? outOfFold(axs, yAnswer, examples.map((e) => e.group), linear) : xs.map((x) => probability(answer, x));
  const offerLinear = xs.map((x) => Math.log(probability(offer, x) / (1 - probability(offer, x))));
  const offerTrees = boosted ? fitBoosted(axs, yOffer, { monotone: ANSWER_MONOTONE }, offerLinear) : undefined;
  const po = boosted ? outOfFold(axs, yOffer, examples.map((e) => e.group), offerLinear) : xs.map((x) => probability(offer, x));
  const MAX_WRONG = 0.04;
  let bestA = { t: 0.95, u: -Infinity };
  for (let t = 0.2; t <= 0.95; t += 0.01) {
    let right = 0;
    let wrong = 0;
    pa.forEach((p, i) => {
      if (p >= t) yAnswer[i] ? right++ : wrong++;
    });
    if (wrong / pa.length <= MAX_WRONG && right > bestA.u) bestA = { t, u: right };
  }
  // Two kinds of ask-back share P(offer). Above `offer` the choices are presented as what the
  // person likely means: offering the right record helps; wrong ones cost a little more than
  // "not found"; any for a question the catalogue cannot answer (out of scope) costs most.
  // Between `nearest` and `offer` they are presented as the nearest records only ("none clearly
  // fits", beside the portal link): three near misses then cost little more than "not found",
  // which sends the person to the same portal, while the right one among them is one tap away.
  const bestThreshold = (from: number, to: number, value: (hit: boolean, inScope: boolean) => number) => {
    let best = { t: to, u: 0 };
    for (let t = from; t < to - 1e-9; t += 0.01) {
      let u = 0;
      po.forEach((p, i) => {
        if (pa[i]! >= bestA.t || p < t || p >= to) return;
        u += value(yOffer[i] === 1, examples[i]!.codes !== null);
      });
      if (u > best.u) best = { t, u };
    }
    return best.t;
  };
  const offerT = bestThreshold(0.1, 0.96, (hit, inScope) => (hit ? 0.6 : inScope ? -0.5 : -2));
  const nearestT = bestThreshold(0.05, offerT, (hit, inScope) => (hit ? 1 : inScope ? -0.25 : -1));
  const round = (m: { bias: number; weights: number[] }) => ({ bias: Number(m.bias.toFixed(4)), weights: m.weights.map((x) => Number(x.toFixed(4))) });
  const model: RankModel = {
    weights,
    answer: round(answer),
    ...(answerTrees ? { answerTrees } : {}),
    ...(offerTrees ? { offerTrees } : {}),
    offer: round(offer),
    thresholds: { answer: Number(bestA.t.toFixed(2)), offer: Number(offerT.toFixed(2)), nearest: Number(nearestT.toFixed(2)) },
    curatedLogOdds: start.curatedLogOdds,
    trainedOn: `tune split: ${nProc} procedure and ${examples.length - nProc} out-of-scope questions; features ${FEATURES.join(', ')}; decision ${DECISION_FEATURES.join(', ')}`,
  };
  const top1 = yAnswer.reduce((s, y) => s + y, 0);
  return { model, report: { procedures: nProc, inPool, outOfScope: examples.length - nProc, top1 } };
}
