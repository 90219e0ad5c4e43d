// Composing answers from structured records, in the question's language. Every line comes
// from a record; nothing here invents a fact or a link.
import type { Language, Procedure } from '../../ingest/domain.js';
import type { StoredDocument } from '../../ingest/store.js';
import type { Citation, Link, ProcedureAspect, TaskAnswer } from './contract.js';

export const PORTAL_SEARCH = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh';
export const HANOI_PORTAL = 'https://dichvucong.hanoi.gov.vn';
export const FEEDBACK_PORTAL = 'https://dichvucong.gov.vn/nop-phan-anh-kien-nghi';

const CHANNEL_LABEL: Record<Language, Record<string, string>> = {
  vi: { online: 'Trực tuyến', 'in-person': 'Trực tiếp', postal: 'Qua bưu chính' },
  en: { online: 'Online', 'in-person': 'In person', postal: 'By post' },
};

const T = {
  vi: {
    code: 'mã',
    where: 'Nơi nộp',
    level: 'Cấp thực hiện',
    papers: 'Giấy tờ cần chuẩn bị',
    present: 'Giấy tờ xuất trình',
    usual: 'Trường hợp thông thường',
    channels: 'Thời hạn giải quyết và lệ phí',
    time: 'thời hạn',
    fee: 'phí, lệ phí',
    online: 'Nộp trực tuyến tại',
    noOnline: 'Cổng Dịch vụ công quốc gia không ghi nhận hình thức nộp trực tuyến cho thủ tục này.',
    legal: 'Căn cứ pháp lý',
    source: 'Nguồn: Cơ sở dữ liệu thủ tục hành chính quốc gia',
    notGiven: 'không ghi',
    alternatives: 'Thủ tục gần giống (chọn nếu đúng trường hợp của bạn)',
  },
  en: {
    code: 'code',
    where: 'Where to file',
    level: 'Level',
    papers: 'Papers to prepare',
    present: 'Papers to show',
    usual: 'Usual case',
    channels: 'Processing time and fees',
    time: 'time',
    fee: 'fee',
    online: 'File online at',
    noOnline: 'The National Public Service Portal lists no online filing for this procedure.',
    legal: 'Legal basis',
    source: 'Source: National database of administrative procedures',
    notGiven: 'not stated',
    alternatives: 'Similar procedures (pick one if it fits your case)',
  },
} as const;

function paperLine(name: string, copies: string): string {
  return copies ? `- ${name} (${copies})` : `- ${name}`;
}

function channelLines(p: Procedure, lang: Language): string[] {
  const t = T[lang];
  return p.channels.map((c) => {
    const time = c.time || t.notGiven;
    const fee = c.fee || t.notGiven;
    return `- ${CHANNEL_LABEL[lang][c.channel] ?? c.channel}: ${t.time} ${time}; ${t.fee} ${fee}`;
  });
}

function paperSection(p: Procedure, lang: Language, limitCases = 4): string[] {
  const t = T[lang];
  const lines: string[] = [];
  const groups = p.papers.slice(0, limitCases + 1);
  for (const g of groups) {
    const heading = g.kind === 'present' ? t.present : g.case ? g.case : null;
    if (heading) lines.push(`${heading}:`);
    for (const paper of g.papers.slice(0, 12)) lines.push(paperLine(paper.name, paper.copies));
  }
  if (p.papers.length > groups.length) lines.push(lang === 'vi' ? `(… và ${p.papers.length - groups.length} trường hợp khác: xem trang thủ tục)` : `(… and ${p.papers.length - groups.length} more cases: see the procedure page)`);
  return lines;
}

/** The answer text for a procedure, leading with what was asked. */
export function composeProcedure(p: Procedure, aspect: ProcedureAspect, lang: Language, alternatives: Procedure[]): string {
  const t = T[lang];
  const name = lang === 'en' && p.nameEn ? `${p.nameEn} (${p.name})` : p.name;
  const head = `${name} — ${t.code} ${p.code}${p.level.length ? `, ${p.level.join(', ')}` : ''}`;
  const where = p.agency ? `${t.where}: ${p.agency}` : null;
  const online = p.channels.some((c) => c.channel === 'online');
  const onlineLine = p.url ? (online ? `${t.online}: ${p.url}` : `${t.noOnline} ${p.url}`) : online ? null : t.noOnline;
  const sections: Record<string, string[]> = {
    papers: p.papers.length ? [`${t.papers}:`, ...paperSection(p, lang)] : [],
    channels: p.channels.length ? [`${t.channels}:`, ...channelLines(p, lang)] : [],
    where: where ? [where] : [],
    online: onlineLine ? [onlineLine] : [],
    legal: p.legalBasis.length ? [`${t.legal}:`, ...p.legalBasis.slice(0, 5).map((l) => `- ${l.title}${l.number && !l.title.includes(l.number) ? ` (${l.number})` : ''}`)] : [],
    steps: p.steps ? [lang === 'vi' ? 'Trình tự thực hiện:' : 'Steps:', truncate(p.steps, 900)] : [],
  };
  const order: Record<ProcedureAspect, string[]> = {
    papers: ['papers', 'channels', 'where', 'online'],
    fee: ['channels', 'where', 'online', 'papers'],
    time: ['channels', 'where', 'online', 'papers'],
    where: ['where', 'online', 'channels', 'papers'],
    online: ['online', 'channels', 'where', 'papers'],
    steps: ['steps', 'papers', 'channels', 'online'],
    legal: ['legal', 'channels', 'online'],
    overview: ['papers', 'channels', 'where', 'online'],
  };
  const body = order[aspect].flatMap((k) => (sections[k]!.length ? ['', ...sections[k]!] : []));
  const alt = alternatives.length ? ['', `${t.alternatives}:`, ...alternatives.map((a) => `- ${a.name} (${t.code} ${a.code})`)] : [];
  return [head, ...body, ...alt, '', `${t.source}, ${t.code} ${p.code}.`].join('\n').trim();
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const at = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('\n'));
  return `${(at > max * 0.5 ? cut.slice(0, at + 1) : cut).trim()} …`;
}

const STATUS_LABEL = {
  vi: { past: 'đã qua hạn', 'due-soon': 'sắp đến hạn', upcoming: 'chưa đến hạn', recurring: 'định kỳ', unknown: 'không ghi hạn' },
  en: { past: 'past', 'due-soon': 'due soon', upcoming: 'upcoming', recurring: 'recurring', unknown: 'no deadline stated' },
} as const;

export function composeTasks(unitName: string, tasks: TaskAnswer[], lang: Language, notes: string[]): string {
  if (!tasks.length) {
    return lang === 'vi'
      ? `Trong các văn bản đã nạp, không có nhiệm vụ nào giao cho ${unitName} hoặc cho nhóm đơn vị mà ${unitName} thuộc về.`
      : `None of the loaded documents assigns a task to ${unitName} or to a group it belongs to.`;
  }
  const head = lang === 'vi' ? `Nhiệm vụ và thời hạn của ${unitName}:` : `Tasks and deadlines for ${unitName}:`;
  const lines = tasks.map((t, i) => {
    const dl = t.deadline.kind === 'none' ? STATUS_LABEL[lang].unknown : `${t.deadline.text} (${STATUS_LABEL[lang][t.status]})`;
    const via = t.via ? (lang === 'vi' ? ` — giao cho: ${t.via}` : ` — assigned via: ${t.via}`) : '';
    const src = `${t.citation.number ?? t.citation.title}${t.citation.section ? `, ${lang === 'vi' ? 'mục' : 'item'} ${t.citation.section}` : ''}`;
    return `${i + 1}. ${truncate(t.text, 300)}\n   ${lang === 'vi' ? 'Thời hạn' : 'Deadline'}: ${dl}${via}\n   [${src}]`;
  });
  return [head, ...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

export function composeDocument(doc: StoredDocument, passages: Citation[], lang: Language): string {
  const parts: string[] = [];
  const date = doc.date ? (lang === 'vi' ? ` ngày ${viDate(doc.date)}` : ` of ${doc.date}`) : doc.year ? (lang === 'vi' ? ` năm ${doc.year}` : ` (${doc.year})`) : '';
  parts.push(`${doc.title}${doc.number && !doc.title.includes(doc.number) ? ` (${doc.number})` : ''}${date}${doc.issuer ? ` — ${doc.issuer}` : ''}.`);
  if (doc.subject && !doc.title.includes(doc.subject)) parts.push(doc.subject);
  if (doc.note) parts.push(doc.note);
  for (const p of passages) {
    if (p.id.startsWith(`${doc.id}`) && p.quote === doc.subject) continue;
    parts.push(`«${truncate(p.quote, 500)}» [${p.number ?? p.title}${p.section ? `, ${lang === 'vi' ? 'mục' : 'item'} ${p.section}` : ''}]`);
  }
  return parts.join('\n\n');
}

export function viDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

export function notFound(lang: Language): { answer: string; links: Link[] } {
  return lang === 'vi'
    ? {
        answer:
          'Xin lỗi, tôi không tìm thấy thông tin trả lời câu hỏi này trong các văn bản và danh mục thủ tục đã nạp. Bạn có thể tra cứu trên Cổng Dịch vụ công quốc gia hoặc hỏi lại với tên thủ tục cụ thể hơn.',
        links: [{ label: 'Tra cứu thủ tục trên Cổng Dịch vụ công quốc gia', url: PORTAL_SEARCH }],
      }
    : {
        answer:
          "Sorry, I could not find an answer to this in the loaded documents and procedure catalogue. You can search the National Public Service Portal, or ask again naming the procedure more precisely.",
        links: [{ label: 'Search procedures on the National Public Service Portal', url: PORTAL_SEARCH }],
      };
}

export function greeting(lang: Language): string {
  return lang === 'vi'
    ? 'Xin chào! Tôi trả lời về thủ tục hành chính tại Hà Nội (giấy tờ cần chuẩn bị, lệ phí, thời hạn, nơi nộp, đường dẫn nộp trực tuyến) và về nhiệm vụ, thời hạn trong các văn bản chỉ đạo cải cách hành chính. Ví dụ: "Làm giấy khai sinh cần gì?", "Đổi bằng lái xe ở đâu?", "Sở Tư pháp có hạn chót nào?".'
    : 'Hello! I answer questions about administrative procedures in Hanoi (papers, fees, processing time, where to file, online links) and about tasks and deadlines in the city\'s reform dispatches. For example: "How do I register a birth?", "Where do I renew my driving licence?", "What deadlines does the Department of Justice have?".';
}
