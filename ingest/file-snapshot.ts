// The read interface over a file-store version: its segments read as one index. Positions in
// `chunks` run through the segments in order, over the chunks the version serves; hnswlib's
// labels become positions and its cosine distances similarities. BM25 scores every segment
// against the whole version's statistics (live documents only), so a version of several
// segments ranks exactly as one index built over the same chunks.
import type { SegmentParts } from './file-segment.js';
import type { CorpusStats, WeightedTerms } from './lexical.js';
import type { IndexRecords, IndexSnapshot, Manifest, StoredChunk, TermHit, VectorHit } from './store.js';

export interface SnapshotSegment {
  parts: SegmentParts;
  /** Which sources of the segment the version serves; absent: all of them. */
  live?: (source: string) => boolean;
}

/** A segment placed in the version: where its chunks sit in `chunks`. */
interface Placed {
  parts: SegmentParts;
  /** Position of its first served chunk. */
  base: number;
  /** Local document → position, -1 when not served; null when every chunk is served (position = base + local). */
  toGlobal: Int32Array | null;
  /** Local document served (1) or not: the BM25 mask of a segment with unserved chunks. */
  liveMask: Uint8Array | null;
  /** Vector label → local document (-1: none). */
  byLabel: Int32Array;
  /** What the unserved chunks take from the segment's BM25 statistics. */
  dead: { docs: number; length: number; df: Map<string, number> } | null;
}

function place(parts: SegmentParts, live: ((source: string) => boolean) | undefined, base: number, chunks: StoredChunk[]): Placed {
  const n = parts.chunks.length;
  const byLabel = new Int32Array(parts.nextLabel + 1).fill(-1);
  parts.chunks.forEach((c, i) => {
    if (c.label >= 0 && c.label < byLabel.length) byLabel[c.label] = i;
  });
  const served = live ? parts.chunks.map((c) => live(c.source)) : null;
  if (!served || served.every(Boolean)) {
    for (const c of parts.chunks) chunks.push(c);
    return { parts, base, toGlobal: null, liveMask: null, byLabel, dead: null };
  }
  const toGlobal = new Int32Array(n).fill(-1);
  const liveMask = new Uint8Array(n);
  const deadMask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (served[i]) {
      toGlobal[i] = chunks.length;
      liveMask[i] = 1;
      chunks.push(parts.chunks[i]!);
    } else deadMask[i] = 1;
  }
  // The lexical index is sized to the chunks in every segment this store writes; if it were not,
  // its statistics could not be corrected and the segment is scored on its own.
  const dead = parts.lexical.size === n ? parts.lexical.deadStats(deadMask) : null;
  return { parts, base, toGlobal, liveMask, byLabel, dead };
}

function servedRecords(segments: readonly SnapshotSegment[]): IndexRecords {
  const out: IndexRecords = { procedures: [], documents: [], tasks: [] };
  for (const { parts, live } of segments) {
    const keep = <T extends { source: string }>(r: T) => !live || live(r.source);
    for (const p of parts.records.procedures) if (keep(p)) out.procedures.push(p);
    for (const d of parts.records.documents) if (keep(d)) out.documents.push(d);
    for (const t of parts.records.tasks) if (keep(t)) out.tasks.push(t);
  }
  return out;
}

/** The version's BM25 statistics over its served chunks; null when one whole segment is the version (its own statistics are the version's). */
function corpusStats(placed: readonly Placed[]): CorpusStats | null {
  if (placed.length === 1 && placed[0]!.toGlobal === null) return null;
  let size = 0;
  let length = 0;
  for (const p of placed) {
    size += p.parts.lexical.size - (p.dead?.docs ?? 0);
    length += p.parts.lexical.totalLength - (p.dead?.length ?? 0);
  }
  return {
    size,
    avgLength: size ? length / size : 0,
    df(term) {
      let n = 0;
      for (const p of placed) n += p.parts.lexical.df(term) - (p.dead?.df.get(term) ?? 0);
      return n;
    },
  };
}

export function snapshotOf(version: string, manifest: Manifest, segments: readonly SnapshotSegment[]): IndexSnapshot {
  const chunks: StoredChunk[] = [];
  const placed = segments.map((s) => place(s.parts, s.live, chunks.length, chunks));
  const records = servedRecords(segments);
  const corpus = corpusStats(placed);

  const positionOf = (p: Placed, local: number) => (p.toGlobal ? p.toGlobal[local]! : p.base + local);

  function searchSegmentVectors(p: Placed, vector: readonly number[], k: number, accept?: (chunk: number) => boolean): VectorHit[] {
    const n = Math.min(k, p.parts.vectors.getCurrentCount());
    if (n <= 0) return [];
    const filter =
      accept || p.toGlobal
        ? (label: number) => {
            const local = p.byLabel[label] ?? -1;
            if (local < 0) return false;
            const at = positionOf(p, local);
            return at >= 0 && (!accept || accept(at));
          }
        : undefined;
    const res = p.parts.vectors.searchKnn(vector as number[], n, filter);
    const out: VectorHit[] = [];
    res.neighbors.forEach((label, i) => {
      const local = p.byLabel[label] ?? -1;
      const at = local < 0 ? -1 : positionOf(p, local);
      // hnswlib's cosine space measures 1 − cos: turned back here so that callers compare similarities.
      if (at >= 0) out.push({ chunk: at, similarity: 1 - res.distances[i]! });
    });
    return out;
  }

  function segmentMask(p: Placed, mask: Uint8Array | undefined): Uint8Array | undefined {
    if (!p.toGlobal) return mask?.subarray(p.base, p.base + p.parts.chunks.length);
    if (!mask) return p.liveMask!;
    const local = new Uint8Array(p.toGlobal.length);
    for (let i = 0; i < local.length; i++) {
      const at = p.toGlobal[i]!;
      if (at >= 0 && mask[at] === 1) local[i] = 1;
    }
    return local;
  }

  return {
    version,
    manifest,
    chunks,
    records,
    searchVectors(vector, k, accept) {
      if (placed.length === 1) return searchSegmentVectors(placed[0]!, vector, k, accept);
      const all = placed.flatMap((p) => searchSegmentVectors(p, vector, k, accept));
      return all.sort((a, b) => b.similarity - a.similarity || a.chunk - b.chunk).slice(0, k);
    },
    searchTerms(terms: WeightedTerms, k: number, mask?: Uint8Array): TermHit[] {
      const all: TermHit[] = [];
      for (const p of placed) {
        for (const h of p.parts.lexical.search(terms, k, segmentMask(p, mask), undefined, corpus ?? undefined)) {
          all.push({ chunk: positionOf(p, h.doc), score: h.score });
        }
      }
      if (placed.length === 1) return all;
      return all.sort((a, b) => b.score - a.score || a.chunk - b.chunk).slice(0, k);
    },
    termDf: (term) => (corpus ? corpus.df(term) : (placed[0]?.parts.lexical.df(term) ?? 0)),
    termIdf(term) {
      if (!corpus) return placed[0]?.parts.lexical.idf(term) ?? 0;
      const n = corpus.df(term);
      return Math.log(1 + (corpus.size - n + 0.5) / (n + 0.5));
    },
  };
}
