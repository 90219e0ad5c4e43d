// `npm run eval -- [--index DIR] [--split tune|test|regression] [--ablation] [--json] [--misses N]`
// Scores the engine over data/ + the national catalogue + the eval corpus (test/eval/corpus):
// the public-style set (test/eval/public/*.json, split once into tune and test by procedure)
// and the old hand-written set (questions.json) as a regression split. Quote `test`; tune on `tune`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runIngest } from '../../ingest/pipeline.js';
import { fold } from '../../ingest/text.js';
import type { AskResponse } from '../../server/answer/contract.js';
import { createAnswerEngine } from '../../server/answer/engine.js';
import { createLiveKnowledge } from '../../server/answer/live-knowledge.js';
import { createEmbeddings } from '../../ingest/embeddings.js';
import { createFileIndexStore } from '../../ingest/store.js';
import { CHOOSE_ALL_ON, type ChooseSwitches } from '../../server/answer/choose.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The clock the eval answers on: deadline status and fees on date depend on it. */
export const EVAL_TODAY = '2026-11-27';

interface ExpectedDeadline { kind: string; month?: string; due?: string; year?: number; date?: string }
export interface Question {
  id: string;
  category: string;
  split: 'tune' | 'test' | 'regression';
  styles?: string[];
  question: string;
  turns?: string[];
  expect: {
    intent?: string;
    codes?: string[];
    aspect?: string;
    found?: boolean;
    unit?: string;
    deadlines?: ExpectedDeadline[];
    excludeDeadlines?: ExpectedDeadline[];
    documentNumber?: string;
    answerIncludes?: string[];
  };
}

export function loadQuestions(): Question[] {
  const dir = path.join(root, 'test/eval/public');
  const pub = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { questions: Question[] }).questions);
  const old = (JSON.parse(readFileSync(path.join(root, 'test/eval/questions.json'), 'utf8')) as { questions: Question[] }).questions.map((q) => ({
    ...q,
    category: q.category.startsWith('procedure') ? 'procedure' : q.category === 'followup' ? 'conversation' : q.category,
    split: 'regression' as const,
  }));
  return [...pub, ...old];
}

/** Builds (or reuses) the eval index and returns a factory of engines over it. */
export async function openEval(indexDir?: string) {
  const dir = path.resolve(indexDir ?? path.join(root, '.index-eval'));
  const store = createFileIndexStore(dir);
  const embedder = await createEmbeddings({ kind: 'hashing' });
  const portal = path.join(root, '../shared/data/tthc-portal');
  const build = await runIngest({ store, embedder, paths: [path.join(root, 'data'), portal, path.join(root, 'test/eval/corpus')], baseDir: root });
  const live = createLiveKnowledge({ store, embedder });
  await live.refresh();
  const engine = (switches: Partial<ChooseSwitches> = {}) => createAnswerEngine({ knowledge: live.current, embedder, today: () => EVAL_TODAY, switches });
  return { build, live, embedder, engine };
}

function deadlineMatches(r: AskResponse, want: ExpectedDeadline): boolean {
  return (r.tasks ?? []).some((t) => {
    const d = t.deadline;
    if (d.kind !== want.kind) return false;
    if (want.month && d.month !== want.month) return false;
    if (want.due && d.due !== want.due) return false;
    if (want.date && d.date !== want.date && d.due !== want.date) return false;
    if (want.year && d.year !== want.year && !(d.due ?? '').startsWith(String(want.year))) return false;
    return true;
  });
}

/** What happened to one question. */
export type Outcome =
  | 'right' // the right procedure as the answer / the right unit's deadlines / the right document
  | 'offered' // asked back, with the right procedure among the choices
  | 'offered-wrong' // asked back without the right one
  | 'not-found' // said not found while the record exists
  | 'wrong' // a confident wrong answer
  | 'wrong-intent' // sent to the deadline or document module (or the reverse)
  | 'abstained' // out of scope: said not found (right)
  | 'asked-oos' // out of scope: offered choices
  | 'answered-oos'; // out of scope: answered with a procedure, task or document

export function judge(q: Question, r: AskResponse): Outcome {
  const e = q.expect;
  if (e.found === false) {
    if (!r.found) return 'abstained';
    if (r.candidates?.length && !r.procedure) return 'asked-oos';
    return 'answered-oos';
  }
  if (e.codes) {
    const codes = new Set(e.codes);
    if (r.intent !== 'procedure' && r.intent !== 'out-of-scope') return 'wrong-intent';
    if (r.procedure && r.found) return codes.has(r.procedure.code) ? 'right' : 'wrong';
    if (r.candidates?.length) return r.candidates.some((c) => codes.has(c.code)) ? 'offered' : 'offered-wrong';
    return 'not-found';
  }
  if (e.deadlines) {
    if (r.intent !== 'deadline') return r.found ? 'wrong-intent' : 'not-found';
    const ok = e.deadlines.every((d) => deadlineMatches(r, d)) && !(e.excludeDeadlines ?? []).some((d) => deadlineMatches(r, d));
    return ok ? 'right' : r.found ? 'wrong' : 'not-found';
  }
  if (e.documentNumber) {
    const want = fold(e.documentNumber);
    if (!r.found) return 'not-found';
    const cited = r.citations.some((c) => c.number && fold(c.number) === want);
    const has = (e.answerIncludes ?? []).every((s) => fold(r.answer).includes(fold(s)));
    return cited && has ? 'right' : r.intent === 'document' ? 'wrong' : 'wrong-intent';
  }
  return r.found ? 'right' : 'not-found';
}

export interface Row { q: Question; r: AskResponse; outcome: Outcome; ms: number }

export async function runAll(engine: ReturnType<Awaited<ReturnType<typeof openEval>>['engine']>, questions: Question[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const q of questions) {
    const sessionId = `eval-${q.id}`;
    for (const t of q.turns ?? []) await engine.ask({ question: t, sessionId });
    const t0 = performance.now();
    const r = await engine.ask({ question: q.question, sessionId });
    rows.push({ q, r, outcome: judge(q, r), ms: performance.now() - t0 });
  }
  return rows;
}

const share = (rows: Row[], pred: (r: Row) => boolean) => (rows.length ? rows.filter(pred).length / rows.length : NaN);

export function summarise(rows: Row[]) {
  const proc = rows.filter((x) => x.q.expect.codes && x.q.category !== 'conversation');
  const conv = rows.filter((x) => x.q.category === 'conversation');
  const dl = rows.filter((x) => x.q.expect.deadlines);
  const doc = rows.filter((x) => x.q.expect.documentNumber);
  const oos = rows.filter((x) => x.q.expect.found === false);
  const long = proc.filter((x) => x.q.styles?.includes('long'));
  const o = (xs: Row[], k: Outcome) => share(xs, (x) => x.outcome === k);
  return {
    procedure: {
      n: proc.length,
      right: o(proc, 'right'),
      rightOrOffered: share(proc, (x) => x.outcome === 'right' || x.outcome === 'offered'),
      offered: o(proc, 'offered'),
      notFound: o(proc, 'not-found'),
      confidentWrong: o(proc, 'wrong'),
      wrongIntent: o(proc, 'wrong-intent'),
      longN: long.length,
      longRight: o(long, 'right'),
    },
    conversation: { n: conv.length, right: o(conv, 'right') },
    deadline: { n: dl.length, right: o(dl, 'right') },
    document: { n: doc.length, right: o(doc, 'right') },
    outOfScope: { n: oos.length, answered: o(oos, 'answered-oos'), askedBack: o(oos, 'asked-oos') },
    byStyle: Object.fromEntries(
      [...new Set(proc.flatMap((x) => x.q.styles ?? []))].sort().map((st) => {
        const xs = proc.filter((x) => x.q.styles?.includes(st));
        return [st, { n: xs.length, right: o(xs, 'right'), rightOrOffered: share(xs, (x) => x.outcome === 'right' || x.outcome === 'offered') }];
      }),
    ),
  };
}

const f3 = (x: number) => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));

function table(bySplit: Array<[string, ReturnType<typeof summarise>]>): string {
  const lines = [
    `| split | procedures | right | right or offered | not found | confident wrong | wrong intent | long: right | conversations | deadlines | documents | out of scope answered / asked back |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|`,
  ];
  for (const [name, s] of bySplit) {
    lines.push(
      `| ${name} | ${s.procedure.n} | ${f3(s.procedure.right)} | ${f3(s.procedure.rightOrOffered)} | ${f3(s.procedure.notFound)} | ${f3(s.procedure.confidentWrong)} | ${f3(s.procedure.wrongIntent)} | ${f3(s.procedure.longRight)} (${s.procedure.longN}) | ${f3(s.conversation.right)} (${s.conversation.n}) | ${f3(s.deadline.right)} (${s.deadline.n}) | ${f3(s.document.right)} (${s.document.n}) | ${f3(s.outOfScope.answered)} / ${f3(s.outOfScope.askedBack)} (${s.outOfScope.n}) |`,
    );
  }
  return lines.join('\n');
}

const ABLATIONS: Array<[string, Partial<ChooseSwitches>]> = [
  ['everything on', {}],
  ['no whole-record index', { records: false }],
  ['no term associations', { associations: false }],
  ['no hand lexicon', { lexicon: false }],
  ['no chunk retrieval (BM25 + vectors)', { chunks: false }],
  ['no variant cues', { variants: false }],
  ['no ask-back', { askBack: false }],
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
    for (const [name, sw] of ABLATIONS) ablation.push([`${name} (${target})`, summarise(await runAll(ev.engine({ ...CHOOSE_ALL_ON, ...sw }), all.filter((q) => q.split === target)))]);
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
