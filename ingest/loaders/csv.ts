// RFC 4180 CSV: rows read by csv-parse (quoted cells may hold commas, quotes ("") and line
// breaks; CRLF, LF or CR line ends; a leading BOM is ignored), with errors that name the line in
// Vietnamese; and the small writer the catalogue's round trip needs.
import { CsvError as ParseError, parse } from 'csv-parse/sync';

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
    options?: { cause?: unknown },
  ) {
    super(`dòng ${line}: ${message}`, options);
  }
}

const BREAK = /\r\n|\n|\r/g;
const LEADING_BREAKS = /^(?:\r\n|\n|\r)*/;
const breaks = (text: string): number => text.match(BREAK)?.length ?? 0;

// csv-parse's codes for malformed quoting, in the words an admin fixing a spreadsheet needs.
const PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'ô mở dấu ngoặc kép nhưng không đóng',
  INVALID_OPENING_QUOTE: 'dấu ngoặc kép (") đặt giữa ô; hãy đặt cả ô trong ngoặc kép và nhân đôi dấu " bên trong',
  CSV_INVALID_CLOSING_QUOTE: 'có ký tự sau dấu ngoặc kép đóng ô',
};

/** Parses CSV text into rows. Blank lines are skipped; a row of one empty cell is a blank line. */
export function parseCsv(text: string): CsvRow[] {
  const src = Buffer.from(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, 'utf8');
  // Line breaks are ASCII, and no byte of a multi-byte UTF-8 letter is: count them in latin1.
  const latin1 = (from: number, to?: number): string => src.toString('latin1', from, to);
  const rows: CsvRow[] = [];
  let line = 1;
  // Bytes read through the last record's line end (csv-parse's `bytes`, blank lines skipped
  // before a record included): the next row, or the one that failed, starts after them.
  let read = 0;
  try {
    parse(src, {
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      // Rows are kept here, with their line (returning null collects nothing else).
      on_record: (record, { bytes }) => {
        const region = latin1(read, bytes);
        const rowLine = line + breaks(LEADING_BREAKS.exec(region)?.[0] ?? '');
        line += breaks(region);
        read = bytes;
        // A CRLF inside a quoted cell is one line break in the value.
        const cells = record.map((cell) => cell.replace(/\r\n/g, '\n'));
        if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
        return null;
      },
    });
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const startLine = line + breaks(LEADING_BREAKS.exec(latin1(read))?.[0] ?? '');
    throw new CsvError(startLine, PROBLEMS[err.code] ?? err.message, { cause: err });
  }
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
