// Fits the ranker and the answer / ask-back / not-found decision on the `tune` split only, and
// writes server/answer/rank-model.json. The test split is never read here.
//   npx tsx test/eval/tools/train.ts [--index DIR] [--dry-run] [--cv 3 [--repeat R] [--off records|lexicon|chunks|variants ...]]
// --cv K: K-fold cross-validation inside the tune split (folds by procedure), to compare
// features and settings without looking at the test split.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CHOOSE_ALL_ON, loadRankModel } from '../../../server/answer/choose.js';
import { createHash } from 'node:crypto';
import { fitRankModel } from '../fit.js';
import { f3, loadQuestions, openEval, root, runAll, summarise } from '../harness.js';

/** K-fold cross-validation on tune: fit on K−1 folds, score the held-out fold, average. */
async function crossValidate(ev: Awaited<ReturnType<typeof openEval>>, folds: number, off: string[] = [], repeats = 1) {
  const switches = { ...CHOOSE_ALL_ON, ...Object.fromEntries(off.map((c) => [c, false])) };
  const tune = loadQuestions().filter((q) => q.split === 'tune');
  // A procedure's questions (and a conversation's) stay in one fold.
  const key = (q: (typeof tune)[number]) => q.expect.codes?.[0] ?? q.id;
  // Each repeat draws other folds (a salt in the hash): one draw's noise is a point or two.
  const rows = [];
  for (let r = 0; r < repeats; r++) {
    const fold = (q: (typeof tune)[number]) => createHash('sha1').update(r ? `${r}:${key(q)}` : key(q)).digest()[0]! % folds;
    for (let f = 0; f < folds; f++) {
      const { model } = await fitRankModel(ev, loadRankModel(), switches, { questions: tune.filter((q) => fold(q) !== f) });
      rows.push(...(await runAll(ev.engine(switches, model), tune.filter((q) => fold(q) === f))));
    }
  }
  const s = summarise(rows);
  process.stdout.write(
    `cv ${folds}-fold${repeats > 1 ? ` ×${repeats}` : ""} on tune: procedures ${s.procedure.n}: right ${f3(s.procedure.right)}, right or offered ${f3(s.procedure.rightOrOffered)}, ` +
      `not found ${f3(s.procedure.notFound)}, confidently wrong ${f3(s.procedure.confidentWrong)}; long right ${f3(s.procedure.longRight)}; ` +
      `conversations ${f3(s.conversation.right)}; out of scope answered ${f3(s.outOfScope.answered)} / asked ${f3(s.outOfScope.askedBack)}\n`,
  );
}

async function main() {
  const { values } = parseArgs({ options: { index: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, cv: { type: 'string' }, repeat: { type: 'string' }, off: { type: 'string', multiple: true } } });
  const ev = await openEval(values.index);
  if (values.cv) return crossValidate(ev, Number(values.cv), values.off ?? [], Number(values.repeat ?? 1));
  const { model, report } = await fitRankModel(ev, loadRankModel());
  process.stderr.write(
    `tune: ${report.procedures} procedure questions (right record in the pool for ${report.inPool}), ${report.outOfScope} out of scope\n` +
      `ranker top-1 on tune after fitting: ${report.top1}/${report.procedures}; thresholds answer ${model.thresholds.answer}, offer ${model.thresholds.offer}, nearest ${model.thresholds.nearest}\n`,
  );
  process.stdout.write(`${JSON.stringify(model, null, 2)}\n`);
  if (!values['dry-run']) writeFileSync(path.join(root, 'server/answer/rank-model.json'), `${JSON.stringify(model, null, 2)}\n`);
}

await main();
