// Questions about a document: find it by its number (full or bare), answer with its
// metadata and the passages that speak to the question, each cited.
import type { Language } from '../../domain/records.js';
import { fold, queryTerms, type StoredChunk, type StoredDocument, syllables, TYPE_NAMES } from '../../ingest/index.js';
import type { AskResponse, Citation } from '../../domain/contract.js';
import { servesSource, sourcePath } from '../document-files.js';
import { composeDocumentParts, enDate, truncate, viDate } from './compose.js';
import type { Knowledge } from './knowledge.js';
import { expansionsFor, type LexiconEntry } from './lexicon.js';
import { findBareDocumentNumber, findDocumentNumbers } from './understand.js';

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

/**
 * A document read by OCR says so wherever it is cited: its text may hold the scanner's slips
 * (or, once an admin corrected it, a person's reading). The citation links the page it quotes
 * (`source`), and the answer's reference names it ("[3107/UBND-KSTTHC, mục 4, tr. 2]").
 */
const SCANNED = { vi: ' (bản quét, nhận dạng tự động)', en: ' (scanned copy, machine-read)' } as const;
const CORRECTED = { vi: ' (bản quét, đã được hiệu đính)', en: ' (scanned copy, text checked by a person)' } as const;

/** A passage of a document as cited; `page` for a passage that is not a chunk (a task's). */
export function citationOf(doc: StoredDocument, chunk: StoredChunk | null, quote?: string, page?: number): Citation {
  const at = chunk?.page ?? page;
  return {
    id: chunk?.id ?? doc.id,
    title: doc.ocr ? doc.title + (doc.ocr.corrected ? CORRECTED : SCANNED)[doc.language] : doc.title,
    ...(doc.number ? { number: doc.number } : {}),
    ...(doc.date ? { date: doc.date } : {}),
    ...(doc.url ? { url: doc.url } : {}),
    ...(chunk ? { section: chunk.section } : {}),
    quote: truncate(quote ?? chunk?.text ?? doc.subject ?? doc.title, 500),
    ...(at ? { page: at } : {}),
    // A scan's page is linked to, to check the reading against the original.
    ...(doc.ocr && servesSource(doc) ? { source: sourcePath(doc.id, at) } : {}),
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
      for (const [t, w] of terms) if (!t.includes('_') && words.has(t)) s += w * k.snapshot.termIdf(t);
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
  const field = askedField(question);
  const body = composeDocumentParts(doc, passages.slice(1), lang);
  const lead = field ? [{ kind: 'text' as const, text: fieldLine(doc, field, lang) }] : [];
  return {
    intent: 'document',
    found: true,
    answer: field ? `${lead[0]!.text}\n\n${body.text}` : body.text,
    citations: passages,
    links,
    parts: [...lead, ...body.parts],
    ...(doc.note ? { notes: [doc.note] } : {}),
  };
}

/**
 * "Công văn 2458 yêu cầu thực hiện những văn bản nào?": the documents a full-text document cites,
 * in the order it first cites them, each with what the index knows of it and the passage citing it.
 * Null when the document is only a short record or cites none (the caller answers otherwise).
 */
export function answerCitedDocuments(k: Knowledge, doc: StoredDocument, question: string, lang: Language): Draft | null {
  if (doc.summaryOnly) return null;
  const own = doc.number ? norm(doc.number) : '';
  const seen = new Map<string, { number: string; chunk: StoredChunk }>();
  for (const i of k.chunksBySource.get(doc.id) ?? []) {
    const chunk = k.snapshot.chunks[i]!;
    if (chunk.section === 'header') continue;
    for (const n of findDocumentNumbers(chunk.text)) {
      const key = norm(n);
      if (key !== own && !seen.has(key)) seen.set(key, { number: n, chunk });
    }
  }
  if (!seen.size) return null;
  const cited = [...seen].map(([key, v]) => ({ ...v, known: (k.documentsByNumber.get(key) ?? []).map((id) => k.documents.get(id)).find((d): d is StoredDocument => !!d) }));
  // "Văn bản nào về ủy quyền … được công văn 2458 viện dẫn?": one of them, named by its subject.
  const one = citedBySubject(k, question, cited.flatMap((c) => (c.known ? [c.known] : [])));
  if (one) return answerDocument(k, [one], question, lang, []);
  const vi = lang === 'vi';
  const lines: string[] = [];
  const citations: Citation[] = [];
  for (const { number, chunk, known } of cited) {
    const date = known?.date ? (vi ? ` ngày ${viDate(known.date)}` : ` of ${enDate(known.date)}`) : '';
    const about = known?.subject ? ` — ${subjectMatter(known.subject)}` : '';
    const where = chunk.section ? ` [${vi ? 'mục' : 'item'} ${chunk.section}]` : '';
    lines.push(`- ${known ? documentName(known, lang) : number}${date}${about}${where}`);
    // One item often cites several: each passage is cited once.
    if (!citations.some((c) => c.id === chunk.id)) citations.push(citationOf(doc, chunk));
  }
  const name = documentName(doc, lang);
  const lead = vi ? `${name} viện dẫn ${seen.size} văn bản:` : `${name} cites ${seen.size} document${seen.size === 1 ? '' : 's'}:`;
  const answer = [lead, ...lines].join('\n');
  return { intent: 'document', found: true, answer, citations, links: doc.url ? [{ label: doc.title, url: doc.url }] : [], parts: [{ kind: 'text', text: answer }] };
}

/**
 * The one cited document whose subject the question's words clearly point to, if any: three or
 * more of its subject's words, and half as much again as any other ("công" of "công văn" alone
 * names nothing).
 */
function citedBySubject(k: Knowledge, question: string, docs: StoredDocument[]): StoredDocument | null {
  const q = new Set(syllables(question));
  const scored = docs
    .map((d) => {
      let s = 0;
      let n = 0;
      for (const t of new Set(syllables(d.subject ?? ''))) {
        if (!q.has(t)) continue;
        s += k.snapshot.termIdf(t) || 1;
        n++;
      }
      return { d, s, n };
    })
    .sort((a, b) => b.s - a.s);
  const [best, next] = scored;
  return best && best.n >= 3 && (!next || best.s >= next.s * 1.5) ? best.d : null;
}

/**
 * A field of the document record a question asks for: when it was issued, to whom it was sent
 * ("Kính gửi") and who else received it ("Nơi nhận"), what it is about, who issued and who signed it.
 */
export type DocumentField = 'date' | 'addressees' | 'recipients' | 'subject' | 'issuer' | 'signer';

// Folded cues. "trước ngày nào" asks for a deadline in the document, not for its date.
const FIELD_CUES: Array<[DocumentField, RegExp]> = [
  ['date', /\b(?:ban hanh|ky|phat hanh|ra)\b.{0,20}\b(?:ngay nao|ngay may|ngay bao nhieu|khi nao|bao gio|nam nao)\b|\bngay (?:ban hanh|ky)\b|^(?!.*\b(?:truoc|han|phai|hoan thanh|gui)\b).*\bngay nao\b|\b(?:when|what date) (?:was|is)\b.{0,60}\b(?:issued|signed|dated|published)\b|\bissue date\b|\bdate of issue\b/],
  ['signer', /\b(?:ai|nguoi nao|lanh dao nao|ong nao|ba nao) (?:da )?ky\b|\bnguoi ky\b|\bky boi\b|\bchu ky cua ai\b|\bwho signed\b|\bsigned by\b|\bsignator(?:y|ies)\b/],
  ['recipients', /\bnoi nhan\b|\bduoc gui de biet\b|\bdistribution\b|\b(?:copied|cc) to\b|\brecipients\b/],
  ['addressees', /\b(?:gui|gui cho|gui den|gui toi)\s+(?:nhung |cac )?(?:don vi|co quan|ai|noi nao)\b|\bkinh gui\b|\b(?:don vi|co quan) nao (?:nhan|duoc gui)\b|\b(?:co )?gui (?:cho )?(?:ubnd|uy ban|cac so|so)\b.{0,40}\bkhong\b|\baddressed to\b|\baddressees?\b|\bsent to\b|\bwho (?:is|was) it (?:sent|addressed)\b|\bwhich (?:units|agencies|bodies|departments)\b.{0,30}\b(?:sent|addressed|receive)\b/],
  ['subject', /\bve viec gi\b|\bve van de gi\b|\bve noi dung gi\b|\btrich yeu\b|\bnoi dung (?:gi|chinh)\b|\bwhat (?:is|was)\b.{0,60}\babout\b|\babout what\b|\bwhat (?:does|did)\b.{0,60}\b(?:say|concern)\b|\bsubject\b/],
  ['issuer', /\b(?:ai|co quan nao|don vi nao) ban hanh\b|\bdo (?:ai|co quan nao) ban hanh\b|\bwho issued\b|\bissued by whom\b/],
];

export function askedField(question: string): DocumentField | null {
  const f = fold(question).replace(/\s+/g, ' ');
  for (const [field, re] of FIELD_CUES) if (re.test(f)) return field;
  return null;
}

/** A subject line without its "V/v" / "Về việc" lead: what the document is about. */
const subjectMatter = (subject: string) => subject.replace(/^(?:V\/v|Về việc)\s*:?\s*/iu, '');

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function documentName(doc: StoredDocument, lang: Language): string {
  const type = doc.type ? TYPE_NAMES[doc.type][lang] : lang === 'vi' ? 'Văn bản' : 'Document';
  if (!doc.number) return doc.title;
  return lang === 'en' ? `${type} No. ${doc.number}` : `${type} ${doc.number}`;
}

/** The answer's first line: the asked field, from the document record, or that the record lacks it. */
export function fieldLine(doc: StoredDocument, field: DocumentField, lang: Language): string {
  const name = documentName(doc, lang);
  const vi = lang === 'vi';
  switch (field) {
    case 'date': {
      if (doc.date) {
        const [y, m, d] = doc.date.split('-').map(Number) as [number, number, number];
        return vi ? `${name} ban hành ngày ${viDate(doc.date)}.` : `${name} was issued on ${d} ${MONTHS_EN[m - 1]} ${y}.`;
      }
      if (doc.year) {
        return vi
          ? `${name} ban hành năm ${doc.year}; ngày ban hành không có trong dữ liệu đã nạp.`
          : `${name} was issued in ${doc.year}; its exact date is not in the loaded data.`;
      }
      return vi ? `Dữ liệu đã nạp không ghi ngày ban hành của ${name}.` : `The loaded data does not give the issue date of ${name}.`;
    }
    case 'addressees':
      if (!doc.addressees.length) return vi ? `Dữ liệu đã nạp không ghi phần "Kính gửi" của ${name}.` : `The loaded data does not give the addressees of ${name}.`;
      return vi ? `${name} gửi: ${doc.addressees.join('; ')}.` : `${name} is addressed to: ${doc.addressees.join('; ')}.`;
    case 'subject': {
      if (!doc.subject) return vi ? `Dữ liệu đã nạp không ghi trích yếu của ${name}.` : `The loaded data does not give the subject of ${name}.`;
      const about = subjectMatter(doc.subject).replace(/[.;\s]+$/, '');
      return vi ? `${name} về việc ${about}.` : `${name} is about: ${about}.`;
    }
    case 'recipients': {
      if (!doc.recipients.length) return vi ? `Dữ liệu đã nạp không ghi phần "Nơi nhận" của ${name}.` : `The loaded data does not give the distribution list of ${name}.`;
      // "Như trên" (as above) stands for the addressees: say who they are.
      const asAbove = doc.addressees.length && doc.recipients.some((r) => /^(?:nhu tren|as above)\b/.test(fold(r)));
      const above = asAbove ? (vi ? ` ("Như trên" là các nơi ở phần Kính gửi: ${doc.addressees.join('; ')})` : ` ("as above" stands for the addressees: ${doc.addressees.join('; ')})`) : '';
      return vi ? `Nơi nhận ${name}: ${doc.recipients.join('; ')}${above}.` : `${name} was distributed to: ${doc.recipients.join('; ')}${above}.`;
    }
    case 'issuer':
      if (!doc.issuer) return vi ? `Dữ liệu đã nạp không ghi cơ quan ban hành ${name}.` : `The loaded data does not give the issuer of ${name}.`;
      return vi ? `${name} do ${doc.issuer} ban hành.` : `${name} was issued by ${doc.issuer}.`;
    case 'signer': {
      if (!doc.signer) return vi ? `Dữ liệu đã nạp không ghi người ký ${name}.` : `The loaded data does not say who signed ${name}.`;
      const who = doc.signer.name ? `${doc.signer.title} ${doc.signer.name}` : doc.signer.title;
      const unnamed = doc.signer.name ? '' : vi ? ' (văn bản không ghi họ tên người ký)' : ' (the text does not give the signer\'s name)';
      return vi ? `${name} do ${who} ký${unnamed}.` : `${name} was signed by: ${who}${unnamed}.`;
    }
  }
}

/**
 * Documents described rather than numbered ("Kế hoạch rà soát … ngày 14/12/2021 là kế hoạch số
 * mấy?"): rank short records by how much of the question their title, subject and date cover.
 */
export function referencesBySubject(k: Knowledge, question: string, lang: Language, lexicon: readonly LexiconEntry[]): StoredDocument[] {
  const q = new Set(syllables(question));
  for (const x of expansionsFor([...q], lexicon)) for (const t of syllables(x)) q.add(t);
  // "issued in December 2021": an English month counts as its number, as "tháng 12" does.
  MONTHS_EN.forEach((m, i) => q.has(m.toLowerCase()) && q.add(String(i + 1)));
  const scored: Array<{ d: StoredDocument; s: number }> = [];
  for (const d of k.documents.values()) {
    if (!d.summaryOnly) continue;
    const dateWords = d.date ? [d.date.slice(0, 4), String(Number(d.date.slice(5, 7))), String(Number(d.date.slice(8, 10)))] : [];
    const words = new Set([...syllables(`${d.title} ${d.subject ?? ''}`), ...dateWords]);
    let s = 0;
    for (const t of q) if (words.has(t)) s += k.snapshot.termIdf(t) || 1;
    scored.push({ d, s });
  }
  scored.sort((a, b) => b.s - a.s);
  const best = scored[0];
  if (!best || best.s <= 0 || (scored[1] && best.s < scored[1].s * 1.15)) return [];
  return [best.d];
}
