// What the engine answers with, before the response gets its id, language and phrasing: a
// procedure's card (leading with the aspect asked), an ask-back with choices, the named
// "not found" drafts; and how well a question fits a record (for conversations).
import type { Language, Procedure } from '../../domain/records.js';
import type { AnswerPartKind, AskResponse, Citation, ProcedureAnswer, ProcedureAspect } from '../../domain/contract.js';
import { composeAspectAcross, composeCandidates, composeProcedureParts, isOneLineAspect, notFound, PORTAL_SEARCH, truncate } from './compose.js';
import { syllables } from '../../ingest/index.js';
import type { Knowledge, ProcedureEntry } from './knowledge.js';
import type { QueryView } from './retrieve.js';
import type { ProcedureCandidate } from './rank.js';
import { detectAspect, QUESTION_WORDS } from './understand.js';
/** Variants that change who may file and how: never answered with the plain procedure. */
const STRONG_VARIANTS = [' nuoc ngoai ', ' luu dong '];
/** How far (ranker log-odds) below the best a record that has the asked variant may rank and still be it. */
export const VARIANT_REACH = 3;

export function missingVariant(c: ProcedureCandidate, cueText: string): string | null {
  const name = ` ${c.entry.nameTokens.join(' ')} `;
  return STRONG_VARIANTS.find((v) => cueText.includes(v) && !name.includes(v))?.trim() ?? null;
}

export type Draft = Omit<AskResponse, 'id' | 'question' | 'language' | 'phrasedBy'>;

export function toProcedureAnswer(p: Procedure): ProcedureAnswer {
  return {
    code: p.code,
    name: p.name,
    ...(p.nameEn ? { nameEn: p.nameEn } : {}),
    level: p.level,
    ...(p.agency ? { agency: p.agency } : {}),
    ...(p.url ? { url: p.url } : {}),
    papers: p.papers,
    channels: p.channels,
    legalBasis: p.legalBasis,
  };
}

/** The composed procedure text with its parts and caveats, as the response carries them. */
function composedProcedure(p: Procedure, aspect: ReturnType<typeof detectAspect>, lang: Language, alternatives: Procedure[], today: string): Pick<Draft, 'answer' | 'parts' | 'notes'> {
  const c = composeProcedureParts(p, aspect, lang, alternatives, { today });
  return { answer: c.text, parts: c.parts, ...(c.notes.length ? { notes: c.notes } : {}) };
}

/** An answer that is one block of one kind (an ask-back's list). */
const oneBlock = (kind: AnswerPartKind, text: string): Pick<Draft, 'answer' | 'parts'> => ({ answer: text, parts: [{ kind, text }] });

/** A procedure's answer, leading with `aspect` (by default what the question asks about). */
export function procedureDraft(
  k: Knowledge,
  c: Pick<ProcedureCandidate, 'entry' | 'chunks'>,
  question: string,
  lang: Language,
  alternatives: Procedure[],
  today: string,
  aspect: ProcedureAspect = detectAspect(question),
): Draft {
  const p = c.entry.procedure;
  const sectionFor = { papers: 'papers', fee: 'channels', time: 'channels', online: 'channels', where: 'overview', steps: 'steps', legal: 'legal', overview: 'overview' }[aspect];
  const own = k.chunksBySource.get(p.code) ?? [];
  const chunks = own.map((i) => k.snapshot.chunks[i]!);
  const lead = chunks.find((ch) => ch.section === sectionFor) ?? chunks.find((ch) => ch.section === 'papers') ?? chunks[0];
  const citations: Citation[] = [
    {
      id: lead?.id ?? p.code,
      title: p.name,
      number: p.code,
      ...(p.url ? { url: p.url } : {}),
      section: lead?.section ?? 'overview',
      quote: truncate(lead?.text ?? p.name, 400),
    },
  ];
  const extra = chunks.find((ch) => ch.section === 'channels' && ch.id !== lead?.id);
  if (extra) citations.push({ id: extra.id, title: p.name, number: p.code, ...(p.url ? { url: p.url } : {}), section: extra.section, quote: truncate(extra.text, 300) });
  const links = p.url ? [{ label: lang === 'vi' ? 'Trang thủ tục trên Cổng Dịch vụ công quốc gia' : 'Procedure page on the National Public Service Portal', url: p.url }] : [];
  return {
    intent: 'procedure',
    found: true,
    ...composedProcedure(p, aspect, lang, alternatives, today),
    citations,
    links,
    procedure: toProcedureAnswer(p),
    aspect,
    ...(alternatives.length ? { alternatives: alternatives.map((a) => ({ code: a.code, name: a.name })) } : {}),
  };
}

/** Near neighbours worth offering: close in score and sharing most of the best name. */
export function alternativesOf(best: ProcedureCandidate, others: ProcedureCandidate[]): Procedure[] {
  const bestToks = new Set(best.entry.nameTokens);
  // Scores are a fitted model's, not a scale: closeness is the rank (the next few) plus a shared name.
  return others
    .slice(0, 6)
    .filter((o) => {
      const shared = o.entry.nameTokens.filter((t) => bestToks.has(t)).length;
      return shared / Math.max(1, Math.min(bestToks.size, o.entry.nameTokens.length)) >= 0.6;
    })
    .slice(0, 4)
    .map((o) => o.entry.procedure);
}

/**
 * The words of what a follow-up may ask about a record beyond what the record index holds: its
 * fees, times, steps, agency and legal basis ("phí thẩm định bao nhiêu?" asks about a fee line).
 * Built when a conversation first needs it, and kept with the record.
 */
const aspectWords = new WeakMap<ProcedureEntry, Set<string>>();

function aspectVocabulary(entry: ProcedureEntry): Set<string> {
  let words = aspectWords.get(entry);
  if (!words) {
    const p = entry.procedure;
    const text = [p.agency ?? '', p.steps ?? '', ...p.channels.flatMap((c) => [c.time, c.fee, c.note ?? '']), ...p.legalBasis.map((l) => l.title)].join('\n');
    words = new Set(syllables(text));
    aspectWords.set(entry, words);
  }
  return words;
}

/**
 * How much of what the question says (idf-weighted) the record says too, anywhere in it. Words the
 * lexicon mapped to an official term ("bằng lái" → "giấy phép lái xe") count through that term:
 * they are the strongest sign of a subject of its own.
 */
export function fitShare(k: Knowledge, entry: ProcedureEntry, q: QueryView): number {
  const has = (t: string) => entry.vocabulary.has(t) || k.records.postings(t).docs.includes(entry.slot) || aspectVocabulary(entry).has(t);
  let total = 0;
  let fit = 0;
  for (const u of q.units) {
    const words = u.official.length ? u.official.filter((t) => !QUESTION_WORDS.has(t)) : u.typed;
    for (const t of words) {
      const w = k.records.df(t) ? k.records.idf(t) : 8;
      total += w;
      if (has(t)) fit += w;
    }
  }
  return total ? fit / total : 0;
}

/** Every word of the question is in the record ("phí thẩm định bao nhiêu?" after the record's name). */
export function fitsRecord(k: Knowledge, entry: ProcedureEntry, q: QueryView): boolean {
  return q.units.length > 0 && fitShare(k, entry, q) === 1;
}

/**
 * An ask-back: the records that fit about equally, as choices; nothing is presented as the answer.
 * `nearest`: none fits clearly, and the text says these are only the closest records.
 */
export function askBackDraft(options: Array<Pick<ProcedureCandidate, 'entry'>>, lang: Language, nearest = false): Draft {
  const ps = options.map((o) => o.entry.procedure);
  return {
    intent: 'procedure',
    found: true,
    ...oneBlock('candidates', composeCandidates(ps, lang, nearest)),
    citations: ps.map((p) => ({ id: p.code, title: p.name, number: p.code, ...(p.url ? { url: p.url } : {}), section: 'overview', quote: p.name })),
    links: [{ label: lang === 'vi' ? 'Tra cứu thủ tục trên Cổng Dịch vụ công quốc gia' : 'Search procedures on the National Public Service Portal', url: PORTAL_SEARCH }],
    candidates: ps.map((p) => ({ code: p.code, name: p.name, level: p.level })),
  };
}

/**
 * A follow-up asking a one-line fact ("còn lệ phí?") while an ask-back's choices are open: that
 * fact for each choice, with the choices still offered.
 */
export function aspectAcrossDraft(options: Array<Pick<ProcedureCandidate, 'entry'>>, aspect: ProcedureAspect, lang: Language, today: string): Draft {
  const ask = askBackDraft(options, lang);
  if (!isOneLineAspect(aspect)) return ask;
  const text = composeAspectAcross(options.map((o) => o.entry.procedure), aspect, lang, today);
  return { ...ask, ...oneBlock('candidates', text), citations: ask.citations.map((c) => ({ ...c, section: 'channels' })), aspect };
}

/** Nothing in the documents or the catalogue answers this. */
export function nothingFound(lang: Language): Draft {
  const nf = notFound(lang);
  return { intent: 'out-of-scope', found: false, answer: nf.answer, citations: [], links: nf.links };
}

/** The question asks for a variant (e.g. with a foreign element) that the closest record is not. */
export function variantNotFound(lang: Language, variant: string, closest: Procedure): Draft {
  const answer =
    lang === 'vi'
      ? `Tôi không tìm thấy đúng thủ tục cho trường hợp bạn hỏi (${variant}) trong dữ liệu đã nạp. Thủ tục gần nhất là "${closest.name}" (mã ${closest.code}); vui lòng tra cứu thêm trên Cổng Dịch vụ công quốc gia.`
      : `I could not find the procedure for the case you ask about (${variant}) in the loaded data. The closest is "${closest.name}" (code ${closest.code}); please check the National Public Service Portal.`;
  return { intent: 'procedure', found: false, answer, citations: [], links: notFound(lang).links, alternatives: [{ code: closest.code, name: closest.name }] };
}

/** A question about tasks that names no unit and matches no task. */
export function whichUnit(lang: Language): Draft {
  const answer =
    lang === 'vi'
      ? 'Bạn hỏi về nhiệm vụ, thời hạn của đơn vị nào? Hãy nêu tên đơn vị, ví dụ: "Sở Tư pháp có hạn chót nào?" hoặc "UBND phường Ba Đình có nhiệm vụ gì?".'
      : 'Which unit are you asking about? Name it, for example: "What deadlines does the Department of Justice have?".';
  return { intent: 'deadline', found: false, answer, citations: [], links: notFound(lang).links };
}

