// A unit's tasks and deadlines: its own tasks and those of every group it belongs to (and, for
// wards, of the district committees before 1 July 2025), then the tasks addressed to everyone;
// a merged or dissolved unit is answered for its successors. Topic questions without a unit are
// answered by topic.ts (re-exported here).
import { relevanceTo } from './topic.js';
import type { Language } from '../../domain/records.js';
import { bundledSuccession, fold, type FormerName, groupsOfAssignee, predecessorsOf, type ResolvedUnit, resolveUnit, type StoredDocument, type StoredTask, type Succession, successionOf, type SuccessionSource, type SuccessionTable, unitConcernedBy, viDate as dispatchDate } from '../../ingest/index.js';
import type { AnswerPart, Link, TaskAnswer } from '../../domain/contract.js';
import type { Knowledge } from './knowledge.js';
import { asOf, byStatus, type Changes, changesIn, documentFamilies, notesFor, partsText, taskAnswer, taskLine, type Draft } from './task-answers.js';
import { citationOf } from './documents.js';

export { answerTopicDeadlines } from './topic.js';

export interface DeadlineOptions {
  /** Merged and dissolved units with their successors (default: data/units/succession.json). */
  succession?: SuccessionTable;
  /** The question: tasks it speaks of come first, so a question about one task is not cut off by the list's limit. */
  question?: string;
}

/** At most this many tasks are listed; the rest are counted. */
const MAX_LISTED = 8;
/** The "addressed to everyone" section stays short. */
const MAX_EVERYONE = 3;

/** "Các sở, ban, ngành báo cáo … về Sở Nội vụ": the unit that receives the report is not asked to send it. */
function receives(unit: ResolvedUnit, text: string): boolean {
  const f = fold(text);
  const name = fold(unit.name);
  for (let i = f.indexOf(name); i >= 0; i = f.indexOf(name, i + 1)) {
    if (REPORT_TO.test(f.slice(Math.max(0, i - 30), i))) return true;
  }
  return false;
}
const REPORT_TO = /\b(?:ve|gui|cho|toi|den|trinh)\s+(?:(?:ubnd|uy ban nhan dan)\s+)?$/;

function concernedTasks(k: Knowledge, doc: StoredDocument, unit: ResolvedUnit, today: string, formerNames: readonly FormerName[], changes: Changes, asked: boolean): TaskAnswer[] {
  const out: TaskAnswer[] = [];
  for (const t of k.tasksByDocument.get(doc.id) ?? ([] as StoredTask[])) {
    const lead = unitConcernedBy(unit, t, asOf(doc), formerNames);
    // Named among those who help ("phối hợp với Sở Nội vụ"): the task concerns it as support.
    const helps = !lead.concerned && t.support?.length ? unitConcernedBy(unit, { ...t, units: t.support, groups: t.support.flatMap(groupsOfAssignee) }, asOf(doc), formerNames) : { concerned: false as const };
    const c = lead.concerned ? lead : helps;
    if (!c.concerned) continue;
    if (c.scope !== 'own' && receives(unit, t.text)) continue;
    const answer = taskAnswer(doc, t, today, changes);
    // A repealed document's tasks leave the list, unless the question names that document.
    if (answer.repealedBy && !asked) continue;
    const role = helps.concerned ? 'support' : t.leadStated ? 'lead' : undefined;
    out.push({ ...answer, ...(c.via ? { via: c.via } : {}), ...(c.scope ? { scope: c.scope } : {}), ...(role ? { role } : {}) });
  }
  return out;
}

/** A unit's tasks, sorted: its own and its groups' first, then those addressed to everyone. */
export function tasksForUnit(
  k: Knowledge,
  unit: ResolvedUnit,
  lang: Language,
  today: string,
  only: StoredDocument[] = [],
  formerNames: readonly FormerName[] = [],
): { tasks: TaskAnswer[]; docs: StoredDocument[] } {
  const out: TaskAnswer[] = [];
  const docs: StoredDocument[] = [];
  const changes = changesIn(k);
  for (const family of documentFamilies(k, lang, only)) {
    for (const doc of family) {
      const found = concernedTasks(k, doc, unit, today, formerNames, changes, only.includes(doc));
      if (!found.length) continue;
      out.push(...found);
      docs.push(doc);
      break;
    }
  }
  const rank = (t: TaskAnswer) => (t.scope === 'everyone' ? 1 : 0);
  out.sort((a, b) => rank(a) - rank(b) || byStatus(a, b));
  return { tasks: out, docs };
}

// ---- succession: an old name is answered for its successors ----

const SOURCE_UNCONFIRMED = { vi: 'nguồn: chưa xác minh', en: 'source: not confirmed' } as const;

/** "nguồn: Nghị quyết 1656/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội". */
export function sourceLabel(s: SuccessionSource | null, lang: Language): string {
  if (!s) return SOURCE_UNCONFIRMED[lang];
  const issuer = s.issuer.replace(/\s*\(.*\)\s*$/, '');
  const date = s.date ? (lang === 'vi' ? ` ngày ${dispatchDate(s.date)}` : ` of ${s.date}`) : '';
  if (s.number) return lang === 'vi' ? `nguồn: Nghị quyết ${s.number}${date} của ${issuer}` : `source: Resolution ${s.number}${date} (${issuer})`;
  return lang === 'vi'
    ? `nguồn: nghị quyết của ${issuer}${date}, chưa xác minh số hiệu`
    : `source: a resolution of the ${issuer}${date}, number not confirmed`;
}

function placeName(name: string): string {
  return name.replace(/^(?:Phường|Xã|Thị trấn)\s+/u, '');
}

/** "các phường", "các xã" or "các xã, phường", as the names say. */
function placesWord(names: string[]): string {
  const wards = names.every((n) => /^Phường\s/u.test(n));
  const communes = names.every((n) => /^Xã\s/u.test(n));
  return wards ? 'các phường' : communes ? 'các xã' : 'các xã, phường';
}

/** One line saying what became of the unit, where its duties went, and whose tasks follow. */
export function successionLine(s: Succession, main: string[], lang: Language): string {
  const since = lang === 'vi' ? dispatchDate(s.since) : s.since;
  const src = sourceLabel(s.source, lang);
  const parts = s.successors.filter((x) => x.share === 'part');
  if (s.kind === 'quan-huyen') {
    if (!main.length) {
      return lang === 'vi'
        ? `${s.former} không còn từ ${since} (${src}); dữ liệu chưa ghi các xã, phường kế thừa địa bàn.`
        : `${s.former} no longer exists since ${since} (${src}); the wards and communes that took over its area are not recorded.`;
    }
    const mainPlaces = main.map(placeName).join(', ');
    const partPlaces = parts.map((p) => placeName(p.name)).join(', ');
    return lang === 'vi'
      ? `${s.former} không còn từ ${since} (${src}); địa bàn nay thuộc ${placesWord(main)} ${mainPlaces}${partPlaces ? `, một phần thuộc ${placesWord(parts.map((p) => p.name))} ${partPlaces}` : ''}; dưới đây là nhiệm vụ của ${placesWord(main)} ${mainPlaces}.`
      : `${s.former} no longer exists since ${since} (${src}); its area now belongs to the wards ${mainPlaces}${partPlaces ? `, partly to ${partPlaces}` : ''}; below are the tasks of ${mainPlaces}.`;
  }
  const into = main.join(', ');
  const partText = parts.length
    ? lang === 'vi'
      ? ` Một phần nhiệm vụ chuyển sang ${parts.map((p) => `${p.name}${p.source ? '' : ` (${SOURCE_UNCONFIRMED.vi})`}`).join(', ')}.`
      : ` Some duties moved to ${parts.map((p) => `${p.name}${p.source ? '' : ` (${SOURCE_UNCONFIRMED.en})`}`).join(', ')}.`
    : '';
  return lang === 'vi'
    ? `${s.former} đã hợp nhất vào ${into} từ ${since} (${src}); dưới đây là nhiệm vụ của ${into}.${partText}`
    : `${s.former} was merged into ${into} on ${since} (${src}); below are the tasks of ${into}.${partText}`;
}

function successorUnits(s: Succession): ResolvedUnit[] {
  return s.successors
    .filter((x) => x.share !== 'part')
    .map((x) => resolveUnit(x.name))
    .filter((u): u is ResolvedUnit => u !== null);
}

/** Names a unit's duties were addressed under before it took them over. */
function formerNamesOf(table: SuccessionTable, unit: ResolvedUnit, extra: FormerName[] = []): FormerName[] {
  return [...extra, ...predecessorsOf(table, unit.name).map((p) => ({ name: p.name, since: p.since }))];
}

// ---- composing ----

function more(n: number, lang: Language): string[] {
  if (n <= 0) return [];
  return [lang === 'vi' ? `… và ${n} nhiệm vụ khác.` : `… and ${n} more task${n > 1 ? 's' : ''}.`];
}

/** Which tasks are listed: the unit's own and its groups' first, a short "everyone" section after. */
function listed(tasks: TaskAnswer[]): { main: TaskAnswer[]; everyone: TaskAnswer[]; mainTotal: number; everyoneTotal: number } {
  const main = tasks.filter((t) => t.scope !== 'everyone');
  const everyone = tasks.filter((t) => t.scope === 'everyone');
  const reserve = Math.min(everyone.length, 2);
  const mainShown = Math.min(main.length, MAX_LISTED - reserve);
  const everyoneShown = Math.min(everyone.length, MAX_EVERYONE, MAX_LISTED - mainShown);
  return { main: main.slice(0, mainShown), everyone: everyone.slice(0, everyoneShown), mainTotal: main.length, everyoneTotal: everyone.length };
}

export function composeUnitTasks(unitName: string, tasks: TaskAnswer[], lang: Language, lead: string[], notes: string[]): string {
  return partsText(unitTaskParts(unitName, tasks, lang, lead, notes));
}

/** A unit's answer by paragraph: what became of the unit, its tasks, the tasks addressed to everyone, the notes. */
export function unitTaskParts(unitName: string, tasks: TaskAnswer[], lang: Language, lead: string[], notes: string[]): AnswerPart[] {
  const parts: AnswerPart[] = lead.length ? [{ kind: 'text', text: lead.join('\n') }] : [];
  const notesPart: AnswerPart[] = notes.length ? [{ kind: 'notes', text: notes.join('\n') }] : [];
  if (!tasks.length) {
    const none =
      lang === 'vi'
        ? `Trong các văn bản đã nạp, không có nhiệm vụ nào giao cho ${unitName} hoặc cho nhóm đơn vị mà ${unitName} thuộc về.`
        : `None of the loaded documents assigns a task to ${unitName} or to a group it belongs to.`;
    return [...parts, { kind: 'text', text: none }, ...notesPart];
  }
  const l = listed(tasks);
  if (l.main.length) {
    const lines = [lang === 'vi' ? `Nhiệm vụ và thời hạn của ${unitName}:` : `Tasks and deadlines for ${unitName}:`];
    l.main.forEach((t, i) => lines.push(taskLine(t, i + 1, lang)));
    lines.push(...more(l.mainTotal - l.main.length, lang));
    parts.push({ kind: 'tasks', text: lines.join('\n') });
  } else if (l.mainTotal === 0) {
    parts.push({
      kind: 'text',
      text:
        lang === 'vi'
          ? `Không có nhiệm vụ nào giao riêng cho ${unitName} hoặc nhóm đơn vị của ${unitName}.`
          : `No task is addressed to ${unitName} by name or through its group.`,
    });
  }
  if (l.everyoneTotal) {
    const lines = [lang === 'vi' ? 'Nhiệm vụ giao chung cho các cơ quan, đơn vị:' : 'Tasks addressed to all agencies and units:'];
    l.everyone.forEach((t, i) => lines.push(taskLine(t, l.main.length + i + 1, lang)));
    lines.push(...more(l.everyoneTotal - l.everyone.length, lang));
    parts.push({ kind: 'tasks', text: lines.join('\n') });
  }
  return [...parts, ...notesPart];
}

function sourceLinks(s: Succession | undefined, lang: Language): Link[] {
  const src = s?.source;
  const url = src?.evidence[0];
  if (!src || !url) return [];
  // The evidence is a page that reports the source (the source itself may not be online): say so.
  return [{ label: `${lang === 'vi' ? 'Bài viết về' : 'Report on'} ${src.number ? `${lang === 'vi' ? 'Nghị quyết' : 'Resolution'} ${src.number}` : src.title}`, url }];
}

/** Every task of a unit (or of its successors, for an old name), sorted, with what the answer says about them. */
export interface UnitTaskList {
  /** Whose tasks these are: the unit, or its successors' names. */
  title: string;
  tasks: TaskAnswer[];
  /** What became of the unit (a merger, a dissolved district), one line each. */
  lead: string[];
  notes: string[];
  links: Link[];
}

export function unitTaskList(k: Knowledge, unit: ResolvedUnit, only: StoredDocument[], lang: Language, today: string, options: DeadlineOptions = {}): UnitTaskList {
  const table = options.succession ?? bundledSuccession();
  const succession = successionOf(table, unit);
  const successors = succession ? successorUnits(succession) : [];
  // A unit that still exists answers for itself; an old name answers for its successors, with the
  // tasks its old name was given. A dissolved district without recorded successors answers as written.
  const subjects = successors.length ? successors : [unit];
  const own: FormerName[] = succession ? [{ name: succession.former, since: succession.since }] : [];
  const seen = new Set<string>();
  const all: TaskAnswer[] = [];
  const docs: StoredDocument[] = [];
  for (const s of subjects) {
    const r = tasksForUnit(k, s, lang, today, only, formerNamesOf(table, s, successors.length ? own : []));
    for (const t of r.tasks) {
      if (seen.has(t.citation.id)) continue;
      seen.add(t.citation.id);
      all.push(t);
    }
    for (const d of r.docs) if (!docs.includes(d)) docs.push(d);
  }
  const rank = (t: TaskAnswer) => (t.scope === 'everyone' ? 1 : 0);
  const relevance = options.question ? relevanceTo(options.question, all.map((t) => t.text)) : () => 0;
  const asked = new Map(all.map((t) => [t, relevance(t.text) >= 0.5 ? 1 : 0]));
  all.sort((a, b) => rank(a) - rank(b) || asked.get(b)! - asked.get(a)! || byStatus(a, b));
  return {
    title: successors.length ? successors.map((s) => s.name).join(', ') : unit.name,
    tasks: all,
    lead: succession ? [successionLine(succession, successors.map((s) => s.name), lang)] : [],
    notes: notesFor(docs, succession ? null : unit, lang),
    links: [...sourceLinks(succession, lang), ...docs.flatMap((d) => (d.url ? [{ label: d.title, url: d.url }] : []))],
  };
}

export function answerDeadlines(k: Knowledge, unit: ResolvedUnit, only: StoredDocument[], lang: Language, today: string, options: DeadlineOptions = {}): Draft {
  const all = unitTaskList(k, unit, only, lang, today, options);
  const l = listed(all.tasks);
  const tasks = [...l.main, ...l.everyone];
  const parts = unitTaskParts(all.title, all.tasks, lang, all.lead, all.notes);
  const notes = [...all.lead, ...all.notes];
  return {
    intent: 'deadline',
    found: tasks.length > 0,
    answer: partsText(parts),
    parts,
    ...(notes.length ? { notes } : {}),
    citations: [...tasks.map((t) => t.citation), ...changeCitations(k, tasks)],
    links: all.links,
    tasks,
  };
}

/** The documents that moved a listed task's deadline or repealed it, cited once each. */
function changeCitations(k: Knowledge, tasks: TaskAnswer[]) {
  const seen = new Set<string>();
  return tasks.flatMap((t) => {
    const c = t.amendedBy ?? t.repealedBy;
    const doc = c && k.documents.get(c.id);
    if (!c || !doc || seen.has(c.id)) return [];
    seen.add(c.id);
    return [citationOf(doc, null, c.text)];
  });
}
