// Hybrid chunk retrieval through the index's read interface: vector hits come back as
// similarities (only close neighbours count), at the chunk's position, fused with BM25 hits.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddings, createFileIndexStore, HashingEmbeddings, indexedText, runIngest } from '../../../ingest/index.js';
import { buildKnowledge, type Knowledge } from '../../../server/answer/knowledge.js';
import { buildLexicon } from '../../../server/answer/lexicon.js';
import { hybridChunks, viewQuery } from '../../../server/answer/retrieve.js';
import { projectRoot } from '../../helpers/engine.js';
import { FIXTURE_DOCUMENTS } from './fixture-knowledge.js';

let k: Knowledge;
let tmp: string;
// Two dispatches and the curated catalogue: procedure chunks are most of the index, as in production.
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'tthc-hybrid-'));
  await cp(path.join(FIXTURE_DOCUMENTS, 'cong-van-3120-test-fixture.md'), path.join(tmp, 'data', 'cv-3120.md'));
  await cp(path.join(FIXTURE_DOCUMENTS, 'cong-van-4501-2024-test-fixture.md'), path.join(tmp, 'data', 'cv-4501.md'));
  await cp(path.join(projectRoot, 'data', 'catalogue', 'procedures.json'), path.join(tmp, 'data', 'procedures.json'));
  const store = createFileIndexStore(path.join(tmp, 'index'));
  await runIngest({ store, embedder: await createEmbeddings({ kind: 'hashing' }), paths: ['data'], baseDir: tmp });
  k = buildKnowledge((await store.open())!);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const lexicon = buildLexicon();
const embedder = new HashingEmbeddings();
/** A question none of whose words is in the index: only the vector can find anything. */
const wordless = viewQuery('qxzv wqyk', lexicon);

describe('hybridChunks', () => {
  it('finds a chunk by its own vector alone, at its position in the index', async () => {
    const target = k.snapshot.chunks.length - 1;
    const vector = await embedder.embedQuery(indexedText(k.snapshot.chunks[target]!));
    const hits = hybridChunks(k, wordless, vector, { limit: 5 });
    expect(hits[0]!.index).toBe(target);
    expect(hits[0]!.chunk.id).toBe(k.snapshot.chunks[target]!.id);
  });

  it('lets no far vector in: the opposite of a chunk is no neighbour of it', async () => {
    const vector = (await embedder.embedQuery(indexedText(k.snapshot.chunks[0]!))).map((x) => -x);
    expect(hybridChunks(k, wordless, vector, { limit: 5 })).toEqual([]);
  });

  it('keeps to the kind asked for, a rare kind (filtered inside the search) as a common one (filtered after)', async () => {
    expect(k.procedureShare).toBeGreaterThan(0.9);
    const doc = k.snapshot.chunks.findIndex((c) => c.kind === 'document');
    const docVector = await embedder.embedQuery(indexedText(k.snapshot.chunks[doc]!));
    const docs = hybridChunks(k, wordless, docVector, { limit: 10, kind: 'document' });
    expect(docs[0]!.index).toBe(doc);
    expect(docs.every((h) => h.chunk.kind === 'document')).toBe(true);
    // The same vector asked for procedures: the document is left out, only procedures come.
    const procs = hybridChunks(k, viewQuery('đăng ký khai sinh', lexicon), docVector, { limit: 10, kind: 'procedure' });
    expect(procs.length).toBeGreaterThan(0);
    expect(procs.every((h) => h.chunk.kind === 'procedure')).toBe(true);
  });
});
