// The eval harness: the question sets and their splits, the eval index (data/ + the national
// catalogue + test/eval/corpus), running an engine over questions, judging and summarising.
// The CLI is run.ts; fitting is fit.ts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runIngest } from '../../ingest/pipeline.js';
import { fold } from '../../ingest/text.js';
import type { AskResponse } from '../../domain/contract.js';
import { createAnswerEngine } from '../../server/answer/engine.js';
import { createLiveKnowledge } from '../../server/answer/live-knowledge.js';
import { createEmbeddings } from '../../ingest/embeddings.js';
import { createFileIndexStore } from '../../ingest/index.js';
import type { ChooseSwitches, RankModel } from '../../server/answer/choose.js';

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
  const engine = (switches: Partial<ChooseSwitches> = {}, rankModel?: RankModel) =>
    createAnswerEngine({ knowledge: live.current, embedder, today: () => EVAL_TODAY, switches, ...(rankModel ? { rankModel } : {}) });
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

export const f3 = (x: number) => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));

export function table(bySplit: Array<[string, ReturnType<typeof summarise>]>): string {
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

