import { createFileIndexStore } from './ingest/index.js';
import { buildKnowledge } from './server/answer/knowledge.js';
const dir = process.argv[2]!;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const s = await createFileIndexStore(dir).open();
  const t1 = performance.now();
  buildKnowledge(s!);
  const t2 = performance.now();
  console.log(`open ${(t1 - t0).toFixed(0)} ms, knowledge ${(t2 - t1).toFixed(0)} ms, chunks ${s!.chunks.length}`);
}
