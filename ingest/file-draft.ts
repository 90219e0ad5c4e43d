// The write interface of the file store: the next version built from its base. It owns the
// vector graph's layout: extend the base's graph while few labels are deleted, otherwise
// compact (a new graph, kept chunks relabelled densely, their stored vectors copied, so that
// nothing unchanged is embedded again).
import { indexedText } from './chunk.js';
import { newVectorIndex, type VectorIndex, type VersionContent, type VersionParts } from './file-version.js';
import { LexicalIndex } from './lexical.js';
import { countsOf, type DraftPlan, type IndexRecords, type ManifestDraft, type SourcedChunk, type StoredChunk } from './store.js';

/** Deleted labels beyond this share of the version's chunks make the draft compact the graph. */
export const COMPACT_AT = 0.3;

export interface FileDraft {
  addChunks(chunks: readonly SourcedChunk[], vectors: readonly number[][]): void;
  addRecords(records: IndexRecords): void;
  /** The version's parts, ready to write (the caller gives the version its name and date). */
  finish(manifest: ManifestDraft): VersionContent;
}

/** `base` is the plan's base version read from disk (null when the plan starts empty). */
export function createFileDraft(base: VersionParts | null, plan: DraftPlan): FileDraft {
  const dropped = (source: string) => plan.drop.has(source);
  const prevChunks = base?.chunks ?? [];
  const kept = prevChunks.filter((c) => !dropped(c.source));
  const removedLabels = prevChunks.filter((c) => dropped(c.source)).map((c) => c.label);
  const total = kept.length + plan.adding;
  let deletedLabels = (base?.manifest.deletedLabels ?? 0) + removedLabels.length;
  let nextLabel = base?.manifest.nextLabel ?? 0;
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
  const keep = (r: { source: string }) => !dropped(r.source);
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
    finish(manifest) {
      const chunks = kept.concat(added);
      // Extend the base's lexical index (its document i is base.chunks[i]) rather than tokenise
      // every kept chunk again; kept chunks keep their order, added ones follow.
      let lexical: LexicalIndex;
      if (base && base.lexical.size === base.chunks.length) {
        const keepIds = new Int32Array(base.chunks.length);
        let next = 0;
        base.chunks.forEach((c, i) => (keepIds[i] = dropped(c.source) ? -1 : next++));
        lexical = LexicalIndex.extend(base.lexical, keepIds, added.map(indexedText));
      } else lexical = LexicalIndex.build(chunks.map(indexedText));
      const counts = countsOf(Object.keys(manifest.sources).length, chunks.length, records);
      return { manifest: { ...manifest, counts, nextLabel, deletedLabels }, chunks, records, vectors, lexical };
    },
  };
}
