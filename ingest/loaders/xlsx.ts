// XLSX text with read-excel-file: each sheet's title rows as lines, then its table as rows
// (tables.ts), so a plan's task appendix kept as a spreadsheet yields its tasks like a DOCX one.
// read-excel-file gives values only; merged cells ("Sở Tài chính" over three rows) are read
// from the sheet's own <mergeCells> so that every row covered gets the value.
import JSZip from 'jszip';
import readXlsxFile from 'read-excel-file/node';
import type { DocumentMeta, DocumentType } from '../../domain/records.js';
import { TYPE_NAMES } from '../metadata.js';
import { foldAligned, nfc, slug, tidy } from '../text.js';
import { tableText, withColumnGaps, type TableCell } from './tables.js';
import { LoadError, type TextExtractor } from './types.js';
import { checkZip } from './zip-guard.js';

type Value = string | number | boolean | Date | null;

export const extractXlsx: TextExtractor = async (file) => {
  await checkZip(file); // an XLSX is a zip: a bomb is refused before anything unpacks it
  let sheets: Array<{ sheet: string; data: Value[][] }>;
  let merges: Map<string, Merge[]>;
  try {
    sheets = (await readXlsxFile(file.bytes)) as Array<{ sheet: string; data: Value[][] }>;
    merges = await mergedCells(file.bytes);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: not a readable XLSX file (${why}). / Tệp XLSX bị hỏng hoặc không phải XLSX.`, { cause: err });
  }
  const parts = sheets.map((s) => sheetText(s.sheet, s.data, merges.get(s.sheet) ?? []));
  const text = withColumnGaps(tidy(nfc(parts.filter(Boolean).join('\n\n'))));
  return { text, meta: appendixMeta(text, file.relPath), warnings: [] };
};

const TYPE_WORDS: Array<[RegExp, DocumentType]> = [
  [/^ke hoach/, 'ke-hoach'], [/^quyet dinh/, 'quyet-dinh'], [/^cong van/, 'cong-van'], [/^chuong trinh/, 'chuong-trinh'],
  [/^nghi quyet/, 'nghi-quyet'], [/^chi thi/, 'chi-thi'], [/^thong bao/, 'thong-bao'],
];

/**
 * A spreadsheet appendix has no official header; its title says whose it is ("Kèm theo Kế hoạch
 * số 322/KH-UBND ngày 12/11/2026 của UBND Thành phố"). It then carries that document's number,
 * type, date and issuer, so that "… theo Kế hoạch 322/KH-UBND" finds its rows; its id stays its
 * own (the plan itself may be ingested too).
 */
function appendixMeta(text: string, relPath: string): Partial<DocumentMeta> {
  const lines = text.split('\n').slice(0, 8);
  const heading = lines.filter((l) => !l.startsWith('|')).map((l) => l.replace(/^\(|\)$/g, '').trim());
  for (const line of heading) {
    const { folded, map } = foldAligned(line);
    const m = /kem theo\s+((?:ke hoach|quyet dinh|cong van|chuong trinh|nghi quyet|chi thi|thong bao))\s+(?:so\s*:?\s*)?(\d+(?:[/-][a-z\d.&]+)+)(?:\s+ngay\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}))?(?:\s+cua\s+(.+))?/.exec(folded);
    if (!m) continue;
    const type = TYPE_WORDS.find(([re]) => re.test(m[1] ?? ''))?.[1];
    const at = m.index + m[0].indexOf(m[2] ?? '', (m[1] ?? '').length);
    const number = line.slice(map[at] ?? 0, map[at + (m[2] ?? '').length] ?? line.length);
    const issuerAt = m[6] ? map[folded.length - m[6].length] : undefined;
    const [d, mo, y] = [Number(m[3]), Number(m[4]), Number(m[5])];
    const titled = heading.filter((l) => l !== line && !/^\s*\|/.test(l)).join(' – ');
    const meta: Partial<DocumentMeta> = {
      id: slug(relPath),
      number,
      ...(type ? { type, title: `${TYPE_NAMES[type].vi} ${number}${titled ? `: ${titled}` : ''}` } : {}),
      ...(y ? { year: y } : {}),
      ...(y && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 ? { date: `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` } : {}),
      ...(issuerAt !== undefined ? { issuer: line.slice(issuerAt).replace(/[).;\s]+$/, '') } : {}),
    };
    return meta;
  }
  return {};
}

interface Merge {
  row: number;
  col: number;
  rows: number;
  cols: number;
}

function sheetText(name: string, data: Value[][], merges: Merge[]): string {
  const cells = data.map((row) => row.map(show));
  const lines: string[] = [];
  // A sheet named "Phụ lục I" cites its rows as that appendix when no title row says so.
  if (/^\s*(?:phụ lục|phu luc|appendix|annex)\b/i.test(name)) lines.push(name.trim());
  // Title rows (one filled cell) above the table are the sheet's heading.
  let first = 0;
  while (first < cells.length && (cells[first] ?? []).filter(Boolean).length <= 1) {
    const only = (cells[first] ?? []).find(Boolean);
    if (only) lines.push(only);
    first++;
  }
  const covered = new Set<string>();
  const spanAt = new Map<string, Merge>();
  for (const m of merges) {
    spanAt.set(`${m.row}:${m.col}`, m);
    for (let r = m.row; r < m.row + m.rows; r++) for (let c = m.col; c < m.col + m.cols; c++) if (r !== m.row || c !== m.col) covered.add(`${r}:${c}`);
  }
  const rows: TableCell[][] = [];
  for (let r = first; r < cells.length; r++) {
    const row: TableCell[] = [];
    (cells[r] ?? []).forEach((value, c) => {
      if (covered.has(`${r}:${c}`)) return;
      const m = spanAt.get(`${r}:${c}`);
      row.push({ lines: value.split('\n'), colSpan: m?.cols ?? 1, rowSpan: m?.rows ?? 1 });
    });
    rows.push(row);
  }
  const table = tableText(rows);
  return [...lines, ...(table ? [table] : [])].join('\n');
}

/** A cell as it reads: dates the way dispatches write them (dd/mm/yyyy). */
function show(v: Value): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return `${String(v.getUTCDate()).padStart(2, '0')}/${String(v.getUTCMonth() + 1).padStart(2, '0')}/${v.getUTCFullYear()}`;
  return String(v).trim();
}

/** Each sheet's merged ranges, by sheet name (the workbook maps names to sheet parts). */
async function mergedCells(bytes: Buffer): Promise<Map<string, Merge[]>> {
  const zip = await JSZip.loadAsync(bytes);
  const workbook = (await zip.file('xl/workbook.xml')?.async('string')) ?? '';
  const rels = (await zip.file('xl/_rels/workbook.xml.rels')?.async('string')) ?? '';
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(m[0])?.[1];
    const target = /\bTarget="([^"]+)"/.exec(m[0])?.[1];
    if (id && target) targets.set(id, target.replace(/^\/?(?:xl\/)?/, 'xl/'));
  }
  const out = new Map<string, Merge[]>();
  for (const m of workbook.matchAll(/<sheet\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[0])?.[1];
    const id = /\br:id="([^"]+)"/.exec(m[0])?.[1];
    const part = id ? targets.get(id) : undefined;
    const xml = part ? await zip.file(part)?.async('string') : undefined;
    if (!name || !xml) continue;
    const ranges = [...xml.matchAll(/<mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/g)].map((r) => {
      const [c1, r1, c2, r2] = [column(r[1]!), Number(r[2]) - 1, column(r[3]!), Number(r[4]) - 1];
      return { row: r1, col: c1, rows: r2 - r1 + 1, cols: c2 - c1 + 1 };
    });
    out.set(unescapeXml(name), ranges);
  }
  return out;
}

function column(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
