// Documents that change other documents: "Điều chỉnh thời hạn … tại mục 4 Công văn số 1234/UBND-KSTTHC
// … thành trước ngày 12/01/2027", "bãi bỏ", "thay thế", "hết hiệu lực", "bổ sung". Read from the
// amending document's own sentences; the answer engine applies them to the tasks of the document named.
import type { Amendment, OfficialDocument } from '../domain/records.js';
import { chooseDeadline, findDeadlines } from './deadline.js';
import { fold, foldAligned, nfc } from './text.js';
import { findUnitMentions, resolveUnit } from './units.js';

// A cited document: its type word, then its number ("Công văn số 1234/UBND-KSTTHC", "Dispatch No. 1234/UBND-KSTTHC").
const CITED =
  /\b(?:cong van|ke hoach|quyet dinh|chi thi|thong bao|van ban|chuong trinh|(?:official )?dispatch|plan|decision|directive|notice)\s+(?:so\s*|no\.?\s*)?:?\s*(\d{1,5}(?:\/[a-z\d.&-]*[a-z\d])+)/g;

// What the sentence does to the cited document, most specific first. Folded.
const KINDS: Array<[Amendment['kind'], RegExp]> = [
  ['deadline', /\b(?:dieu chinh (?:lai )?thoi (?:han|gian)|gia han|lui thoi han|keo dai thoi han|(?:extend|adjust|move|postpone)(?:s|ed)? the (?:deadline|time limit))\b/],
  ['repeal', /\b(?:bai bo|huy bo|repeal(?:s|ed)?|revoke(?:s|d)?)\b/],
  ['replace', /\b(?:thay the|replace(?:s|d)?|supersede(?:s|d)?)\b/],
  ['expire', /\b(?:het hieu luc|(?:ceases?|cease) to (?:be in force|have effect)|no longer in force)\b/],
  ['supplement', /\b(?:bo sung|sua doi|supplement(?:s|ed)?|amend(?:s|ed)?)\b/],
];

// "mục 4", "khoản 3.b", "điểm b mục 3", "item 4", "point b of item 3".
const SECTION = /\b(?:(?:diem|point)\s+([a-zđ])\s*(?:,\s*)?(?:tai\s+|cua\s+|of\s+)?)?(?:muc|khoan|item|section)\s+(\d{1,2}(?:\.\d{1,2})*(?:\.[a-z])?)\b/;

// Before the old deadline of a moved one: "(thay cho thời hạn …)", "từ … thành …", "instead of".
const OLD_BEFORE = /\b(?:thay cho|thay vi|tu|instead of|from)\s+(?:thoi han\s+|the deadline\s+)?$/;

/** Every change the document makes to another it names. */
export function extractAmendments(doc: OfficialDocument): Amendment[] {
  const own = fold(doc.number ?? '');
  const out: Amendment[] = [];
  for (const sentence of amendingSentences(doc.text)) {
    const f = fold(sentence);
    const targets = [...f.matchAll(CITED)].map((m) => ({ number: numberAt(sentence, m), at: m.index ?? 0 })).filter((t) => t.number && fold(t.number) !== own);
    if (!targets.length) continue;
    const kind = changeOf(sentence, targets[0]!.at);
    if (!kind) continue;
    // The first document named is the one amended; later ones are usually its own citations.
    const target = targets[0]!;
    const s = SECTION.exec(f);
    const section = s ? (s[1] ? `${s[2]}.${s[1]}` : s[2]) : undefined;
    const deadline = kind === 'deadline' ? newDeadline(sentence, doc.year) : undefined;
    if (kind === 'deadline' && !deadline) continue;
    out.push({ kind, target: target.number, ...(section ? { section } : {}), ...(deadline ? { deadline } : {}), text: sentence });
  }
  return out;
}

/** Whether a passage only changes another document (it is no task of its own). */
export function isAmendment(text: string): boolean {
  const m = [...fold(text).matchAll(CITED)][0];
  if (!m) return false;
  const kind = changeOf(text, m.index ?? 0);
  return !!kind && kind !== 'supplement';
}

// Work asked of someone about a document ("đề xuất thay thế Quyết định số …"): a task, not a change.
const PROPOSAL = /\b(?:de xuat|tham muu|trinh|nghien cuu|du thao|xay dung|propose|draft|prepare)\b/;

/**
 * What the sentence itself does to the document cited at `at`: the change word governs the
 * citation ("Bãi bỏ Công văn số …", "Công văn này thay thế …", "… hết hiệu lực"). A sentence whose
 * subject is a unit other than the issuing committee, or that asks for a proposal, assigns work instead.
 */
function changeOf(sentence: string, at: number): Amendment['kind'] | undefined {
  const f = fold(sentence);
  const head = f.slice(0, at);
  if (PROPOSAL.test(head) || findUnitMentions(sentence.slice(0, at)).some((u) => resolveUnit(u)?.kind !== 'ubnd-thanh-pho')) return undefined;
  for (const [kind, re] of KINDS) {
    const m = re.exec(f);
    if (!m) continue;
    // "… hết hiệu lực" follows the document it ends; every other change word precedes it.
    if (kind === 'expire' ? (m.index ?? 0) > at : (m.index ?? 0) < at) return kind;
  }
  return undefined;
}

/** The number as written in the original, "1234/UBND-KSTTHC", from a match on the folded text. */
function numberAt(original: string, m: RegExpMatchArray): string {
  const { folded, map } = foldAligned(original);
  const start = (m.index ?? 0) + m[0].length - (m[1]?.length ?? 0);
  const end = (m.index ?? 0) + m[0].length;
  if (folded.slice(start, end) !== m[1]) return m[1] ?? '';
  return original.slice(map[start], map[end]).replace(/[.,;:]+$/, '');
}

/** The deadline in force after the change: not the one it replaces, not the cited document's date. */
function newDeadline(sentence: string, year?: number): Amendment['deadline'] {
  const found = findDeadlines(sentence, year ? { year } : {});
  const f = fold(sentence);
  // The date of the cited document ("Công văn số … ngày 14/10/2026") is no deadline to findDeadlines.
  const fresh = found.filter((d) => !OLD_BEFORE.test(f.slice(Math.max(0, d.index - 40), d.index)));
  const thanh = f.search(/\b(?:thanh|sang|to)\s+(?:truoc|den|ngay|by|before|\d)/);
  const after = thanh >= 0 ? fresh.filter((d) => d.index > thanh) : fresh;
  const chosen = chooseDeadline(after.length ? after : fresh, sentence)?.deadline;
  if (chosen) return chosen;
  // "… thành ngày 12/01/2027": the new day, written without "trước", is the day it is due.
  const bare = /\b(?:thanh|sang|den|toi)\s+ngay\s+(\d{1,2}\/\d{1,2}\/\d{4})/.exec(f);
  return bare ? findDeadlines(`trước ngày ${bare[1]}`)[0]?.deadline : undefined;
}

/** The body's sentences and items, from "Kính gửi" to "Nơi nhận". */
function amendingSentences(text: string): string[] {
  const lines = nfc(String(text ?? '')).split('\n');
  const end = lines.findIndex((l) => /^\s*(?:noi nhan|recipients|distribution)\s*:/.test(fold(l)));
  const body = (end >= 0 ? lines.slice(0, end) : lines).map((l) => l.trim()).filter(Boolean);
  // Items and bullets start their own sentence; a wrapped line continues the one before.
  const paragraphs: string[] = [];
  for (const line of body) {
    if (/^(?:[\dIVX]{1,5}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[-–•+*])\s+/u.test(line) || !paragraphs.length) paragraphs.push(line);
    else paragraphs[paragraphs.length - 1] += ` ${line}`;
  }
  return paragraphs.flatMap((p) => p.split(/(?<=[.;!?])\s+(?=\p{Lu})/u)).map((s) => s.replace(/^(?:[\dIVX]{1,5}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[-–•+*])\s+/u, '').trim());
}
