// Why the engine chose what it chose: `npx tsx test/eval/tools/explain.ts "question"` prints the
// query view, the top candidates with their features, and the decision features and verdict.
import { answerFeatures, decisionFeatures, DECISION_FEATURES, loadRankModel, probability, searchProcedures } from '../../../server/answer/choose.js';
import { boostedLogOdds } from '../../../server/answer/boosted.js';
import { buildLexicon } from '../../../server/answer/lexicon.js';
import { viewQuery } from '../../../server/answer/retrieve.js';
import { openEval } from '../harness.js';

const { live, embedder } = await openEval();
const k = live.current()!;
const lexicon = buildLexicon();
const model = loadRankModel();
for (const question of process.argv.slice(2)) {
  const q = viewQuery(question, lexicon);
  const vector = await embedder.embeddings.embedQuery(q.embedText);
  const { candidates, verdict } = searchProcedures(k, q, vector, model);
  console.log(`\n# ${question}\n  tokens: ${q.tokens.join(' ')}\n  units: ${q.units.map((u) => `${u.typed.join('_')}${u.official.length ? `→${u.official.map((o) => (Array.isArray(o) ? o.join("_") : JSON.stringify(o))).join('|')}` : ''}`).join('  ')}`);
  for (const c of candidates.slice(0, 5)) {
    const f = Object.entries(c.features).filter(([, v]) => typeof v === 'number' && v !== 0).map(([n, v]) => `${n}=${(v as number).toFixed(2)}`).join(' ');
    console.log(`  ${c.score.toFixed(2)} ${c.entry.procedure.code} ${c.entry.procedure.name.slice(0, 70)}\n      ${f}`);
  }
  const x = decisionFeatures(k, q, candidates);
  console.log(`  decision: ${DECISION_FEATURES.map((n, i) => `${n}=${x[i]!.toFixed(2)}`).join(' ')}`);
  const trees = model.answerTrees ? ` with trees=${probability(model.answer, x, boostedLogOdds(model.answerTrees, answerFeatures(candidates, x))).toFixed(2)}` : '';
  console.log(`  pAnswer=${probability(model.answer, x).toFixed(2)}${trees} (≥${model.thresholds.answer}) pOffer=${probability(model.offer, x).toFixed(2)} (≥${model.thresholds.offer}) → ${verdict.kind}`);
}
