// `npm run eval -- [--index DIR] [--split tune|test|regression] [--ablation] [--json] [--misses N]`
// Scores the engine over data/ + the national catalogue + the eval corpus (test/eval/corpus):
// the public-style set (test/eval/public/*.json, split once into tune and test by procedure)
// and the old hand-written set (questions.json) as a regression split. Quote `test`; tune on `tune`.
import { parseArgs } from 'node:util';
import { CHOOSE_ALL_ON, loadRankModel, type ChooseSwitches } from '../../server/answer/choose.js';
import { fitRankModel, HAND_WEIGHTS } from './fit.js';
import { f3, loadQuestions, openEval, runAll, summarise, table, type Question, type Row } from './harness.js';

const ABLATIONS: Array<[string, Partial<ChooseSwitches>]> = [
  ['everything on', {}],
  ['no whole-record index', { records: false }],
  ['no hand lexicon', { lexicon: false }],
  ['no chunk retrieval (BM25 + vectors)', { chunks: false }],
  ['no variant cues', { variants: false }],
  ['no ask-back', { askBack: false }],
  ['no boosted trees (the logistic decisions alone)', { boosted: false }],
  ['no decision (always answer the top record)', { decision: false }],
];

async function main() {
  const { values } = parseArgs({
    options: {
      index: { type: 'string' },
      split: { type: 'string' },
      json: { type: 'boolean', default: false },
      ablation: { type: 'boolean', default: false },
      misses: { type: 'string', default: '0' },
    },
  });
  const ev = await openEval(values.index);
  if (!values.json) process.stderr.write(`index ${ev.build.version}: ${ev.build.chunks} chunks, ${ev.build.procedures} procedures\n`);
  const all = loadQuestions();
  const splits = (values.split ? [values.split] : ['tune', 'test', 'regression']) as Question['split'][];
  const engine = ev.engine();
  const bySplit: Array<[string, ReturnType<typeof summarise>]> = [];
  const rows: Row[] = [];
  for (const s of splits) {
    const rs = await runAll(engine, all.filter((q) => q.split === s));
    rows.push(...rs);
    bySplit.push([s, summarise(rs)]);
  }
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  const latency = { p50: ms[Math.floor(ms.length / 2)] ?? 0, p95: ms[Math.floor(ms.length * 0.95)] ?? 0 };
  const ablation: Array<[string, ReturnType<typeof summarise>]> = [];
  if (values.ablation) {
    const target = (values.split ?? 'test') as Question['split'];
    // Each component off in turn, and the model fitted again on tune without it: what the
    // component earns is then the difference, not the cost of surprising a model fitted with it.
    const start = loadRankModel();
    // The learned ranker against the hand-set weights it replaced (decision fitted for each).
    const hand = (await fitRankModel(ev, { ...start, weights: HAND_WEIGHTS }, CHOOSE_ALL_ON, { fitRanker: false })).model;
    ablation.push([`hand-set ranker weights, not fitted (${target})`, summarise(await runAll(ev.engine(CHOOSE_ALL_ON, hand), all.filter((q) => q.split === target)))]);
    for (const [name, sw] of ABLATIONS) {
      const switches = { ...CHOOSE_ALL_ON, ...sw };
      const refit = sw.askBack === false || sw.decision === false ? undefined : (await fitRankModel(ev, start, switches)).model;
      ablation.push([`${name} (${target})`, summarise(await runAll(ev.engine(switches, refit), all.filter((q) => q.split === target)))]);
    }
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ splits: Object.fromEntries(bySplit), latencyMs: latency, ablation: Object.fromEntries(ablation) })}\n`);
    return;
  }
  const styles = bySplit.filter(([, s]) => Object.keys(s.byStyle).length);
  const styleTable = styles.length
    ? `\n\nProcedure questions by style (right / right or offered):\n\n| style | ${styles.map(([n]) => n).join(' | ')} |\n|---|${styles.map(() => '---').join('|')}|\n${Object.keys(styles[0]![1].byStyle)
        .map((st) => `| ${st} | ${styles.map(([, s]) => (s.byStyle[st] ? `${f3(s.byStyle[st]!.right)} / ${f3(s.byStyle[st]!.rightOrOffered)} (${s.byStyle[st]!.n})` : '-')).join(' | ')} |`)
        .join('\n')}`
    : '';
  process.stdout.write(`\n${table(bySplit)}${styleTable}\n\ntime per answer: p50 ${latency.p50.toFixed(2)} ms, p95 ${latency.p95.toFixed(2)} ms\n`);
  if (ablation.length) process.stdout.write(`\nAblation (each component switched off in turn):\n\n${table(ablation)}\n`);
  const nMiss = Number(values.misses);
  if (nMiss > 0) {
    const bad = rows.filter((x) => !['right', 'abstained'].includes(x.outcome)).slice(0, nMiss);
    process.stdout.write(
      `\nMisses (${bad.length} shown):\n${bad
        .map(({ q, r, outcome }) => `  ${q.id} [${q.split}/${q.category}] ${outcome}: "${q.question.slice(0, 160)}" → ${r.intent}/${r.found ? 'found' : 'not found'} ${r.procedure ? `${r.procedure.code} ${r.procedure.name.slice(0, 70)}` : r.candidates ? `ask[${r.candidates.map((c) => c.code).join(',')}]` : (r.unit ?? '')} (want ${q.expect.codes?.join('|') ?? q.expect.documentNumber ?? q.expect.unit ?? 'not found'})`)
        .join('\n')}\n`,
    );
  }
}

await main();
