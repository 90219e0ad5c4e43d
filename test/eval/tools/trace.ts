// Traces conversations turn by turn over the eval index: `npx tsx test/eval/tools/trace.ts ID...`
// (question ids from test/eval/public) or `-- "turn 1" "turn 2"` for an ad hoc conversation.
import { loadQuestions, openEval } from '../harness.js';

const args = process.argv.slice(2);
const { engine } = await openEval();
const e = engine();
const byId = new Map(loadQuestions().map((q) => [q.id, q]));
const conversations = args[0] === '--' ? [args.slice(1)] : args.map((id) => { const q = byId.get(id); if (!q) throw new Error(`no question ${id}`); return [...(q.turns ?? []), q.question]; });
let n = 0;
for (const turns of conversations) {
  const sessionId = `trace-${n++}`;
  console.log(`— ${args[0] === '--' ? 'ad hoc' : args[n - 1]}`);
  for (const t of turns) {
    const r = await e.ask({ question: t, sessionId });
    const what = r.procedure ? `${r.procedure.code} ${r.procedure.name}` : r.candidates?.length ? `ask[${r.candidates.map((c) => c.code).join(',')}]` : r.found ? r.answer.slice(0, 80) : 'not found';
    console.log(`  > ${t.slice(0, 100)}\n    ${r.intent}/${r.found ? 'found' : 'none'} ${r.aspect ?? ''} ${what}`);
  }
}
