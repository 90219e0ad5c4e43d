// The read interface over a file-store version: hnswlib's labels become positions in `chunks`
// and its cosine distances become similarities; BM25 documents are chunk positions already.
import type { WeightedTerms } from './lexical.js';
import type { VersionParts } from './file-version.js';
import type { IndexSnapshot, TermHit, VectorHit } from './store.js';

export function snapshotOf(version: string, parts: VersionParts): IndexSnapshot {
  const { manifest, chunks, records, vectors, lexical } = parts;
  const chunkByLabel = new Int32Array(manifest.nextLabel + 1).fill(-1);
  chunks.forEach((c, i) => {
    if (c.label >= 0 && c.label < chunkByLabel.length) chunkByLabel[c.label] = i;
  });
  const positionOf = (label: number) => chunkByLabel[label] ?? -1;
  return {
    version,
    manifest,
    chunks,
    records,
    searchVectors(vector: readonly number[], k: number, accept?: (chunk: number) => boolean): VectorHit[] {
      const held = vectors.getCurrentCount();
      const n = Math.min(k, held);
      if (n <= 0) return [];
      const filter = accept
        ? (label: number) => {
            const i = positionOf(label);
            return i >= 0 && accept(i);
          }
        : undefined;
      const res = vectors.searchKnn(vector as number[], n, filter);
      const out: VectorHit[] = [];
      res.neighbors.forEach((label, at) => {
        const i = positionOf(label);
        // hnswlib's cosine space measures 1 − cos: turned back here so that callers compare similarities.
        if (i >= 0) out.push({ chunk: i, similarity: 1 - res.distances[at]! });
      });
      return out;
    },
    searchTerms(terms: WeightedTerms, k: number, mask?: Uint8Array): TermHit[] {
      return lexical.search(terms, k, mask).map((h) => ({ chunk: h.doc, score: h.score }));
    },
    termDf: (term) => lexical.df(term),
    termIdf: (term) => lexical.idf(term),
  };
}
