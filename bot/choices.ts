// Choices the bots offer: the procedures of an ask-back (`candidates`) and the "did you mean"
// `alternatives`, and the units offered when a unit name is not in the directory. Which to show
// comes from the answer's fields or the directory, never from an answer's text.
import { fold, KNOWN_UNITS, resolveUnit } from '../ingest/index.js';
import type { Alternative, AskResponse, Candidate } from '../domain/contract.js';

/** At most this many choices are shown: the engine offers two or three, and one digit picks on Zalo. */
export const MAX_CHOICES = 5;

/** The procedures the engine asks the person to pick from; empty unless it asked back. */
export function askBackChoices(res: AskResponse): Candidate[] {
  if (res.procedure) return []; // the contract: an ask-back has no procedure
  return (res.candidates ?? []).slice(0, MAX_CHOICES);
}

const chars = (text: string): string[] => Array.from(text);
const cut = (text: string, max: number): string => (chars(text).length > max ? `${chars(text).slice(0, max - 1).join('')}…` : text);
const words = (name: string): string[] => name.normalize('NFC').trim().split(/\s+/).filter(Boolean);
const sameWord = (a: string, b: string): boolean => a.toLocaleLowerCase('vi') === b.toLocaleLowerCase('vi');
const length = (ws: readonly string[]): number => chars(ws.join(' ')).length;
/** "Thủ tục" opens most catalogue names and tells nothing apart: a label too long drops it first. */
const GENERIC_LEAD = /^thủ tục\s+/iu;
const capitalise = (text: string): string => (text ? text.charAt(0).toLocaleUpperCase('vi') + text.slice(1) : text);

/** Words shared at the start and at the end of two names (never overlapping). */
function shared(a: readonly string[], b: readonly string[]): { lead: number; tail: number } {
  const n = Math.min(a.length, b.length);
  let lead = 0;
  while (lead < n && sameWord(a[lead]!, b[lead]!)) lead++;
  let tail = 0;
  while (tail < n - lead && sameWord(a[a.length - 1 - tail]!, b[b.length - 1 - tail]!)) tail++;
  return { lead, tail };
}

/**
 * A label for a name too long for a button that keeps what tells it apart from the closest other
 * name: the words where the two differ, then as much of what follows as fits, then as much of the
 * name's start as fits, "…" where words were left out ("Cấp giấy phép … (cấp lại)").
 */
function distinguishingLabel(name: string, others: readonly string[], max: number): string {
  const full = words(name);
  const stripped = GENERIC_LEAD.test(name.trim()) ? words(capitalise(name.trim().replace(GENERIC_LEAD, ''))) : full;
  if (length(stripped) <= max) return stripped.join(' ');
  const w = stripped;
  const otherWords = others.map((o) => words(o.trim().replace(GENERIC_LEAD, '')));
  let best = { lead: 0, tail: 0 };
  for (const o of otherWords) {
    const s = shared(w, o);
    // The other name may be this one with words added: then the difference is where they go.
    if (s.lead + s.tail > best.lead + best.tail) best = { lead: Math.min(s.lead, w.length - 1), tail: Math.min(s.tail, w.length - Math.min(s.lead, w.length - 1)) };
  }
  let from = best.lead;
  // A difference inside brackets keeps the bracket's opening words: "(cấp lại)", not "lại)".
  const opened = (i: number): number => w.slice(0, i).join(' ').split('(').length - w.slice(0, i).join(' ').split(')').length;
  while (from > 0 && opened(from) > 0) from--;
  let to = w.length - best.tail; // exclusive
  const label = (head: number, start: number, end: number): string =>
    `${w.slice(0, head).join(' ')}${head < start ? `${head ? ' ' : ''}… ` : head ? ' ' : ''}${w.slice(start, end).join(' ')}${end < w.length ? ' …' : ''}`.trim();
  if (to <= from) to = from + 1;
  if (chars(label(0, from, to)).length > max) {
    // The differing words alone are too long: from the name's start when they begin near it,
    // else from where they begin, cut at a word.
    const start = from <= 3 ? 0 : from;
    const kept: string[] = [];
    for (const word of w.slice(start)) {
      if (chars([...kept, word, '…'].join(' ')).length + (start ? 2 : 0) > max) break;
      kept.push(word);
    }
    return kept.length ? `${start ? '… ' : ''}${kept.join(' ')} …` : cut(w.slice(start).join(' '), max);
  }
  // A difference near the start reads best whole from the start; further in, the name's start
  // is what is left after the difference and the words that follow it.
  let head = chars(label(from, from, to)).length <= max && from <= 3 ? from : 0;
  while (to < w.length && chars(label(head, from, to + 1)).length <= max) to++;
  while (head < from && chars(label(head + 1, from, to)).length <= max) head++;
  return label(head, from, to);
}

/**
 * Button labels within `max` characters. A name that does not fit keeps the words that tell it
 * apart from the closest of the other names (`context` names, the procedure answered for
 * alternatives, count too), cut around them rather than at a fixed length. Labels that would
 * still read the same get the level, then the code.
 */
export function choiceLabels(choices: readonly (Alternative & { level?: readonly string[] })[], max = 60, context: readonly string[] = []): string[] {
  const names = choices.map((c) => c.name.normalize('NFC').trim());
  const all = [...names, ...context.map((n) => n.normalize('NFC').trim())];
  const named = names.map((name, i) => (chars(name).length <= max ? name : distinguishingLabel(name, all.filter((_, j) => j !== i), max)));
  const clash = (labels: string[], i: number): boolean => labels.some((l, j) => j !== i && l.toLocaleLowerCase('vi') === labels[i]!.toLocaleLowerCase('vi'));
  const withLevel = named.map((label, i) => {
    const level = choices[i]!.level?.join(', ');
    if (!level || !clash(named, i)) return label;
    const suffix = ` (${level})`;
    return `${cut(label, max - chars(suffix).length)}${suffix}`;
  });
  return withLevel.map((label, i) => {
    if (!clash(withLevel, i)) return label;
    const suffix = ` (${choices[i]!.code})`;
    return `${cut(label, max - chars(suffix).length)}${suffix}`;
  });
}

/**
 * The choice a reply picks: "2", "2.", "số 2" → 2 (1-based). Anything else is a question,
 * not a pick, and gives undefined.
 */
export function pickedNumber(text: string): number | undefined {
  const m = /^(?:số\s*)?(\d{1,2})\s*[.)]?$/iu.exec(text.normalize('NFC').trim());
  return m ? Number(m[1]) : undefined;
}

// ---- units ---------------------------------------------------------------------------------

/** A unit as typed, checked against the unit directory: its canonical name, or the closest names. */
export interface UnitCheck {
  unit?: string;
  suggestions: string[];
}

const trigrams = (text: string): Set<string> => {
  const t = ` ${fold(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= t.length; i++) out.add(t.slice(i, i + 3));
  return out;
};
const dice = (a: Set<string>, b: Set<string>): number => {
  let both = 0;
  for (const g of a) if (b.has(g)) both++;
  return a.size + b.size ? (2 * both) / (a.size + b.size) : 0;
};

/**
 * A department, board or centre must be one the directory knows (a typo would subscribe to a
 * unit no dispatch names, and no reminder would ever come); a ward, commune or former district
 * written with its kind ("phường Ba Đình") is taken as written, since the directory does not
 * list all 126 of them. Otherwise the closest known names (by accent-folded trigrams) are offered.
 */
export function checkUnit(text: string, max = 3): UnitCheck {
  const resolved = resolveUnit(text);
  if (resolved) {
    if (resolved.kind === 'xa-phuong' || resolved.kind === 'quan-huyen') return { unit: resolved.name, suggestions: [] };
    const known = KNOWN_UNITS.find((u) => fold(u.name) === fold(resolved.name));
    if (known) return { unit: known.name, suggestions: [] };
  }
  const asked = trigrams(text);
  const scored = KNOWN_UNITS.map((u) => ({ name: u.name, score: Math.max(...[u.name, ...u.aliases].map((n) => dice(asked, trigrams(n)))) }))
    .filter((s) => s.score >= 0.3)
    .sort((a, b) => b.score - a.score);
  return { suggestions: scored.slice(0, max).map((s) => s.name) };
}
