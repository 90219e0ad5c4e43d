// A small RFC 4180 CSV reader and writer: quoted cells may hold commas, quotes ("") and
// line breaks; CRLF or LF line ends; a leading BOM is ignored. Errors name the line.

export interface CsvRow {
  /** 1-based line on which the row starts (a quoted cell may carry it over several lines). */
  line: number;
  cells: string[];
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`dòng ${line}: ${message}`);
  }
}

/** Parses CSV text into rows. Blank lines are skipped; a row of one empty cell is a blank line. */
export function parseCsv(text: string): CsvRow[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false; // inside a quoted cell
  let wasQuoted = false; // the current cell was quoted (so text after its closing quote is an error)

  const endCell = () => {
    cells.push(cell);
    cell = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
  };

  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        // A CRLF inside a quoted cell is one line break in the value.
        if (ch === '\r' && src[i + 1] === '\n') continue;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (cell !== '' || wasQuoted) throw new CsvError(line, 'dấu ngoặc kép (") đặt giữa ô; hãy đặt cả ô trong ngoặc kép và nhân đôi dấu " bên trong');
      quoted = true;
      wasQuoted = true;
      continue;
    }
    if (wasQuoted && ch !== ',' && ch !== '\n' && ch !== '\r') {
      throw new CsvError(line, 'có ký tự sau dấu ngoặc kép đóng ô');
    }
    if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new CsvError(rowLine, 'ô mở dấu ngoặc kép nhưng không đóng');
  if (cell !== '' || cells.length > 0 || wasQuoted) endRow();
  return rows;
}

/** Quotes a cell only when it has to (comma, quote, line break, or edge spaces). */
export function csvCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes rows as CSV with CRLF line ends (RFC 4180). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
