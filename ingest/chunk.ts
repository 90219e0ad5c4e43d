// Structure-aware chunks: a document's header and numbered items, a procedure's fields.
// Ids hash the source, the section and the text, so an unchanged passage keeps its id.
import { createHash } from 'node:crypto';
import type { Chunk, DocumentMeta, Language, OfficialDocument, Procedure } from '../domain/records.js';
import { TYPE_NAMES } from './metadata.js';
import { pageAt } from './loaders/pages.js';
import { pageOf, readBody, sentences, type BodyItem } from './tasks.js';

const MAX_CHUNK = 900;

export function chunkId(sourceId: string, section: string, text: string): string {
  return createHash('sha1').update(`${sourceId}|${section}|${text}`).digest('hex').slice(0, 16);
}

// `part` numbers the pieces of a split passage, so two identical pieces still get distinct ids.
// The page is not part of the id: a passage keeps its id when a page break moves.
function make(sourceId: string, kind: Chunk['kind'], section: string, title: string, text: string, language: Language, part = 0, page?: number): Chunk {
  const id = chunkId(sourceId, part ? `${section}#${part}` : section, text);
  return { id, sourceId, kind, section, title, text, language, ...(page ? { page } : {}) };
}

/** Text that is embedded and indexed for a chunk: its title gives every field chunk its procedure's name. */
export function indexedText(c: Pick<Chunk, 'title' | 'text'>): string {
  return `${c.title}\n${c.text}`;
}

function pieces(text: string): Array<[string, number]> {
  const out = splitLong(text);
  return out.map((piece, i) => [piece, out.length > 1 ? i + 1 : 0]);
}

/** Pieces of at most ~900 characters, cut at sentence boundaries (a single long sentence at words). */
export function splitLong(text: string, max = MAX_CHUNK): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim()) pieces.push(current.trim());
    current = '';
  };
  for (const s of sentences(text)) {
    if (s.length > max) {
      flush();
      for (let rest = s; rest.length; ) {
        let cut = rest.length <= max ? rest.length : rest.lastIndexOf(' ', max);
        if (cut <= 0) cut = max;
        pieces.push(rest.slice(0, cut).trim());
        rest = rest.slice(cut).trim();
      }
      continue;
    }
    if (current && current.length + 1 + s.length > max) flush();
    current = current ? `${current} ${s}` : s;
  }
  flush();
  return pieces.filter(Boolean);
}

const LABELS = {
  vi: { number: 'Số', type: 'Loại văn bản', issuer: 'Cơ quan ban hành', date: 'Ngày ban hành', year: 'Năm', subject: 'Trích yếu', to: 'Kính gửi', signer: 'Người ký', note: 'Ghi chú' },
  en: { number: 'No.', type: 'Type', issuer: 'Issued by', date: 'Date', year: 'Year', subject: 'Subject', to: 'To', signer: 'Signed by', note: 'Note' },
};

/** The metadata as labelled lines: the header chunk, and the whole of a summary-only record. */
function headerText(doc: DocumentMeta): string {
  const lang = doc.language ?? 'vi';
  const l = LABELS[lang];
  const lines = [doc.title];
  if (doc.number) lines.push(`${l.number}: ${doc.number}`);
  if (doc.type) lines.push(`${l.type}: ${TYPE_NAMES[doc.type][lang]}`);
  if (doc.issuer) lines.push(`${l.issuer}: ${doc.issuer}`);
  if (doc.date) lines.push(`${l.date}: ${doc.date}`);
  else if (doc.year) lines.push(`${l.year}: ${doc.year}`);
  if (doc.subject && !doc.title.includes(doc.subject)) lines.push(`${l.subject}: ${doc.subject}`);
  if (doc.addressees?.length) lines.push(`${l.to}: ${doc.addressees.join('; ')}`);
  if (doc.signer) lines.push(`${l.signer}: ${doc.signer.title}${doc.signer.name ? ` ${doc.signer.name}` : ''}`);
  if (doc.note) lines.push(`${l.note}: ${doc.note}`);
  return lines.join('\n');
}

export function chunkDocument(doc: OfficialDocument | DocumentMeta): Chunk[] {
  const language = doc.language ?? 'vi';
  const text = 'text' in doc ? doc.text : '';
  const paged = 'text' in doc && doc.pageStarts ? doc : undefined;
  // The header (number, date, issuer) is read from the first page.
  const header = make(doc.id, 'document', doc.summaryOnly ? 'summary' : 'header', doc.title, headerText(doc), language, 0, paged ? 1 : undefined);
  if (doc.summaryOnly || !text.trim()) return [header];

  const chunks: Chunk[] = [header];
  // A passage starts on its item's page; a later piece of a long item is looked up by its words.
  const add = (section: string, body: string, at: number) => {
    for (const [piece, part] of pieces(body)) {
      const page = paged && (part > 1 ? pageOf(paged, piece, at) : pageAt(paged.pageStarts, at));
      chunks.push(make(doc.id, 'document', section, doc.title, piece, language, part, page));
    }
  };
  const body = readBody(text);
  if (body.preamble.trim()) add('preamble', tidy(body.preamble), body.preambleAt);
  if (!body.items.length) return chunks;

  const bySection = new Map(body.items.map((i) => [i.section, i]));
  const parents = new Set(body.items.map((i) => i.parent));
  for (const item of body.items) {
    const own = tidy([item.text, ...item.bullets.map((b) => `- ${b}`)].join('\n'));
    const hasChildren = parents.has(item.section);
    // A bare heading ("2. UBND các xã, phường:") lives on in its sub-items' prefix.
    if (hasChildren && own.length < 80 && !item.bullets.length) continue;
    const prefix = headings(item, bySection);
    add(item.section, prefix ? `${prefix}\n${item.label} ${own}` : `${item.label} ${own}`, item.at);
  }
  return chunks;
}

/** The headings of an item's ancestors, outermost first ("2. UBND các xã, phường:"). */
function headings(item: BodyItem, bySection: Map<string, BodyItem>): string {
  const out: string[] = [];
  for (let p = item.parent ? bySection.get(item.parent) : undefined; p && out.length < 4; p = p.parent ? bySection.get(p.parent) : undefined) {
    out.unshift(`${p.label} ${short(p.heading, 160)}`);
  }
  return out.join('\n');
}

function short(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

function tidy(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

/** A procedure by field: overview, papers per case, channels, steps, legal basis, conditions, result. */
export function chunkProcedure(p: Procedure): Chunk[] {
  const chunks: Chunk[] = [];
  const add = (section: string, text: string) => {
    if (!text.trim()) return;
    for (const [piece, part] of pieces(tidy(text))) chunks.push(make(p.code, 'procedure', section, p.name, piece, 'vi', part));
  };

  add(
    'overview',
    [
      p.name,
      p.nameEn ? `English: ${p.nameEn}` : '',
      `Mã thủ tục: ${p.code}`,
      p.level.length ? `Cấp thực hiện: ${p.level.join(', ')}` : '',
      p.field ? `Lĩnh vực: ${p.field}` : '',
      p.agency ? `Cơ quan thực hiện: ${p.agency}` : '',
      p.applicants ? `Đối tượng thực hiện: ${p.applicants}` : '',
      p.aliases.length ? `Tên gọi khác: ${p.aliases.join('; ')}` : '',
    ].join('\n'),
  );

  for (const group of p.papers) {
    const head = `${p.name}: ${group.kind === 'present' ? 'giấy tờ phải xuất trình' : 'thành phần hồ sơ'}${group.case ? ` (${group.case})` : ''}`;
    const lines = group.papers.map((paper) => `- ${paper.name}${paper.copies ? `: ${paper.copies}` : ''}${paper.form ? ` (${paper.form})` : ''}`);
    add('papers', [head, ...lines].join('\n'));
  }

  const channelName = { online: 'Trực tuyến', 'in-person': 'Trực tiếp', postal: 'Dịch vụ bưu chính' } as const;
  if (p.channels.length) {
    const lines = p.channels.map(
      (c) => `- ${channelName[c.channel]}: thời hạn ${c.time || 'không ghi'}; phí, lệ phí: ${c.fee || 'không ghi'}${c.note ? ` (${c.note})` : ''}`,
    );
    add('channels', [`${p.name}: cách thức thực hiện, thời hạn, phí`, ...lines].join('\n'));
  }
  if (p.steps) add('steps', `${p.name}: trình tự thực hiện\n${p.steps}`);
  if (p.legalBasis.length) {
    add('legal', [`${p.name}: căn cứ pháp lý`, ...p.legalBasis.map((l) => `- ${l.number && !l.title.includes(l.number) ? `${l.number} ` : ''}${l.title}`)].join('\n'));
  }
  if (p.conditions) add('conditions', `${p.name}: yêu cầu, điều kiện\n${p.conditions}`);
  if (p.result) add('result', `${p.name}: kết quả thực hiện\n${p.result}`);
  return chunks;
}
