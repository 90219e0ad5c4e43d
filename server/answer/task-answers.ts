// TaskAnswers from stored tasks: the document versions that hold them, their status order,
// and how a task reads in an answer. Shared by the unit answer (deadlines.ts) and the topic one.
import { deadlineStatus, nextOccurrence, type ResolvedUnit, type StoredDocument, type StoredTask, TWO_TIER_SINCE } from '../../ingest/index.js';
import type { Language } from '../../domain/records.js';
import type { AnswerPart, AskResponse, TaskAnswer } from '../../domain/contract.js';
import { truncate } from './compose.js';
import { citationOf } from './documents.js';
import type { Knowledge } from './knowledge.js';

export type Draft = Omit<AskResponse, 'id' | 'question' | 'language' | 'phrasedBy'>;

/** The date a document speaks from: its date, else the end of its year. */
export function asOf(doc: StoredDocument | undefined): string | undefined {
  return doc?.date ?? (doc?.year ? `${doc.year}-12-31` : undefined);
}

/**
 * The versions of each document family in the order to try: the asker's language first, then
 * the original. One version per family answers, so a task is not listed twice.
 */
export function documentFamilies(k: Knowledge, lang: Language, only: StoredDocument[]): StoredDocument[][] {
  const families = new Map<string, StoredDocument[]>();
  const pool = only.length ? only : [...k.documents.values()];
  for (const d of pool) {
    if (!k.tasksByDocument.get(d.id)?.length) continue;
    const fam = d.translationOf ?? d.id;
    families.set(fam, [...(families.get(fam) ?? []), d]);
  }
  const rank = (d: StoredDocument) => (d.language === lang ? 0 : d.translationOf ? 2 : 1);
  return [...families.values()].map((ds) => ds.sort((a, b) => rank(a) - rank(b)));
}

// Upcoming first, then recurring, then past; tasks without a deadline last.
const STATUS_ORDER = { 'due-soon': 0, upcoming: 1, recurring: 2, past: 3, unknown: 4 } as const;

/** Upcoming ones soonest first; past ones most recent first. */
export function byStatus(a: TaskAnswer, b: TaskAnswer): number {
  const order = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
  if (order) return order;
  const byDue = (a.deadline.due ?? '9999').localeCompare(b.deadline.due ?? '9999');
  return a.status === 'past' ? -byDue : byDue;
}

export function taskAnswer(doc: StoredDocument, t: StoredTask, today: string): TaskAnswer {
  const citation = citationOf(doc, null, t.text);
  citation.id = t.id;
  if (t.section) citation.section = t.section;
  // The one place a recurring deadline becomes a date: channels (reminders) read `next`.
  const next = t.deadline.kind === 'recurring' ? nextOccurrence(t.deadline, today) : t.deadline.due;
  return { text: t.text, units: t.units, deadline: t.deadline, status: deadlineStatus(t.deadline, today), citation, ...(next ? { next } : {}) };
}

export const STATUS_LABEL = {
  vi: { past: 'đã qua hạn', 'due-soon': 'sắp đến hạn', upcoming: 'chưa đến hạn', recurring: 'định kỳ', unknown: 'không ghi hạn' },
  en: { past: 'past', 'due-soon': 'due soon', upcoming: 'upcoming', recurring: 'recurring', unknown: 'no deadline stated' },
} as const;

export function taskLine(t: TaskAnswer, n: number, lang: Language, withUnits = false): string {
  const dl = t.deadline.kind === 'none' ? STATUS_LABEL[lang].unknown : `${t.deadline.text} (${STATUS_LABEL[lang][t.status]})`;
  const via = t.via ? (lang === 'vi' ? ` — giao cho: ${t.via}` : ` — assigned via: ${t.via}`) : '';
  const units = withUnits && t.units.length ? (lang === 'vi' ? ` — đơn vị: ${t.units.join('; ')}` : ` — units: ${t.units.join('; ')}`) : '';
  const src = `${t.citation.number ?? t.citation.title}${t.citation.section ? `, ${lang === 'vi' ? 'mục' : 'item'} ${t.citation.section}` : ''}`;
  return `${n}. ${truncate(t.text, 300)}\n   ${lang === 'vi' ? 'Thời hạn' : 'Deadline'}: ${dl}${via}${units}\n   [${src}]`;
}

export function notesFor(docs: StoredDocument[], unit: ResolvedUnit | null, lang: Language): string[] {
  const notes: string[] = [];
  const old = docs.filter((d) => (asOf(d) ?? '9999') < TWO_TIER_SINCE);
  if (old.length) {
    const nums = old.map((d) => d.number ?? d.title).join(', ');
    notes.push(
      lang === 'vi'
        ? `Lưu ý: ${nums} được ban hành trước khi chính quyền địa phương hai cấp bắt đầu (01/7/2025); văn bản còn giao việc cho UBND các quận, huyện, thị xã — cấp này nay không còn. Câu trả lời nêu đúng nội dung văn bản.`
        : `Note: ${nums} predates the two-tier local government (1 July 2025); it still addresses the district People's Committees, a tier that no longer exists. The answer restates the document as written.`,
    );
  }
  if (unit?.note) notes.push(unit.note);
  for (const d of docs) if (d.note && d.language === lang) notes.push(d.note);
  return notes;
}

/** The text of an answer made of parts: its paragraphs, separated by blank lines. */
export function partsText(parts: readonly AnswerPart[]): string {
  return parts.map((p) => p.text).filter((t) => t.trim() !== '').join('\n\n');
}
