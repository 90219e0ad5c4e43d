// An index held in memory, built with the pipeline's own pieces (chunkProcedure, the hashing
// embedder, hnswlib with the store's settings, LexicalIndex) but never published: for corpora
// too large for one JSON file on disk (V8 strings stop at ~512 MB; 1M chunks' JSON is ~1 GB).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chunkProcedure, createFileIndexStore, type HashingEmbeddings, type IndexSnapshot, type StoredChunk } from '../ingest/index.js';
// Below the entry on purpose: this bench lays the file store's own parts (hnswlib, BM25) by hand.
import { snapshotOf } from '../ingest/file-snapshot.js';
import { newVectorIndex, readChunks as readVersionChunks } from '../ingest/file-version.js';
import { LexicalIndex } from '../ingest/lexical.js';
import { synthBase, variants } from './corpora.js';
import { chunkText as indexedText } from './peers/types.js';

export interface DirectBuild {
  snapshot: IndexSnapshot;
  ms: { generate: number; embed: number; vectors: number; lexical: number; total: number };
}

/** The chunks of a published index, read straight from its file (without loading vectors). */
export async function readChunks(indexDir: string): Promise<StoredChunk[]> {
  const store = createFileIndexStore(indexDir);
  const v = await store.currentVersion();
  if (!v) throw new Error(`No index in ${indexDir}`);
  return readVersionChunks(path.join(indexDir, 'versions', v));
}

/** The base index plus synthetic variants worth `extraChunks` chunks, indexed in memory. */
export async function buildDirect(baseIndexDir: string, extraChunks: number, seed: number, embedder: HashingEmbeddings, log: (s: string) => void): Promise<DirectBuild> {
  const t0 = performance.now();
  const base = await createFileIndexStore(baseIndexDir).open();
  if (!base) throw new Error(`No index in ${baseIndexDir}`);
  const sb = synthBase(base.records.procedures, base.chunks.map((c) => c.sourceId));
  const chunks: StoredChunk[] = base.chunks.map((c, i) => ({ ...c, label: i }));
  const procedures = [...base.records.procedures];
  for (const p of variants(sb, extraChunks, seed)) {
    procedures.push({ ...p, source: 'synthetic' });
    for (const c of chunkProcedure(p)) chunks.push({ ...c, source: 'synthetic', label: chunks.length });
  }
  const t1 = performance.now();
  log(`  generated ${chunks.length} chunks in ${((t1 - t0) / 1000).toFixed(1)} s; embedding and indexing…`);
  const vectors = newVectorIndex(embedder.dimension, chunks.length + 16);
  let embedMs = 0;
  let addMs = 0;
  for (let i = 0; i < chunks.length; i++) {
    const a = performance.now();
    const v = embedder.embed(indexedText(chunks[i]!));
    const b = performance.now();
    vectors.addPoint(Array.from(v), i);
    addMs += performance.now() - b;
    embedMs += b - a;
    if (i % 100_000 === 99_999) log(`  ${i + 1} vectors`);
  }
  const t2 = performance.now();
  const lexical = LexicalIndex.build(chunks.map(indexedText));
  const t3 = performance.now();
  const snapshot: IndexSnapshot = snapshotOf('direct', {
    manifest: {
      ...base.manifest,
      version: 'direct',
      counts: { ...base.manifest.counts, chunks: chunks.length, procedures: procedures.length },
      nextLabel: chunks.length,
      deletedLabels: 0,
    },
    chunks,
    records: { ...base.records, procedures },
    vectors,
    lexical,
  });
  return { snapshot, ms: { generate: t1 - t0, embed: embedMs, vectors: addMs, lexical: t3 - t2, total: t3 - t0 } };
}
