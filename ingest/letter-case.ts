// Letter case of a header read from capitals: "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI" is shown as
// "Ủy ban nhân dân thành phố Hà Nội", "HANOI PEOPLE'S COMMITTEE" as "Hanoi People's Committee".
import { fold, foldAligned } from './text.js';

/** Written in capitals (at least two letters, all upper case). */
export function isCaps(s: string): boolean {
  const letters = s.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toLocaleUpperCase('vi') && letters !== letters.toLocaleLowerCase('vi');
}

/** English headers ("HANOI PEOPLE'S COMMITTEE") read best in title case. */
export function titleCase(s: string): string {
  return s
    .toLowerCase()
    .split(' ')
    .map((w, i) => (i > 0 && /^(?:of|and|the|for)$/.test(w) ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

const KEEP_UPPER = new Set(['ubnd', 'hdnd', 'tp', 'tw', 'tu', 'ubmttq', 'mttq']);
const PROPER = ['Hà Nội', 'Việt Nam', 'Thành ủy', 'Trung ương', 'Quốc hội', 'Chính phủ'];

export function sentenceCase(s: string): string {
  const words = s.split(' ').map((w, i) => {
    if (KEEP_UPPER.has(fold(w))) return w.toLocaleUpperCase('vi');
    const lower = w.toLocaleLowerCase('vi');
    return i === 0 ? lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1) : lower;
  });
  let out = words.join(' ');
  for (const p of PROPER) {
    const f = fold(p);
    const { folded, map } = foldAligned(out);
    for (let i = folded.indexOf(f); i >= 0; i = folded.indexOf(f, i + 1)) {
      const s0 = map[i] ?? 0;
      const e0 = map[i + f.length] ?? out.length;
      if (fold(out.slice(s0, e0)) === f && (i === 0 || p !== 'Thành ủy')) out = out.slice(0, s0) + p + out.slice(e0);
    }
  }
  return out;
}
