// Reading a question for retrieval (typed words, lexicon expansions, BM25 terms) and hybrid
// chunk retrieval: BM25 over accent-folded syllables and pairs plus hnswlib vectors, fused by
// reciprocal rank. Choosing a procedure among the hits is rank.ts's job.
import { accentedSyllables, fold, hasVietnameseMarks, newStyleTones, queryTerms, syllables, type StoredChunk, type WeightedTerms } from '../../ingest/index.js';
import type { Knowledge } from './knowledge.js';
import type { LexiconEntry } from './lexicon.js';
import { detectLanguage, QUESTION_WORDS, withoutClitics } from './understand.js';

export { accentedSyllables, newStyleTones } from '../../ingest/index.js';

/** One piece of what a question means: a word as typed, or a lexicon phrase with its official wording. */
export interface MeaningUnit {
  typed: string[];
  official: string[];
}

export interface QueryView {
  /** Folded syllables as typed. */
  tokens: string[];
  /** Everything the question says about its subject: typed content syllables and official wordings. */
  meaning: string[];
  units: MeaningUnit[];
  /** Folded question plus expansions: for variant cues ("nước ngoài", "cấp lại"). */
  cueText: string;
  /** BM25 terms: typed terms at weight 1, expansions at 0.8. */
  terms: WeightedTerms;
  /** Text for the embedder: the question plus the official wordings. */
  embedText: string;
  english: boolean;
  /** Folded syllable → the accented forms the question wrote it in (empty when typed without marks). */
  accented: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Phrases that carry the question's form or place, never its subject. */
const NOISE_PHRASES = [
  'mat bao lau', 'mat may ngay', 'mat bao nhieu', 'het bao nhieu', 'bao nhieu tien', 'bao lau',
  'thanh pho ha noi', 'tp ha noi', 'o ha noi', 'tai ha noi', 'ha noi', 'in hanoi', 'hanoi', 'ngay mai',
  'nhu the nao', 'the nao', 'lam sao', 'o dau', 'can gi', 'la gi', 'thoi gian', 'thoi han', 'han chot',
  // "chúng tôi" folds onto "chứng" (chứng thực, chứng nhận): only the pronoun phrase is noise.
  'chung toi', 'chung em', 'chung minh', 'chung ta',
  // "có mất phí không", "mất tiền không": the cost, not a loss.
  // "cuối tuần" (the weekend) folds onto "cưới" (a wedding).
  'cuoi tuan', 'cuoi thang', 'cuoi nam', 'cuoi cung',
  'mat phi', 'mat tien', 'mat le phi', 'mat khoang', 'mat bn',
  // Conversation openers: thanks and "while I'm at it".
  'cam on', 'tien hoi', 'hoi luon', 'hoi them', 'nhan tien', 'sang chuyen khac', 'chuyen khac', 'viec khac',
].map((p) => p.split(' ')).sort((a, b) => b.length - a.length);

function markPhrases(tokens: readonly string[], phrases: readonly string[][], mark: boolean[]): void {
  for (const ph of phrases) {
    for (let i = 0; i + ph.length <= tokens.length; i++) {
      if (ph.every((w, j) => tokens[i + j] === w && !mark[i + j])) for (let j = 0; j < ph.length; j++) mark[i + j] = true;
    }
  }
}

export function viewQuery(question: string, lexicon: readonly LexiconEntry[]): QueryView {
  const tokens = syllables(withoutClitics(question));
  const noise = tokens.map(() => false);
  markPhrases(tokens, NOISE_PHRASES, noise);
  const used = [...noise];
  const units: MeaningUnit[] = [];
  const expansions: string[] = [];
  // Only entries whose first word occurs can match: the rest of the lexicon is skipped unread.
  const present = new Set(tokens);
  // Where the question has marks, a marked trigger must match them: "cười" and "cuối" are not "cưới".
  const marked = hasVietnameseMarks(question) ? accentedSyllables(question).map(newStyleTones) : [];
  const aligned = marked.length === tokens.length;
  const clashes = (e: LexiconEntry, i: number) =>
    aligned && !!e.written && e.written.some((w, j) => marked[i + j] !== tokens[i + j] && marked[i + j] !== newStyleTones(w));
  for (const e of lexicon) {
    if (!present.has(e.trigger[0]!)) continue;
    const n = e.trigger.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      if (!e.trigger.every((w, j) => tokens[i + j] === w && !used[i + j]) || clashes(e, i)) continue;
      for (let j = 0; j < n; j++) used[i + j] = true;
      units.push({ typed: e.trigger.filter((t) => !QUESTION_WORDS.has(t)), official: syllables(e.expansion) });
      expansions.push(e.expansion);
      break;
    }
  }
  tokens.forEach((t, i) => {
    if (!used[i] && !QUESTION_WORDS.has(t)) units.push({ typed: [t], official: [] });
  });
  const meaning = new Set<string>();
  for (const u of units) for (const t of [...u.typed, ...u.official]) meaning.add(t);
  const english = detectLanguage(question) === 'en';
  // The catalogue is Vietnamese: an English question speaks to it through its translated terms;
  // its own words only match the few records that carry an English name.
  const terms = queryTerms(tokens.filter((_, i) => !noise[i]).join(' '), english ? 0.3 : 1);
  for (const x of expansions) for (const [t, w] of queryTerms(x, english ? 1 : 0.8)) if ((terms.get(t) ?? 0) < w) terms.set(t, w);
  return {
    tokens,
    meaning: [...meaning],
    units,
    cueText: ` ${[...tokens, ...expansions.flatMap((x) => syllables(x))].join(' ')} `,
    terms,
    embedText: [question, ...expansions].join(' '),
    english,
    accented: accentedForms(question),
  };
}

function accentedForms(question: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!hasVietnameseMarks(question)) return out;
  for (const raw of accentedSyllables(question)) {
    const a = newStyleTones(raw);
    const f = fold(a);
    // "cần", "gì", "là" ask; they say nothing about which name is meant.
    if (QUESTION_WORDS.has(f)) continue;
    const set = out.get(f);
    if (set) set.add(a);
    else out.set(f, new Set([a]));
  }
  return out;
}

export interface RankedChunk {
  index: number; // position in snapshot.chunks
  chunk: StoredChunk;
  score: number; // fused, 0..1
}

const RRF_K = 60;
/** A letter yields hundreds of terms; passages are searched with the most telling few. */
const CHUNK_QUERY_TERMS = 40;

/** The query terms that weigh most (rarity × weight) in the passage index, at most `n`. */
function mostTelling(k: Knowledge, terms: WeightedTerms, n: number): WeightedTerms {
  if (terms.size <= n) return terms;
  const index = k.snapshot;
  return new Map([...terms].map(([t, w]) => [t, w, index.termDf(t) ? index.termIdf(t) * w : 0] as const).sort((a, b) => b[2] - a[2]).slice(0, n).map(([t, w]) => [t, w]));
}

/** Fuse lexical and vector rankings of chunks (reciprocal rank fusion). */
export function hybridChunks(
  k: Knowledge,
  q: QueryView,
  queryVector: number[] | null,
  opts: { limit: number; kind?: 'procedure' | 'document' },
): RankedChunk[] {
  const chunks = k.snapshot.chunks;
  const mask = opts.kind === 'procedure' ? k.procedureMask : opts.kind ? Uint8Array.from(chunks, (c) => (c.kind === opts.kind ? 1 : 0)) : undefined;
  const fused = new Map<number, number>();
  const lex = k.snapshot.searchTerms(mostTelling(k, q.terms, CHUNK_QUERY_TERMS), opts.limit, mask);
  lex.forEach((h, rank) => fused.set(h.chunk, (fused.get(h.chunk) ?? 0) + 1 / (RRF_K + rank + 1)));
  if (queryVector) {
    // Filtering inside the vector search calls back into JS for every node it visits; when the
    // kind asked for is most of the index (procedures are), asking for a few more and dropping
    // the rest is several times cheaper. A rare kind (documents) still filters inside.
    const common = opts.kind === 'procedure' && k.procedureShare > 0.9;
    const n = common ? Math.ceil(opts.limit * 1.25) : opts.limit;
    const accept = mask && !common ? (i: number) => mask[i] === 1 : undefined;
    let rank = -1;
    for (const h of k.snapshot.searchVectors(queryVector, n, accept)) {
      if (mask && mask[h.chunk] !== 1) continue;
      rank++;
      if (rank >= opts.limit) break;
      // Only close neighbours count.
      if (h.similarity > 0.2) fused.set(h.chunk, (fused.get(h.chunk) ?? 0) + 1 / (RRF_K + rank + 1));
    }
  }
  const max = 2 / (RRF_K + 1);
  return [...fused.entries()]
    .map(([index, s]) => ({ index, chunk: chunks[index]!, score: s / max }))
    .sort((a, b) => b.score - a.score)
    .slice(0, opts.limit);
}
