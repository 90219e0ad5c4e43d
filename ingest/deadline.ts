// Deadline phrases in task sentences ("trước ngày 15/12/2026", "quý IV/2023", "hằng tháng"),
// normalised to a Deadline, and their status relative to an injected "today". Pure functions.
import type { Deadline } from '../domain/records.js';
import { fold, foldAligned, nfc } from './text.js';

export interface DeadlineContext {
  /** The document's year: used when a phrase gives a day or month without one. */
  year?: number;
  language?: 'vi' | 'en';
}

export interface FoundDeadline {
  index: number; // start in the original text
  end: number;
  deadline: Deadline;
}

export type DeadlineStatus = 'past' | 'due-soon' | 'upcoming' | 'recurring' | 'unknown';

const NONE: Deadline = { text: '', kind: 'none' };

const MONTHS_EN = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];
const MONTH_EN = '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)';
const ORDINAL_EN: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, '1st': 1, '2nd': 2, '3rd': 3, '4th': 4 };
const NUMBER_EN: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

// Words that introduce a deadline. A bare date without one is usually a citation
// ("Công văn số 2023/UBND-NC ngày 03/7/2023"), not a deadline.
const CUE_VI = '(?:truoc|cham nhat(?: la)?|han chot|thoi han|xong truoc|xong|hoan thanh|thoi gian hoan thanh|thoi gian thuc hien|den het|den|toi)';
const CUE_EN = '(?:before|by|no later than|not later than|until|deadline|due(?: date)?|prior to|on or before|completion(?: time)?|completed)';
const CUE = `(?:${CUE_VI}|${CUE_EN})\\s*:?\\s*(?:(?:ngay|the)\\s+)?`;

type Builder = (m: RegExpExecArray, ctx: DeadlineContext) => Omit<Deadline, 'text'> | null;

interface Rule {
  re: RegExp;
  build: Builder;
}

// Every pattern is a chain of bounded pieces: no nested unbounded quantifiers, so matching
// stays linear on arbitrary input.
const RULES: Rule[] = [
  // Recurring with a day: "trước ngày 25 hằng tháng", "before the 25th of each month".
  {
    re: /\b(?:(?:truoc|cham nhat|vao)\s+)?ngay\s+(\d{1,2})\s+(?:cua\s+)?(?:hang|moi)\s+(thang|quy|nam)\b/g,
    build: (m) => recurring(num(m[1]), unitVi(m[2])),
  },
  {
    re: /\b(?:hang|moi|dinh ky hang)\s+(thang|quy)\b[^.;\n]{0,60}?\bngay\s+(\d{1,2})\b(?!\s*[/.-]\s*\d)/g,
    build: (m) => recurring(num(m[2]), unitVi(m[1])),
  },
  {
    re: /\b(?:(?:before|by|on|no later than)\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)?(?:\s+day)?\s+of\s+(?:each|every|the)\s+(month|quarter|year)\b/g,
    build: (m) => recurring(num(m[1]), m[2] as 'month' | 'quarter' | 'year'),
  },
  // Exact dates after a cue.
  {
    re: new RegExp(`\\b${CUE}(\\d{1,2})\\s*(?:thang|/|-)\\s*(\\d{1,2})(?:\\s*(?:nam|/|-)\\s*(\\d{4}))?(?![\\d/])`, 'g'),
    build: (m, ctx) => exactDate(num(m[1]), num(m[2]), m[3] ? num(m[3]) : ctx.year),
  },
  {
    re: new RegExp(`\\b${CUE}(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH_EN}\\.?(?:,?\\s+(\\d{4}))?\\b`, 'g'),
    build: (m, ctx) => exactDate(num(m[1]), monthEn(m[2]), m[3] ? num(m[3]) : ctx.year),
  },
  {
    re: new RegExp(`\\b${CUE}${MONTH_EN}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?\\b`, 'g'),
    build: (m, ctx) => exactDate(num(m[2]), monthEn(m[1]), m[3] ? num(m[3]) : ctx.year),
  },
  // Periods: "5 tháng cuối năm 2023", "the last 5 months of 2023", "first half of 2024".
  {
    re: /\b(\d{1,2})\s+thang\s+(cuoi|dau)\s+nam(?:\s+(\d{4}))?\b/g,
    build: (m, ctx) => period(num(m[1]), m[2] === 'dau', m[3] ? num(m[3]) : ctx.year),
  },
  {
    re: /\b(?:the\s+)?(last|first|final)\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+months\s+of(?:\s+the\s+year)?(?:\s+(\d{4}))?\b/g,
    build: (m, ctx) => period(NUMBER_EN[m[2] ?? ''] ?? num(m[2]), m[1] === 'first', m[3] ? num(m[3]) : ctx.year),
  },
  {
    re: /\b(?:nua\s+(dau|cuoi)\s+nam|(first|second)\s+half\s+of(?:\s+the\s+year)?)(?:\s+(\d{4}))?\b/g,
    build: (m, ctx) => period(6, m[1] === 'dau' || m[2] === 'first', m[3] ? num(m[3]) : ctx.year),
  },
  // Quarters: "quý IV/2023", "quý 4 năm 2023", "Q4 2023", "the fourth quarter of 2023".
  {
    re: /\b(?:(?:trong|truoc|den het|den|vao|cuoi|dau)\s+)?quy\s+(iv|iii|ii|i|[1-4])\b(?:\s*(?:\/|-|nam)\s*(\d{4})|\s+(\d{4}))?/g,
    build: (m, ctx) => quarter(ROMAN[m[1] ?? ''] ?? num(m[1]), m[2] ? num(m[2]) : m[3] ? num(m[3]) : ctx.year),
  },
  {
    re: /\b(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+(?:of\s+)?(\d{4}))?\b/g,
    build: (m, ctx) => quarter(ORDINAL_EN[m[1] ?? ''] ?? 0, m[2] ? num(m[2]) : ctx.year),
  },
  {
    re: /\bq([1-4])(?:\s*[/-]?\s*(\d{4}))?\b/g,
    build: (m, ctx) => quarter(num(m[1]), m[2] ? num(m[2]) : ctx.year),
  },
  // Months: "trong tháng 9/2023", "tháng 9 năm 2023", "in September 2023".
  {
    re: /\b(?:(?:thoi gian hoan thanh\s*:|thoi han\s*:|trong|truoc|den het|den|vao|cuoi|dau)\s*)?(?<!ngay\s+\d{1,2}\s+)thang\s+(\d{1,2})(?:\s*(?:\/|-|nam)\s*(\d{4}))?(?![\d/])/g,
    build: (m, ctx) => month(num(m[1]), m[2] ? num(m[2]) : ctx.year),
  },
  {
    // A lead-in is required: "of 17 March 2021" in a citation is a date, not a deadline.
    re: new RegExp(`\\b(?:in|by|during|until|before|end of|no later than|completion:?)\\s+${MONTH_EN}\\.?,?\\s+(\\d{4})\\b`, 'g'),
    build: (m) => month(monthEn(m[1]), num(m[2])),
  },
  {
    re: new RegExp(`\\b(?:in|by|during|until|before|end of|completion:?)\\s+${MONTH_EN}\\b`, 'g'),
    build: (m, ctx) => month(monthEn(m[1]), ctx.year),
  },
  // Years: "đến năm 2025", "trong năm 2024", "giai đoạn 2021-2025", "by 2025".
  {
    re: /\b(?:giai doan|period)\s+(\d{4})\s*[-–]\s*(\d{4})\b/g,
    build: (m) => year(num(m[2])),
  },
  {
    re: /\b(?:den het|den|toi|trong|truoc|cuoi|trong ca|het)\s+nam\s+(\d{4})\b/g,
    build: (m) => year(num(m[1])),
  },
  {
    re: /\b(?:by|in|during|before|until|throughout|by the end of|the end of)\s+(\d{4})\b(?![/-]\d)/g,
    build: (m) => year(num(m[1])),
  },
  // Recurring without a day: "hằng tháng", "định kỳ hằng quý", "monthly".
  {
    re: /\b(?:dinh ky\s+)?(?:hang|moi)\s+(thang|quy|nam)\b/g,
    build: (m) => recurring(undefined, unitVi(m[1])),
  },
  {
    re: /\b(monthly|quarterly|annually|yearly|every month|each month|every quarter|each quarter|every year|each year)\b/g,
    build: (m) => recurring(undefined, /month/.test(m[1] ?? '') ? 'month' : /quarter/.test(m[1] ?? '') ? 'quarter' : 'year'),
  },
];

/** All deadline phrases of a passage, in order, without overlaps (the earlier rule wins a tie). */
export function findDeadlines(text: string, ctx: DeadlineContext = {}): FoundDeadline[] {
  const original = nfc(text);
  const { folded, map } = foldAligned(original);
  const hits: Array<FoundDeadline & { rank: number }> = [];
  RULES.forEach((rule, rank) => {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(folded); m; m = rule.re.exec(folded)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      const built = rule.build(m, ctx);
      if (!built) continue;
      const start = map[m.index] ?? 0;
      const end = map[m.index + m[0].length] ?? original.length;
      hits.push({ index: start, end, rank, deadline: { text: original.slice(start, end).trim(), ...built } });
    }
  });
  // Longer phrases first, then the more specific rule: "ngày 15 tháng 12 năm 2026" beats "tháng 12 năm 2026".
  hits.sort((a, b) => b.end - b.index - (a.end - a.index) || a.rank - b.rank);
  const kept: typeof hits = [];
  for (const h of hits) {
    if (kept.some((k) => h.index < k.end && k.index < h.end)) continue;
    kept.push(h);
  }
  return kept.sort((a, b) => a.index - b.index).map(({ index, end, deadline }) => ({ index, end, deadline }));
}

// Words that make a period, quarter, month or year a deadline in its own right ("hoàn thành trong
// tháng 12/2026"), rather than part of what is asked for ("trong báo cáo quý IV/2026").
const COMPLETION_BEFORE =
  /\b(?:hoan thanh|thoi han|thoi gian(?: hoan thanh| thuc hien)?|cham nhat(?: la)?|xong|truoc|den het|han chot|ket thuc|complete[sd]?|completion|finish(?:ed)?|due|deadline|no later than|by|before)\s*:?\s*(?:trong|vao|in|during)?\s*$/;
const COMPLETION_START = /^(?:truoc|den|toi|cham nhat|han|thoi han|thoi gian|by|before|until|no later than|completion)\b/;

function isCompletion(text: string, d: FoundDeadline): boolean {
  return COMPLETION_START.test(fold(d.deadline.text)) || COMPLETION_BEFORE.test(fold(text.slice(Math.max(0, d.index - 30), d.index)));
}

/**
 * The phrase that is a passage's deadline: its first, unless that is a period, quarter, month or
 * year that only qualifies the work and an explicit date follows ("… trong báo cáo quý IV/2026,
 * gửi trước ngày 10/12/2026": the report is the quarter's, the deadline is the date).
 */
export function chooseDeadline(found: readonly FoundDeadline[], text: string): FoundDeadline | undefined {
  const first = found[0];
  if (!first || first.deadline.kind === 'date') return first;
  const date = found.find((d) => d.deadline.kind === 'date' && d.deadline.due);
  if (!date || isCompletion(nfc(text), first)) return first;
  return date;
}

/** The deadline of a task sentence (see chooseDeadline), or kind 'none'. */
export function parseDeadline(text: string, ctx: DeadlineContext = {}): Deadline {
  return chooseDeadline(findDeadlines(text, ctx), text)?.deadline ?? { ...NONE };
}

/** Whole days from today to due (negative when past). */
export function daysUntil(due: string, today: string): number {
  return Math.round((utc(due) - utc(today)) / 86_400_000);
}

export function deadlineStatus(d: Deadline, today: string, soonDays = 7): DeadlineStatus {
  if (d.kind === 'recurring') return 'recurring';
  if (d.kind === 'none' || !d.due) return 'unknown';
  const days = daysUntil(d.due, today);
  if (days < 0) return 'past';
  return days <= soonDays ? 'due-soon' : 'upcoming';
}

/**
 * The next due day of a recurring deadline on or after today. A day past the month's end is
 * the month's last day (31 → 30 April, 28/29 February). For quarterly deadlines the day falls
 * in the quarter's last month, the usual reading of "trước ngày 20 hằng quý".
 */
export function nextOccurrence(d: Deadline, today: string): string | undefined {
  const r = d.recurring;
  if (d.kind !== 'recurring' || !r || r.every === 'year') return undefined;
  const [y0, m0] = today.split('-').map(Number) as [number, number];
  const step = r.every === 'month' ? 1 : 3;
  let y = y0;
  let m = r.every === 'month' ? m0 : Math.ceil(m0 / 3) * 3;
  for (let i = 0; i < 3; i++) {
    const candidate = iso(y, m, Math.min(r.day, lastDay(y, m)));
    if (candidate >= today) return candidate;
    m += step;
    if (m > 12) {
      m -= 12;
      y++;
    }
  }
  return undefined;
}

// ---- builders ----

function num(s: string | undefined): number {
  return s ? Number.parseInt(s, 10) : Number.NaN;
}

function monthEn(s: string | undefined): number {
  const key = (s ?? '').slice(0, 3);
  return MONTHS_EN.findIndex((m) => m.startsWith(key)) + 1;
}

function unitVi(s: string | undefined): 'month' | 'quarter' | 'year' {
  return s === 'quy' ? 'quarter' : s === 'nam' ? 'year' : 'month';
}

function validYear(y: number | undefined): y is number {
  return y !== undefined && Number.isInteger(y) && y >= 1900 && y <= 2200;
}

function exactDate(day: number, mon: number, y: number | undefined): Omit<Deadline, 'text'> | null {
  if (!(mon >= 1 && mon <= 12 && day >= 1 && day <= 31)) return null;
  if (!validYear(y)) return { kind: 'date' };
  if (day > lastDay(y, mon)) return null;
  const date = iso(y, mon, day);
  return { kind: 'date', date, due: date, year: y };
}

function month(mon: number, y: number | undefined): Omit<Deadline, 'text'> | null {
  if (!(mon >= 1 && mon <= 12)) return null;
  if (!validYear(y)) return { kind: 'month' };
  return { kind: 'month', month: `${y}-${pad(mon)}`, year: y, due: iso(y, mon, lastDay(y, mon)) };
}

function quarter(q: number, y: number | undefined): Omit<Deadline, 'text'> | null {
  if (!(q >= 1 && q <= 4)) return null;
  if (!validYear(y)) return { kind: 'quarter' };
  return { kind: 'quarter', quarter: `${y}-Q${q}`, year: y, due: iso(y, q * 3, lastDay(y, q * 3)) };
}

function period(months: number, first: boolean, y: number | undefined): Omit<Deadline, 'text'> | null {
  if (!(months >= 1 && months <= 12)) return null;
  if (!validYear(y)) return { kind: 'period' };
  const fromMonth = first ? 1 : 13 - months;
  const toMonth = first ? months : 12;
  return { kind: 'period', year: y, from: iso(y, fromMonth, 1), due: iso(y, toMonth, lastDay(y, toMonth)) };
}

function year(y: number): Omit<Deadline, 'text'> | null {
  if (!validYear(y)) return null;
  return { kind: 'year', year: y, due: `${y}-12-31` };
}

function recurring(day: number | undefined, every: 'month' | 'quarter' | 'year'): Omit<Deadline, 'text'> | null {
  if (day === undefined) return { kind: 'recurring' };
  if (!(day >= 1 && day <= 31)) return null;
  return { kind: 'recurring', recurring: { day, every } };
}

function lastDay(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${pad(m)}-${pad(d)}`;
}

function utc(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}
