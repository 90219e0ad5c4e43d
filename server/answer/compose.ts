// Composing answers from structured records, in the question's language. Every line comes
// from a record; nothing here invents a fact or a link. This is the composers' one door:
// procedure answers are built in compose/, task and document answers here.
import type { Language } from '../../domain/records.js';
import type { StoredDocument } from '../../ingest/index.js';
import { enDate, scanPage, truncate, viDate } from './compose/text.js';
import type { AnswerPart, Citation, Link, TaskAnswer } from '../../domain/contract.js';

export { ANSWER_BUDGET, composeAspectAcross, composeCandidates, isOneLineAspect, composeProcedure, composeProcedureParts, type ComposedProcedure, type ComposeOptions } from './compose/procedure.js';
export { enDate, truncate, viDate } from './compose/text.js';

export const PORTAL_SEARCH = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh';
export const HANOI_PORTAL = 'https://dichvucong.hanoi.gov.vn';
export const FEEDBACK_PORTAL = 'https://dichvucong.gov.vn/nop-phan-anh-kien-nghi';

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
  return composeDocumentParts(doc, passages, lang).text;
}

/**
 * A document answer by paragraph. A passage's part holds the quote alone and cites its passage;
 * in the text the quote is followed by its reference ("[2458/UBND-SNV, mục 3]").
 */
export function composeDocumentParts(doc: StoredDocument, passages: Citation[], lang: Language): { text: string; parts: AnswerPart[] } {
  const parts: AnswerPart[] = [];
  const paragraphs: string[] = [];
  const add = (part: AnswerPart, paragraph = part.text): void => {
    parts.push(part);
    paragraphs.push(paragraph);
  };
  const date = doc.date ? (lang === 'vi' ? ` ngày ${viDate(doc.date)}` : ` of ${enDate(doc.date)}`) : doc.year ? (lang === 'vi' ? ` năm ${doc.year}` : ` (${doc.year})`) : '';
  add({ kind: 'document', text: `${doc.title}${doc.number && !doc.title.includes(doc.number) ? ` (${doc.number})` : ''}${date}${doc.issuer ? ` — ${doc.issuer}` : ''}.` });
  if (doc.subject && !doc.title.includes(doc.subject)) add({ kind: 'text', text: doc.subject });
  if (doc.note) add({ kind: 'notes', text: doc.note });
  for (const p of passages) {
    if (p.id.startsWith(`${doc.id}`) && p.quote === doc.subject) continue;
    const quote = `«${truncate(p.quote, 500)}»`;
    add({ kind: 'passage', text: quote, cites: [p.id] }, `${quote} [${p.number ?? p.title}${p.section ? `, ${lang === 'vi' ? 'mục' : 'item'} ${p.section}` : ''}${scanPage(p, lang)}]`);
  }
  return { text: paragraphs.join('\n\n'), parts };
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
