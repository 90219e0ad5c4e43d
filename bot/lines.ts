// Messages as lines: a line is plain text plus a style, rendered (HTML for Telegram, plain for
// Zalo) and packed into messages under a channel's limit. Lines are split as plain text first and
// escaped after, so a split never falls inside a tag or an entity.

export const TELEGRAM_TEXT_LIMIT = 4096;
/** Zalo allows about 2,000 characters; stay a little under. */
export const ZALO_TEXT_LIMIT = 1990;

/** One line of a message, as plain text; the style is applied when rendering. */
export interface Line {
  text: string;
  style?: 'bold' | 'italic';
  /** A heading: a split never leaves it at the end of a message, apart from what it introduces. */
  keepWithNext?: boolean;
  /** The first line of a task: whoever cuts a list short counts tasks by it, not by its text. */
  opensTask?: boolean;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function htmlLine(line: Line): string {
  const body = escapeHtml(line.text);
  if (!body || !line.style) return body;
  return line.style === 'bold' ? `<b>${body}</b>` : `<i>${body}</i>`;
}

// ---- splitting --------------------------------------------------------------------------

/** Cuts one line's plain text into pieces whose rendering fits `limit`, at spaces when possible. */
function cutLine(line: Line, limit: number, render: (l: Line) => string): Line[] {
  if (render(line).length <= limit) return [line];
  const pieces: Line[] = [];
  let current = '';
  const fits = (text: string): boolean => render({ ...line, text }).length <= limit;
  for (const word of line.text.split(/(?<=\s)/)) {
    if (fits(current + word)) {
      current += word;
      continue;
    }
    if (current) pieces.push({ ...line, text: current.trimEnd() });
    current = '';
    // A single word longer than the limit (a URL, a run of symbols): cut by code point.
    for (const ch of Array.from(word)) {
      if (!fits(current + ch)) {
        pieces.push({ ...line, text: current });
        current = '';
      }
      current += ch;
    }
  }
  if (current.trim()) pieces.push({ ...line, text: current.trimEnd() });
  return pieces;
}

/**
 * Packs rendered lines into messages of at most `limit` characters, breaking only between lines.
 * A heading (a line marked `keepWithNext`) never ends a message: it moves to the next one with
 * the list it introduces.
 */
export function packLines(lines: readonly Line[], limit: number, render: (l: Line) => string): string[] {
  const parts: string[] = [];
  let current: { text: string; keep: boolean }[] = [];
  let size = 0;
  const measure = (items: { text: string }[]): number => items.reduce((n, l, i) => n + l.text.length + (i ? 1 : 0), 0);
  const flush = (final = false): void => {
    // Carry trailing headings (and the blank lines around them) over, unless nothing else is left.
    let cut = current.length;
    while (!final && cut > 0 && (current[cut - 1]!.keep || !current[cut - 1]!.text.trim())) cut--;
    const carried = cut > 0 ? current.slice(cut).filter((l) => l.text.trim()) : [];
    const kept = cut > 0 ? current.slice(0, cut) : current;
    while (kept.length && !kept[kept.length - 1]!.text.trim()) kept.pop();
    if (kept.length) parts.push(kept.map((l) => l.text).join('\n'));
    current = carried;
    size = measure(current);
  };
  for (const line of lines) {
    for (const piece of cutLine(line, limit, render)) {
      const text = render(piece);
      if (current.length && size + text.length + 1 > limit) flush();
      if (current.length && size + text.length + 1 > limit) flush(); // carried headings that leave no room
      if (!current.length && !text.trim()) continue; // no blank line at the top of a message
      size += current.length ? text.length + 1 : text.length;
      current.push({ text, keep: !!line.keepWithNext });
    }
  }
  flush(true);
  return parts;
}

export const splitHtml = (lines: readonly Line[], limit = TELEGRAM_TEXT_LIMIT): string[] => packLines(lines, limit, htmlLine);
export const splitPlain = (lines: readonly Line[], limit = ZALO_TEXT_LIMIT): string[] => packLines(lines, limit, (l) => l.text);

/** Plain text (e.g. the engine's answer) → lines, blank runs collapsed. */
export function textLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const t = raw.trimEnd();
    if (!t && (!lines.length || !lines[lines.length - 1]!.text)) continue;
    lines.push({ text: t });
  }
  return lines;
}

/** A heading: bold (or italic) and never left at the end of a message. */
export const heading = (text: string, style: 'bold' | 'italic' = 'bold'): Line => ({ text, style, keepWithNext: true });
/** Plain length of lines joined by newlines: what a message of them costs. */
export const lengthOf = (lines: readonly Line[]): number => lines.reduce((n, l, i) => n + l.text.length + (i ? 1 : 0), 0);
