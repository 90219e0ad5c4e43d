import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, toCsv } from '../../../ingest/loaders/csv.js';

const cells = (text: string) => parseCsv(text).map((r) => r.cells);

describe('parseCsv', () => {
  it('reads plain rows with LF or CRLF line ends', () => {
    expect(cells('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(cells('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(cells('a,b\r\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted cells', () => {
    const rows = parseCsv('code,name\r\n1,"UBND xã, phường"\r\n2,"Phiếu ""số 1"""\r\n3,"dòng một\r\ndòng hai"\r\n4,x\r\n');
    expect(rows.map((r) => r.cells[1])).toEqual(['name', 'UBND xã, phường', 'Phiếu "số 1"', 'dòng một\ndòng hai', 'x']);
    // A row's line is where it starts, counting the lines inside quoted cells.
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
  });

  it('ignores a leading BOM and blank lines, keeps empty cells', () => {
    expect(cells('\ufeffcode,name\n\n1,,\n')).toEqual([['code', 'name'], ['1', '', '']]);
  });

  it('names the line of a quote that is never closed', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"open\n4,5\n')).toThrowError(CsvError);
    try {
      parseCsv('a,b\n1,2\n3,"open\n4,5\n');
    } catch (err) {
      expect((err as CsvError).line).toBe(3);
      expect((err as CsvError).message).toMatch(/^dòng 3:/);
    }
  });

  it('names the line where a multi-line row starts, and keeps the parser’s own error as the cause', () => {
    const error = (() => {
      try {
        parseCsv('a,b\r\n"dòng một\r\ndòng hai",1\r\n\r\n3,"mở mà không đóng\r\n4,5\r\n');
      } catch (err) {
        return err as CsvError;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(CsvError);
    expect(error.line).toBe(5);
    expect(error.message).toBe('dòng 5: ô mở dấu ngoặc kép nhưng không đóng');
    expect((error.cause as { code?: string }).code).toBe('CSV_QUOTE_NOT_CLOSED');
  });

  it('reads LF, CRLF and lone CR line ends mixed in one file', () => {
    const rows = parseCsv('a,b\r1,2\n3,4\r\n5,"x\ny"\r6,7');
    expect(rows.map((r) => r.cells)).toEqual([['a', 'b'], ['1', '2'], ['3', '4'], ['5', 'x\ny'], ['6', '7']]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
  });

  it('rejects a quote in the middle of a bare cell and text after a closing quote', () => {
    expect(() => parseCsv('a,b\n1,ab"c\n')).toThrowError(/dòng 2/);
    expect(() => parseCsv('a,b\n1,"ab"c\n')).toThrowError(/dòng 2/);
  });
});

describe('toCsv', () => {
  it('quotes only what needs quoting and uses CRLF', () => {
    expect(toCsv([['a', 'b,c', 'd"e', 'f\ng']])).toBe('a,"b,c","d""e","f\ng"\r\n');
  });

  it('round-trips any table of text (Vietnamese, quotes, commas, line breaks)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'ệ', 'Đ', ' ', ',', '"', '\n', '\r\n', '|', '1') });
    const row = fc.array(cell, { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
        // A lone CR inside a cell is read back as written; CRLF inside a quoted cell becomes LF.
        const expected = rows.map((r) => r.map((c) => c.replace(/\r\n/g, '\n')));
        expect(cells(toCsv(rows))).toEqual(expected);
      }),
    );
  });
});
