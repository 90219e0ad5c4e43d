// `npm run eval -- [--index DIR] [--json] [--verbose]`: scores the engine on the development
// set over data/ plus the full national catalogue. Builds that index on first run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runIngest } from '../../ingest/pipeline.js';
import { fold } from '../../ingest/text.js';
import type { AskResponse } from '../../server/answer/contract.js';
import { createAnswerEngine } from '../../server/answer/engine.js';
import { buildLexicon } from '../../server/answer/lexicon.js';
import { createLiveKnowledge } from '../../server/answer/live-knowledge.js';
import { hybridChunks, rankProcedures, viewQuery } from '../../server/answer/retrieve.js';
import { createEmbeddings } from '../../ingest/embeddings.js';
import { createFileIndexStore } from '../../ingest/store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface ExpectedDeadline { kind: string; month?: string; due?: string; year?: number }
interface Question {
  id: string;
  category: string;
  question: string;
  turns?: string[];
  expect: { intent?: string; codes?: string[]; found?: boolean; unit?: string; deadlines?: ExpectedDeadline[]; documentNumber?: string };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

function deadlineMatches(r: AskResponse, want: ExpectedDeadline): boolean {
  return (r.tasks ?? []).some((t) => {
    const d = t.deadline;
    if (d.kind !== want.kind) return false;
    if (want.month && d.month !== want.month) return false;
    if (want.due && d.due !== want.due) return false;
    if (want.year && d.year !== want.year && !(d.due ?? '').startsWith(String(want.year))) return false;
    return true;
  });
}

async function main() {
  const { values } = parseArgs({
    options: { index: { type: 'string' }, json: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false }, portal: { type: 'string' } },
  });
  const indexDir = path.resolve(values.index ?? path.join(root, '.index-eval'));
  const portal = path.resolve(values.portal ?? path.join(root, '../shared/data/tthc-portal'));
  const store = createFileIndexStore(indexDir);
  const embedder = await createEmbeddings({ kind: 'hashing' });
  const build = await runIngest({ store, embedder, paths: [path.join(root, 'data'), portal], baseDir: root });
  if (!values.json) process.stderr.write(`index ${build.version}: ${build.chunks} chunks, ${build.procedures} procedures (${build.published ? 'updated' : 'unchanged'})\n`);
  const live = createLiveKnowledge({ store, embedder });
  await live.refresh();
  const engine = createAnswerEngine({ knowledge: live.current, embedder, today: () => '2026-11-27' });
  const lexicon = buildLexicon();
  const { questions } = JSON.parse(readFileSync(path.join(root, 'test/eval/questions.json'), 'utf8')) as { questions: Question[] };

  const times: number[] = [];
  let procN = 0, top1 = 0, rec5 = 0, rr = 0;
  let dlN = 0, dlOk = 0, docN = 0, docOk = 0, oosN = 0, oosOk = 0;
  const misses: string[] = [];
  const byCat = new Map<string, { n: number; ok: number }>();
  for (const q of questions) {
    const sessionId = `eval-${q.id}`;
    for (const t of q.turns ?? []) await engine.ask({ question: t, sessionId });
    const t0 = performance.now();
    const r = await engine.ask({ question: q.question, sessionId });
    times.push(performance.now() - t0);
    let ok = false;
    if (q.expect.found === false) {
      oosN++;
      ok = !r.found;
      if (ok) oosOk++;
    } else if (q.expect.codes) {
      procN++;
      const codes = new Set(q.expect.codes);
      ok = r.intent === 'procedure' && !!r.procedure && codes.has(r.procedure.code);
      if (ok) top1++;
      // Retrieval ranking for recall@5 / MRR (follow-ups are scored on the answer only).
      const k = live.current()!;
      const v = viewQuery(q.question, lexicon);
      const ranked = q.turns?.length
        ? [r.procedure?.code, ...(r.alternatives ?? []).map((a) => a.code)]
        : rankProcedures(k, v, hybridChunks(k, v, await embedder.embeddings.embedQuery(v.embedText), { limit: 60, kind: 'procedure' }), 5).map((c) => c.entry.procedure.code);
      const rank = ranked.slice(0, 5).findIndex((c) => c && codes.has(c));
      if (rank >= 0) {
        rec5++;
        rr += 1 / (rank + 1);
      }
    } else if (q.expect.deadlines) {
      dlN++;
      ok = r.intent === 'deadline' && q.expect.deadlines.every((d) => deadlineMatches(r, d));
      if (ok) dlOk++;
    } else if (q.expect.documentNumber) {
      docN++;
      const want = fold(q.expect.documentNumber);
      ok = r.found && r.citations.some((c) => c.number && fold(c.number) === want);
      if (ok) docOk++;
    }
    const c = byCat.get(q.category) ?? { n: 0, ok: 0 };
    c.n++;
    if (ok) c.ok++;
    byCat.set(q.category, c);
    if (!ok) misses.push(`${q.id} [${q.category}] "${q.question}" → ${r.intent}/${r.found ? 'found' : 'not found'} ${r.procedure ? `${r.procedure.code} ${r.procedure.name}` : r.unit ?? ''} (want ${q.expect.codes?.join('|') ?? q.expect.documentNumber ?? q.expect.unit ?? 'not found'})`);
  }
  const result = {
    questions: questions.length,
    procedure: { n: procN, accuracyAt1: top1 / procN, recallAt5: rec5 / procN, mrr: rr / procN },
    deadline: { n: dlN, accuracy: dlOk / dlN },
    document: { n: docN, accuracy: docOk / docN },
    outOfScope: { n: oosN, precision: oosOk / oosN, answeredAsFound: oosN - oosOk },
    byCategory: Object.fromEntries([...byCat].map(([k, v]) => [k, { n: v.n, accuracy: v.ok / v.n }])),
    latencyMs: { p50: pct(times, 50), p95: pct(times, 95) },
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const f = (x: number) => x.toFixed(3);
    process.stdout.write(
      `\nEvaluation over ${questions.length} questions (data/ + national catalogue, ${build.procedures} procedures)\n` +
        `  procedures (${procN}): accuracy@1 ${f(result.procedure.accuracyAt1)}  recall@5 ${f(result.procedure.recallAt5)}  MRR ${f(result.procedure.mrr)}\n` +
        `  deadlines (${dlN}): accuracy ${f(result.deadline.accuracy)}\n` +
        `  documents (${docN}): accuracy ${f(result.document.accuracy)}\n` +
        `  out of scope (${oosN}): precision ${f(result.outOfScope.precision)} (${result.outOfScope.answeredAsFound} answered as found)\n` +
        `  by category: ${Object.entries(result.byCategory).map(([k, v]) => `${k} ${f(v.accuracy)} (${v.n})`).join(', ')}\n` +
        `  time per answer: p50 ${result.latencyMs.p50.toFixed(2)} ms, p95 ${result.latencyMs.p95.toFixed(2)} ms\n`,
    );
    if (values.verbose || misses.length <= 40) process.stdout.write(`\nMisses (${misses.length}):\n${misses.map((m) => `  ${m}`).join('\n')}\n`);
  }
}

await main();
