// Tables as text, the same way for DOCX, HTML and XLSX. Two kinds are told apart by their width:
// the official layout's two-column tables (issuer | motto, number | date, "Nơi nhận" | signature)
// are drawn side by side, as a PDF shows them, so metadata.ts reads one layout; wider tables
// (task appendices) become "| a | b | c |" rows, one line a row, that task-tables.ts reads.

/** A cell as written: its lines (paragraphs), and how far it spans. Merged-over cells are absent. */
export interface TableCell {
  lines: string[];
  colSpan?: number;
  rowSpan?: number;
}

export type TableRows = TableCell[][];

// Wide enough for metadata.ts's columns() (three spaces or more) to split the columns again.
export const COLUMN_GAP = '     ';
/**
 * Loaders squeeze runs of spaces in their text: they draw the gap as this placeholder and turn
 * it into COLUMN_GAP after (see withColumnGaps).
 */
export const GAP_MARK = '\uE000';

export function withColumnGaps(text: string): string {
  return text.replaceAll(GAP_MARK, COLUMN_GAP);
}

/**
 * The table as lines of text. Merged cells are resolved on a grid: a cell merged down (rowSpan)
 * is repeated in each row it covers, so every row of a task table names its lead unit; a cell
 * merged across (colSpan) fills its first column only.
 */
export function tableText(rows: TableRows): string {
  const grid = toGrid(rows, true);
  const width = Math.max(0, ...grid.map((r) => r.length));
  const used = [...Array(width).keys()].filter((c) => grid.some((r) => (r[c] ?? []).length > 0));
  if (used.length === 0) return '';
  if (used.length <= 2) return layoutLines(toGrid(rows, false), used).join('\n');
  return grid
    .map((r) => used.map((c) => cellLine(r[c] ?? [])))
    .filter((cells) => cells.some(Boolean))
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

// A broken file's spans must not make the grid quadratic in its rows.
const MAX_SPAN = 500;

function toGrid(rows: TableRows, repeatDown: boolean): string[][][] {
  const grid: string[][][] = [];
  const taken: boolean[][] = [];
  rows.forEach((row, r) => {
    grid[r] ??= [];
    taken[r] ??= [];
    let c = 0;
    for (const cell of row) {
      while (taken[r]![c]) c++;
      const lines = cell.lines.map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
      const down = Math.max(1, Math.min(cell.rowSpan ?? 1, rows.length - r, MAX_SPAN));
      const across = Math.max(1, Math.min(cell.colSpan ?? 1, 64));
      for (let i = 0; i < down; i++) {
        grid[r + i] ??= [];
        taken[r + i] ??= [];
        for (let j = 0; j < across; j++) {
          grid[r + i]![c + j] = j === 0 && (i === 0 || repeatDown) ? lines : [];
          taken[r + i]![c + j] = true;
        }
      }
      c += across;
    }
  });
  return grid.map((r) => [...r].map((cell) => cell ?? []));
}

/** Paragraphs of a cell on one line: "Sở Nội vụ" + "Sở Tư pháp" → "Sở Nội vụ; Sở Tư pháp". */
function cellLine(lines: string[]): string {
  let out = '';
  for (const l of lines) {
    const clean = l.replace(/\|/g, '/');
    out = !out ? clean : /[;,.:]$/.test(out) ? `${out} ${clean}` : `${out}; ${clean}`;
  }
  return out;
}

// Where a header cell's lines were glued together (a converter that dropped the line breaks:
// "ỦY BAN NHÂN DÂNTHÀNH PHỐ HÀ NỘISố: 12/UBND-SNVV/v …"), the layout's own landmarks part them.
const GLUED = [
  /(?<=\p{Lu})(?=(?:THÀNH PHỐ|QUẬN|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG|SỞ|VĂN PHÒNG|BAN)\s)/gu,
  /(?<=[\p{L}\d.)])(?=Số\s*:)/gu,
  /(?<=[\p{L}\d.)])(?=V\/v\s)/gu,
  /(?<=\p{L})(?=(?:CỘNG HÒA|CỘNG HOÀ|Độc lập)\s)/gu,
  /(?<=Hạnh phúc)(?=\S)/gu,
];

function unglue(line: string): string[] {
  let out = line;
  for (const re of GLUED) out = out.replace(re, '\n');
  return out.split('\n');
}

/** The layout's columns side by side, row after row: "Số: 12/UBND-SNV     Hà Nội, ngày …". */
function layoutLines(grid: string[][][], used: number[]): string[] {
  const out: string[] = [];
  for (const r of grid) {
    const cells = used.map((c) => (r[c] ?? []).flatMap(unglue));
    const height = Math.max(0, ...cells.map((c) => c.length));
    for (let j = 0; j < height; j++) {
      const line = cells.map((c) => c[j] ?? '').filter(Boolean).join(GAP_MARK);
      if (line) out.push(line);
    }
  }
  return out;
}
