// Hybrid retrieval: BM25 over accent-folded syllables and pairs, hnswlib vectors, fused by
// reciprocal rank; then procedures are chosen among near neighbours by how well their
// names cover the question (and the question their names).
import { syllables } from '../../ingest/text.js';
import type { StoredChunk } from '../../ingest/store.js';
import type { WeightedTerms } from '../../ingest/lexical.js';
import { queryTerms } from '../../ingest/lexical.js';
import type { Knowledge, ProcedureEntry } from './knowledge.js';
import { expansionsFor, type LexiconEntry } from './lexicon.js';
import { QUESTION_WORDS } from './understand.js';

export interface QueryView {
  /** Folded syllables as typed. */
  tokens: string[];
  /** Content syllables: question-form words removed, lexicon triggers replaced by their expansions. */
  meaning: string[];
  /** BM25 terms: typed terms at weight 1, expansions at 0.8. */
  terms: WeightedTerms;
  /** Text for the embedder: the question plus the official wordings. */
  embedText: string;
}

export function viewQuery(question: string, lexicon: readonly LexiconEntry[]): QueryView {
  const tokens = syllables(question);
  const expansions = expansionsFor(tokens, lexicon);
  const triggered = new Set<string>();
  for (const e of lexicon) if (expansions.includes(e.expansion)) for (const t of e.trigger) triggered.add(t);
  const meaning = new Set(tokens.filter((t) => !QUESTION_WORDS.has(t) && !triggered.has(t)));
  for (const x of expansions) for (const t of syllables(x)) meaning.add(t);
  const terms = queryTerms(question, 1);
  for (const x of expansions) for (const [t] of queryTerms(x)) if (!terms.has(t)) terms.set(t, 0.8);
  return { tokens, meaning: [...meaning], terms, embedText: [question, ...expansions].join(' ') };
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
  const allow = opts.kind ? (i: number) => chunks[i]!.kind === opts.kind : undefined;
  const fused = new Map<number, number>();
  const lex = k.snapshot.lexical.search(q.terms, opts.limit, allow);
  lex.forEach((h, rank) => fused.set(h.doc, (fused.get(h.doc) ?? 0) + 1 / (RRF_K + rank + 1)));
  if (queryVector && k.snapshot.vectors.getCurrentCount() > 0) {
    const n = Math.min(opts.limit, k.snapshot.vectors.getCurrentCount());
    const filter = opts.kind
      ? (label: number) => {
          const i = k.chunkByLabel.get(label);
          return i !== undefined && chunks[i]!.kind === opts.kind;
        }
      : undefined;
    const res = k.snapshot.vectors.searchKnn(queryVector, n, filter);
    res.neighbors.forEach((label, rank) => {
      const i = k.chunkByLabel.get(label);
      // hnswlib's cosine space returns a distance (1 − cos): only close neighbours count.
      if (i !== undefined && res.distances[rank]! < 0.8) fused.set(i, (fused.get(i) ?? 0) + 1 / (RRF_K + rank + 1));
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
  let meaningWeight = 0;
  for (const t of meaning) meaningWeight += k.nameIdf(t);

  const out: ProcedureCandidate[] = [];
  for (const code of codes) {
    const entry = k.procedures.get(code);
    if (!entry) continue;
    const nameToks = entry.nameTokens;
    const covered = nameToks.filter((t) => meaning.has(t) || q.tokens.includes(t)).length;
    const nameCoverage = nameToks.length ? covered / nameToks.length : 0;
    let qc = 0;
    for (const t of meaning) if (entry.vocabulary.has(t)) qc += k.nameIdf(t);
    const queryCoverage = meaningWeight ? qc / meaningWeight : 0;
    const own = chunksByCode.get(code) ?? [];
    const chunkScore = own[0]?.score ?? 0;
    const nameScore = bySlotName.get(entry.slot) ?? 0;
    const p = entry.procedure;
    const prior = (p.origin === 'curated' ? 0.12 : 0) + (p.level.some((l) => /xã|tỉnh/i.test(l)) ? 0.03 : 0);
    const score = 0.3 * nameScore + 0.35 * nameCoverage + 0.45 * queryCoverage + 0.2 * chunkScore + prior;
    out.push({ entry, score, nameCoverage, queryCoverage, chunks: own });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, limit);
}
