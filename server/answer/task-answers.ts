// TaskAnswers from stored tasks: the document versions that hold them, their status order,
// and how a task reads in an answer. Shared by the unit answer (deadlines.ts) and the topic one.
import { deadlineStatus, fold, nextOccurrence, type ResolvedUnit, type StoredDocument, type StoredTask, TWO_TIER_SINCE, viDate } from '../../ingest/index.js';
import type { Amendment, Deadline, Language } from '../../domain/records.js';
import type { AnswerPart, AskResponse, TaskAnswer, TaskChange } from '../../domain/contract.js';
import { truncate } from './compose.js';
import { scanPage } from './compose/text.js';
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

export function taskAnswer(doc: StoredDocument, t: StoredTask, today: string, changes?: Changes): TaskAnswer {
  const citation = citationOf(doc, null, t.text, t.page);
  citation.id = t.id;
  if (t.section) citation.section = t.section;
  // The deadline in force is the last amendment's; the ones it replaced stay as history.
  const { moves, repealedBy } = changes?.ofTask(doc, t) ?? { moves: [] };
  const last = moves[moves.length - 1];
  const deadline = last?.deadline ?? t.deadline;
  const history = last ? { amendedBy: last.by, previous: [t.deadline, ...moves.slice(0, -1).map((m) => m.deadline)] } : {};
  // The one place a recurring deadline becomes a date: channels (reminders) read `next`.
  const next = deadline.kind === 'recurring' ? nextOccurrence(deadline, today) : deadline.due;
  return {
    text: t.text,
    units: t.units,
    deadline,
    status: deadlineStatus(deadline, today),
    citation,
    ...(next ? { next } : {}),
    ...history,
    ...(repealedBy ? { repealedBy } : {}),
    ...(t.product ? { product: t.product } : {}),
  };
}

// ---- documents that change others: moved deadlines, repealed documents ----

/** What the loaded documents change in a task: its deadline moves, oldest first, and a repeal. */
export interface Changes {
  ofTask(doc: StoredDocument, t: StoredTask): { moves: Array<{ deadline: Deadline; by: TaskChange }>; repealedBy?: TaskChange };
}

const ENDS_FORCE = new Set<Amendment['kind']>(['repeal', 'replace', 'expire']);

/** Every amendment of the loaded documents, keyed by the documents (and their renditions) it changes. */
export function changesIn(k: Knowledge): Changes {
  const key = (n: string) => fold(n).replace(/\s+/g, '');
  const byNumber = new Map<string, string[]>();
  for (const d of k.documents.values()) {
    if (!d.number || d.summaryOnly) continue;
    byNumber.set(key(d.number), [...(byNumber.get(key(d.number)) ?? []), d.translationOf ?? d.id]);
  }
  const byFamily = new Map<string, Array<{ a: Amendment; by: TaskChange }>>();
  // Applied in the order issued, so the latest amendment gives the deadline in force.
  const amending = [...k.documents.values()].filter((d) => d.amends?.length).sort((a, b) => (asOf(a) ?? '').localeCompare(asOf(b) ?? ''));
  for (const d of amending) {
    for (const a of d.amends ?? []) {
      const by: TaskChange = { kind: a.kind, id: d.id, title: d.title, ...(d.number ? { number: d.number } : {}), ...(d.date ? { date: d.date } : {}), text: a.text };
      for (const family of new Set(byNumber.get(key(a.target)) ?? [])) {
        if (family === (d.translationOf ?? d.id)) continue;
        byFamily.set(family, [...(byFamily.get(family) ?? []), { a, by }]);
      }
    }
  }
  const inSection = (a: Amendment, section?: string) => !a.section || section === a.section || !!section?.startsWith(`${a.section}.`);
  return {
    ofTask(doc, t) {
      const found = (byFamily.get(doc.translationOf ?? doc.id) ?? []).filter((x) => inSection(x.a, t.section));
      const moves = found.flatMap((x) => (x.a.kind === 'deadline' && x.a.deadline ? [{ deadline: x.a.deadline, by: x.by }] : []));
      const repeal = found.filter((x) => ENDS_FORCE.has(x.a.kind)).pop();
      return { moves, ...(repeal ? { repealedBy: repeal.by } : {}) };
    },
  };
}

/** "Công văn 1500/UBND-KSTTHC ngày 20/11/2026": the amending document as an answer names it. */
export function changeLabel(c: TaskChange, lang: Language): string {
  const name = c.number ? `${lang === 'vi' ? 'văn bản' : 'document'} ${c.number}` : c.title;
  if (!c.date) return name;
  return lang === 'vi' ? `${name} ngày ${viDate(c.date)}` : `${name} of ${c.date}`;
}

export const STATUS_LABEL = {
  vi: { past: 'đã qua hạn', 'due-soon': 'sắp đến hạn', upcoming: 'chưa đến hạn', recurring: 'định kỳ', unknown: 'không ghi hạn' },
  en: { past: 'past', 'due-soon': 'due soon', upcoming: 'upcoming', recurring: 'recurring', unknown: 'no deadline stated' },
} as const;

const ROLE_LABEL = {
  vi: { lead: 'chủ trì', support: 'phối hợp' },
  en: { lead: 'lead', support: 'support' },
} as const;

export function taskLine(t: TaskAnswer, n: number, lang: Language, withUnits = false): string {
  const dl = t.deadline.kind === 'none' ? STATUS_LABEL[lang].unknown : `${t.deadline.text} (${STATUS_LABEL[lang][t.status]})`;
  const role = t.role ? (lang === 'vi' ? `\n   Vai trò: ${ROLE_LABEL.vi[t.role]}` : `\n   Role: ${ROLE_LABEL.en[t.role]}`) : '';
  const amended = t.amendedBy
    ? lang === 'vi'
      ? `\n   Thời hạn đã được điều chỉnh theo ${changeLabel(t.amendedBy, lang)}; thời hạn cũ: ${(t.previous ?? []).map((d) => d.text || STATUS_LABEL.vi.unknown).join('; ')}`
      : `\n   Deadline changed by ${changeLabel(t.amendedBy, lang)}; previous deadline: ${(t.previous ?? []).map((d) => d.text || STATUS_LABEL.en.unknown).join('; ')}`
    : '';
  const repealed = t.repealedBy
    ? lang === 'vi'
      ? `\n   Không còn hiệu lực: ${REPEAL_VI[t.repealedBy.kind] ?? 'bãi bỏ'} theo ${changeLabel(t.repealedBy, lang)}`
      : `\n   No longer in force: ${REPEAL_EN[t.repealedBy.kind] ?? 'repealed'} by ${changeLabel(t.repealedBy, lang)}`
    : '';
  const product = t.product ? (lang === 'vi' ? `\n   Sản phẩm: ${t.product}` : `\n   Product: ${t.product}`) : '';
  const via = t.via ? (lang === 'vi' ? ` — giao cho: ${t.via}` : ` — assigned via: ${t.via}`) : '';
  const units = withUnits && t.units.length ? (lang === 'vi' ? ` — đơn vị: ${t.units.join('; ')}` : ` — units: ${t.units.join('; ')}`) : '';
  const src = `${t.citation.number ?? t.citation.title}${t.citation.section ? `, ${lang === 'vi' ? 'mục' : 'item'} ${t.citation.section}` : ''}${scanPage(t.citation, lang)}`;
  return `${n}. ${truncate(t.text, 300)}\n   ${lang === 'vi' ? 'Thời hạn' : 'Deadline'}: ${dl}${via}${units}${role}${product}${amended}${repealed}\n   [${src}]`;
}

const REPEAL_VI: Partial<Record<TaskChange['kind'], string>> = { repeal: 'bị bãi bỏ', replace: 'bị thay thế', expire: 'hết hiệu lực' };
const REPEAL_EN: Partial<Record<TaskChange['kind'], string>> = { repeal: 'repealed', replace: 'replaced', expire: 'expired' };

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
