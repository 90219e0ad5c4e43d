// Hybrid retrieval: BM25 over accent-folded syllables and pairs, hnswlib vectors, fused by
// reciprocal rank; then procedures are chosen among near neighbours by how well their
// names cover the question (and the question their names).
import { syllables } from '../../ingest/text.js';
import type { StoredChunk } from '../../ingest/store.js';
import type { WeightedTerms } from '../../ingest/lexical.js';
import { queryTerms } from '../../ingest/lexical.js';
import type { Knowledge, ProcedureEntry } from './knowledge.js';
import type { LexiconEntry } from './lexicon.js';
import { detectLanguage, QUESTION_WORDS } from './understand.js';

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
}

/** Phrases that carry the question's form or place, never its subject. */
const NOISE_PHRASES = [
  'mat bao lau', 'mat may ngay', 'mat bao nhieu', 'het bao nhieu', 'bao nhieu tien', 'bao lau',
  'thanh pho ha noi', 'tp ha noi', 'o ha noi', 'tai ha noi', 'ha noi', 'in hanoi', 'hanoi', 'ngay mai',
  'nhu the nao', 'the nao', 'lam sao', 'o dau', 'can gi', 'la gi', 'thoi gian', 'thoi han', 'han chot',
].map((p) => p.split(' ')).sort((a, b) => b.length - a.length);

function markPhrases(tokens: readonly string[], phrases: readonly string[][], mark: boolean[]): void {
  for (const ph of phrases) {
    for (let i = 0; i + ph.length <= tokens.length; i++) {
      if (ph.every((w, j) => tokens[i + j] === w && !mark[i + j])) for (let j = 0; j < ph.length; j++) mark[i + j] = true;
    }
  }
}

export function viewQuery(question: string, lexicon: readonly LexiconEntry[]): QueryView {
  const tokens = syllables(question);
  const noise = tokens.map(() => false);
  markPhrases(tokens, NOISE_PHRASES, noise);
  const used = [...noise];
  const units: MeaningUnit[] = [];
  const expansions: string[] = [];
  for (const e of lexicon) {
    const n = e.trigger.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      if (!e.trigger.every((w, j) => tokens[i + j] === w && !used[i + j])) continue;
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
  const terms = queryTerms(tokens.filter((_, i) => !noise[i]).join(' '), 1);
  for (const x of expansions) for (const [t] of queryTerms(x)) if (!terms.has(t)) terms.set(t, 0.8);
  const english = detectLanguage(question) === 'en';
  return {
    tokens,
    meaning: [...meaning],
    units,
    cueText: ` ${[...tokens, ...expansions.flatMap((x) => syllables(x))].join(' ')} `,
    terms,
    embedText: [question, ...expansions].join(' '),
    english,
  };
}

export interface RankedChunk {
  index: number; // position in snapshot.chunks
  chunk: StoredChunk;
  score: number; // fused, 0..1
}

const RRF_K = 60;

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
  const lex = k.snapshot.lexical.search(q.terms, opts.limit, mask);
  lex.forEach((h, rank) => fused.set(h.doc, (fused.get(h.doc) ?? 0) + 1 / (RRF_K + rank + 1)));
  if (queryVector && k.snapshot.vectors.getCurrentCount() > 0) {
    const n = Math.min(opts.limit, k.snapshot.vectors.getCurrentCount());
    const filter = mask
      ? (label: number) => {
          const i = k.chunkByLabel[label] ?? -1;
          return i >= 0 && mask[i] === 1;
        }
      : undefined;
    const res = k.snapshot.vectors.searchKnn(queryVector, n, filter);
    res.neighbors.forEach((label, rank) => {
      const i = k.chunkByLabel[label] ?? -1;
      // hnswlib's cosine space returns a distance (1 − cos): only close neighbours count.
      if (i >= 0 && res.distances[rank]! < 0.8) fused.set(i, (fused.get(i) ?? 0) + 1 / (RRF_K + rank + 1));
    });
  }
  const max = 2 / (RRF_K + 1);
  return [...fused.entries()]
    .map(([index, s]) => ({ index, chunk: chunks[index]!, score: s / max }))
    .sort((a, b) => b.score - a.score)
    .slice(0, opts.limit);
}

export interface ProcedureCandidate {
  entry: ProcedureEntry;
  score: number;
  /** Share of the name's syllables the question covers (low: the name adds a variant). */
  nameCoverage: number;
  /** IDF-weighted share of the question's content syllables the procedure's vocabulary covers. */
  queryCoverage: number;
  chunks: RankedChunk[];
}

/** Name words that make a procedure a variant: chosen only when the question says so. */
const VARIANT_CUES = [
  'luu dong', 'nuoc ngoai', 'thay doi', 'cap lai', 'cap doi', 'dieu chinh', 'bo sung', 'gia han', 'xoa', 'huy',
  'cham dut', 'tam ngung', 'dung', 'lai', 'bien gioi', 'quan doi', 'cong an nhan dan', 'ngoai giao', 'cong vu',
  'dinh chinh', 'hieu dinh', 'cap nhat', 'chuyen doi', 'thu hoi', 'giai the', 'ly hon', 'mat',
].map((c) => ` ${c} `);

/** Variants the question did not ask for lose; a name lacking a variant the question names loses too. */
/** Cues that only count against a name that has them ("mất", "lại" also occur in questions as plain words). */
const ONE_SIDED = VARIANT_CUES.reduce((m, c, i) => (c === ' mat ' || c === ' lai ' ? m | (1 << i) : m), 0);

/** Which variant cues a text carries, as bits (computed once per name and once per question). */
function cueBits(text: string): number {
  let bits = 0;
  VARIANT_CUES.forEach((c, i) => {
    if (text.includes(c)) bits |= 1 << i;
  });
  return bits;
}

const nameCues = new WeakMap<ProcedureEntry, number>();

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

function variantPenalty(entry: ProcedureEntry, asked: number): number {
  let inName = nameCues.get(entry);
  if (inName === undefined) {
    inName = cueBits(` ${entry.nameTokens.join(' ')} `);
    nameCues.set(entry, inName);
  }
  const n = popcount((inName ^ asked) & ~ONE_SIDED) + popcount(inName & ~asked & ONE_SIDED);
  return Math.min(0.24, 0.08 * n);
}

/** IDF-weighted share of the question's meaning that a procedure's vocabulary covers. */
function queryCoverageOf(k: Knowledge, q: QueryView, vocab: Set<string>): number {
  let total = 0;
  let covered = 0;
  for (const u of q.units) {
    const all = [...u.typed, ...u.official];
    // English words the catalogue never uses carry no meaning for it (names are Vietnamese).
    if (q.english && !u.official.length && u.typed.every((t) => k.nameDf(t) === 0)) continue;
    const w = all.length ? Math.max(...all.map((t) => k.nameIdf(t))) : 0;
    const frac = (ts: string[]) => (ts.length ? ts.filter((t) => vocab.has(t)).length / ts.length : 0);
    total += w;
    covered += w * Math.max(frac(u.typed), frac(u.official));
  }
  return total ? covered / total : 0;
}

/** Rank procedures for a question. */
export function rankProcedures(k: Knowledge, q: QueryView, chunks: RankedChunk[], limit = 10): ProcedureCandidate[] {
  const nameHits = k.names.search(q.terms, 40);
  const maxName = nameHits[0]?.score ?? 1;
  const bySlotName = new Map(nameHits.map((h) => [h.doc, h.score / maxName]));
  const chunksByCode = new Map<string, RankedChunk[]>();
  for (const c of chunks) {
    if (c.chunk.kind !== 'procedure') continue;
    const list = chunksByCode.get(c.chunk.sourceId);
    if (list) list.push(c);
    else chunksByCode.set(c.chunk.sourceId, [c]);
  }
  const codes = new Set<string>([...nameHits.map((h) => k.bySlot[h.doc]!.procedure.code), ...chunksByCode.keys()]);
  const meaning = new Set(q.meaning);
  const asked = cueBits(q.cueText);
  const out: ProcedureCandidate[] = [];
  for (const code of codes) {
    const entry = k.procedures.get(code);
    if (!entry) continue;
    const nameToks = entry.nameTokens;
    const covered = nameToks.filter((t) => meaning.has(t)).length;
    const nameCoverage = nameToks.length ? covered / nameToks.length : 0;
    const queryCoverage = queryCoverageOf(k, q, entry.vocabulary);
    const own = chunksByCode.get(code) ?? [];
    const chunkScore = own[0]?.score ?? 0;
    const nameScore = bySlotName.get(entry.slot) ?? 0;
    const p = entry.procedure;
    const prior = (p.origin === 'curated' ? 0.12 : 0) + (p.level.some((l) => /xã|tỉnh/i.test(l)) ? 0.03 : 0);
    const score = 0.25 * nameScore + 0.35 * nameCoverage + 0.45 * queryCoverage + 0.2 * chunkScore + prior - variantPenalty(entry, asked);
    out.push({ entry, score, nameCoverage, queryCoverage, chunks: own });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, limit);
}
