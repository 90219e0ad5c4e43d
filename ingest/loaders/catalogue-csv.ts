// The flat catalogue CSV that admins export from a spreadsheet, read into procedures and written
// back. One procedure a row; UTF-8 (a BOM is fine), RFC 4180 quoting, LF or CRLF.
//
// Header (column order free; `code` and `name` required, the others optional; unknown columns are
// reported and ignored):
//   code,name,name_en,level,field,agency,url,aliases,papers,channels,legal_basis,applicants
// Multi-valued cells separate their items with " | " (space, bar, space):
//   level        Cấp xã | Cấp tỉnh
//   aliases      giấy khai sinh | làm khai sinh
//   papers       [Trường hợp …] Name (count) | …
//                  the count in round brackets at the end: "(1 bản chính)", "(1 bản sao)",
//                  "(1 bản chính, 1 bản sao)"; without it the count is left empty.
//                  An optional leading "[…]" names the case; "[xuất trình]" or
//                  "[xuất trình: Trường hợp …]" marks papers to show rather than hand in.
//                  Items in a row with the same case and kind form one group, in order.
//   channels     online: 3 ngày làm việc; Miễn phí | in-person: 3 ngày làm việc; 50.000 đồng; note
//                  channel = online | in-person | postal (or trực tuyến | trực tiếp | bưu chính),
//                  then "time; fee" and an optional "; note" (the rest of the item).
//   legal_basis  Luật Hộ tịch 60/2014/QH13 | Nghị định 123/2015/NĐ-CP
//                  a document number at the end of an item becomes its number.
//   url          an https link to the procedure's page on dichvucong.gov.vn or dichvucong.hanoi.gov.vn
//                  (from the portal; never guessed); any other link is dropped with a warning
// A literal " | " cannot appear inside an item.
import type { FilingChannel, LegalBasis, PaperGroup, RequiredPaper } from '../../domain/records.js';
import { Procedure } from '../../domain/records.js';
import { nfc, tidy } from '../text.js';
import { keepLink } from '../urls.js';
import { CsvError, parseCsv, toCsv } from './csv.js';

export const CATALOGUE_CSV_COLUMNS = [
  'code',
  'name',
  'name_en',
  'level',
  'field',
  'agency',
  'url',
  'aliases',
  'papers',
  'channels',
  'legal_basis',
  'applicants',
] as const;
type Column = (typeof CATALOGUE_CSV_COLUMNS)[number];

const SEP = ' | ';
const CHANNEL_WORDS: Record<string, FilingChannel['channel']> = {
  online: 'online',
  'in-person': 'in-person',
  postal: 'postal',
  'trực tuyến': 'online',
  'trực tiếp': 'in-person',
  'bưu chính': 'postal',
  'dịch vụ bưu chính': 'postal',
};
const CHANNEL_OUT: Record<FilingChannel['channel'], string> = { online: 'online', 'in-person': 'in-person', postal: 'postal' };
const NUMBER_AT_END = /\s*(\d+(?:\.\d+)?\/(?:\d{4}\/)?\p{Lu}[\p{Lu}\p{Ll}\d/_-]*)$/u;

/** A CSV file that cannot be read as a catalogue at all (bad quoting, no code/name columns). */
export class CatalogueCsvError extends Error {
  override readonly name = 'CatalogueCsvError';
  constructor(
    message: string,
    readonly line: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function parseCatalogueCsv(text: string): { procedures: Procedure[]; warnings: string[]; rows: number } {
  let rows;
  try {
    rows = parseCsv(nfc(text));
  } catch (err) {
    if (err instanceof CsvError) throw new CatalogueCsvError(err.message, err.line, { cause: err });
    throw err;
  }
  const header = rows[0];
  if (!header) throw new CatalogueCsvError('dòng 1: tệp CSV trống', 1);
  const names = header.cells.map((c) => c.trim().toLowerCase());
  if (!names.includes('code') || !names.includes('name')) {
    throw new CatalogueCsvError(`dòng ${header.line}: dòng tiêu đề phải có cột code và name (các cột: ${CATALOGUE_CSV_COLUMNS.join(',')})`, header.line);
  }
  const warnings: string[] = [];
  const unknown = names.filter((n) => !(CATALOGUE_CSV_COLUMNS as readonly string[]).includes(n));
  if (unknown.length > 0) warnings.push(`dòng ${header.line}: bỏ qua cột không biết: ${unknown.join(', ')}`);

  const procedures: Procedure[] = [];
  for (const row of rows.slice(1)) {
    const get = (col: Column): string => {
      const i = names.indexOf(col);
      return i < 0 ? '' : tidy(row.cells[i] ?? '');
    };
    if (row.cells.length > names.length) warnings.push(`dòng ${row.line}: thừa ô (${row.cells.length} ô, tiêu đề có ${names.length})`);
    // A link that may not be shown is dropped, with a warning; the row is kept.
    const link = keepLink(get('url'), 'portal', `dòng ${row.line} (${get('code') || 'không mã'})`);
    if (link.warning) warnings.push(link.warning);
    const result = Procedure.safeParse({
      code: get('code'),
      name: get('name'),
      nameEn: get('name_en') || undefined,
      level: items(get('level')),
      field: get('field') || undefined,
      agency: get('agency') || undefined,
      url: link.url,
      aliases: items(get('aliases')),
      papers: papers(get('papers')),
      channels: channels(get('channels'), row.line, warnings),
      legalBasis: items(get('legal_basis')).map(legal),
      applicants: get('applicants') || undefined,
      origin: 'curated',
    });
    if (result.success) procedures.push(result.data);
    else {
      const why = result.error.issues.map((i) => `${i.path.join('.') || '(dòng)'}: ${i.message}`).join('; ');
      warnings.push(`dòng ${row.line} (${get('code') || 'không mã'}): bỏ qua, ${why}`);
    }
  }
  return { procedures, warnings, rows: rows.length - 1 };
}

function items(cell: string): string[] {
  return cell === '' ? [] : cell.split(/\s+\|\s+/).map((s) => s.trim()).filter(Boolean);
}

function papers(cell: string): PaperGroup[] {
  const groups: PaperGroup[] = [];
  for (const item of items(cell)) {
    let rest = item;
    let kase: string | null = null;
    let kind: PaperGroup['kind'] = 'submit';
    const head = /^\[([^\]]*)\]\s*/.exec(rest);
    if (head) {
      rest = rest.slice(head[0].length);
      const label = head[1]!.trim();
      const present = /^xuất trình\s*:?\s*/i.exec(label);
      if (present) kind = 'present';
      kase = (present ? label.slice(present[0].length) : label).trim() || null;
    }
    const paper: RequiredPaper = { name: rest, copies: '' };
    const count = /\s*\(((\d+) bản (chính|sao)(?:, (\d+) bản sao)?)\)$/u.exec(rest);
    if (count) {
      paper.name = rest.slice(0, count.index).trim();
      paper.copies = count[1]!;
      if (count[3] === 'chính') paper.original = Number(count[2]);
      else paper.copy = Number(count[2]);
      if (count[4] !== undefined) paper.copy = Number(count[4]);
    }
    const last = groups[groups.length - 1];
    if (last && last.case === kase && last.kind === kind) last.papers.push(paper);
    else groups.push({ case: kase, kind, papers: [paper] });
  }
  return groups;
}

function channels(cell: string, line: number, warnings: string[]): FilingChannel[] {
  const out: FilingChannel[] = [];
  for (const item of items(cell)) {
    const m = /^([^:]+):\s*(.*)$/u.exec(item);
    const kind = m ? CHANNEL_WORDS[m[1]!.trim().toLowerCase()] : undefined;
    if (!m || !kind) {
      warnings.push(`dòng ${line}: cách nộp không rõ "${item}" (cần online:, in-person: hoặc postal:)`);
      continue;
    }
    const [time = '', fee = '', ...note] = m[2]!.split(';').map((s) => s.trim());
    const channel: FilingChannel = { channel: kind, time, fee };
    if (note.join('; ') !== '') channel.note = note.join('; ');
    out.push(channel);
  }
  return out;
}

function legal(item: string): LegalBasis {
  const m = NUMBER_AT_END.exec(item);
  if (!m) return { title: item };
  const title = item.slice(0, m.index).trim();
  return { title: title || m[1]!, number: m[1]! };
}

/** Writes procedures in the same format (an admin's round trip; the loss is forms and notes with " | "). */
export function formatCatalogueCsv(procedures: readonly Procedure[]): string {
  const rows: string[][] = [[...CATALOGUE_CSV_COLUMNS]];
  for (const p of procedures) {
    const paperItems = p.papers.flatMap((g) =>
      g.papers.map((paper) => {
        const label = g.kind === 'present' ? (g.case ? `xuất trình: ${g.case}` : 'xuất trình') : g.case;
        return `${label ? `[${label}] ` : ''}${paper.name}${paper.copies ? ` (${paper.copies})` : ''}`;
      }),
    );
    rows.push([
      p.code,
      p.name,
      p.nameEn ?? '',
      p.level.join(SEP),
      p.field ?? '',
      p.agency ?? '',
      p.url ?? '',
      p.aliases.join(SEP),
      paperItems.join(SEP),
      p.channels.map((c) => `${CHANNEL_OUT[c.channel]}: ${[c.time, c.fee, ...(c.note ? [c.note] : [])].join('; ')}`).join(SEP),
      p.legalBasis.map((l) => (l.number && l.title !== l.number ? `${l.title} ${l.number}` : (l.number ?? l.title))).join(SEP),
      p.applicants ?? '',
    ]);
  }
  return toCsv(rows);
}
