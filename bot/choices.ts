// Choices the bots offer: the procedures of an ask-back (`candidates`) and the "did you mean"
// `alternatives`. Which to show comes from the answer's fields, never from its text.
import type { Alternative, AskResponse, Candidate } from '../server/answer/contract.js';

/** At most this many choices are shown: the engine offers two or three, and one digit picks on Zalo. */
export const MAX_CHOICES = 5;

/** The procedures the engine asks the person to pick from; empty unless it asked back. */
export function askBackChoices(res: AskResponse): Candidate[] {
  if (res.procedure) return []; // the contract: an ask-back has no procedure
  return (res.candidates ?? []).slice(0, MAX_CHOICES);
}

const chars = (text: string): string[] => Array.from(text);
const cut = (text: string, max: number): string => (chars(text).length > max ? `${chars(text).slice(0, max - 1).join('')}…` : text);
const words = (name: string): string[] => name.normalize('NFC').trim().split(/\s+/);
const sameWord = (a: string, b: string): boolean => a.toLocaleLowerCase('vi') === b.toLocaleLowerCase('vi');

/** How many leading words all names share (always leaving each name at least one word). */
function sharedLead(names: readonly string[]): number {
  if (names.length < 2) return 0;
  const split = names.map(words);
  const shortest = Math.min(...split.map((w) => w.length));
  let n = 0;
  while (n < shortest - 1 && split.every((w) => sameWord(w[n]!, split[0]![n]!))) n++;
  return n;
}

/**
 * Button labels within `max` characters. A name that does not fit drops the words that every
 * name shares at its start ("…" in their place), so the part that tells the choices apart stays
 * visible; `context` names (the procedure answered, for alternatives) count as sharing too.
 * Labels that would still read the same get the level, then the code.
 */
export function choiceLabels(choices: readonly (Alternative & { level?: readonly string[] })[], max = 60, context: readonly string[] = []): string[] {
  const lead = sharedLead([...choices.map((c) => c.name), ...context]);
  const named = choices.map((c) => {
    const name = c.name.normalize('NFC').trim();
    if (chars(name).length <= max || lead === 0) return cut(name, max);
    return cut(`…${words(name).slice(lead).join(' ')}`, max);
  });
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
