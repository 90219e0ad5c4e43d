// Fits the ranker and the answer / ask-back / not-found decision on the `tune` split only, and
// writes server/answer/rank-model.json. The test split is never read here.
//   npx tsx test/eval/tools/train.ts [--index DIR] [--dry-run]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadRankModel } from '../../../server/answer/choose.js';
import { fitRankModel } from '../fit.js';
import { openEval, root } from '../harness.js';

async function main() {
  const { values } = parseArgs({ options: { index: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
  const ev = await openEval(values.index);
  const { model, report } = await fitRankModel(ev, loadRankModel());
  process.stderr.write(
    `tune: ${report.procedures} procedure questions (right record in the pool for ${report.inPool}), ${report.outOfScope} out of scope\n` +
      `ranker top-1 on tune after fitting: ${report.top1}/${report.procedures}; thresholds answer ${model.thresholds.answer}, offer ${model.thresholds.offer}\n`,
  );
  process.stdout.write(`${JSON.stringify(model, null, 2)}\n`);
  if (!values['dry-run']) writeFileSync(path.join(root, 'server/answer/rank-model.json'), `${JSON.stringify(model, null, 2)}\n`);
}

await main();
