// An index held in memory, built with the pipeline's own pieces (chunkProcedure, the hashing
// embedder, hnswlib with the store's settings, LexicalIndex) but never published: for corpora
// too large for one JSON file on disk (V8 strings stop at ~512 MB; 1M chunks' JSON is ~1 GB).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chunkProcedure, createFileIndexStore, type HashingEmbeddings, type IndexSnapshot, type StoredChunk } from '../ingest/index.js';
// Below the entry on purpose: this bench lays the file store's own parts (hnswlib, BM25) by hand.
import { newVectorIndex, readChunks as readSegmentChunks } from '../ingest/file-segment.js';
import { snapshotOf } from '../ingest/file-snapshot.js';
import { LexicalIndex } from '../ingest/lexical.js';
import { synthBase, variants } from './corpora.js';
import { chunkText as indexedText } from './peers/types.js';

export interface DirectBuild {
  snapshot: IndexSnapshot;
  ms: { generate: number; embed: number; vectors: number; lexical: number; total: number };
}

/** The chunks a published index serves, read straight from its segments' files (without loading vectors). */
export async function readChunks(indexDir: string): Promise<StoredChunk[]> {
  const manifest = await createFileIndexStore(indexDir).manifest();
  if (!manifest) throw new Error(`No index in ${indexDir}`);
  if (manifest.format === 1) return readSegmentChunks(path.join(indexDir, 'versions', manifest.version));
  const out: StoredChunk[] = [];
  for (const s of manifest.segments) {
    for (const c of await readSegmentChunks(path.join(indexDir, 'segments', s.id))) if (manifest.sources[c.source]?.segment === s.id) out.push(c);
  }
  return out;
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
  const manifest = { ...base.manifest, version: 'direct', counts: { ...base.manifest.counts, chunks: chunks.length, procedures: procedures.length } };
  const records = { ...base.records, procedures };
  const snapshot: IndexSnapshot = snapshotOf('direct', manifest, [{ parts: { chunks, records, vectors, lexical, nextLabel: chunks.length, deletedLabels: 0 } }]);
  return { snapshot, ms: { generate: t1 - t0, embed: embedMs, vectors: addMs, lexical: t3 - t2, total: t3 - t0 } };
}
