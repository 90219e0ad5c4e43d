// Repairs of what OCR typically gets wrong in Vietnamese official documents, before metadata and
// tasks are read: letters for digits in dates and numbers, diacritics the lexicon knows better,
// lines broken inside a sentence. What stays doubtful is reported, never guessed.
import type { Lexicon } from './lexicon.js';

export interface Repaired {
  text: string;
  /** Dates and numbers that still do not read as such ("3?/11/2026", "31/02/2026"). */
  uncertain: string[];
  /** How many words were changed. */
  fixes: number;
}

const LOOKALIKE: Record<string, string> = { O: '0', o: '0', D: '0', I: '1', l: '1', '|': '1', S: '5', B: '8' };
// Only O, o, I, l and | stand for digits in a run that holds a digit; S and B only next to digits too.
const RUN = /(?<![\p{L}\p{N}])[0-9OoIl|SB]{1,4}(?![\p{L}\p{N}])/gu;
const DATE_WORD = /(?:ngày|tháng|năm|số|Số|SỐ)\s*:?\s*$/u;
const SEP_DIGIT = /^[/.\-]\d|^[/.\-][0-9OoIl|]/;

/** "3O/11/2O26" → "30/11/2026", "ngày lO tháng" → "ngày 10 tháng", "31O7/UBND" → "3107/UBND". */
export function repairDigits(line: string): { line: string; fixes: number } {
  let fixes = 0;
  const out = line.replace(RUN, (run: string, at: number, whole: string) => {
    if (/^\d+$/.test(run)) return run;
    const before = whole.slice(0, at);
    const after = whole.slice(at + run.length);
    const hasDigit = /\d/.test(run);
    const numeric = (hasDigit && /[/.\-]$/.test(before)) || (hasDigit && SEP_DIGIT.test(after)) || DATE_WORD.test(before) ||
      (/[/.\-]\d+$/.test(before) && /^[OoIl|]+$/.test(run));
    const mixed = hasDigit && /^[0-9OoIl|]+$/.test(run) && run.length >= 2;
    if (!numeric && !mixed) return run;
    if (!/^[0-9OoIlD|SB]+$/.test(run) || (/[SB]/.test(run) && !hasDigit)) return run;
    fixes++;
    return [...run].map((c) => LOOKALIKE[c] ?? c).join('');
  });
  return { line: out, fixes };
}

const VI_DATE = /ngày\s+(\S{1,3})\s+tháng\s+(\S{1,3})\s+năm\s+(\S{4})/giu;
const NUM_DATE = /(?<![\p{L}\p{N}])(\S{1,2})\/(\S{1,2})\/(\d\S{3})(?![\p{N}])/gu;

/** Dates written in the document that are not valid dates after repair. */
export function uncertainDates(text: string): string[] {
  const out: string[] = [];
  const check = (whole: string, d: string, m: string, y: string) => {
    const dd = Number(d);
    const mm = Number(m);
    const yy = Number(y.replace(/[.,;:)]+$/, ''));
    const ok = /^\d+$/.test(d) && /^\d+$/.test(m) && Number.isInteger(yy) && mm >= 1 && mm <= 12 && dd >= 1 && dd <= new Date(Date.UTC(yy, mm, 0)).getUTCDate();
    if (!ok && /\d/.test(whole)) out.push(whole);
  };
  for (const m of text.matchAll(VI_DATE)) check(m[0], m[1]!, m[2]!, m[3]!);
  for (const m of text.matchAll(NUM_DATE)) if (/\d/.test(m[1]!) || /\d/.test(m[2]!)) check(m[0], m[1]!, m[2]!, m[3]!);
  return out;
}

const NUMBER_LINE = /^\s*(?:Số|SỐ|So)\s*:\s*(\S+)/u;

/** A document number whose running number is not all digits after repair ("31?7/UBND-KSTTHC"). */
export function uncertainNumbers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = NUMBER_LINE.exec(line);
    const running = m?.[1]?.split(/[/-]/)[0] ?? '';
    if (m && /\d/.test(running) && !/^\d+$/.test(running)) out.push(m[1]!);
  }
  return out;
}

const WORD = /\p{L}+/gu;

function withCaseOf(model: string, word: string): string {
  if (model === model.toUpperCase() && model.length > 1) return word.toUpperCase();
  if (model[0] === model[0]!.toUpperCase()) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

/**
 * Diacritics: a word is replaced only by a lexicon word that folds the same, differs in its
 * marks, and is far more frequent there, judged by pairs of words ("hỗ sơ" → "hồ sơ" while "hỗ trợ"
 * stays). Never by a word alone: a lexicon of ~1,000 syllables lacks many right words ("cập
 * nhật", "đôn đốc"), and a lone lookup turned them into their more frequent neighbours.
 */
export function repairMarks(line: string, lex: Lexicon): { line: string; fixes: number } {
  const spans = [...line.matchAll(WORD)].map((m) => ({ at: m.index, text: m[0], lower: m[0].toLowerCase() }));
  const repl = new Map<number, string>();
  for (let i = 1; i < spans.length; i++) {
    const a = spans[i - 1]!;
    const b = spans[i]!;
    if (line.slice(a.at + a.text.length, b.at) !== ' ') continue;
    const seen = lex.pairCount(a.lower, b.lower);
    const best = lex.pairsByFold(a.lower, b.lower)[0];
    if (!best || best === `${a.lower} ${b.lower}`) continue;
    const [ba, bb] = best.split(' ') as [string, string];
    if (lex.pairCount(ba, bb) < 3 || lex.pairCount(ba, bb) < 10 * (seen + 1)) continue;
    // One word of the pair vouches for the other: both changed would be a guess ("phường cập" is not "phương cấp").
    if (ba !== a.lower && bb === b.lower && !repl.has(i - 1)) repl.set(i - 1, ba);
    else if (bb !== b.lower && ba === a.lower) repl.set(i, bb);
  }
  if (!repl.size) return { line, fixes: 0 };
  let out = '';
  let last = 0;
  for (const [i, w] of [...repl].sort((x, y) => x[0] - y[0])) {
    const s = spans[i]!;
    out += line.slice(last, s.at) + withCaseOf(s.text, w);
    last = s.at + s.text.length;
  }
  return { line: out + line.slice(last), fixes: repl.size };
}

const ITEM = /^\s*(?:[a-zđ]\)|[-–•+]|\d+(?:\.\d+)*[.)])\s/u;

/** A line that goes on in lower case continues the sentence above (not a list item "a) …"). */
export function joinBrokenLines(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const prev = out.at(-1);
    if (prev !== undefined && prev.trim() !== '' && /[\p{L}\p{N},]$/u.test(prev) && /^\s*\p{Ll}/u.test(line) && !ITEM.test(line)) {
      out[out.length - 1] = `${prev} ${line.trim()}`;
    } else out.push(line);
  }
  return out;
}

export function repairOcrText(text: string, lex: Lexicon): Repaired {
  let fixes = 0;
  const lines = text.split('\n').map((l) => {
    const d = repairDigits(l);
    const m = repairMarks(d.line, lex);
    fixes += d.fixes + m.fixes;
    return m.line;
  });
  const joined = joinBrokenLines(lines).join('\n');
  return { text: joined, uncertain: [...uncertainNumbers(joined), ...uncertainDates(joined)], fixes };
}
