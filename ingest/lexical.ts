// The lexical index: BM25 over accent-folded syllables and syllable pairs, stored as flat
// typed arrays so that a 100k-chunk index loads in milliseconds and searches without garbage.
import { terms } from './text.js';
import { lowerBound, TopK, type ScoredDoc } from './topk.js';

const MAGIC = 'LEX1';
const K1 = 1.2;
const B = 0.75;

export type LexicalHit = ScoredDoc;

/** Query terms with weights: expansions from the lexicon weigh less than what was typed. */
export type WeightedTerms = ReadonlyMap<string, number>;

class GrowableU32 {
  data = new Uint32Array(1024);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Postings of texts in arrival order, before they are grouped by term. */
interface Collected {
  term: GrowableU32;
  doc: GrowableU32;
  tf: GrowableU32;
  lengths: number[];
}

/** Tokenise texts into (term, doc, tf) triples; new terms extend `termIds` and `vocab`. */
function collect(texts: Iterable<string>, termIds: Map<string, number>, vocab: string[], firstDoc: number): Collected {
  const out: Collected = { term: new GrowableU32(), doc: new GrowableU32(), tf: new GrowableU32(), lengths: [] };
  let doc = firstDoc;
  for (const text of texts) {
    const ts = terms(text);
    out.lengths.push(ts.length);
    const counts = new Map<string, number>();
    for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, c] of counts) {
      let id = termIds.get(t);
      if (id === undefined) {
        id = vocab.length;
        termIds.set(t, id);
        vocab.push(t);
      }
      out.term.push(id);
      out.doc.push(doc);
      out.tf.push(Math.min(c, 65535));
    }
    doc++;
  }
  return out;
}

function average(lengths: Uint32Array): number {
  return lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0;
}

/** A query term as search plans it: `ub` bounds what it can add to any document's score. */
export interface PlannedTerm {
  id: number;
  idfw: number;
  ub: number;
}

/**
 * A BM25 index over short texts, as the engine uses one for its own small collections (procedure
 * names, whole records): document i is text i. LexicalIndex is the implementation.
 */
export interface TermIndex {
  readonly size: number;
  /** Number of documents containing the folded term. */
  df(term: string): number;
  idf(term: string): number;
  /** The documents holding a term, ascending (see `lowerBound` to test one). */
  postings(term: string): { docs: Uint32Array; tfs: Uint16Array };
  /** BM25 top k, best first (ties: lower document first); `mask[doc] === 1` admits a document. */
  search(query: WeightedTerms, k: number, mask?: Uint8Array): LexicalHit[];
}

/**
 * The collection BM25 scores against when this index is one segment of several: its size,
 * average length and document frequencies are the whole collection's (live documents only), so
 * that scores from different segments compare and equal one index over all documents.
 */
export interface CorpusStats {
  readonly size: number;
  readonly avgLength: number;
  df(term: string): number;
}

export class LexicalIndex implements TermIndex {
  private readonly termIds: Map<string, number>;
  /** Length normalisation for a collection's average length other than this index's own. */
  private corpusNorms: { avg: number; norms: Float64Array } | null = null;
  private readonly scores: Float64Array;
  private readonly touched: Uint32Array;
  /** BM25 length normalisation per document, computed once rather than per posting. */
  private readonly norms: Float64Array;

  private constructor(
    readonly vocab: string[],
    private readonly offsets: Uint32Array, // V + 1
    private readonly docs: Uint32Array, // postings, grouped by term, docs ascending within a term
    private readonly tfs: Uint16Array,
    private readonly lengths: Uint32Array, // N
    readonly avgLength: number,
    termIds?: Map<string, number>,
  ) {
    this.termIds = termIds ?? new Map(vocab.map((t, i) => [t, i]));
    this.scores = new Float64Array(lengths.length);
    this.touched = new Uint32Array(lengths.length);
    this.norms = new Float64Array(lengths.length);
    const avg = avgLength || 1;
    for (let d = 0; d < lengths.length; d++) this.norms[d] = K1 * (1 - B + (B * lengths[d]!) / avg);
  }

  get size(): number {
    return this.lengths.length;
  }

  /** Build from texts; document i of the index is text i. */
  static build(texts: Iterable<string>): LexicalIndex {
    const termIds = new Map<string, number>();
    const vocab: string[] = [];
    const c = collect(texts, termIds, vocab, 0);
    // Counting sort of postings by term id; docs stay ascending within a term.
    const V = vocab.length;
    const offsets = new Uint32Array(V + 1);
    for (let i = 0; i < c.term.length; i++) offsets[c.term.data[i]! + 1]!++;
    for (let i = 0; i < V; i++) offsets[i + 1]! += offsets[i]!;
    const cursor = offsets.slice(0, V);
    const docs = new Uint32Array(c.term.length);
    const tfs = new Uint16Array(c.term.length);
    for (let i = 0; i < c.term.length; i++) {
      const at = cursor[c.term.data[i]!]!++;
      docs[at] = c.doc.data[i]!;
      tfs[at] = c.tf.data[i]!;
    }
    const lens = Uint32Array.from(c.lengths);
    return new LexicalIndex(vocab, offsets, docs, tfs, lens, average(lens), termIds);
  }

  /**
   * The index of `prev` with some documents removed and texts appended, without tokenising
   * the kept documents again. `keep[old]` is the document's new id, or -1 when it is removed;
   * kept documents must keep their order and be numbered 0, 1, 2, … Added texts follow them.
   * Postings, lengths and scores equal those of `build` over the same final texts; only the
   * order of the vocabulary may differ (terms left without documents are dropped).
   */
  static extend(prev: LexicalIndex, keep: Int32Array, addedTexts: Iterable<string>): LexicalIndex {
    if (keep.length !== prev.size) throw new Error(`keep has ${keep.length} entries for an index of ${prev.size} documents.`);
    let kept = 0;
    for (let i = 0; i < keep.length; i++) {
      const to = keep[i]!;
      if (to === -1) continue;
      if (to !== kept) throw new Error('keep must number the kept documents 0, 1, 2, … in their old order.');
      kept++;
    }
    const termIds = new Map(prev.termIds);
    const vocab = prev.vocab.slice();
    const c = collect(addedTexts, termIds, vocab, kept);
    const prevV = prev.vocab.length;
    const counts = new Uint32Array(vocab.length);
    for (let t = 0; t < prevV; t++) {
      let n = 0;
      for (let p = prev.offsets[t]!, end = prev.offsets[t + 1]!; p < end; p++) if (keep[prev.docs[p]!]! >= 0) n++;
      counts[t] = n;
    }
    for (let i = 0; i < c.term.length; i++) counts[c.term.data[i]!]!++;
    // Drop terms no document uses any more, so that churn does not grow the vocabulary.
    const newId = new Int32Array(vocab.length);
    const finalVocab: string[] = [];
    for (let t = 0; t < vocab.length; t++) {
      if (counts[t] === 0) newId[t] = -1;
      else {
        newId[t] = finalVocab.length;
        finalVocab.push(vocab[t]!);
      }
    }
    const V = finalVocab.length;
    const offsets = new Uint32Array(V + 1);
    for (let t = 0; t < vocab.length; t++) if (newId[t]! >= 0) offsets[newId[t]! + 1] = counts[t]!;
    for (let i = 0; i < V; i++) offsets[i + 1]! += offsets[i]!;
    const cursor = offsets.slice(0, V);
    const docs = new Uint32Array(offsets[V]!);
    const tfs = new Uint16Array(offsets[V]!);
    // Kept postings first, then the added ones: added ids are all larger, so docs stay ascending.
    for (let t = 0; t < prevV; t++) {
      const to = newId[t]!;
      if (to < 0) continue;
      let at = cursor[to]!;
      for (let p = prev.offsets[t]!, end = prev.offsets[t + 1]!; p < end; p++) {
        const d = keep[prev.docs[p]!]!;
        if (d < 0) continue;
        docs[at] = d;
        tfs[at++] = prev.tfs[p]!;
      }
      cursor[to] = at;
    }
    for (let i = 0; i < c.term.length; i++) {
      const at = cursor[newId[c.term.data[i]!]!]!++;
      docs[at] = c.doc.data[i]!;
      tfs[at] = c.tf.data[i]!;
    }
    const lens = new Uint32Array(kept + c.lengths.length);
    for (let i = 0; i < keep.length; i++) if (keep[i]! >= 0) lens[keep[i]!] = prev.lengths[i]!;
    lens.set(c.lengths, kept);
    return new LexicalIndex(finalVocab, offsets, docs, tfs, lens, average(lens));
  }

  /** Number of documents containing the term (folded form). */
  df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.offsets[id + 1]! - this.offsets[id]!;
  }

  idf(term: string): number {
    const n = this.df(term);
    const N = this.lengths.length;
    return Math.log(1 + (N - n + 0.5) / (n + 0.5));
  }

  /** The documents holding a term, ascending, with the term's count in each (views, not copies). */
  postings(term: string): { docs: Uint32Array; tfs: Uint16Array } {
    const id = this.termIds.get(term);
    const from = id === undefined ? 0 : this.offsets[id]!;
    const to = id === undefined ? 0 : this.offsets[id + 1]!;
    return { docs: this.docs.subarray(from, to), tfs: this.tfs.subarray(from, to) };
  }

  /** Length in terms of a document. */
  length(doc: number): number {
    return this.lengths[doc] ?? 0;
  }

  /**
   * Query terms in the order search scores them: by falling upper bound. Terms present in more
   * than `maxDfRatio` of documents are skipped when rarer terms exist: they barely move BM25
   * and would cost a pass over most postings.
   */
  plan(query: WeightedTerms, maxDfRatio = 0.25, corpus?: CorpusStats): PlannedTerm[] {
    const N = corpus ? corpus.size : this.lengths.length;
    const wanted: Array<PlannedTerm & { df: number }> = [];
    for (const [t, w] of query) {
      const id = this.termIds.get(t);
      if (id === undefined || !(w > 0)) continue;
      const df = corpus ? corpus.df(t) : this.offsets[id + 1]! - this.offsets[id]!;
      const idfw = Math.log(1 + (N - df + 0.5) / (df + 0.5)) * w;
      wanted.push({ id, df, idfw, ub: idfw * (K1 + 1) });
    }
    const rare = wanted.filter((q) => q.df <= N * maxDfRatio);
    const use = rare.length ? rare : wanted;
    return use.sort((a, b) => b.ub - a.ub || a.id - b.id).map(({ id, idfw, ub }) => ({ id, idfw, ub }));
  }

  /**
   * BM25 top-k, best first (ties: lower document first). `mask` filters documents (allowed
   * where mask[doc] === 1, e.g. procedures only). Term at a time with MaxScore pruning: once
   * the k-th best score exceeds what the remaining terms could add, no new document can
   * enter the top k, so later (common, long) terms only update documents already in play.
   * The result equals exhaustive scoring in the same term order.
   */
  search(query: WeightedTerms, k: number, mask?: Uint8Array, maxDfRatio = 0.25, corpus?: CorpusStats): LexicalHit[] {
    if (this.lengths.length === 0 || k <= 0) return [];
    const use = this.plan(query, maxDfRatio, corpus);
    const rest = new Float64Array(use.length + 1); // rest[i]: upper bound of terms i…
    for (let i = use.length - 1; i >= 0; i--) rest[i] = rest[i + 1]! + use[i]!.ub;
    const { scores, touched: cand, docs, tfs, offsets } = this;
    const norms = corpus ? this.normsFor(corpus.avgLength) : this.norms;
    let n = 0;
    let admitting = true;
    let best = 0; // highest score so far: the k-th best cannot exceed it
    let bound = Infinity; // an upper bound on the k-th best score, from the last failed check
    const top = new TopK(k);
    for (let i = 0; i < use.length; i++) {
      const { id, idfw } = use[i]!;
      const from = offsets[id]!;
      const end = offsets[id + 1]!;
      const w = idfw * (K1 + 1);
      if (admitting) {
        for (let p = from; p < end; p++) {
          const d = docs[p]!;
          if (mask && mask[d] !== 1) continue;
          const tf = tfs[p]!;
          if (scores[d] === 0) cand[n++] = d;
          const sc = (scores[d]! += (w * tf) / (tf + norms[d]!));
          if (sc > best) best = sc;
        }
        bound += use[i]!.ub;
      } else if (n * 2 * Math.log2(end - from + 1) < end - from) {
        // Few candidates against a long list: look each one up (postings are ascending).
        for (let j = 0; j < n; j++) {
          const d = cand[j]!;
          const p = lowerBound(docs, from, end, d);
          if (p < end && docs[p] === d) scores[d]! += (w * tfs[p]!) / (tfs[p]! + norms[d]!);
        }
      } else {
        for (let p = from; p < end; p++) {
          const d = docs[p]!;
          if (scores[d] === 0) continue;
          const tf = tfs[p]!;
          scores[d]! += (w * tf) / (tf + norms[d]!);
        }
      }
      const left = rest[i + 1]!;
      // While admitting, rank the candidates only when the k-th best could exceed what is left:
      // it grows by at most the bounds of the terms scored since the last check, and never
      // passes the best score. Afterwards ranking only prunes, so it runs after every term.
      if (i + 1 < use.length && n >= k && (!admitting || Math.min(best, bound) > left)) {
        if (admitting) {
          // Counting is cheaper than ranking: rank only once k candidates are beyond reach.
          let above = 0;
          for (let j = 0; j < n && above < k; j++) if (scores[cand[j]!]! > left) above++;
          if (above < k) {
            bound = left;
            continue;
          }
        }
        top.clear();
        for (let j = 0; j < n; j++) top.offer(cand[j]!, scores[cand[j]!]!);
        const theta = top.floor();
        if (theta > left) {
          admitting = false;
          // A candidate that cannot reach the k-th score even with every remaining term is out.
          let m = 0;
          for (let j = 0; j < n; j++) {
            const d = cand[j]!;
            if (scores[d]! + left >= theta) cand[m++] = d;
            else scores[d] = 0;
          }
          n = m;
        }
      }
    }
    top.clear();
    for (let j = 0; j < n; j++) {
      const d = cand[j]!;
      top.offer(d, scores[d]!);
      scores[d] = 0;
    }
    return top.sorted();
  }

  private normsFor(avgLength: number): Float64Array {
    if (avgLength === this.avgLength) return this.norms;
    if (this.corpusNorms?.avg !== avgLength) {
      const norms = new Float64Array(this.lengths.length);
      const avg = avgLength || 1;
      for (let d = 0; d < norms.length; d++) norms[d] = K1 * (1 - B + (B * this.lengths[d]!) / avg);
      this.corpusNorms = { avg: avgLength, norms };
    }
    return this.corpusNorms.norms;
  }

  /**
   * What the documents that `dead` marks (dead[doc] === 1) take from this index's statistics:
   * their number, their total length and, per term, how many of them hold it. One pass over the
   * postings: a segment whose sources were replaced still scores as if they were gone.
   */
  deadStats(dead: Uint8Array): { docs: number; length: number; df: Map<string, number> } {
    let docs = 0;
    let length = 0;
    for (let d = 0; d < this.lengths.length; d++) {
      if (dead[d] !== 1) continue;
      docs++;
      length += this.lengths[d]!;
    }
    const df = new Map<string, number>();
    if (docs === 0) return { docs, length, df };
    for (let t = 0; t < this.vocab.length; t++) {
      let n = 0;
      for (let p = this.offsets[t]!, end = this.offsets[t + 1]!; p < end; p++) if (dead[this.docs[p]!] === 1) n++;
      if (n > 0) df.set(this.vocab[t]!, n);
    }
    return { docs, length, df };
  }

  /** Total length in terms of all documents. */
  get totalLength(): number {
    let sum = 0;
    for (let d = 0; d < this.lengths.length; d++) sum += this.lengths[d]!;
    return sum;
  }

  serialize(): Buffer {
    const vocabBytes = Buffer.from(this.vocab.join('\n'), 'utf8');
    const header = Buffer.from(
      JSON.stringify({ N: this.lengths.length, V: this.vocab.length, P: this.docs.length, vocabBytes: vocabBytes.length, avg: this.avgLength }),
      'utf8',
    );
    const pad = (n: number) => (4 - (n % 4)) % 4;
    const headLen = 8 + header.length;
    const parts: Buffer[] = [Buffer.from(MAGIC), u32(header.length), header, Buffer.alloc(pad(headLen)), vocabBytes];
    parts.push(Buffer.alloc(pad(vocabBytes.length)));
    parts.push(view(this.offsets), view(this.docs), view(this.lengths), view(this.tfs));
    return Buffer.concat(parts);
  }

  static deserialize(buf: Buffer): LexicalIndex {
    if (buf.subarray(0, 4).toString() !== MAGIC) throw new Error('Not a lexical index file (bad magic).');
    const headerLen = buf.readUInt32LE(4);
    const h = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as { N: number; V: number; P: number; vocabBytes: number; avg: number };
    let at = 8 + headerLen;
    at += (4 - (at % 4)) % 4;
    const vocabText = buf.subarray(at, at + h.vocabBytes).toString('utf8');
    const vocab = h.V === 0 ? [] : vocabText.split('\n');
    at += h.vocabBytes;
    at += (4 - (at % 4)) % 4;
    // Copy into fresh aligned arrays: a Buffer's byteOffset need not be 4-aligned.
    const take32 = (n: number) => {
      const a = new Uint32Array(n);
      Buffer.from(a.buffer).set(buf.subarray(at, at + n * 4));
      at += n * 4;
      return a;
    };
    const offsets = take32(h.V + 1);
    const docs = take32(h.P);
    const lengths = take32(h.N);
    const tfs = new Uint16Array(h.P);
    Buffer.from(tfs.buffer).set(buf.subarray(at, at + h.P * 2));
    if (vocab.length !== h.V) throw new Error('Lexical index is corrupt (vocabulary size mismatch).');
    return new LexicalIndex(vocab, offsets, docs, tfs, lengths, h.avg);
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function view(a: Uint32Array | Uint16Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Weighted query terms of a text (all weight 1). */
export function queryTerms(text: string, weight = 1): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of terms(text)) m.set(t, Math.max(m.get(t) ?? 0, weight));
  return m;
}

/** A BM25 index over texts (document i is text i). */
export function buildTermIndex(texts: Iterable<string>): TermIndex {
  return LexicalIndex.build(texts);
}
