// A document's identity is its content and its number, not its path: the same dispatch under two
// paths, or an index pointed at a copy of the data folder, is indexed once.
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddings } from '../../ingest/embeddings.js';
import { runIngest } from '../../ingest/pipeline.js';
import { createFileIndexStore } from '../../ingest/index.js';

const DOCUMENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/documents');
const VI = '2458-UBND-SNV-2023.vi.md';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tthc-identity-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function ingest(paths: string[]) {
  const embedder = await createEmbeddings({ kind: 'hashing' });
  const store = createFileIndexStore(path.join(dir, 'index'));
  const summary = await runIngest({ store, embedder, paths: paths.map((p) => path.join(dir, p)), baseDir: dir });
  const manifest = await store.manifest();
  const snapshot = manifest ? await store.open(manifest.version) : null;
  return { summary, documents: snapshot?.records.documents ?? [] };
}

describe('document identity', () => {
  it('indexes two copies of the same document under different paths once', async () => {
    await cp(path.join(DOCUMENTS, VI), path.join(dir, 'data/a', VI));
    await cp(path.join(DOCUMENTS, VI), path.join(dir, 'data/b/ban-sao.md'));
    const { summary, documents } = await ingest(['data']);
    expect(documents.map((d) => d.id)).toEqual(['2458-ubnd-snv-2023']);
    expect(summary.added).toEqual([`data/a/${VI}`]);
    expect(summary.warnings).toContain(`data/b/ban-sao.md: same content as data/a/${VI}; indexed once`);
  });

  it('indexes the same dispatch (same number) saved twice with different bytes once', async () => {
    await cp(path.join(DOCUMENTS, VI), path.join(dir, 'data/a', VI));
    await cp(path.join(DOCUMENTS, VI), path.join(dir, 'data/b', VI));
    await appendFile(path.join(dir, 'data/b', VI), '\n\n');
    const { documents } = await ingest(['data']);
    expect(documents.map((d) => d.id)).toEqual(['2458-ubnd-snv-2023']);
  });

  it('keeps one of each document when the data folder is pointed at a copy', async () => {
    await cp(DOCUMENTS, path.join(dir, 'data/documents'), { recursive: true });
    const first = await ingest(['data']);
    await cp(path.join(dir, 'data'), path.join(dir, 'data-copy'), { recursive: true });
    const second = await ingest(['data-copy']);
    expect(first.documents.length).toBeGreaterThan(2);
    expect(second.documents.map((d) => d.id).sort()).toEqual(first.documents.map((d) => d.id).sort());
    expect(second.summary.added).toEqual([]);
  });
});
