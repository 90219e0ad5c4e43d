// Document metadata read from the official layout (Decree 30/2020/NĐ-CP): issuer, number, type,
// place and date, subject, addressees, recipients. Line-based and linear: any text in, never throws.
import type { DocumentMeta, DocumentType, OfficialDocument } from '../domain/records.js';
import { detectLanguage, fold, foldAligned, hasVietnameseMarks, slug } from './text.js';
import { resolveUnit } from './units.js';
import { BULLET, bulletText, columns, linesOf } from './layout-lines.js';
import { readRecipients, readSigner } from './closing.js';
import { isCaps, sentenceCase, titleCase } from './letter-case.js';

export interface BuildDocumentInput {
  text: string; // NFC
  sourcePath: string; // relPath of the source file
  overrides?: Partial<DocumentMeta>; // front matter / sidecar, wins over the layout
  /** Where each page starts in `text` (ExtractedText.pageStarts), for a file with pages. */
  pageStarts?: number[] | undefined;
}

const HEADER_LINES = 40; // the layout's header sits in the first lines

const TYPE_HEADINGS: Array<[RegExp, DocumentType]> = [
  [/^ke hoach\b/, 'ke-hoach'],
  [/^quyet dinh\b/, 'quyet-dinh'],
  [/^nghi quyet\b/, 'nghi-quyet'],
  [/^chi thi\b/, 'chi-thi'],
  [/^chuong trinh\b/, 'chuong-trinh'],
  [/^bao cao\b/, 'bao-cao'],
  [/^thong bao\b/, 'thong-bao'],
  [/^cong van\b|^official dispatch\b/, 'cong-van'],
  [/^plan\b/, 'ke-hoach'],
  [/^decision\b/, 'quyet-dinh'],
  [/^resolution\b/, 'nghi-quyet'],
  [/^directive\b/, 'chi-thi'],
  [/^program(?:me)?\b/, 'chuong-trinh'],
  [/^report\b/, 'bao-cao'],
  [/^notice\b/, 'thong-bao'],
];

const TYPE_CODES: Record<string, DocumentType> = {
  kh: 'ke-hoach', qd: 'quyet-dinh', nq: 'nghi-quyet', ct: 'chi-thi', ctr: 'chuong-trinh',
  bc: 'bao-cao', tb: 'thong-bao', tt: 'thong-tu', nd: 'nghi-dinh', cv: 'cong-van',
};

export const TYPE_NAMES: Record<DocumentType, { vi: string; en: string }> = {
  'cong-van': { vi: 'Công văn', en: 'Official Dispatch' },
  'ke-hoach': { vi: 'Kế hoạch', en: 'Plan' },
  'quyet-dinh': { vi: 'Quyết định', en: 'Decision' },
  'nghi-quyet': { vi: 'Nghị quyết', en: 'Resolution' },
  'chi-thi': { vi: 'Chỉ thị', en: 'Directive' },
  'chuong-trinh': { vi: 'Chương trình', en: 'Programme' },
  'bao-cao': { vi: 'Báo cáo', en: 'Report' },
  'thong-bao': { vi: 'Thông báo', en: 'Notice' },
  'thong-tu': { vi: 'Thông tư', en: 'Circular' },
  'nghi-dinh': { vi: 'Nghị định', en: 'Decree' },
  luat: { vi: 'Luật', en: 'Law' },
  khac: { vi: 'Văn bản', en: 'Document' },
};

const MONTHS_EN = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

// The national motto block and decorations of the two-column header: never the issuer.
const MOTTO = /cong hoa xa hoi chu nghia viet nam|doc lap\s*-\s*tu do\s*-\s*hanh phuc|dang cong san viet nam|socialist republic of viet ?nam|independence\s*-\s*freedom\s*-\s*happiness/g;

/** What the official layout says about a document. */
export function readLayout(text: string): Partial<DocumentMeta> {
  const lines = linesOf(text);
  const head = lines.slice(0, HEADER_LINES);
  const meta: Partial<DocumentMeta> = {};

  const number = readNumber(head);
  if (number) meta.number = number;
  const issuer = readIssuer(head);
  if (issuer) meta.issuer = issuer;
  const when = readPlaceDate(head);
  if (when.place) meta.place = when.place;
  if (when.date) meta.date = when.date;
  const heading = readHeading(head);
  const type = heading?.type ?? typeFromNumber(number, head);
  if (type) meta.type = type;
  const subject = readSubject(lines, heading?.index);
  if (subject) meta.subject = subject;
  const year = when.date ? Number(when.date.slice(0, 4)) : when.year ?? yearFromNumber(number);
  if (year) meta.year = year;
  const addressees = readAddressees(lines);
  if (addressees.length) meta.addressees = addressees;
  const recipients = readRecipients(lines);
  if (recipients.length) meta.recipients = recipients;
  const signer = readSigner(lines);
  if (signer) meta.signer = signer;
  return meta;
}

function readNumber(head: string[]): string | undefined {
  for (const line of head) {
    for (const col of columns(line)) {
      const { folded, map } = foldAligned(col);
      const m = /^(?:so|no\.?|number)\s*:?\s*(?=\d)/.exec(folded);
      if (!m) continue;
      const num = /^\d+(?:[/-][\p{L}\d.&]+)+/u.exec(col.slice(map[m[0].length] ?? col.length));
      if (num) return num[0].replace(/[.]+$/, '');
    }
  }
  return undefined;
}

/** The capitals block at the top (either column), without the national motto. */
function readIssuer(head: string[]): string | undefined {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(head.length, 12); i++) {
    for (const col of columns(head[i] ?? '')) {
      const f = fold(col);
      if (/^(?:so|no\.?)\s*:?\s*\d/.test(f) || /,\s*(?:ngay|\d)/.test(f) || /^(?:v\/v|ve viec|re:|subject:)/.test(f)) continue;
      if (!f.replace(MOTTO, '').replace(/[-_=*.\s]/g, '')) continue; // motto or a rule line
      const caps = isCaps(col);
      if (caps && TYPE_HEADINGS.some(([re]) => re.test(f))) return issuerName(parts);
      if (!caps) {
        // The first ordinary line ends the header; a line or two before it may be a label.
        if (parts.length || i >= 4) return issuerName(parts);
        continue;
      }
      const cleaned = cutMotto(col);
      if (cleaned) parts.push(cleaned);
    }
  }
  return issuerName(parts);
}

function cutMotto(col: string): string {
  const { folded, map } = foldAligned(col);
  let out = '';
  let last = 0;
  MOTTO.lastIndex = 0;
  for (let m = MOTTO.exec(folded); m; m = MOTTO.exec(folded)) {
    out += col.slice(map[last] ?? 0, map[m.index] ?? 0);
    last = m.index + m[0].length;
  }
  out += col.slice(map[last] ?? col.length);
  return out.replace(/\s+/g, ' ').replace(/^[\s\-_*]+|[\s\-_*]+$/g, '');
}

/** "ỦY BAN NHÂN DÂN" + "THÀNH PHỐ HÀ NỘI" → "Ủy ban nhân dân thành phố Hà Nội"; a department under it wins. */
function issuerName(parts: string[]): string | undefined {
  if (!parts.length) return undefined;
  const agency = parts.findIndex((p, i) => i > 0 && /^(?:so|van phong|thanh tra|trung tam|ban|chi cuc|phong)\b/.test(fold(p)));
  const chosen = agency > 0 ? parts.slice(agency) : parts;
  const joined = chosen.join(' ').replace(/\s+/g, ' ').trim();
  const known = resolveUnit(joined);
  if (known && known.kind !== 'ubnd-thanh-pho' && fold(known.name).length >= fold(joined).length - 2) return known.name;
  return hasVietnameseMarks(joined) ? sentenceCase(joined) : titleCase(joined);
}

function readPlaceDate(head: string[]): { place?: string; date?: string; year?: number } {
  for (const line of head) {
    for (const col of columns(line)) {
      const f = fold(col);
      const vi = /^([^,\d]{2,40}),\s*ngay\s*([\d.…_]*)\s*(?:thang|\/)\s*([\d.…_]*)\s*(?:nam|\/)\s*(\d{4})/.exec(f);
      const viNum = vi ? null : /^([^,\d]{2,40}),\s*(?:ngay\s*)?(\d{1,2})\s*\/\s*(\d{1,2})\s*\/\s*(\d{4})/.exec(f);
      const m = vi ?? viNum;
      if (m) {
        const place = col.slice(0, (m[1] ?? '').length).trim();
        const y = Number(m[4]);
        const d = Number((m[2] ?? '').trim());
        const mo = Number((m[3] ?? '').trim());
        return { place, year: y, ...(validDate(y, mo, d) ? { date: iso(y, mo, d) } : {}) };
      }
      const en = /^([a-z][a-z .]{1,30}),\s*(?:(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)|([a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?),?\s+(\d{4})\b/.exec(f);
      if (en) {
        const mo = MONTHS_EN.indexOf(en[3] ?? en[4] ?? '') + 1;
        const d = Number(en[2] ?? en[5]);
        const y = Number(en[6]);
        if (mo > 0) return { place: col.slice(0, (en[1] ?? '').length).trim(), year: y, ...(validDate(y, mo, d) ? { date: iso(y, mo, d) } : {}) };
      }
    }
  }
  return {};
}

function validDate(y: number, m: number, d: number): boolean {
  if (!(y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1)) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function readHeading(head: string[]): { type: DocumentType; index: number } | undefined {
  for (let i = 0; i < head.length; i++) {
    const line = (head[i] ?? '').trim();
    if (!line || line.length > 60 || !isCaps(line)) continue;
    const f = fold(line);
    for (const [re, type] of TYPE_HEADINGS) if (re.test(f)) return { type, index: i };
  }
  return undefined;
}

function typeFromNumber(number: string | undefined, head: string[]): DocumentType | undefined {
  if (!number) return undefined;
  const codes = fold(number).split(/[/-]/).slice(1);
  for (const c of codes) {
    const t = TYPE_CODES[c];
    if (t) return t;
  }
  // "2458/UBND-SNV": no type code; with a "V/v" subject or a "Kính gửi" it is a dispatch.
  if (head.some((l) => /(?:^|\s)(?:v\/v|re:|kinh gui)/.test(fold(l.trim())))) return 'cong-van';
  return undefined;
}

function yearFromNumber(number: string | undefined): number | undefined {
  const m = number ? /\/((?:19|20)\d\d)\//.exec(number) : null;
  return m ? Number(m[1]) : undefined;
}

/** "V/v …" (possibly over two lines), "Re:"/"Subject:", or the title block under the type heading. */
function readSubject(lines: string[], headingIndex: number | undefined): string | undefined {
  const head = lines.slice(0, HEADER_LINES);
  for (let i = 0; i < head.length; i++) {
    const cols = columns(head[i] ?? '');
    for (const col of cols) {
      const m = /^(?:v\/v|ve viec:|re:|subject:|regarding:)\s*/.exec(fold(col));
      if (!m) continue;
      const parts = [col];
      // A subject wraps over the next lines (two, sometimes three) until a blank line or the addressees.
      for (let j = i + 1; cols.length === 1 && j < Math.min(head.length, i + 4); j++) {
        const next = (head[j] ?? '').trim();
        const last = parts[parts.length - 1] ?? '';
        if (!next || /[.;]$/.test(last) || !continues(next) || columns(head[j] ?? '').length > 1) break;
        if (parts.length > 1 && next.length > 120) break; // a long line is the body, not the subject
        parts.push(next);
      }
      const s = parts.join(' ').replace(/\s+/g, ' ').trim();
      return /^(re|subject|regarding):/i.test(s) ? s.replace(/^[^:]*:\s*/, '') : s;
    }
  }
  if (headingIndex === undefined) return undefined;
  const block: string[] = [];
  for (let i = headingIndex + 1; i < Math.min(lines.length, headingIndex + 5); i++) {
    const line = (lines[i] ?? '').trim();
    if (!line) {
      if (block.length) break;
      continue;
    }
    if (/^[-_=*]{3,}$/.test(line) || !continues(line) || /^(?:can cu|\d+\.|[ivx]+\.)/.test(fold(line))) break;
    block.push(line);
  }
  const s = block.join(' ').replace(/\s+/g, ' ').trim();
  return s || undefined;
}

/** A line that can continue a subject: not an addressee line, a date line or a body item. */
function continues(line: string): boolean {
  const f = fold(line);
  return !/^(?:kinh gui|to:|noi nhan|recipients|so\s*:|no\.|\d+\.|[a-z]\)|-|can cu|pursuant)/.test(f) && !/,\s*ngay\b/.test(f) && line.length < 200;
}

/**
 * "Kính gửi:" and what follows: the rest of its line split at ";", then a list of "-" items or
 * of plain lines that each end with ";" (the last with "."), blank lines between items allowed.
 */
function readAddressees(lines: string[]): string[] {
  for (let i = 0; i < Math.min(lines.length, HEADER_LINES + 20); i++) {
    const line = (lines[i] ?? '').trim();
    const m = /^(?:kinh gui|to)\s*:\s*/.exec(fold(line));
    if (!m) continue;
    const first = line.slice(m[0].length).trim();
    const out = splitAddressees(first);
    let open = !first || /[;,]$/.test(first); // a list goes on after ";" (or an empty "Kính gửi:")
    for (let j = i + 1; j < lines.length && j < i + 30; j++) {
      const next = (lines[j] ?? '').trim();
      if (!next) {
        // A blank line ends the list, unless another item follows it.
        const after = lines.slice(j + 1, j + 3).find((l) => l.trim())?.trim() ?? '';
        if (out.length === 0 || BULLET.test(after)) continue;
        break;
      }
      if (BULLET.test(next)) out.push(...splitAddressees(next));
      else if (open && next.length < 150 && !/^(?:\d+[.)]|[ivx]+\.)\s/i.test(next)) out.push(...splitAddressees(next));
      else break;
      open = /[;,]$/.test(next);
    }
    return out.filter((s) => s.length > 0 && s.length < 300);
  }
  return [];
}

function splitAddressees(text: string): string[] {
  return text.split(';').map(bulletText).filter(Boolean);
}

/** A readable title: "Công văn 2458/UBND-SNV: V/v …", "Official Dispatch No. …: …". */
function buildTitle(meta: Partial<DocumentMeta>, language: 'vi' | 'en'): string | undefined {
  const typeName = meta.type ? TYPE_NAMES[meta.type][language] : undefined;
  const subject = meta.subject ? cap(meta.subject, 200) : undefined;
  let head: string | undefined;
  if (typeName && meta.number) head = language === 'en' ? `${typeName} No. ${meta.number}` : `${typeName} ${meta.number}`;
  else if (meta.number) head = language === 'en' ? `Document No. ${meta.number}` : `Văn bản ${meta.number}`;
  else head = typeName;
  if (head && subject) return `${head}: ${subject}`;
  return head ?? subject;
}

function cap(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

export function buildDocument(input: BuildDocumentInput): OfficialDocument {
  const text = String(input.text ?? '');
  const sourcePath = String(input.sourcePath ?? '');
  const layout = readLayout(text);
  const merged: Partial<DocumentMeta> = { ...layout, ...definedOnly(input.overrides ?? {}) };
  const language = merged.language ?? detectLanguage(text);
  const fromNumber = merged.number ? slug(merged.year ? `${merged.number}-${merged.year}` : merged.number) : '';
  const id = merged.id ?? (fromNumber || slug(sourcePath) || 'document');
  const firstLine = text.split('\n').map((l) => l.trim()).find(Boolean);
  const title = merged.title ?? buildTitle(merged, language) ?? (firstLine ? cap(firstLine, 200) : undefined) ?? (sourcePath || id);
  return {
    ...merged,
    id,
    title: title || id,
    addressees: merged.addressees ?? [],
    recipients: merged.recipients ?? [],
    language,
    summaryOnly: merged.summaryOnly ?? false,
    text,
    sourcePath,
    ...(input.pageStarts?.length ? { pageStarts: input.pageStarts } : {}),
  };
}

/** Overrides with undefined values must not erase what the layout found. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
