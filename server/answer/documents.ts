// Questions about a document: find it by its number (full or bare), answer with its
// metadata and the passages that speak to the question, each cited.
import type { Language } from '../../ingest/domain.js';
import { queryTerms } from '../../ingest/lexical.js';
import type { StoredChunk, StoredDocument } from '../../ingest/store.js';
import { fold } from '../../ingest/text.js';
import type { AskResponse, Citation } from './contract.js';
import { composeDocument, truncate } from './compose.js';
import type { Knowledge } from './knowledge.js';
import { expansionsFor, type LexiconEntry } from './lexicon.js';
import { findBareDocumentNumber, findDocumentNumbers } from './understand.js';
import { syllables } from '../../ingest/text.js';

const norm = (n: string) => fold(n).replace(/\s+/g, '');

/** Documents the question names, the question's language first, originals before renditions. */
export function documentsForQuestion(k: Knowledge, question: string, lang: Language): StoredDocument[] {
  const ids = new Set<string>();
  for (const n of findDocumentNumbers(question)) for (const id of k.documentsByNumber.get(norm(n)) ?? []) ids.add(id);
  const bare = findBareDocumentNumber(question);
  if (!ids.size && bare) {
    for (const [num, list] of k.documentsByNumber) if (num.startsWith(`${bare}/`) || num.startsWith(`${bare}-`)) list.forEach((id) => ids.add(id));
  }
  const docs = [...ids].map((id) => k.documents.get(id)).filter((d): d is StoredDocument => !!d);
  const rank = (d: StoredDocument) => (d.language === lang ? 0 : 2) + (d.summaryOnly ? 1 : 0);
  return docs.sort((a, b) => rank(a) - rank(b));
}

export function citationOf(doc: StoredDocument, chunk: StoredChunk | null, quote?: string): Citation {
  return {
    id: chunk?.id ?? doc.id,
    title: doc.title,
    ...(doc.number ? { number: doc.number } : {}),
    ...(doc.date ? { date: doc.date } : {}),
    ...(doc.url ? { url: doc.url } : {}),
    ...(chunk ? { section: chunk.section } : {}),
    quote: truncate(quote ?? chunk?.text ?? doc.subject ?? doc.title, 500),
  };
}

type Draft = Omit<AskResponse, 'id' | 'question' | 'language' | 'phrasedBy'>;

export function answerDocument(k: Knowledge, docs: StoredDocument[], question: string, lang: Language, lexicon: readonly LexiconEntry[]): Draft | null {
  const doc = docs[0];
  if (!doc) return null;
  const chunks = (k.chunksBySource.get(doc.id) ?? []).map((i) => k.snapshot.chunks[i]!);
  const terms = queryTerms(question);
  for (const x of expansionsFor(syllables(question), lexicon)) for (const [t] of queryTerms(x)) terms.set(t, 0.8);
  // Passages of this document that share the most (rare) words with the question.
  const scored = chunks
    .filter((c) => c.section !== 'header')
    .map((c) => {
      const words = new Set(syllables(c.text));
      let s = 0;
      for (const [t, w] of terms) if (!t.includes('_') && words.has(t)) s += w * k.snapshot.lexical.idf(t);
      return { c, s };
    })
    .sort((a, b) => b.s - a.s);
  const header = chunks.find((c) => c.section === 'header') ?? chunks[0] ?? null;
  const passages: Citation[] = [];
  if (header) passages.push(citationOf(doc, header));
  for (const { c } of scored.slice(0, doc.summaryOnly ? 0 : 2)) passages.push(citationOf(doc, c));
  // A document known only by a short record: show where the corpus cites it.
  if (doc.summaryOnly && doc.number) {
    const key = fold(doc.number);
    for (const c of k.snapshot.chunks) {
      if (c.kind !== 'document' || c.sourceId === doc.id || !fold(c.text).includes(key)) continue;
      const citing = k.documents.get(c.sourceId);
      if (citing && citing.language === lang) passages.push(citationOf(citing, c));
      if (passages.length >= 3) break;
    }
  }
  const links = doc.url ? [{ label: doc.title, url: doc.url }] : [];
  return {
    intent: 'document',
    found: true,
    answer: composeDocument(doc, passages.slice(1), lang),
    citations: passages,
    links,
  };
}

/**
 * Documents described rather than numbered ("Kế hoạch rà soát … ngày 14/12/2021 là kế hoạch số
 * mấy?"): rank short records by how much of the question their title, subject and date cover.
 */
export function referencesBySubject(k: Knowledge, question: string, lang: Language, lexicon: readonly LexiconEntry[]): StoredDocument[] {
  const q = new Set(syllables(question));
  for (const x of expansionsFor([...q], lexicon)) for (const t of syllables(x)) q.add(t);
  const scored: Array<{ d: StoredDocument; s: number }> = [];
  for (const d of k.documents.values()) {
    if (!d.summaryOnly) continue;
    const dateWords = d.date ? [d.date.slice(0, 4), String(Number(d.date.slice(5, 7))), String(Number(d.date.slice(8, 10)))] : [];
    const words = new Set([...syllables(`${d.title} ${d.subject ?? ''}`), ...dateWords]);
    let s = 0;
    for (const t of q) if (words.has(t)) s += k.snapshot.lexical.idf(t) || 1;
    scored.push({ d, s });
  }
  scored.sort((a, b) => b.s - a.s);
  const best = scored[0];
  if (!best || best.s <= 0 || (scored[1] && best.s < scored[1].s * 1.15)) return [];
  return [best.d];
}
