// The questions the bench asks: the development evaluation set (test/eval/questions.json).
// Quality uses its procedure questions that stand alone (follow-ups need a conversation, which
// the peers do not have); latency uses every question's text as typed.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface EvalQuestion {
  id: string;
  question: string;
  turns?: string[];
  expect: { codes?: string[] };
}

export interface ProcedureQuestion {
  id: string;
  question: string;
  codes: string[];
}

export function loadQuestions(root: string): { procedure: ProcedureQuestion[]; all: string[] } {
  const file = path.join(root, 'test/eval/questions.json');
  const { questions } = JSON.parse(readFileSync(file, 'utf8')) as { questions: EvalQuestion[] };
  const standalone = questions.filter((q) => !q.turns?.length);
  const procedure = standalone.flatMap((q) => (q.expect.codes?.length ? [{ id: q.id, question: q.question, codes: q.expect.codes }] : []));
  if (!procedure.length) throw new Error(`${file}: no procedure questions to score`);
  return { procedure, all: standalone.map((q) => q.question) };
}

export interface Quality {
  n: number;
  accuracyAt1: number;
  recallAt5: number;
  mrr: number;
}

/** Accuracy@1, recall@5 and MRR (over the top 5) of a ranking of procedure codes. */
export async function scoreRanking(questions: readonly ProcedureQuestion[], rank: (q: string) => Promise<string[]>): Promise<Quality> {
  let top1 = 0;
  let rec5 = 0;
  let rr = 0;
  for (const q of questions) {
    const want = new Set(q.codes);
    const got = (await rank(q.question)).slice(0, 5);
    const at = got.findIndex((c) => want.has(c));
    if (at === 0) top1++;
    if (at >= 0) {
      rec5++;
      rr += 1 / (at + 1);
    }
  }
  const n = questions.length;
  return { n, accuracyAt1: top1 / n, recallAt5: rec5 / n, mrr: rr / n };
}
