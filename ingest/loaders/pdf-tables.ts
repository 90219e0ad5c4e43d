// Task tables of a PDF, read back from where each word sits: the header's wording (task-tables.ts)
// finds a table, the body's vertical gutters give its columns and the STT column its rows. The
// table's part of the page text becomes "| … |" rows, as the DOCX, HTML and XLSX loaders write
// tables, so that task-tables.ts reads a PDF appendix like theirs. Other pages keep their text.
//
// The word boxes are pdftotext's (-bbox-layout), not pdf.js's: pdf.js misplaces the Vietnamese
// letters of PDFs that Word or LibreOffice drew with fallback fonts, and their positions with them;
// poppler reads both kinds right, and is already the loader's fallback for their text.
import { columnOf, isTaskTableHeader } from '../task-tables.js';
import { fold, nfc } from '../text.js';

export interface WordBox {
  text: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

interface Span {
  y0: number;
  y1: number;
}

interface Line extends Span {
  words: WordBox[]; // left to right
  x0: number;
  x1: number;
}

/** Column boundaries (x) between the table's left and right edges, and how wide each gutter is. */
interface Grid {
  bounds: number[];
  gutters: number[];
  left: number;
  right: number;
}

type Mode = 'top' | 'middle';

const midY = (s: Span) => (s.y0 + s.y1) / 2;
const midX = (w: WordBox) => (w.x0 + w.x1) / 2;
/** Words as written: a word a fallback font cut in two ("I" + "/2027") joins again. */
const textOf = (words: WordBox[]) =>
  words.map((w, i) => (i && w.x0 - words[i - 1]!.x1 < 0.1 * (w.y1 - w.y0) ? w.text : ` ${w.text}`)).join('').trim();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

// --- pdftotext -bbox-layout ---------------------------------------------------------------------

const WORD = /<word xMin="(-?[\d.]+)" yMin="(-?[\d.]+)" xMax="(-?[\d.]+)" yMax="(-?[\d.]+)">([^<]*)<\/word>/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(?:#(\d+)|#x([\da-f]+)|(\w+));/gi, (whole, dec?: string, hex?: string, name?: string) => {
    const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : -1;
    if (code >= 0) return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return ENTITIES[name ?? ''] ?? whole;
  });
}

/** The words of each page, from pdftotext's XHTML (points, y growing down the page). */
export function parseBboxLayout(xhtml: string): WordBox[][] {
  return xhtml
    .split(/<page\b/)
    .slice(1)
    .map((page) =>
      [...page.matchAll(WORD)]
        .map((m) => ({ text: nfc(decode(m[5] ?? '')).trim(), x0: Number(m[1]), y0: Number(m[2]), x1: Number(m[3]), y1: Number(m[4]) }))
        .filter((w) => w.text !== '' && w.x1 >= w.x0 && w.y1 > w.y0),
    );
}

/** Whether a page's text names a task, a unit and a deadline or co-units, as a task table's header does. */
export function mayHoldTaskTable(text: string): boolean {
  const f = fold(text);
  return (
    /\b(?:nhiem vu|noi dung|cong viec|hoat dong|tasks?|activit)/.test(f) &&
    /\b(?:chu tri|don vi|co quan|thuc hien|trach nhiem|lead|responsib)/.test(f) &&
    /\b(?:phoi hop|thoi (?:gian|han|diem)|tien do|han hoan thanh|deadline|timeline|due|support|co-?units?|coordinat)/.test(f)
  );
}

// --- lines, runs and columns --------------------------------------------------------------------

/** Words on one visual line, whichever cell they are in. */
function linesOf(words: WordBox[], h: number): Line[] {
  const sorted = [...words].sort((a, b) => midY(a) - midY(b) || a.x0 - b.x0);
  const lines: Line[] = [];
  let current: WordBox[] = [];
  const flush = () => {
    if (!current.length) return;
    const ws = current.sort((a, b) => a.x0 - b.x0);
    lines.push({ words: ws, x0: ws[0]!.x0, x1: Math.max(...ws.map((w) => w.x1)), y0: Math.min(...ws.map((w) => w.y0)), y1: Math.max(...ws.map((w) => w.y1)) });
    current = [];
  };
  for (const w of sorted) {
    if (current.length && midY(w) - midY(current[0]!) > 0.35 * h) flush();
    current.push(w);
  }
  flush();
  return lines;
}

/** Words of a line apart by less than `gap`, run by run: a cell's text, or prose. */
function runWords(words: WordBox[], gap: number): WordBox[][] {
  const runs: WordBox[][] = [];
  for (const w of words) {
    const last = runs[runs.length - 1];
    const end = last?.[last.length - 1];
    if (last && end && w.x0 - end.x1 <= gap) last.push(w);
    else runs.push([w]);
  }
  return runs;
}

const runsOf = (words: WordBox[], gap: number) =>
  runWords(words, gap).map((run) => ({ x0: run[0]!.x0, x1: Math.max(...run.map((w) => w.x1)) }));

const STT = /^(?:\d{1,3}(?:\.\d{1,2}){0,3}\.?|[IVXLC]{1,6}[.)]?|[a-zđ][.)]|\(\d{1,3}\))$/;
const sttLike = (text: string) => STT.test(text.trim());

/**
 * A line of running text: a run as wide as most of the table, or, in a table numbered in its
 * first column, one run from the left edge that is no row number.
 */
function proseLike(line: Line, left: number, right: number, h: number, numbered = true): boolean {
  const runs = runsOf(line.words, 0.6 * h);
  if (runs.some((r) => r.x1 - r.x0 > 0.6 * (right - left))) return true;
  return numbered && runs.length === 1 && line.x0 <= left + 0.5 * h && !sttLike(line.words[0]?.text ?? '');
}

/** A row number, then a cell: how the rows of a table numbered in its first column start. */
const numberedRow = (line: Line, h: number) => sttLike(line.words[0]?.text ?? '') && runsOf(line.words, 0.6 * h).length >= 2;

/** A row number run on into its text ("I. Nhóm nhiệm vụ …"): a row written across the columns. */
const acrossLike = (line: Line, h: number) => sttLike(line.words[0]?.text ?? '') && (runWords(line.words, 0.6 * h)[0]?.length ?? 0) > 1;

const columnAt = (grid: Grid, x: number) => grid.bounds.filter((b) => x >= b).length;
const crosses = (grid: Grid, line: Line) => line.words.some((w) => grid.bounds.some((b) => w.x0 < b - 1 && w.x1 > b + 1));

/**
 * Columns from the body's vertical gutters: an x that no word of the table's lines covers, where
 * lines show a wide gap (cells apart) at least as often as a word space. Header words are left
 * out (a header cell may span two columns), and so are rows written across the table.
 */
function gridOf(lines: Line[], h: number): Grid | undefined {
  const left = Math.min(...lines.map((l) => l.x0));
  const right = Math.max(...lines.map((l) => l.x1));
  const step = 0.5;
  const n = Math.ceil((right - left) / step) + 1;
  if (!(n > 1 && n < 20_000)) return undefined;
  const bin = (x: number) => Math.max(0, Math.min(n - 1, Math.round((x - left) / step)));
  const cover = new Uint16Array(n);
  const heads = new Uint16Array(n);
  const wide = new Uint16Array(n);
  const narrow = new Uint16Array(n);
  const numbered = lines.filter((l) => numberedRow(l, h)).length >= 2;
  const rows = lines.filter((l) => !proseLike(l, left, right, h, numbered) && !acrossLike(l, h));
  if (rows.length < 2) return undefined;
  // The header is what comes before the first numbered row (a body cell may name a unit too).
  const body = numbered ? rows.findIndex((l) => numberedRow(l, h)) : 1;
  rows.forEach((line, r) => {
    const header = new Set(r < body ? runWords(line.words, 0.6 * h).filter((run) => columnOf(textOf(run)) !== undefined).flat() : []);
    line.words.forEach((w, i) => {
      const marks = header.has(w) ? heads : cover;
      for (let b = bin(w.x0); b <= bin(w.x1); b++) marks[b]!++;
      const next = line.words[i + 1];
      if (!next || next.x0 <= w.x1) return;
      const gaps = next.x0 - w.x1 > 0.6 * h ? wide : narrow;
      for (let b = bin(w.x1) + 1; b < bin(next.x0); b++) gaps[b]!++;
    });
  });
  const open = (b: number) => cover[b] === 0 && wide[b]! >= 2 && wide[b]! >= narrow[b]!;
  const bounds: number[] = [];
  const gutters: number[] = [];
  for (let b = 0; b < n; b++) {
    if (!open(b)) continue;
    let e = b;
    while (e + 1 < n && open(e + 1)) e++;
    if (b > 0 && e < n - 1 && (e - b) * step >= 1.5) {
      // Within the gutter, clear of the header's words where it can be (a header wider than its column's body).
      bounds.push(left + step * clearest(heads, b, e));
      gutters.push((e - b) * step);
    }
    b = e;
  }
  return { bounds, gutters, left, right };
}

/** The middle of the longest stretch of least cover within [from, to]. */
function clearest(cover: ArrayLike<number>, from: number, to: number): number {
  let least = Infinity;
  for (let b = from; b <= to; b++) least = Math.min(least, cover[b]!);
  let best = { at: from, length: 0 };
  for (let b = from; b <= to; b++) {
    if (cover[b] !== least) continue;
    let e = b;
    while (e + 1 <= to && cover[e + 1] === least) e++;
    if (e - b + 1 > best.length) best = { at: (b + e) / 2, length: e - b + 1 };
    b = e;
  }
  return best.at;
}

/**
 * The columns as the header names them. A gap inside a cell can look like a gutter (every unit
 * of a column starting "Sở …" leaves the same space after it): a boundary that a header cell
 * crosses without heading cells of its own below goes, and a column without a header word joins
 * the neighbour it is nearer to.
 */
function byHeader(grid: Grid, head: WordBox[], h: number): Grid {
  const runs = linesOf(head, h).flatMap((l) => runWords(l.words, 0.6 * h).map((ws) => ({ x0: ws[0]!.x0, x1: Math.max(...ws.map((w) => w.x1)), y1: l.y1, y0: l.y0 })));
  const below = (r: { y1: number }, x0: number, x1: number) => runs.some((o) => o.y0 >= r.y1 - 0.3 * h && (o.x0 + o.x1) / 2 > x0 && (o.x0 + o.x1) / 2 < x1);
  const spans = (r: { x0: number; x1: number; y1: number }, x: number) => below(r, r.x0 - 3 * h, x) && below(r, x, r.x1 + 3 * h);
  let kept = grid.bounds.map((x, i) => ({ x, gutter: grid.gutters[i]! })).filter(({ x }) => !runs.some((r) => r.x0 < x - 1 && r.x1 > x + 1 && !spans(r, x)));
  for (;;) {
    const cut = { ...grid, bounds: kept.map((k) => k.x) };
    const named = headerRows(head, cut, h).at(-1) ?? [];
    const empty = named.findIndex((t) => !t);
    if (empty < 0 || kept.length < 3) break;
    const [before, after] = [kept[empty - 1], kept[empty]];
    const drop = !before ? after : !after ? before : before.gutter <= after.gutter ? before : after;
    kept = kept.filter((k) => k !== drop);
  }
  return { ...grid, bounds: kept.map((k) => k.x), gutters: kept.map((k) => k.gutter) };
}

// --- rows ---------------------------------------------------------------------------------------

interface Anchor extends Span {
  /** A row written across the columns ("I. Nhóm nhiệm vụ …"): its words go to the first cell. */
  group?: Line;
}

/** How many columns have a word at each height: rows are apart where it is least. */
function heightCover(words: Array<{ w: WordBox; col: number }>, top: number, bottom: number) {
  const step = 0.5;
  const n = Math.max(1, Math.ceil((bottom - top) / step) + 1);
  const bin = (y: number) => Math.max(0, Math.min(n - 1, Math.round((y - top) / step)));
  const byColumn = new Map<number, Uint8Array>();
  for (const { w, col } of words) {
    const marks = byColumn.get(col) ?? new Uint8Array(n);
    byColumn.set(col, marks);
    marks.fill(1, bin(w.y0), bin(w.y1) + 1);
  }
  const cover = new Uint16Array(n);
  for (const marks of byColumn.values()) for (let b = 0; b < n; b++) cover[b]! += marks[b]!;
  return {
    /** The middle of the emptiest stretch between lo and hi nearest to `near`. */
    snap(near: number, lo: number, hi: number): number {
      const [from, to] = [bin(lo), bin(hi)];
      let least = Infinity;
      for (let b = from; b <= to; b++) least = Math.min(least, cover[b]!);
      let best = near;
      for (let b = from; b <= to; b++) {
        if (cover[b] !== least) continue;
        let [s, e] = [b, b];
        while (s > 0 && cover[s - 1] === least) s--;
        while (e + 1 < n && cover[e + 1] === least) e++;
        const at = top + step * ((s + e) / 2);
        if (Math.abs(at - near) < Math.abs(best - near) || best === near) best = at;
        b = e;
      }
      return best;
    },
    /** Up from y through what is written there to the first empty stretch above it (or `limit`): the top of y's row. */
    above(y: number, limit: number): number {
      let b = bin(y);
      const stop = bin(limit);
      while (b > stop && cover[b]! > 0) b--;
      if (b <= stop) return limit;
      const e = b;
      while (b > stop && cover[b - 1] === 0) b--;
      return top + step * ((b + e) / 2);
    },
  };
}

/**
 * Where rows part. Cells set at the top of their row start level with the row number ('top');
 * cells centred in their row ('middle', LibreOffice's and many offices' choice) are centred on it,
 * so each row ends as far below its number as it started above it.
 */
function bordersOf(mode: Mode, anchors: Anchor[], top: number, bottom: number, cover: ReturnType<typeof heightCover>, h: number): number[] | undefined {
  const snap = cover.snap;
  const out = [top];
  for (let i = 0; i < anchors.length; i++) {
    const a = anchors[i]!;
    const next = anchors[i + 1];
    const prev = out[i]!;
    if (mode === 'top') {
      out.push(next ? snap(next.y0 - 0.1 * h, Math.max(a.y1, next.y0 - 1.2 * h), next.y0 + 0.15 * h) : bottom);
      continue;
    }
    if (midY(a) <= prev) return undefined;
    const guess = 2 * midY(a) - prev;
    const lo = Math.max(a.y1 - 0.25 * h, guess - 0.8 * h);
    const hi = Math.min(next ? next.y0 + 0.25 * h : Infinity, guess + 0.8 * h);
    if (lo >= hi) return undefined;
    out.push(snap(guess, lo, hi));
  }
  return out;
}

const bandAt = (borders: number[], y: number) => {
  for (let k = 0; k + 1 < borders.length; k++) if (y >= borders[k]! && y < borders[k + 1]!) return k;
  return -1;
};

/** A cell's text: its words line by line. */
function cellText(words: WordBox[], h: number): string {
  return linesOf(words, h)
    .map((l) => textOf(l.words))
    .join(' ')
    .replace(/\|/g, '/');
}

interface Read {
  header: string[][];
  /** The header's words, where it has one, and how tall it is. */
  head: WordBox[];
  headHeight: number;
  body: string[][];
  /** The end of a row begun on the page before, by column. */
  carried: string[];
  used: Set<WordBox>;
  bottom: number;
  mode: Mode;
}

/**
 * Where the rows start: a new number in the STT column (or a new block in the first column), and
 * rows written across the columns; running text after the last row ends the table (`end`, a line
 * of the region). Before the first row come the header's lines: its first-column cell ("STT")
 * and cells spanning columns. `need`: whether the header must be there (a table's first page) or
 * may be (a page the table runs on to).
 */
function anchorsOf(region: Line[], grid: Grid, h: number, need: 'required' | 'optional'): { rows: Anchor[]; head?: Span; end: number } | undefined {
  const col0 = region.map((l) => l.words.filter((w) => columnAt(grid, midX(w)) === 0));
  const numbered = col0.filter((ws, i) => ws.length && sttLike(textOf(ws)) && !crosses(grid, region[i]!)).length;
  const stt = numbered >= 2 || (numbered >= 1 && need === 'optional');
  const isText = region.map((l) => proseLike(l, grid.left, grid.right, h, stt) || crosses(grid, l));
  let head: Span | undefined;
  const rows: Anchor[] = [];
  let pending: number[] = [];
  let lastRow = -1;
  const across = (i: number): Anchor => ({ y0: region[i]!.y0, y1: region[i]!.y1, group: region[i]! });
  const widen = (span: Span | undefined, box: Span) => (span ? { y0: Math.min(span.y0, box.y0), y1: Math.max(span.y1, box.y1) } : box);
  for (let i = 0; i < region.length && pending.length < 3; i++) {
    const line = region[i]!;
    const first = col0[i]!;
    const box = first.length ? { y0: Math.min(...first.map((w) => w.y0)), y1: Math.max(...first.map((w) => w.y1)) } : undefined;
    if (isText[i]) {
      if (sttLike(line.words[0]?.text ?? '') && (rows.length || head)) {
        rows.push(...pending.map(across), across(i));
        pending = [];
      } else if (rows.length) {
        pending.push(i);
      } else {
        // A header line with a cell spanning columns; running text, or a title standing apart
        // above the header, is not this table.
        const next = region[i + 1];
        if (proseLike(line, grid.left, grid.right, h, stt) || !next || (!head && next.y0 - line.y1 > 0.5 * h)) return undefined;
        if (box && !sttLike(textOf(first))) head = widen(head, box);
      }
      continue;
    }
    if (!box) continue;
    const last = rows[rows.length - 1] ?? head;
    const starts = stt
      ? sttLike(textOf(first))
      : last
        ? box.y0 - last.y1 > 0.2 * h
        : need === 'optional' && columnOf(textOf(first)) === undefined;
    if (starts) {
      rows.push(...pending.map(across), box);
      pending = [];
      lastRow = i;
    } else if (!rows.length) {
      head = widen(head, box);
    } else if (!stt) {
      rows[rows.length - 1]!.y1 = Math.max(rows[rows.length - 1]!.y1, box.y1);
    }
  }
  if (lastRow < 0 || (need === 'required' && !head)) return undefined;
  // Rows written across with no row under them head what follows the table ("II. KINH PHÍ").
  const endY = region[lastRow]!.y0;
  while (rows.length && rows[rows.length - 1]!.group && rows[rows.length - 1]!.y0 > endY) rows.pop();
  const end = region.findIndex((l, i) => i > lastRow && isText[i]);
  return { rows, ...(head ? { head } : {}), end: end < 0 ? region.length : end };
}

/**
 * The rows of a table whose columns are known, from the region's first line down; `fixed` and
 * `headHeight` carry the table's layout over to a page it runs on to.
 */
function readRows(region: Line[], grid: Grid, h: number, need: 'required' | 'optional', fixed?: Mode, headHeight?: number): Read | undefined {
  const found = anchorsOf(region, grid, h, need);
  if (!found) return undefined;
  const { rows: anchors, head: headSpan, end } = found;
  const cols = grid.bounds.length + 1;
  const lines = region.slice(0, end);
  const top = lines[0]!.y0;
  const bottom = Math.max(...lines.map((l) => l.y1)) + 0.1 * h;
  const placed = lines.flatMap((l) => l.words.map((w) => ({ w, col: columnAt(grid, midX(w)) })));
  const cover = heightCover(placed, top - h, bottom + 2 * h);
  // The first row starts at the empty stretch above it. Above it: the header, and on a page the
  // table runs on to, the header repeated and the end of a row begun on the page before.
  const first = anchors[0]!;
  let rowTop = cover.above(midY(first), top - 0.1 * h);
  if (headSpan && rowTop <= headSpan.y1) rowTop = cover.snap(first.y0, headSpan.y1, first.y0 + 0.15 * h);
  const headBottom = !headSpan ? top : headHeight === undefined ? rowTop : Math.min(rowTop, top + headHeight);

  const assign = (b: number[]) => {
    const cells = anchors.map(() => Array.from({ length: cols }, () => [] as WordBox[]));
    const head: WordBox[] = [];
    const carried = Array.from({ length: cols }, () => [] as WordBox[]);
    for (const line of lines) {
      const group = anchors.findIndex((m) => m.group === line);
      for (const w of line.words) {
        const k = group >= 0 ? group : bandAt(b, midY(w));
        if (k >= 0) cells[k]![group >= 0 ? 0 : columnAt(grid, midX(w))]!.push(w);
        else if (midY(w) < headBottom) head.push(w);
        else if (midY(w) < rowTop) carried[columnAt(grid, midX(w))]!.push(w);
      }
    }
    return { cells, head, carried };
  };
  const fit = (mode: Mode, cells: WordBox[][][]) => {
    let good = 0;
    let all = 0;
    cells.forEach((row, k) => {
      const a = anchors[k]!;
      for (const ws of row.slice(1)) {
        if (!ws.length || a.group) continue;
        const box = { y0: Math.min(...ws.map((w) => w.y0)), y1: Math.max(...ws.map((w) => w.y1)) };
        all++;
        if (mode === 'middle' ? Math.abs(midY(box) - midY(a)) <= 0.3 * h : Math.abs(box.y0 - a.y0) <= 0.3 * h) good++;
      }
    });
    return all ? good / all : 1;
  };

  let mode: Mode = fixed ?? 'top';
  let b = bordersOf(mode, anchors, rowTop, bottom, cover, h);
  const middle = fixed === 'top' ? undefined : bordersOf('middle', anchors, rowTop, bottom, cover, h);
  if (middle && (fixed === 'middle' || !b || fit('middle', assign(middle).cells) > fit('top', assign(b).cells))) [mode, b] = ['middle', middle];
  if (!b) return undefined;
  const { cells, head: headWords, carried } = assign(b);
  // A last row with nothing past its first cell ("Nơi nhận:" under a table without numbers) is not the table's.
  while (cells.length > 1 && cells[cells.length - 1]!.slice(1).every((ws) => !ws.length)) {
    cells.pop();
    anchors.pop();
    b.pop();
  }
  const texts = cells.map((row) => row.map((ws) => cellText(ws, h)));
  if (mode === 'middle') mergeDown(cells, texts, anchors, b, h);

  const used = new Set<WordBox>(headWords);
  for (const ws of [...cells.flat(), ...carried]) for (const w of ws) used.add(w);
  return {
    header: headSpan ? headerRows(headWords, grid, h) : [],
    head: headWords,
    headHeight: rowTop - top,
    body: texts,
    carried: carried.map((ws) => cellText(ws, h)),
    used,
    bottom: b[b.length - 1]!,
    mode,
  };
}

/**
 * Cells merged down a centred table: a cell's text sits off its row's centre, across or beside
 * rows that have nothing of their own in that column, centred on them together. Its text is
 * repeated in each row it covers, as tables.ts does for a DOCX's merged cells.
 */
function mergeDown(cells: WordBox[][][], texts: string[][], marks: Anchor[], borders: number[], h: number): void {
  const boxOf = (ws: WordBox[]) => ({ y0: Math.min(...ws.map((w) => w.y0)), y1: Math.max(...ws.map((w) => w.y1)) });
  const rows = marks.length;
  for (let c = 1; c < (cells[0]?.length ?? 0); c++) {
    const loose = (k: number) => {
      const ws = cells[k]![c]!;
      return ws.length > 0 && Math.abs(midY(boxOf(ws)) - midY(marks[k]!)) > 0.35 * h;
    };
    const taken = new Set<number>();
    for (let k = 0; k < rows; k++) {
      if (!loose(k) || taken.has(k)) continue;
      let best: { from: number; to: number; off: number } | undefined;
      for (let size = 2; size <= 8 && !best; size++) {
        for (let from = Math.max(0, k - size + 1); from <= k && from + size <= rows; from++) {
          const to = from + size - 1;
          const span = [...Array(size).keys()].map((i) => from + i);
          if (span.some((x) => marks[x]!.group || taken.has(x) || (x !== k && cells[x]![c]!.length > 0 && !loose(x)))) continue;
          const off = Math.abs(midY(boxOf(span.flatMap((x) => cells[x]![c]!))) - (borders[from]! + borders[to + 1]!) / 2);
          if (off <= 0.35 * h && (!best || off < best.off)) best = { from, to, off };
        }
      }
      if (!best) continue;
      const span = [...Array(best.to - best.from + 1).keys()].map((i) => best.from + i);
      const text = cellText(span.flatMap((x) => cells[x]![c]!), h);
      for (const x of span) {
        texts[x]![c] = text;
        taken.add(x);
      }
    }
  }
}

/**
 * The header as rows: one, or two when a cell spans others ("Đơn vị thực hiện" over "Chủ trì |
 * Phối hợp"), the spanning cell in its first column as a DOCX's merged header reads.
 */
function headerRows(words: WordBox[], grid: Grid, h: number): string[][] {
  const cols = grid.bounds.length + 1;
  const leaf: Array<Array<{ text: string; y0: number }>> = Array.from({ length: cols }, () => []);
  const spans: Array<{ from: number; to: number; words: WordBox[]; y1: number }> = [];
  for (const line of linesOf(words, h)) {
    let run: WordBox[] = [];
    const flush = () => {
      const at = run.map((w) => columnAt(grid, midX(w)));
      const [from, to] = [Math.min(...at), Math.max(...at)];
      if (to > from) spans.push({ from, to, words: run, y1: line.y1 });
      else if (run.length) leaf[from]!.push({ text: textOf(run), y0: line.y0 });
      run = [];
    };
    for (const w of line.words) {
      const prev = run[run.length - 1];
      // Words part at a wide gap, or at a column boundary unless they are spaced as one phrase.
      const gap = prev ? w.x0 - prev.x1 : 0;
      if (prev && (gap > 0.6 * h || (gap > 0.45 * h && columnAt(grid, midX(w)) !== columnAt(grid, midX(prev))))) flush();
      run.push(w);
    }
    flush();
  }
  // A spanning cell heads cells of its own below it; otherwise its words are the columns' own.
  const heads = spans.filter((s) => {
    const under = [...Array(s.to - s.from + 1).keys()].filter((i) => leaf[s.from + i]!.some((l) => l.y0 >= s.y1 - 0.3 * h));
    if (under.length >= 2) return true;
    for (const w of s.words) leaf[columnAt(grid, midX(w))]!.push({ text: w.text, y0: w.y0 });
    return false;
  });
  const row = leaf.map((parts) => [...parts].sort((a, b) => a.y0 - b.y0).map((p) => p.text).join(' '));
  if (!heads.length) return [row];
  const top = [...row];
  for (const s of heads) {
    top[s.from] = textOf(s.words);
    for (let c = s.from + 1; c <= s.to; c++) top[c] = '';
  }
  return [top, row];
}

// --- tables across pages ------------------------------------------------------------------------

interface Table {
  rows: string[][];
  /** The words the table covers, by page. */
  parts: Map<number, Set<WordBox>>;
}

const pageNumber = (line: Line) => line.words.length <= 3 && /^[-–]?\s*\d{1,3}\s*[-–]?$/.test(textOf(line.words));

/** Lines from `from` down while they stay close (a table has no gap of several lines). */
function regionFrom(lines: Line[], from: number, h: number): Line[] {
  const out: Line[] = [];
  let bottom = -Infinity;
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (out.length && l.y0 - bottom > 2.5 * h) break;
    out.push(l);
    bottom = Math.max(bottom, l.y1);
  }
  return out;
}

// A task table's page holds a few hundred words; a page of tens of thousands (a drawing, a
// hostile file) is left as text rather than searched line by line.
const MAX_PAGE_WORDS = 6000;

/** The task tables of the document, each with all its rows, however many pages it runs on. */
function findTables(pages: WordBox[][]): Table[] {
  const tables: Table[] = [];
  let open: { table: Table; grid: Grid; mode: Mode; headHeight: number } | undefined;
  pages.forEach((words, p) => {
    const carry = open;
    open = undefined;
    if (!words.length || words.length > MAX_PAGE_WORDS) return;
    const h = median(words.map((w) => w.y1 - w.y0));
    const lines = linesOf(words, h);
    let from = 0;
    const closes = (bottom: number) => lines.some((l) => l.y0 > bottom && !pageNumber(l));
    if (carry) {
      let start = 0;
      while (start < lines.length && pageNumber(lines[start]!)) start++;
      const read = readRows(regionFrom(lines, start, h), carry.grid, h, 'optional', carry.mode, carry.headHeight);
      if (read && (!read.header.length || isTaskTableHeader(read.header))) {
        const last = carry.table.rows[carry.table.rows.length - 1];
        if (last) read.carried.forEach((t, c) => t && (last[c] = [last[c], t].filter(Boolean).join(' ')));
        carry.table.rows.push(...read.body);
        carry.table.parts.set(p, read.used);
        if (!closes(read.bottom)) open = carry;
        from = lines.findIndex((l) => l.y0 > read.bottom);
        if (from < 0) return;
      }
    }
    for (let s = from; s < lines.length; s++) {
      if (columnOf(textOf(lines[s]!.words)) === undefined) continue;
      const found = readTable(lines, s, h);
      if (!found) continue;
      const table = { rows: [...found.read.header, ...found.read.body], parts: new Map([[p, found.read.used]]) };
      tables.push(table);
      open = closes(found.read.bottom) ? undefined : { table, grid: found.grid, mode: found.read.mode, headHeight: found.read.headHeight };
      const next = lines.findIndex((l) => l.y0 > found.read.bottom);
      if (next < 0) break;
      s = next - 1;
    }
  });
  return tables;
}

/** A task table whose header starts at line `s`, or undefined. */
function readTable(lines: Line[], s: number, h: number): { read: Read; grid: Grid } | undefined {
  const region = regionFrom(lines, s, h);
  if (region.filter((l) => runsOf(l.words, 0.6 * h).length >= 3).length < 2) return undefined;
  let grid = gridOf(region, h);
  for (let pass = 0; grid && grid.bounds.length >= 2 && pass < 3; pass++) {
    const read = readRows(region, grid, h, 'required');
    if (!read) return undefined;
    const named = byHeader(grid, read.head, h);
    if (named.bounds.length === grid.bounds.length) return read.body.length && isTaskTableHeader(read.header) ? { read, grid } : undefined;
    grid = named;
  }
  return undefined;
}

// --- the page text ------------------------------------------------------------------------------

/**
 * The pages' text with each task table's part replaced by its rows ("| a | b |", one line a row);
 * a table that runs on over pages is written whole where it starts, since a row block must not
 * break. `tidyCell` mends a cell's words (pdftotext may split a syllable).
 */
export function withTaskTables(texts: string[], pages: WordBox[][], tidyCell: (text: string) => string = (t) => t): string[] {
  const tables = findTables(pages);
  if (!tables.length) return texts;
  return texts.map((text, p) => {
    let out = text;
    for (const table of tables) {
      const used = table.parts.get(p);
      if (!used) continue;
      const starts = [...table.parts.keys()][0] === p;
      const rows = table.rows
        .map((cells) => cells.map((c) => tidyCell(c).replace(/\s+/g, ' ').trim()))
        .filter((cells) => cells.some(Boolean))
        .map((cells) => `| ${cells.join(' | ')} |`)
        .join('\n');
      out = splice(out, used, pages[p] ?? [], starts ? rows : undefined);
    }
    return out;
  });
}

/**
 * The page text with the table's lines taken out (and its rows put where they began). The text
 * (pdf.js's or pdftotext's) is matched to the table by its words: a line whose words are mostly
 * found only in the table is the table's; the other lines keep their place and wording.
 */
function splice(text: string, inside: Set<WordBox>, words: WordBox[], rows: string | undefined): string {
  const within = new Set<string>();
  const without = new Set<string>();
  for (const w of words) (inside.has(w) ? within : without).add(w.text.normalize('NFC'));
  const lines = text.split('\n');
  const side = lines.map((line) => {
    let score = 0;
    for (const token of line.split(/\s+/).filter(Boolean)) {
      const t = token.normalize('NFC');
      if (within.has(t) !== without.has(t)) score += within.has(t) ? 1 : -1;
    }
    return Math.sign(score);
  });
  const first = side.indexOf(1);
  const last = side.lastIndexOf(1);
  if (first < 0) return rows ? `${text}\n${rows}` : text;
  const between = lines.slice(first, last + 1).filter((_, i) => side[first + i] === -1);
  return [...lines.slice(0, first), ...(rows ? [rows] : []), ...between, ...lines.slice(last + 1)].join('\n');
}
