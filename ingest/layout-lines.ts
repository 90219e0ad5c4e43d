// The text of a document as the lines of its official layout. Loaders hand over Markdown, HTML
// and DOCX conversions as well as PDF text: emphasis and table renderings of the header are
// undone here, so that metadata.ts reads one kind of layout.

const MAX_LINE = 1000; // longer "lines" are not layout lines (and bound the work)

/**
 * Lines of the text, each cut to a sane length. Markdown written by hand or converted from DOCX
 * wraps header lines in emphasis ("*Hà Nội, ngày …*") and lays the two-column header out as a
 * table ("| ỦY BAN NHÂN DÂN<br>THÀNH PHỐ HÀ NỘI | CỘNG HÒA … |"): both are read as the layout.
 */
export function linesOf(text: string): string[] {
  const out: string[] = [];
  for (const raw of String(text ?? '').split('\n')) {
    const line = (raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw).replace(/\s+$/, '');
    if (TABLE_ROW.test(line)) out.push(...tableRowLines(line));
    else out.push(undecorate(line));
  }
  return out;
}

const TABLE_ROW = /^\s*\|.*\|$/;
const EMPHASIS = /^(\s*)(\*{1,3}|_{1,3})(?=\S)(.*?\S)\2$/;

/** "*Hà Nội, ngày …*" → "Hà Nội, ngày …" (a "* item" bullet is left alone: a space follows its mark). */
function undecorate(line: string): string {
  const m = EMPHASIS.exec(line);
  return m ? `${m[1] ?? ''}${m[3] ?? ''}` : line;
}

/** A table row as the text layout it draws: the cells' lines side by side, columns apart. */
function tableRowLines(line: string): string[] {
  const cells = line.trim().slice(1, -1).split('|');
  if (cells.every((c) => /^\s*:?-*:?\s*$/.test(c))) return []; // the separator row
  const parts = cells.map((c) => c.split(/<br\s*\/?>/i).map((p) => undecorate(p.trim())));
  const height = Math.max(...parts.map((p) => p.length));
  const out: string[] = [];
  for (let j = 0; j < height; j++) out.push(parts.map((p) => p[j] ?? '').filter(Boolean).join('     '));
  return out;
}

/** Split a two-column layout line ("Số: 2458/UBND-SNV      Hà Nội, ngày …") into its columns. */
export function columns(line: string): string[] {
  return line.split(/\s{3,}|\t+/).map((c) => c.trim()).filter(Boolean);
}

/** A list item's mark: "- ", "• ", "+ " … */
export const BULLET = /^[-–•+*]\s*\S/;

/** A list item's text without its mark and closing punctuation. */
export function bulletText(line: string): string {
  return line.replace(/^\s*[-–•+*]\s*/, '').replace(/[;,.]\s*$/, '').trim();
}
