// Tesseract's TSV (words with their boxes and confidences) → the page's lines in reading order.
// Tesseract reads the official two-column header as one line ("ỦY BAN NHÂN DÂN CỘNG HÒA …");
// metadata.ts expects the issuer's column, then the motto's, as a born-digital PDF gives them.

export interface OcrWord {
  page: number;
  line: string; // tesseract's block/paragraph/line key
  left: number;
  top: number;
  width: number;
  height: number;
  conf: number; // 0..100
  text: string;
}

export interface OcrPageText {
  text: string;
  /** Mean word confidence (0..100) over the words kept; 0 for a page without words. */
  confidence: number;
  words: number;
}

/** The word rows of a TSV, by page. */
export function parseTsv(tsv: string): Map<number, OcrWord[]> {
  const pages = new Map<number, OcrWord[]>();
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    if (f[0] !== '5' || f.length < 12) continue;
    const text = f.slice(11).join('\t').trim();
    if (!text) continue;
    const page = Number(f[1]);
    const word: OcrWord = {
      page,
      line: `${f[2]}.${f[3]}.${f[4]}`,
      left: Number(f[6]), top: Number(f[7]), width: Number(f[8]), height: Number(f[9]),
      conf: Number(f[10]),
      text: text.normalize('NFC'),
    };
    const list = pages.get(page);
    if (list) list.push(word);
    else pages.set(page, [word]);
  }
  return pages;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/**
 * Stamps, signatures and the motto's underline come out as low-confidence words without
 * letters, as words far taller than the text, or as whole lines that tesseract barely believes.
 */
export function dropNoise(words: OcrWord[]): OcrWord[] {
  const h = median(words.map((w) => w.height)) || 1;
  const kept = words.filter((w) => {
    if (w.height > 3 * h) return false; // a stamp's ring, a signature's stroke
    if (!/[\p{L}\p{N}]/u.test(w.text)) return w.conf >= 60 && w.text.length <= 3; // "-", ";" kept; "—~=" blobs not
    return w.conf >= 20;
  });
  const byLine = group(kept, (w) => w.line);
  return [...byLine.values()].filter((ws) => mean(ws.map((w) => w.conf)) >= 45).flat();
}

function group<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const l = m.get(k);
    if (l) l.push(x);
    else m.set(k, [x]);
  }
  return m;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

interface Segment { left: number; right: number; top: number; words: OcrWord[] }
interface Row { top: number; bottom: number; segments: Segment[] }

/** Words → rows (by vertical overlap) → segments (cut at gaps wider than any space between words). */
function rows(words: OcrWord[]): Row[] {
  const h = median(words.map((w) => w.height)) || 1;
  const sorted = [...words].sort((a, b) => a.top + a.height / 2 - (b.top + b.height / 2));
  const out: Array<{ top: number; bottom: number; words: OcrWord[] }> = [];
  for (const w of sorted) {
    const mid = w.top + w.height / 2;
    const row = out.find((r) => mid > r.top && mid < r.bottom && Math.abs(mid - (r.top + r.bottom) / 2) < h * 0.6);
    if (row) {
      row.words.push(w);
      row.top = Math.min(row.top, w.top);
      row.bottom = Math.max(row.bottom, w.top + w.height);
    } else out.push({ top: w.top, bottom: w.top + w.height, words: [w] });
  }
  return out.map((r) => {
    const ws = r.words.sort((a, b) => a.left - b.left);
    const segments: Segment[] = [];
    for (const w of ws) {
      const last = segments.at(-1);
      if (last && w.left - last.right < 1.5 * h) { // a space between words, even justified, is narrower
        last.words.push(w);
        last.right = Math.max(last.right, w.left + w.width);
      } else segments.push({ left: w.left, right: w.left + w.width, top: w.top, words: [w] });
    }
    // A stamp's or a signature's remains: a stretch tesseract barely believes, or one without a letter.
    const real = segments.filter((g) => mean(g.words.map((w) => w.conf)) >= 50 && g.words.some((w) => /[\p{L}\p{N}]/u.test(w.text)));
    return { top: r.top, bottom: r.bottom, segments: real };
  }).filter((r) => r.segments.length > 0).sort((a, b) => a.top - b.top);
}

const textOf = (s: Segment) => s.words.map((w) => w.text).join(' ');

/**
 * Reading order: a run of rows cut in two by a common gutter (the header: issuer | motto,
 * number | date; the signature block: "Nơi nhận" | signer) is read column by column, left first,
 * a blank line between the columns (so a subject never runs on into the motto); other rows are
 * read as they stand, one line per segment.
 */
export function readingOrder(words: OcrWord[]): string[] {
  const rs = rows(words);
  const lineHeight = median(words.map((w) => w.height)) || 1;
  const lines: string[] = [];
  let done = 0; // rows before this one are in `lines`
  for (let i = 0; i < rs.length; i++) {
    const first = gapOf(rs[i]!);
    if (!first) continue;
    // The gutter narrows as the columns' lines fill it; a line reaching across it ends the columns.
    const gap = { ...first };
    const fits = (r: Row) => {
      if (r.segments.length > 2) return false; // a table's row: read across, not down its columns
      const g = { ...gap };
      for (const s of r.segments) {
        if (s.right <= g.right && s.left < g.left + lineHeight) g.left = Math.max(g.left, s.right);
        else if (s.left >= g.left) g.right = Math.min(g.right, s.left);
        else return false;
      }
      if (g.right <= g.left) return false;
      Object.assign(gap, g);
      return true;
    };
    let start = i;
    while (start > done && fits(rs[start - 1]!)) start--; // the motto often sits higher than the issuer
    let end = i + 1;
    while (end < rs.length && fits(rs[end]!)) end++;
    for (let k = done; k < start; k++) lines.push(...rs[k]!.segments.map(textOf));
    const left: string[] = [];
    const right: string[] = [];
    for (let k = start; k < end; k++) for (const s of rs[k]!.segments) (s.right <= gap.right && s.left < gap.left ? left : right).push(textOf(s));
    lines.push(...left, '', ...right, '');
    done = end;
    i = end - 1;
  }
  for (let k = done; k < rs.length; k++) lines.push(...rs[k]!.segments.map(textOf));
  return lines;
}

/** The gap between a row's two segments; none for a row of one segment or of a table's cells. */
function gapOf(row: Row): { left: number; right: number } | undefined {
  const [a, b, more] = row.segments;
  return a && b && !more ? { left: a.right, right: b.left } : undefined;
}

/** One page's TSV words → its text in reading order and its confidence. */
export function pageText(words: OcrWord[]): OcrPageText {
  const kept = dropNoise(words);
  return {
    text: readingOrder(kept).join('\n'),
    confidence: Math.round(mean(kept.map((w) => w.conf)) * 10) / 10,
    words: kept.length,
  };
}
