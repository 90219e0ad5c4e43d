// Tasks a document assigns: its body split into numbered items ("1.", "2.1.", "a)", "I.", "-"),
// each item that asks for work becoming a Task with its units, groups and deadline.
import { createHash } from 'node:crypto';
import type { OfficialDocument, Task, UnitGroup } from '../domain/records.js';
import { isAmendment } from './amendments.js';
import { chooseDeadline, findDeadlines, type FoundDeadline } from './deadline.js';
import { pageAt } from './loaders/pages.js';
import { withoutTaskTables, withTableTasks } from './task-tables.js';
import { fold, foldAligned, nfc } from './text.js';
import { findUnitMentions, groupsOfAssignee, resolveUnit } from './units.js';

/** A numbered item of a document's body. `text` is its own text (numbering stripped), without its sub-items. */
export interface BodyItem {
  section: string; // "2", "2.1", "2.a", "II", "II.1"
  label: string; // the numbering as written: "2.", "2.1.", "a)", "II."
  parent?: string; // the enclosing item's section
  depth: number;
  /** The item's first line: a heading for its sub-items. */
  heading: string;
  text: string;
  /** "-" bullets directly under the item. */
  bullets: string[];
  /** Where the item's first line starts in the text read (a character offset): its page comes from it. */
  at: number;
}

export interface DocumentBody {
  /** Text between the header and the first item ("Thực hiện …, UBND Thành phố yêu cầu: …"). */
  preamble: string;
  /** Where the preamble's first line starts in the text read; -1 without a preamble. */
  preambleAt: number;
  items: BodyItem[];
}

const MAX_TASK_TEXT = 400;

const ROMAN_LINE = /^([IVX]{1,5})[.)]\s+(\S.*)$/;
const NUMBER_LINE = /^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(\S.*)$|^(\d{1,2})[.)]\s+(\S.*)$/;
const LETTER_LINE = /^([a-zđ])\)\s+(\S.*)$/;
const BULLET_LINE = /^[-–•+*]\s+(\S.*)$/;

/** The body's lines (after "Kính gửi" and its list, before "Nơi nhận"), trimmed, each with where it starts in the text. */
function bodyLines(text: string): Array<{ line: string; at: number }> {
  const raw = nfc(String(text ?? '')).split('\n');
  const starts: number[] = [];
  for (let i = 0, at = 0; i < raw.length; at += raw[i]!.length + 1, i++) starts.push(at);
  const lines = raw.map((l) => l.trim());
  let start = 0;
  for (let i = 0; i < Math.min(lines.length, 60); i++) {
    if (/^(?:kinh gui|to)\s*:/.test(fold(lines[i] ?? ''))) {
      start = i + 1;
      while (start < lines.length && (!(lines[start] ?? '') || BULLET_LINE.test(lines[start] ?? ''))) start++;
      break;
    }
  }
  if (start === 0) start = headerEnd(lines);
  let end = lines.length;
  for (let i = lines.length - 1; i >= start; i--) {
    if (/^(?:noi nhan|recipients|distribution)\s*:/.test(fold(lines[i] ?? ''))) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end).map((line, i) => ({ line, at: starts[start + i]! + (raw[start + i]!.length - raw[start + i]!.trimStart().length) }));
}

/** Without a "Kính gửi": the header ends after the date line or the subject. */
function headerEnd(lines: string[]): number {
  let end = 0;
  for (let i = 0; i < Math.min(lines.length, 30); i++) {
    const f = fold(lines[i] ?? '');
    if (/,\s*ngay\b|^(?:v\/v|re:|subject:)|^(?:so|no\.?)\s*:?\s*\d/.test(f)) end = i + 1;
  }
  return end;
}

/** The body's structure: numbered items and sub-items, bullets kept under their item. */
export function readBody(text: string): DocumentBody {
  const items: BodyItem[] = [];
  const preamble: string[] = [];
  let preambleAt = -1;
  let roman: string | undefined;
  let lastNumbered: BodyItem | undefined;
  let current: BodyItem | undefined;
  let inBullet = false;

  let at = 0;
  const open = (label: string, section: string, depth: number, first: string, parent?: string): void => {
    current = { section, label, depth, heading: first, text: first, bullets: [], at, ...(parent ? { parent } : {}) };
    items.push(current);
    inBullet = false;
  };

  for (const { line, at: lineAt } of bodyLines(text)) {
    if (!line) continue;
    at = lineAt;
    let m: RegExpExecArray | null;
    if ((m = ROMAN_LINE.exec(line))) {
      roman = m[1] ?? '';
      open(`${roman}.`, roman, 0, m[2] ?? '');
      lastNumbered = undefined;
    } else if ((m = NUMBER_LINE.exec(line))) {
      const num = m[1] ?? m[3] ?? '';
      const section = roman ? `${roman}.${num}` : num;
      const depth = num.split('.').length;
      const parentNum = num.includes('.') ? num.slice(0, num.lastIndexOf('.')) : undefined;
      const parent = parentNum ? (roman ? `${roman}.${parentNum}` : parentNum) : roman;
      open(`${num}.`, section, depth, m[2] ?? m[4] ?? '', parent);
      lastNumbered = current;
    } else if ((m = LETTER_LINE.exec(line)) && (lastNumbered || roman)) {
      const parent = lastNumbered?.section ?? roman ?? '';
      open(`${m[1]})`, `${parent}.${m[1]}`, (lastNumbered?.depth ?? 0) + 1, m[2] ?? '', parent);
    } else if ((m = BULLET_LINE.exec(line)) && current) {
      current.bullets.push(m[1] ?? '');
      inBullet = true;
    } else if (current) {
      // A wrapped line continues the bullet or the item it follows.
      if (inBullet && current.bullets.length) current.bullets[current.bullets.length - 1] += ` ${line}`;
      else current.text += ` ${line}`;
    } else {
      if (preambleAt < 0) preambleAt = at;
      preamble.push(line);
    }
  }
  return { preamble: preamble.join('\n'), preambleAt, items };
}

// Verbs that ask for work ("rà soát", "triển khai", "shall", "review" …), folded.
const ACTION =
  /\b(?:ra soat|trien khai|hoan thanh|bao cao|thuc hien|cat giam|tap trung|chu tri|phoi hop|xay dung|to chuc|kiem tra|tong hop|don doc|tham muu|huong dan|cong khai|cap nhat|dam bao|bao dam|nang cao|day manh|tang cuong|chi dao|theo doi|danh gia|de xuat|ban hanh|rut ngan|don gian hoa|tiep tuc|khan truong|co trach nhiem|yeu cau|giao|so hoa|tai cau truc|uu tien|giai quyet|shall|must|should|review|complete|report|implement|ensure|submit|focus|simplify|coordinate|develop|organi[sz]e|update|publish|are requested|are assigned|take charge)\b/;
// Items that only cite documents: "Căn cứ …", "Thực hiện Kế hoạch số …".
const CITATION =
  /^(?:can cu|thuc hien (?:chuong trinh|ke hoach|cong van|quyet dinh|nghi quyet|chi thi|thong tu|nghi dinh|luat|van ban|y kien|ket luan)|theo (?:chuong trinh|ke hoach|cong van|quyet dinh|nghi quyet|chi thi)|pursuant to|in implementation of|according to|implement(?:ing)? (?:the )?(?:programme|program|plan|decision|resolution|dispatch|official dispatch|directive|circular|decree|law))\b/;
// A unit named right after these words receives a report; it is not assigned the task.
const RECIPIENT_BEFORE = /\b(?:ve|gui|trinh|cho|toi|den|to|submit to)\s*$/;
// Units named after these words only help the lead unit ("Sở Tài chính chủ trì, phối hợp với các
// cơ quan, đơn vị liên quan …"): the task is the lead's, not theirs and not everyone's.
const COORDINATION_BEFORE = /\b(?:phoi hop(?: chat che)?(?: voi| cung)?|cung voi|voi su phoi hop cua|co su phoi hop cua|in coordination with|coordinating with|together with)\s*$/;
// The text names the lead ("Sở Tư pháp chủ trì", "take charge"): its units lead, others support.
const LEAD_STATED = /\b(?:chu tri|take charge|takes charge|lead(?:s)? the|in charge)\b/;
// What may stand between two units of one list: "Sở Nội vụ, Sở Y tế và các cơ quan, đơn vị".
const LIST_GAP = /^[\s,;]*(?:(?:va|cung|hoac|and|or)\s+)?$/;
// "các cơ quan, đơn vị liên quan", "các sở, ngành có liên quan": helpers unless no one else is named.
const RELATED_AFTER = /^\s*(?:co\s+)?(?:lien quan|concerned|involved)\b/;
// An item that only cites a document: "Kế hoạch số 136/KH-UBND ngày 01/6/2021 … về …".
const DOCUMENT_CITATION =
  /^(?:chuong trinh|ke hoach|quyet dinh|nghi quyet|cong van|chi thi|thong tu|nghi dinh|luat|thong bao|ket luan|van ban|program(?:me)?|plan|decision|resolution|(?:official )?dispatch|directive|circular|decree|law)\s+(?:so\s*|no\.?\s*)?:?\s*\d{1,5}(?:[/-][a-z\d.&]+)+/;
// A heading that introduces a list of documents to carry out ("Thực hiện các văn bản sau:").
const DOCUMENT_LIST = /\b(?:cac|nhung)\s+(?:van ban|ke hoach|chuong trinh|quyet dinh|nghi quyet|chi thi)\b.{0,60}\b(?:sau|duoi day)\b|\bfollowing (?:documents|plans|decisions)\b/;

export function extractTasks(doc: OfficialDocument): Task[] {
  // Task tables (an appendix's "STT | Nhiệm vụ | Chủ trì | …" rows) are read by task-tables.ts.
  const prose = withoutTaskTables(doc.text);
  const body = readBody(prose);
  // Pages are read from the whole text: an item's place in the prose is mapped back to it.
  const inDocument = doc.pageStarts ? offsetsInto(doc.text, prose) : (at: number) => at;
  const bySection = new Map(body.items.map((i) => [i.section, i]));
  const parents = new Set(body.items.map((i) => i.parent));
  const tasks: Task[] = [];
  const ctx = { ...(doc.year ? { year: doc.year } : {}), language: doc.language };

  const inheritedUnits = (item: BodyItem): string[] => {
    for (let p = item.parent ? bySection.get(item.parent) : undefined; p; p = p.parent ? bySection.get(p.parent) : undefined) {
      const units = assignees(p.heading);
      if (units.length) return units;
    }
    return doc.addressees;
  };

  for (const item of body.items) {
    const hasChildren = parents.has(item.section);
    const own = tidyText(item.text);
    const headingOnly = /:\s*$/.test(own) && findDeadlines(own, ctx).length === 0;
    if (headingOnly && hasChildren && item.bullets.length === 0) continue;
    const parentHeading = item.parent ? bySection.get(item.parent)?.heading ?? '' : '';
    if (isReference(own, parentHeading)) continue;
    const candidates = headingOnly && item.bullets.length ? item.bullets : [[own, ...item.bullets].join(' ')];
    const fallbackUnits = assignees(own).length ? assignees(own) : inheritedUnits(item);

    for (const candidate of candidates) {
      const text = tidyText(candidate);
      if (!text) continue;
      if (headingOnly && isReference(text, own)) continue;
      // "Điều chỉnh thời hạn … tại mục 4 Công văn số …", "Bãi bỏ Công văn số …": a change to another document, read by amendments.ts.
      if (isAmendment(text)) continue;
      const found = findDeadlines(text, ctx);
      const f = fold(text);
      if (found.length === 0 && (CITATION.test(f) || !ACTION.test(f))) continue;
      if (found.length === 0 && headingOnly && item.bullets.length === 0) continue;
      for (const part of splitByDeadline(text, found, ctx)) {
        const roles = unitRoles(part.text);
        const chosen = roles.leads.length ? roles.leads : fallbackUnits;
        const shown = trimText(part.text);
        const page = pageOf(doc, part.text, inDocument(item.at));
        tasks.push({
          id: sha1Hex(doc.id + item.section + shown),
          documentId: doc.id,
          text: shown,
          section: item.section,
          units: chosen,
          groups: unionGroups(chosen),
          deadline: part.deadline?.deadline ?? { text: '', kind: 'none' },
          ...(roles.support.length ? { support: roles.support } : {}),
          ...(LEAD_STATED.test(fold(part.text)) || roles.support.length ? { leadStated: true } : {}),
          ...(page ? { page } : {}),
        });
      }
    }
  }
  // A task table's rows are found by their words.
  return withTableTasks(tasks, doc).map((t) => {
    if (t.page || !doc.pageStarts) return t;
    const page = pageOf(doc, t.text, 0);
    return page ? { ...t, page } : t;
  });
}

/**
 * The page of the source file a passage of the document is on: where its first words are found
 * from `from` on (an item's start: a sentence or bullet of a long item may be on a later page),
 * else the page of `from` itself. Undefined for a file without pages.
 */
export function pageOf(doc: Pick<OfficialDocument, 'text' | 'pageStarts'>, passage: string, from: number): number | undefined {
  if (!doc.pageStarts) return undefined;
  const at = locate(doc.text, passage, Math.max(0, from));
  return pageAt(doc.pageStarts, at >= 0 ? at : from);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where the passage's first words stand in the text from `from` on, across line breaks; -1 when they do not. */
function locate(text: string, passage: string, from: number): number {
  const words = passage.replace(/^[\s\-–•+*]+/, '').replace(/\s*…$/, '').split(/\s+/).filter(Boolean).slice(0, 8);
  if (!words.length) return -1;
  const re = new RegExp(words.map(escapeRegExp).join('\\s+'), 'gu');
  re.lastIndex = from;
  return re.exec(text)?.index ?? -1;
}

/**
 * Offsets in `part`, which is `whole` less some of its lines (its task tables), mapped back to
 * offsets in `whole`: a page is read from the whole text.
 */
function offsetsInto(whole: string, part: string): (at: number) => number {
  if (part === whole) return (at) => at;
  const starts = (lines: string[]) => {
    const out: number[] = [];
    for (let i = 0, at = 0; i < lines.length; at += lines[i]!.length + 1, i++) out.push(at);
    return out;
  };
  const w = whole.split('\n');
  const p = part.split('\n');
  const wStart = starts(w);
  const pStart = starts(p);
  // The lines of `part` are those of `whole` in order, some left out.
  const lineOf: number[] = [];
  for (let i = 0, j = 0; i < p.length; i++, j++) {
    while (j < w.length && w[j] !== p[i]) j++;
    lineOf.push(Math.min(j, w.length - 1));
  }
  return (at) => {
    let lo = 0;
    let hi = pStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pStart[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return wStart[lineOf[lo]!]! + (at - pStart[lo]!);
  };
}

/**
 * A sub-item that only cites a document is a reference, not a task without a deadline: under a
 * heading that lists documents ("Thực hiện các văn bản sau:"), or a lone citation naming no unit
 * and no date to meet.
 */
function isReference(text: string, heading: string): boolean {
  // Who carries it out ("Đơn vị thực hiện: …", "(các sở, ban, ngành)") does not make a citation a task.
  const core = withoutResponsibility(text);
  const f = fold(core).replace(/^[\s\-–•+*]+/, '');
  if (!DOCUMENT_CITATION.test(f)) return false;
  if (DOCUMENT_LIST.test(fold(heading))) return true;
  const dated = findDeadlines(core).some((d) => d.deadline.kind === 'date' || d.deadline.kind === 'recurring');
  // A citation that names no unit and no date to meet states a fact about the cited document ("… đã kết thúc").
  return !dated && assignees(core).length === 0;
}

// "Đơn vị thực hiện: …", "Cơ quan chủ trì: …", "Responsible: …": the item's assignment line.
const RESPONSIBILITY = /(?:^|\s)(?:(?:don vi|co quan) (?:thuc hien|chu tri|phoi hop)|responsible|lead units?)\s*:/;

/** The item without its assignment line and a closing parenthesis of units. */
function withoutResponsibility(text: string): string {
  const { folded, map } = foldAligned(text);
  const at = folded.search(RESPONSIBILITY);
  let core = at >= 0 ? text.slice(0, map[at]) : text;
  const paren = /\(([^()]*)\)\s*[.;]?\s*$/.exec(core);
  if (paren && findUnitMentions(paren[1] ?? '').length) core = core.slice(0, paren.index);
  return core.trim();
}

/** One part per deadline-bearing sentence when a passage carries different deadlines. */
function splitByDeadline(text: string, found: FoundDeadline[], ctx: { year?: number }): Array<{ text: string; deadline?: FoundDeadline }> {
  const distinct = new Set(found.map((d) => deadlineKey(d)));
  const chosen = chooseDeadline(found, text);
  if (distinct.size <= 1) return [{ text, ...(chosen ? { deadline: chosen } : {}) }];
  const parts: Array<{ text: string; deadline?: FoundDeadline }> = [];
  const seen = new Set<string>();
  for (const sentence of sentences(text)) {
    const d = chooseDeadline(findDeadlines(sentence, ctx), sentence);
    if (!d) continue;
    const key = `${deadlineKey(d)}|${sentence}`;
    if (seen.has(key)) continue;
    seen.add(key);
    parts.push({ text: sentence, deadline: d });
  }
  return parts.length ? parts : [{ text, ...(chosen ? { deadline: chosen } : {}) }];
}

function deadlineKey(d: FoundDeadline): string {
  const x = d.deadline;
  return [x.kind, x.due ?? '', x.month ?? '', x.quarter ?? '', x.recurring ? `${x.recurring.day}/${x.recurring.every}` : ''].join('|');
}

/** Sentences and ";"-clauses (Vietnamese items often chain tasks with semicolons). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.;!?])\s+(?=\S)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Units a passage assigns: named units and group phrases, minus the city committee, report
 * recipients and the units that only coordinate ("phối hợp với …", "… liên quan").
 */
function assignees(text: string): string[] {
  return unitRoles(text).leads;
}

/**
 * The units a passage assigns (leads) and the units it names as helping them ("phối hợp với Sở
 * Nội vụ"); a generic "các cơ quan, đơn vị liên quan" helper is nobody in particular and left out.
 */
function unitRoles(text: string): { leads: string[]; support: string[] } {
  const f = fold(text);
  const leads: string[] = [];
  const related: string[] = [];
  const support: string[] = [];
  let from = 0;
  let prevEnd = 0;
  // A list after "phối hợp với" or "báo cáo về" keeps its role until something else intervenes.
  let role: 'coordinator' | 'recipient' | null = null;
  // A sentence that opens with a unit ("Sở Nội vụ chủ trì … của các sở, ban, ngành") assigns it
  // to that unit, or the list it opens with; units named later are objects, not assignees.
  let subjectListOpen: boolean | null = null;
  for (const mention of findUnitMentions(text)) {
    const key = fold(mention);
    const at = f.indexOf(key, from);
    if (at < 0) {
      leads.push(mention); // not located (an odd case mapping): keep it, as before roles were read
      continue;
    }
    const end = at + key.length;
    const gap = f.slice(prevEnd, at);
    from = prevEnd = end;
    if (subjectListOpen === null) subjectListOpen = /^[\s\-–•*\d.)(a-z]{0,4}$/.test(f.slice(0, at)) && !/^(cac|nhung) /.test(f.slice(at)) ? true : false;
    else if (subjectListOpen && !LIST_GAP.test(gap)) subjectListOpen = false;
    const subjectMode = leads.length > 0 && subjectListOpen === false && /^[\s\-–•*\d.)(a-z]{0,4}$/.test(f.slice(0, f.indexOf(fold(leads[0]!)))) && !/^(cac|nhung) /.test(fold(leads[0]!));
    if (subjectMode) {
      // Objects of the lead's sentence; those it works with ("phối hợp với Sở Nội vụ") support it.
      if (COORDINATION_BEFORE.test(f.slice(Math.max(0, at - 30), at)) || (role === 'coordinator' && LIST_GAP.test(gap))) {
        role = 'coordinator';
        if (!RELATED_AFTER.test(f.slice(end, end + 16)) && resolveUnit(mention)?.kind !== 'ubnd-thanh-pho') support.push(mention);
      } else role = null;
      continue;
    }
    const before = f.slice(Math.max(0, at - 30), at);
    if (COORDINATION_BEFORE.test(before)) role = 'coordinator';
    else if (RECIPIENT_BEFORE.test(f.slice(Math.max(0, at - 12), at))) role = 'recipient';
    else if (!(role && LIST_GAP.test(gap))) role = null;
    if (role === 'coordinator' && !RELATED_AFTER.test(f.slice(end, end + 16)) && resolveUnit(mention)?.kind !== 'ubnd-thanh-pho') support.push(mention);
    if (role || resolveUnit(mention)?.kind === 'ubnd-thanh-pho') continue;
    if (RELATED_AFTER.test(f.slice(end, end + 16))) related.push(mention);
    else leads.push(mention);
  }
  return { leads: leads.length ? leads : related, support: support.filter((u) => !leads.includes(u)) };
}

function unionGroups(units: string[]): UnitGroup[] {
  const out = new Set<UnitGroup>();
  for (const u of units) for (const g of groupsOfAssignee(u)) out.add(g);
  return [...out];
}

function tidyText(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** The readable sentence(s), about 400 characters at most, cut at a sentence or a word. */
function trimText(s: string): string {
  if (s.length <= MAX_TASK_TEXT) return s;
  const head = s.slice(0, MAX_TASK_TEXT);
  const stop = Math.max(head.lastIndexOf('. '), head.lastIndexOf('; '));
  if (stop > MAX_TASK_TEXT / 2) return head.slice(0, stop + 1);
  return `${head.replace(/\s+\S*$/, '')}…`;
}

export function sha1Hex(s: string): string {
  return createHash('sha1').update(s).digest('hex').slice(0, 16);
}
