// Builds the content of one new segment of the file store. An ingest builds a segment from
// nothing but its new chunks (the fast path: nothing old is read or written). A merge
// (compaction, or converting a format 1 index) builds one from a base segment less its dead
// sources plus the live chunks of others, and owns the vector graph's layout: extend the base's
// graph while few labels are deleted, otherwise a new graph with the kept vectors copied, so
// that nothing is embedded again.
import { indexedText } from './chunk.js';
import { newVectorIndex, type SegmentParts, type VectorIndex } from './file-segment.js';
import { LexicalIndex } from './lexical.js';
import type { IndexRecords, SourcedChunk, StoredChunk } from './store.js';

/** Deleted labels beyond this share of a segment's chunks make a merge rebuild the graph. */
export const COMPACT_AT = 0.3;

export interface SegmentBuilder {
  addChunks(chunks: readonly SourcedChunk[], vectors: readonly number[][]): void;
  addRecords(records: IndexRecords): void;
  /** The segment's parts, ready to write. */
  finish(): SegmentParts;
}

export interface SegmentPlan {
  dimension: number;
  /** Sources of the base whose chunks and records are left out. */
  drop: (source: string) => boolean;
  /** How many chunks will be added: sizes the vector graph. */
  adding: number;
}

/** `base`: the segment this one starts from (null: only what is added). */
export function createSegmentBuilder(base: SegmentParts | null, plan: SegmentPlan): SegmentBuilder {
  const { drop } = plan;
  const prevChunks = base?.chunks ?? [];
  const kept = prevChunks.filter((c) => !drop(c.source));
  const removedLabels = prevChunks.filter((c) => drop(c.source)).map((c) => c.label);
  const total = kept.length + plan.adding;
  let deletedLabels = (base?.deletedLabels ?? 0) + removedLabels.length;
  let nextLabel = base?.nextLabel ?? 0;
  let vectors: VectorIndex;
  if (base && deletedLabels <= COMPACT_AT * Math.max(1, total)) {
    vectors = base.vectors;
    for (const l of removedLabels) vectors.markDelete(l);
    vectors.resizeIndex(Math.max(vectors.getMaxElements(), vectors.getCurrentCount() + plan.adding + 16));
  } else {
    vectors = newVectorIndex(plan.dimension, total + 16);
    if (base) {
      let label = 0;
      for (let i = 0; i < kept.length; i++) {
        const c = kept[i]!;
        vectors.addPoint(base.vectors.getPoint(c.label), label);
        kept[i] = { ...c, label: label++ };
      }
      nextLabel = label;
    }
    deletedLabels = 0;
  }

  const added: StoredChunk[] = [];
  const keep = (r: { source: string }) => !drop(r.source);
  const records: IndexRecords = {
    procedures: (base?.records.procedures ?? []).filter(keep),
    documents: (base?.records.documents ?? []).filter(keep),
    tasks: (base?.records.tasks ?? []).filter(keep),
  };

  return {
    addChunks(chunks, vecs) {
      if (chunks.length !== vecs.length) throw new Error(`${chunks.length} chunks came with ${vecs.length} vectors.`);
      chunks.forEach((c, j) => {
        const label = nextLabel++;
        vectors.addPoint(vecs[j] as number[], label);
        added.push({ ...c, label });
      });
    },
    addRecords(more) {
      records.procedures.push(...more.procedures);
      records.documents.push(...more.documents);
      records.tasks.push(...more.tasks);
    },
    finish() {
      const chunks = kept.concat(added);
      // Extend the base's lexical index (its document i is base.chunks[i]) rather than tokenise
      // every kept chunk again; kept chunks keep their order, added ones follow.
      let lexical: LexicalIndex;
      if (base && base.lexical.size === base.chunks.length) {
        const keepIds = new Int32Array(base.chunks.length);
        let next = 0;
        base.chunks.forEach((c, i) => (keepIds[i] = drop(c.source) ? -1 : next++));
        lexical = LexicalIndex.extend(base.lexical, keepIds, added.map(indexedText));
      } else lexical = LexicalIndex.build(chunks.map(indexedText));
      return { chunks, records, vectors, lexical, nextLabel, deletedLabels };
    },
  };
}
