// A unit's tasks and deadlines: its own tasks plus those of every group it belongs to
// (and, for wards, of the district committees before 1 July 2025), each with its status.
import { deadlineStatus } from '../../ingest/deadline.js';
import type { Language } from '../../ingest/domain.js';
import type { StoredDocument, StoredTask } from '../../ingest/store.js';
import { TWO_TIER_SINCE, unitConcernedBy, type ResolvedUnit } from '../../ingest/units.js';
import type { AskResponse, TaskAnswer } from './contract.js';
import { composeTasks } from './compose.js';
import { citationOf } from './documents.js';
import type { Knowledge } from './knowledge.js';

type Draft = Omit<AskResponse, 'id' | 'question' | 'language' | 'phrasedBy'>;

/** The date a document speaks from: its date, else the end of its year. */
function asOf(doc: StoredDocument | undefined): string | undefined {
  return doc?.date ?? (doc?.year ? `${doc.year}-12-31` : undefined);
}

/**
 * The versions of each document family in the order to try: the asker's language first, then
 * the original. One version per family answers, so a task is not listed twice.
 */
function documentFamilies(k: Knowledge, lang: Language, only: StoredDocument[]): StoredDocument[][] {
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

const STATUS_ORDER = { 'due-soon': 0, upcoming: 1, recurring: 2, past: 3, unknown: 4 } as const;

function concernedTasks(k: Knowledge, doc: StoredDocument, unit: ResolvedUnit, today: string): TaskAnswer[] {
  const out: TaskAnswer[] = [];
  for (const t of k.tasksByDocument.get(doc.id) ?? ([] as StoredTask[])) {
    const c = unitConcernedBy(unit, t, asOf(doc));
    if (!c.concerned) continue;
    const citation = citationOf(doc, null, t.text);
    citation.id = t.id;
    if (t.section) citation.section = t.section;
    out.push({ text: t.text, units: t.units, deadline: t.deadline, status: deadlineStatus(t.deadline, today), ...(c.via ? { via: c.via } : {}), citation });
  }
  return out;
}

export function tasksForUnit(k: Knowledge, unit: ResolvedUnit, lang: Language, today: string, only: StoredDocument[] = []): { tasks: TaskAnswer[]; docs: StoredDocument[] } {
  const out: TaskAnswer[] = [];
  const docs: StoredDocument[] = [];
  for (const family of documentFamilies(k, lang, only)) {
    for (const doc of family) {
      const found = concernedTasks(k, doc, unit, today);
      if (!found.length) continue;
      out.push(...found);
      docs.push(doc);
      break;
    }
  }
  out.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || (a.deadline.due ?? '9999').localeCompare(b.deadline.due ?? '9999'));
  return { tasks: out, docs };
}

export function answerDeadlines(k: Knowledge, unit: ResolvedUnit, only: StoredDocument[], lang: Language, today: string): Draft {
  const { tasks, docs } = tasksForUnit(k, unit, lang, today, only);
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
  if (unit.note) notes.push(unit.note);
  for (const d of docs) if (d.note && d.language === lang) notes.push(d.note);
  const links = docs.flatMap((d) => (d.url ? [{ label: d.title, url: d.url }] : []));
  return {
    intent: 'deadline',
    found: tasks.length > 0,
    answer: composeTasks(unit.name, tasks, lang, notes),
    citations: tasks.map((t) => t.citation),
    links,
    tasks,
  };
}
