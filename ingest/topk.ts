// Small search helpers for the lexical index: the running top-k of scored documents, and a
// binary search in a sorted posting list. It stands below the lexical index and imports nothing.

/** A document of a term index with its score. */
export interface ScoredDoc {
  doc: number;
  score: number;
}

/** First position in docs[from, to) holding a document ≥ d. */
export function lowerBound(docs: Uint32Array, from: number, to: number, d: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The k best (score, doc) pairs: a min-heap whose root is the worst kept (lower score, or higher doc on a tie). */
export class TopK {
  private readonly docs: Uint32Array;
  private readonly scores: Float64Array;
  private n = 0;

  constructor(private readonly k: number) {
    this.docs = new Uint32Array(k);
    this.scores = new Float64Array(k);
  }

  clear(): void {
    this.n = 0;
  }

  /** The k-th best score so far (−∞ until k are held). */
  floor(): number {
    return this.n < this.k ? -Infinity : this.scores[0]!;
  }

  private worse(i: number, j: number): boolean {
    const a = this.scores[i]!;
    const b = this.scores[j]!;
    return a < b || (a === b && this.docs[i]! > this.docs[j]!);
  }

  private swap(i: number, j: number): void {
    const d = this.docs[i]!;
    const s = this.scores[i]!;
    this.docs[i] = this.docs[j]!;
    this.scores[i] = this.scores[j]!;
    this.docs[j] = d;
    this.scores[j] = s;
  }

  offer(doc: number, score: number): void {
    if (this.n < this.k) {
      let i = this.n++;
      this.docs[i] = doc;
      this.scores[i] = score;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    const s0 = this.scores[0]!;
    if (score < s0 || (score === s0 && doc > this.docs[0]!)) return;
    this.docs[0] = doc;
    this.scores[0] = score;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.n && this.worse(l, m)) m = l;
      if (r < this.n && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  /** Best first. */
  sorted(): ScoredDoc[] {
    const out: ScoredDoc[] = [];
    for (let i = 0; i < this.n; i++) out.push({ doc: this.docs[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }
}

