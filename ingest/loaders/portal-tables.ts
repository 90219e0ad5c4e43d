// Parsers for the three tables of a portal record that the crawl flattened into run-together
// text: required papers, filing channels, legal basis. Each returns what it could read plus
// issue kinds ("papers:unparsed-tail") so that partial parses are counted, never hidden.
import type { FilingChannel, LegalBasis, PaperGroup, RequiredPaper } from '../../domain/records.js';
import { nfc, tidy } from '../text.js';

export interface Parsed<T> {
  value: T;
  issues: string[];
}

/** NFC, no invisible marks, tidy blank space. */
export function clean(text: string): string {
  return tidy(nfc(text).replace(/[\u200e\u200f\u2060]/g, ''));
}

/** The portal's "nothing here": empty, a dash run, "Không có thông tin" or "Không có". */
export function isBlank(text: string | undefined): boolean {
  if (text === undefined) return true;
  const t = clean(text);
  return t === '' || /^-+$/.test(t) || /^không có(?: thông tin)?\.?$/i.test(t);
}

// ---------------------------------------------------------------- papers

const PAPERS_HEADER = 'Tên giấy tờMẫu đơn, tờ khaiSố lượng';
/**
 * The portal writes a paper's count as "1 bản chính" or "0 bản chính,1 bản sao" and glues the
 * next paper to it, so a count followed by a space is running text ("01 bản sao có chứng thực").
 */
const COUNT = /(\d+) bản chính(?:, ?(\d+) bản sao)?(?!\s)/gu;
const FORM_FILE = /\.(?:docx?|pdf|xlsx?|rtf|odt|zip|rar)$/i;

interface RawPaper {
  name: string;
  original: number;
  copy: number | undefined;
}

export function parsePapers(field: string | undefined): Parsed<PaperGroup[]> {
  if (isBlank(field)) return { value: [], issues: ['papers:none'] };
  const text = nfc(field!).replace(/[\u200e\u200f\u2060]/g, '');
  const parts = text.split(PAPERS_HEADER);
  if (parts.length === 1) return { value: [], issues: ['papers:no-table'] };

  const issues = new Set<string>();
  const groups: PaperGroup[] = [];
  let title = parts[0]!;
  for (let i = 1; i < parts.length; i++) {
    const body = parts[i]!;
    const rows = splitRows(body);
    if (rows.papers.length === 0 && !isBlank(body)) issues.add('papers:no-count');
    const head = classifyTitle(title);
    let group: PaperGroup = { case: head.case, kind: head.kind, papers: [] };
    groups.push(group);
    for (const raw of rows.papers) {
      // Inside the notes ("Lưu ý") the portal's row order is loose, so headings there head nothing.
      const heading = group.case === 'Lưu ý' ? null : caseHeading(raw);
      if (heading !== null) {
        // A zero-count row "Trường hợp …:" opens a case inside the table.
        group = { case: heading, kind: group.kind, papers: [] };
        groups.push(group);
        continue;
      }
      const note = noteRow(raw);
      if (note !== null) {
        (group.notes ??= []).push(note);
        continue;
      }
      const paper = toPaper(raw);
      if (paper) group.papers.push(paper);
      else issues.add('papers:nameless');
    }
    title = rows.tail; // the text after a table's last count heads the next table
  }
  if (!isBlank(title.replace(/-+/g, ''))) issues.add('papers:unparsed-tail');
  const value = groups.filter((g) => g.papers.length > 0 || (g.notes?.length ?? 0) > 0);
  if (!value.some((g) => g.papers.length > 0)) issues.add('papers:none');
  return { value, issues: [...issues] };
}

/** Rules for whoever receives the file: the officer, the receiving or registering agency. */
const OFFICER =
  /^(?:người tiếp nhận|cán bộ|công chức|bộ phận (?:tiếp nhận|một cửa)|cơ quan (?:tiếp nhận|đăng ký|giải quyết|có thẩm quyền|quản lý|cấp)|ủy ban nhân dân cấp xã nơi tiếp nhận)/iu;
/** A note by its own label: "Lưu ý:", "* Lưu ý", "Ghi chú:", "Chú ý:". */
const NOTE_LABEL = /^(?:lưu ý|ghi chú|chú ý)(?![\p{L}\p{N}])/iu;
/** How a paper is named: a row with no count that starts otherwise is a condition or an explanation. */
const PAPER_NAME =
  /^(?:(?:[a-zđ]|\d{1,2})[.)]\s*)?(?:tờ khai|báo giá|giấy(?! tờ phải (?:nộp|xuất trình)\s*:?$)|bản (?:sao|chính|chụp|kê|khai|cam kết|đăng ký|thuyết minh|vẽ)|đơn|văn bản|hóa đơn|hợp đồng|chứng từ|chứng chỉ|chứng nhận|vận (?:tải )?đơn|phiếu|sổ|hộ chiếu|thẻ|ảnh|danh sách|báo cáo|quyết định|bảng|sơ đồ|mẫu|phụ lục|biên bản|tài liệu|hồ sơ (?:thiết kế|kỹ thuật)|bằng|trích lục|dự án|phương án|kế hoạch|đề án|tờ trình)/iu;
/** A rule spelled out in the row, not a paper: "… phải được hợp pháp hóa", "… không phải nộp …". */
const RULE = /(?<![\p{L}\p{N}])(?:phải được|phải bảo đảm|phải đảm bảo|có trách nhiệm|không phải (?:nộp|xuất trình|tải)|không được yêu cầu|được miễn|được thay thế|được sử dụng)(?![\p{L}\p{N}])/iu;

/**
 * A row that is not a paper to bring, as written (its count dropped), or null for a paper:
 * rules addressed to the receiving officer or agency and rows labelled "Lưu ý", whatever their
 * count, and rows with no count that do not name a paper or that state a rule.
 */
function noteRow(raw: RawPaper): string | null {
  const text = clean(raw.name).replace(/^[-+*•.…\s]+/, '').replace(/[;,]\s*$/, '').trim();
  if (!/\p{L}/u.test(text)) return null;
  const body = text.replace(/^(?:lưu ý|ghi chú|chú ý)\s*(?:[:：]\s*)?(?:[-+*•)]\s*)*/iu, '');
  if (NOTE_LABEL.test(text) || OFFICER.test(body)) return text;
  const zero = raw.original === 0 && !raw.copy;
  if (zero && (!PAPER_NAME.test(body) || RULE.test(body))) return text;
  return null;
}

function splitRows(body: string): { papers: RawPaper[]; tail: string } {
  const papers: RawPaper[] = [];
  let from = 0;
  let lastCount = ''; // the previous count as written, in case it turns out to be running text
  for (const m of body.matchAll(COUNT)) {
    let name = body.slice(from, m.index);
    let digits = m[1]!;
    let glued = '';
    // The count is one digit; longer runs are the name's own digits glued to it ("năm 20261 bản chính"),
    // except a written "01"/"02".
    if (digits.length > 1 && !/^0\d$/.test(digits)) {
      glued = digits.slice(0, -1);
      digits = digits.slice(-1);
    }
    name += glued;
    const original = Number(digits);
    const copy = m[2] === undefined ? undefined : Number(m[2]);
    const prev = papers[papers.length - 1];
    from = m.index + m[0].length;
    if (prev && !/\p{L}/u.test(name)) {
      // No letters between two counts: the earlier "count" was running text ("Tờ khai: 02 bản chính;").
      prev.name += lastCount + name;
      prev.original = original;
      prev.copy = copy;
    } else papers.push({ name, original, copy });
    lastCount = m[0].slice(glued.length);
  }
  return { papers, tail: body.slice(from) };
}

function toPaper(raw: RawPaper): RequiredPaper | null {
  let name = clean(raw.name)
    .replace(/^[-+*•]+\s*/, '')
    .replace(/[;,]\s*$/, '')
    .trim();
  let form: string | undefined;
  if (FORM_FILE.test(name)) {
    const start = formStart(name);
    form = name.slice(start).trim();
    name = name.slice(0, start).replace(/[;,]\s*$/, '').trim() || form;
  }
  if (!/\p{L}/u.test(name)) return null;
  // A zero count is the portal's blank, not "bring none": only the counts a person brings are written.
  const copies = [raw.original > 0 ? `${raw.original} bản chính` : '', raw.copy ? `${raw.copy} bản sao` : '']
    .filter(Boolean)
    .join(', ');
  const paper: RequiredPaper = { name, copies, original: raw.original };
  if (raw.copy !== undefined) paper.copy = raw.copy;
  if (form) paper.form = form;
  return paper;
}

/**
 * Where a form's file name begins inside "…(mẫu NA17)101-Mau A17 tam tru.doc": just after a
 * ".", ";" or ")" with no space after it (a "." between digits is a date or a section, not a
 * boundary), or where a lower-case letter runs into a capital ("khoáng sảnMau 08"). The first
 * such point that starts like a form name ("Mẫu", "Mau", "TK", "Phụ lục") wins, else the last.
 */
function formStart(name: string): number {
  const ext = name.lastIndexOf('.');
  const points: number[] = [];
  for (let i = 1; i < ext; i++) {
    const prev = name[i - 1]!;
    const ch = name[i]!;
    if (/\s/.test(ch)) continue;
    const punct = /[;)]/.test(prev) || (prev === '.' && !(/\d/.test(name[i - 2] ?? '') && /\d/.test(ch)));
    const glued = /\p{Ll}/u.test(prev) && /\p{Lu}/u.test(ch);
    if (punct || glued) points.push(i);
  }
  const formLike = points.find((p) => /^(?:m[ẫa]u|mus?\d|tk\b|tờ khai|phụ lục)/i.test(name.slice(p)));
  if (formLike !== undefined) return formLike;
  // Digits right after the boundary are a section number of the sentence, not a file ("Điều 9.2").
  const last = points.filter((p) => !/^\d+[.)]?\s/.test(name.slice(p))).pop();
  if (last !== undefined) return last;
  const word = [...name.matchAll(/(?:^|\s)(m[ẫa]u)/giu)].pop();
  return word ? word.index + word[0].length - word[1]!.length : 0;
}

function classifyTitle(raw: string): { case: string | null; kind: 'submit' | 'present' } {
  const t = clean(raw)
    .replace(/^[-*+\s]+/, '')
    .replace(/[:\s]+$/, '')
    .trim();
  if (t === '') return { case: null, kind: 'submit' };
  if (/phải xuất trình|^xuất trình/i.test(t) && t.length < 80) return { case: null, kind: 'present' };
  if (/^giấy tờ phải nộp/i.test(t)) return { case: null, kind: 'submit' };
  if (/^(?:[a-zđ]\)\s*)?(?:thành phần hồ sơ|hồ sơ (?:bao )?gồm|bao gồm)$/i.test(t)) return { case: null, kind: 'submit' };
  return { case: t.replace(/^lưu ý\s*$/i, 'Lưu ý'), kind: 'submit' };
}

function caseHeading(raw: RawPaper): string | null {
  if (raw.original !== 0 || raw.copy !== undefined) return null;
  const t = clean(raw.name).replace(/^[-+*•\s]+/, '');
  return /^(?:trường hợp|đối với)\b/i.test(t) && /:\s*$/.test(t) && t.length < 200 ? t.replace(/:\s*$/, '') : null;
}

// ---------------------------------------------------------------- channels

const CHANNELS_HEADER = 'Hình thức nộpThời gianPhí, lệ phíMô tả';
const CHANNEL_NAMES: Record<string, FilingChannel['channel']> = {
  'Trực tuyến': 'online',
  'Trực tiếp': 'in-person',
  'Dịch vụ bưu chính': 'postal',
};
const UNIT = '(?:Ngày làm việc|Ngày|Giờ|Tháng|Năm|Tuần|Phút)';
const AMOUNT = String.raw`(?:0|[1-9]\d{0,2}(?:,\d{3})*)(?:\.\d+)?`;
const CURRENCY = '(?:Việt Nam Đồng|VNĐ|Đồng|đồng|USD)';
/** A time written in words ("Không phải trả kết quả cho người nộp thuế"): short, one line, no other cell in it. */
const TIME_TEXT = String.raw`\p{Lu}(?:(?!Trực tuyến|Trực tiếp|Dịch vụ bưu chính|Miễn phí|Không có thông tin)[^\n]){0,160}?`;
/** A channel cell starts a row only when a time and a fee follow it; elsewhere it is description text. */
const CHANNEL_ROW = new RegExp(
  `(Trực tuyến|Trực tiếp|Dịch vụ bưu chính)` +
    `(\\d+?(?:[.,]\\d+)?(?: ?${UNIT})?|Không có thông tin|${TIME_TEXT})` +
    `(Miễn phí|Không có thông tin|${AMOUNT} ?${CURRENCY})`,
  'gu',
);

export function parseChannels(field: string | undefined): Parsed<FilingChannel[]> {
  if (isBlank(field)) return { value: [], issues: ['channels:none'] };
  let text = nfc(field!);
  const issues = new Set<string>();
  if (text.startsWith(CHANNELS_HEADER)) text = text.slice(CHANNELS_HEADER.length);
  else issues.add('channels:no-header');

  const rows = [...text.matchAll(CHANNEL_ROW)];
  if (rows.length === 0) return { value: [], issues: [...issues, 'channels:none'] };
  if (clean(text.slice(0, rows[0]!.index)) !== '') issues.add('channels:unparsed-head');

  const value = rows.map((m, i) => {
    const [, kind, time, fee] = m as unknown as [string, string, string, string];
    const end = rows[i + 1]?.index ?? text.length;
    const note = unwrap(clean(text.slice(m.index + m[0].length, end)));
    let t = clean(time);
    if (/^\d+(?:[.,]\d+)?$/.test(t)) issues.add('channels:time-unit-missing');
    if (/^không(?: có thông tin)?$/i.test(t)) {
      issues.add('channels:time-unknown');
      t = '';
    }
    let f = clean(fee);
    if (/^không có thông tin$/i.test(f)) {
      issues.add('channels:fee-unknown');
      f = '';
    }
    const channel: FilingChannel = { channel: CHANNEL_NAMES[kind]!, time: t, fee: f };
    if (!isBlank(note)) channel.note = note;
    return channel;
  });
  return { value, issues: [...issues] };
}

/** "(Phí …)" → "Phí …" when one pair of brackets wraps the whole note. */
function unwrap(note: string): string {
  if (!note.startsWith('(') || !note.endsWith(')')) return note;
  let depth = 0;
  for (let i = 0; i < note.length; i++) {
    if (note[i] === '(') depth++;
    else if (note[i] === ')') depth--;
    if (depth === 0 && i < note.length - 1) return note; // the first bracket closes early
  }
  return note.slice(1, -1).trim();
}

// ---------------------------------------------------------------- legal basis

const LEGAL_HEADER = 'Tên văn bản pháp lýMã văn bản';
/**
 * A document number in the "Mã văn bản" cell: "123/2015/NĐ-CP", "60/2014/QH13", "66.7/2025/NQ-CP",
 * "73/NĐ-CP", "191/2005/TTLT/BQP-BLĐTBXH-BTC", a bare "24/2024" at the very end. The next title is glued to it, so the number ends where a capitalised word begins.
 */
const LEGAL_NUMBER =
  /(\d+(?:\.\d+)?\/(?:\d{4}\/)?\p{Lu}(?:TTg|[\p{Lu}\d_-]|\/(?=\p{Lu}))*?(?= ?(?!Tg)\p{Lu}\p{Ll}|\s*$)|\d+\/\d{4}(?=\s*$))/gu;

export function parseLegalBasis(field: string | undefined): Parsed<LegalBasis[]> {
  if (isBlank(field)) return { value: [], issues: ['legal:none'] };
  let text = nfc(field!);
  const issues = new Set<string>();
  if (text.startsWith(LEGAL_HEADER)) text = text.slice(LEGAL_HEADER.length);
  else issues.add('legal:no-header');

  const value: LegalBasis[] = [];
  let from = 0;
  for (const m of text.matchAll(LEGAL_NUMBER)) {
    let start = m.index;
    let number = m[1]!;
    // "Luật 60/2014/QH1360/2014/QH13": the title's own number is glued to the cell's digits. The
    // cell's number is then the longest tail of those digits that the title spells out on its own.
    if (start > from && /[\p{L}\d]/u.test(text[start - 1]!)) {
      const digits = /^\d+/.exec(number)![0];
      for (let k = 1; k < digits.length; k++) {
        const candidate = number.slice(k);
        const before = text.slice(from, start + k);
        if (new RegExp(`(?<![\\d.])${escapeRegExp(candidate)}`, 'u').test(before)) {
          start += k;
          number = candidate;
          break;
        }
      }
    }
    // "…Bộ Tư phápThông tư số 03/2023/TT-BTP": the cell held the type too.
    const title = clean(text.slice(from, start)).replace(
      /(?<=.{12})(?:Bộ luật|Luật|Nghị định|Thông tư(?: liên tịch)?|Quyết định|Nghị quyết|Pháp lệnh|Chỉ thị)(?: số)?\s*$/u,
      '',
    ).trim();
    value.push({ title: title === '' ? number : title, number });
    from = m.index + m[0].length;
  }
  const rest = clean(text.slice(from));
  if (rest !== '') {
    issues.add(value.length === 0 ? 'legal:no-number' : 'legal:unpaired');
    value.push({ title: rest });
  }
  return { value, issues: [...issues] };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
