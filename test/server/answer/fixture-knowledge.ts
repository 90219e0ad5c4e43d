// Knowledge built by the real pipeline (loaders, layout reader, task extraction, index) from a
// few fixture documents, in a temporary folder: for testing the answers on small, known data.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddings } from '../../../ingest/embeddings.js';
import { runIngest } from '../../../ingest/pipeline.js';
import { createFileIndexStore } from '../../../ingest/index.js';
import { buildKnowledge, type Knowledge } from '../../../server/answer/knowledge.js';

export const FIXTURE_DOCUMENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/documents');

export async function fixtureKnowledge(names: string[]): Promise<{ knowledge: Knowledge; cleanup: () => void }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tthc-fixture-knowledge-'));
  const docs = path.join(tmp, 'documents');
  mkdirSync(docs);
  for (const n of names) copyFileSync(path.join(FIXTURE_DOCUMENTS, n), path.join(docs, n));
  const store = createFileIndexStore(path.join(tmp, 'index'));
  const summary = await runIngest({ store, embedder: await createEmbeddings({ kind: 'hashing' }), paths: [docs], baseDir: tmp });
  if (summary.failed.length) throw new Error(`fixture ingest failed: ${JSON.stringify(summary.failed)}`);
  const snapshot = await store.open();
  if (!snapshot) throw new Error('fixture ingest published no index');
  return { knowledge: buildKnowledge(snapshot), cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}
