// The lexical index: BM25 over accent-folded syllables and syllable pairs, stored as flat
// typed arrays so that a 100k-chunk index loads in milliseconds and searches without garbage.
import { terms } from './text.js';

const MAGIC = 'LEX1';
const K1 = 1.2;
const B = 0.75;

export interface LexicalHit {
  doc: number;
  score: number;
}

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

export class LexicalIndex {
  private readonly termIds: Map<string, number>;
  private readonly scores: Float32Array;
  private readonly touched: Uint32Array;

  private constructor(
    readonly vocab: string[],
    private readonly offsets: Uint32Array, // V + 1
    private readonly docs: Uint32Array, // postings, grouped by term
    private readonly tfs: Uint16Array,
    private readonly lengths: Uint32Array, // N
    readonly avgLength: number,
  ) {
    this.termIds = new Map(vocab.map((t, i) => [t, i]));
    this.scores = new Float32Array(lengths.length);
    this.touched = new Uint32Array(lengths.length);
  }

  get size(): number {
    return this.lengths.length;
  }

  /** Build from texts; document i of the index is text i. */
  static build(texts: Iterable<string>): LexicalIndex {
    const termIds = new Map<string, number>();
    const vocab: string[] = [];
    const pTerm = new GrowableU32();
    const pDoc = new GrowableU32();
    const pTf = new GrowableU32();
    const lengths: number[] = [];
    let doc = 0;
    for (const text of texts) {
      const ts = terms(text);
      lengths.push(ts.length);
      const counts = new Map<string, number>();
      for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, c] of counts) {
        let id = termIds.get(t);
        if (id === undefined) {
          id = vocab.length;
          termIds.set(t, id);
          vocab.push(t);
        }
        pTerm.push(id);
        pDoc.push(doc);
        pTf.push(Math.min(c, 65535));
      }
      doc++;
    }
    // Counting sort of postings by term id; docs stay ascending within a term.
    const V = vocab.length;
    const offsets = new Uint32Array(V + 1);
    for (let i = 0; i < pTerm.length; i++) offsets[pTerm.data[i]! + 1]!++;
    for (let i = 0; i < V; i++) offsets[i + 1]! += offsets[i]!;
    const cursor = offsets.slice(0, V);
    const docs = new Uint32Array(pTerm.length);
    const tfs = new Uint16Array(pTerm.length);
    for (let i = 0; i < pTerm.length; i++) {
      const at = cursor[pTerm.data[i]!]!++;
      docs[at] = pDoc.data[i]!;
      tfs[at] = pTf.data[i]!;
    }
    const lens = Uint32Array.from(lengths);
    const avg = lens.length ? lens.reduce((a, b) => a + b, 0) / lens.length : 0;
    return new LexicalIndex(vocab, offsets, docs, tfs, lens, avg);
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

  /**
   * BM25 top-k. `allow` filters documents (e.g. procedures only). Terms present in more
   * than `maxDfRatio` of documents are skipped when rarer terms exist: they barely move
   * BM25 and would cost a pass over most postings.
   */
  search(query: WeightedTerms, k: number, allow?: (doc: number) => boolean, maxDfRatio = 0.25): LexicalHit[] {
    const N = this.lengths.length;
    if (N === 0) return [];
    const wanted: Array<{ id: number; w: number; df: number }> = [];
    for (const [t, w] of query) {
      const id = this.termIds.get(t);
      if (id === undefined) continue;
      wanted.push({ id, w, df: this.offsets[id + 1]! - this.offsets[id]! });
    }
    const rare = wanted.filter((q) => q.df <= N * maxDfRatio);
    const use = rare.length ? rare : wanted;
    const scores = this.scores;
    const touched = this.touched;
    let nTouched = 0;
    for (const { id, w, df } of use) {
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5)) * w;
      const end = this.offsets[id + 1]!;
      for (let p = this.offsets[id]!; p < end; p++) {
        const d = this.docs[p]!;
        const tf = this.tfs[p]!;
        const norm = K1 * (1 - B + (B * this.lengths[d]!) / this.avgLength);
        if (scores[d] === 0) touched[nTouched++] = d;
        scores[d]! += (idf * tf * (K1 + 1)) / (tf + norm);
      }
    }
    const hits: LexicalHit[] = [];
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      const s = scores[d]!;
      scores[d] = 0;
      if (allow && !allow(d)) continue;
      if (hits.length < k) {
        hits.push({ doc: d, score: s });
        if (hits.length === k) hits.sort((a, b) => b.score - a.score);
      } else if (s > hits[k - 1]!.score) {
        // Insert in order; k is small (tens), so this beats a heap in practice.
        let j = k - 1;
        while (j > 0 && hits[j - 1]!.score < s) {
          hits[j] = hits[j - 1]!;
          j--;
        }
        hits[j] = { doc: d, score: s };
      }
    }
    if (hits.length < k) hits.sort((a, b) => b.score - a.score);
    return hits;
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
