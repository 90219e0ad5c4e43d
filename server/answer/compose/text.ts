// Small text helpers shared by the composers: cutting long record text at a sensible place,
// dates, the page a citation of a scan names.
import type { Citation } from '../../../domain/contract.js';

/** Cut at a sentence or line end when one falls in the second half, else at `max`, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const at = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('\n'));
  return `${(at > max * 0.5 ? cut.slice(0, at + 1) : cut).trim()} …`;
}

/** One line of at most `max` characters, cut between words, marked with "…" when cut. */
export function shorten(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 2);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:(–-]+$/u, '')} …`;
}

export function viDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function enDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1] ?? m} ${y}`;
}

/** ", tr. 2" when a citation links a scan's page (`source`): the reader checks the reading there. */
export function scanPage(c: Pick<Citation, 'page' | 'source'>, lang: 'vi' | 'en'): string {
  return c.source && c.page ? (lang === 'vi' ? `, tr. ${c.page}` : `, p. ${c.page}`) : '';
}
