// Reading a question: its language, what it asks about (aspect), and the cues that decide
// the intent (a unit, a document number, a catalogue code, a greeting).
import type { Language } from '../../domain/records.js';
import { detectLanguage as ingestDetectLanguage, fold, hasVietnameseMarks, syllables } from '../../ingest/index.js';
import type { ProcedureAspect } from '../../domain/contract.js';

/** The language of a question: the same rule the index reads documents with. */
export const detectLanguage: (question: string) => Language = ingestDetectLanguage;

/** Aspect cues, folded; the first that matches wins, in this order. */
const ASPECTS: Array<[ProcedureAspect, RegExp]> = [
  ['fee', /\b(le phi|phi|bao nhieu tien|mat bao nhieu tien|chi phi|fee|fees|cost|costs|how much|price|mien phi)\b/],
  ['time', /\b(mat bao lau|bao lau|may ngay|bao nhieu ngay|thoi gian|thoi han|bao gio co|khi nao co|how long|processing time|days?|lau khong)\b/],
  ['online', /\b(online|truc tuyen|qua mang|tren mang|dich vu cong|link|website|internet|nop qua mang)\b/],
  ['where', /\b(o dau|noi nop|nop o|co quan nao|where|which office|den dau|cho nao)\b/],
  ['papers', /\b(giay to|ho so|can gi|can nhung gi|mang theo|chuan bi|papers|documents|what do i need|required|need to bring|thanh phan)\b/],
  ['steps', /\b(cac buoc|trinh tu|quy trinh|thu tuc nhu the nao|the nao|lam sao|steps|how do i|how to|process)\b/],
  ['legal', /\b(can cu|phap ly|van ban quy dinh|legal basis|which law)\b/],
];

/**
 * English clitics ("what's", "driver's", "we're", "don't") cut off: split at the apostrophe they
 * become one-letter words ("s", "re", "t") that no question means, yet that match any record
 * whose English name or alias has one. Vietnamese words have no apostrophe.
 */
export function withoutClitics(text: string): string {
  return text.replace(/(\p{L})['’](?:s|re|m|ll|ve|d|t)\b/giu, '$1');
}

export function detectAspect(question: string): ProcedureAspect {
  const f = fold(question);
  for (const [aspect, re] of ASPECTS) if (re.test(f)) return aspect;
  return 'overview';
}

/** Words that carry the question's form, not its subject: they must not pick a procedure. */
export const QUESTION_WORDS = new Set(
  (
    'lam can gi nhung giay to ho so o dau bao nhieu may ngay thu tuc xin cho toi minh em anh chi nop khong duoc the nao sao hoi cua va co ' +
    'phi le tien lau gio khi nao muon thi phai di den cach nao nhu vay vay a a nhe ha hay la voi tai ve duoc khong can phai mot cac nay do ' +
    'online truc tuyen qua mang link trang web dich vu cong chuan bi mang theo quy trinh buoc trinh tu tren duoi ' +
    'the what how do does i my to for of in is are which where when much long need needs get apply can documents fee fees cost take papers required ' +
    'please want would like should a an the and or with at on by from it me we you your our days day time process steps ' +
    'vo chong con bo me ong ba vua moi roi nguoi than gia dinh nha toi chung minh ok okay ' +
    // chat spellings of the same: không, được, trước, gì, bao nhiêu, như thế nào
    'ko k hok khong dc duoc trc j gi bn ntn vs a ah nhe nha ' +
    // function words that never name a subject (none that folds onto a content word: đăng/đang, mã/mà, thi/thì stay)
    'xong trong sau truoc khi neu nhung se vao ra len xuong luon gio hien nay kia ay la rat qua nhieu it'
  ).split(' '),
);

const GREETING = /^(xin chao|chao|hello|hi|hey|alo|ban la ai|ban lam duoc gi|giup toi voi|help|tro giup|cam on|thanks|thank you)\b/;

export function isGreeting(question: string): boolean {
  const f = fold(question).trim();
  return GREETING.test(f) && syllables(question).length <= 6;
}

/** A catalogue code typed or sent by a button ("1.001193", "2.000528"). */
export function findProcedureCode(question: string): string | undefined {
  return /\b(\d\.\d{6})\b/.exec(question)?.[1];
}

/** Document numbers: "2458/UBND-SNV", "136/KH-UBND", "20/2022/NQ-HĐND", "01-CTr/TU", or a bare "2458" after a type word. */
export function findDocumentNumbers(question: string): string[] {
  const out: string[] = [];
  const re = /\b(\d{1,5}(?:\/\d{4})?[/-][\p{L}][\p{L}\d]*(?:[/-][\p{L}][\p{L}\d]*)*)/gu;
  for (const m of question.matchAll(re)) out.push(m[1]!);
  return out;
}

const TYPE_WORD = /\b(cong van|cv|theo|ke hoach|kh|quyet dinh|qd|nghi quyet|nq|chuong trinh|ctr|chi thi|dispatch|plan|decision|resolution|program|programme|directive|van ban)\s*(?:so|no\.?|number)?\s*(\d{1,5})\b/;

/** A bare number after a type word: "công văn 2458" → "2458". */
export function findBareDocumentNumber(question: string): string | undefined {
  return TYPE_WORD.exec(fold(question))?.[2];
}

/**
 * Cues that a civil servant asks about tasks and deadlines. Strict ones decide alone; weak ones
 * ("khi nào", "phải", "thời hạn") are also how citizens ask about a procedure's processing time,
 * so with a unit they only count when no procedure clearly answers the question.
 */
const TASK_CUES =
  /\b(nhiem vu|han chot|deadlines?|duoc giao|giao nhiem vu|phai bao cao|bao cao .{0,40}truoc ngay|han (?:nop |gui )?bao cao|chi tieu|truoc ngay nao|phai hoan thanh|hoan thanh truoc|thoi han hoan thanh|tasks?|assigned|reporting|report due|due date|cai cach hanh chinh|cchc)\b/;
const WEAK_DEADLINE_CUES = /\b(thoi han|han|due|khi nao|nam nao|bao gio|phai|hoan thanh|viec gi|lam gi|theo doi|must|when|by what|complete|finish|report)\b/;

/** English unit names → the Vietnamese names the unit directory knows. */
const EN_UNITS: Array<[RegExp, string]> = [
  [/\bdepartment of health\b/, 'Sở Y tế'],
  [/\bdepartment of justice\b/, 'Sở Tư pháp'],
  [/\bdepartment of home affairs\b/, 'Sở Nội vụ'],
  [/\bdepartment of finance\b/, 'Sở Tài chính'],
  [/\bdepartment of construction\b/, 'Sở Xây dựng'],
  [/\bdepartment of education(?: and training)?\b/, 'Sở Giáo dục và Đào tạo'],
  [/\bdepartment of industry and trade\b/, 'Sở Công Thương'],
  [/\bdepartment of agriculture(?: and environment)?\b/, 'Sở Nông nghiệp và Môi trường'],
  [/\bdepartment of science and technology\b/, 'Sở Khoa học và Công nghệ'],
  [/\bdepartment of culture and sports\b/, 'Sở Văn hóa và Thể thao'],
  [/\bdepartment of tourism\b/, 'Sở Du lịch'],
  [/\bdepartment of foreign affairs\b/, 'Sở Ngoại vụ'],
  [/\bpublic administration service cent(?:er|re)\b/, 'Trung tâm Phục vụ hành chính công'],
];

/** A unit named in English ("Department of Health", "Gia Lam district", "Ba Dinh ward"), in Vietnamese. */
export function englishUnit(question: string): string | undefined {
  const f = fold(question);
  for (const [re, name] of EN_UNITS) if (re.test(f)) return name;
  const place = /\b([a-z]+(?: [a-z]+){0,2}) (district|ward|commune|town)\b/.exec(f);
  if (place) {
    const words = place[1]!.split(' ').filter((w) => !['of', 'the', 'committee', "people's", 'peoples', 's'].includes(w));
    const kind = { district: 'huyện', ward: 'phường', commune: 'xã', town: 'thị xã' }[place[2] as 'district'];
    if (words.length) return `${kind} ${words.slice(-2).join(' ')}`;
  }
  return undefined;
}

const WHICH_DOCUMENT = /\b(van ban nao|ke hoach nao|quyet dinh nao|nghi quyet nao|cong van nao|which (?:document|plan|decision|resolution|dispatch))\b/;
/** "số mấy" asks for a document's number only when the question is about a document ("mẫu số mấy" is a form). */
const WHICH_NUMBER = /\b(cong van|ke hoach|quyet dinh|nghi quyet|chuong trinh|chi thi|van ban)\b.*\b(so may|so bao nhieu|so hieu|so ky hieu)\b|\b(so hieu|so ky hieu) (?:cua )?(?:cong van|ke hoach|quyet dinh|nghi quyet|chuong trinh|chi thi|van ban)\b|\b(?:the )?number of (?:the|that|this) (?:document|plan|decision|resolution|dispatch|programme|program)\b/;

/** "Kế hoạch … là kế hoạch số mấy?", "Văn bản nào về …": the question names a document by what it is about. */
export function asksWhichDocument(question: string): boolean {
  const f = fold(question);
  return WHICH_DOCUMENT.test(f) || WHICH_NUMBER.test(f);
}

/**
 * The question without its salutation: in "Kính gửi Sở Xây dựng, …" or "Chào cán bộ xã, …" the
 * unit is who the letter is addressed to, not who is asking.
 */
export function withoutSalutation(question: string): string {
  return question.replace(/^\s*(?:kính gửi|kinh gui|gửi|thưa|thua|dạ|da|xin chào|xin chao|chào|chao|dear|to)\b[^,.:;\n!?]*[,.:;\n!?]/i, ' ');
}

/** A question about tasks or reporting: decides the deadline intent even for a group or a topic. */
export function hasTaskCue(question: string): boolean {
  return TASK_CUES.test(fold(question));
}

/** Any deadline cue, weak ones included: enough when a unit is named and no procedure fits. */
export function hasDeadlineCue(question: string): boolean {
  const f = fold(question);
  return TASK_CUES.test(f) || WEAK_DEADLINE_CUES.test(f);
}

/** Words of a follow-up that carry no subject of their own ("thế còn … thì sao?"). */
const FOLLOW_UP_FILLER = new Set(
  (
    'con the thi sao nua vay nhi oi nhe luon rieng truong hop neu kia day nay ay nhu what about and also then how else ok okay vang da u uh ' +
    // words of an aspect, not a subject: "điều kiện là gì", "kết quả nhận ở đâu", "mẫu nào"
    'dieu kien yeu cau mau ket qua nhan tra dong tien gom bao tinh can cu phap ly van ban conditions requirements form result legal basis'
  ).split(' '),
);
/** Place words: "thế phường Cầu Giấy thì sao?" changes where, not what. */
const PLACE = /\b(phuong|xa|quan|huyen|thi xa|thi tran|ward|commune|district) ([a-z]+(?: [a-z]+){0,2})/g;

/**
 * Names written as names: two or more capitalised words inside a sentence ("em ở Long Biên",
 * "ông mất ở nhà tại phường Tây Hồ"). In a follow-up they say where or who, never which
 * procedure. A sentence's first word is capitalised anyway and does not count.
 */
function properNames(question: string): string[] {
  const out: string[] = [];
  for (const m of question.matchAll(/(?<=\p{Ll}[,;:]?\s+)(\p{Lu}[\p{Ll}\p{M}]*(?:\s+\p{Lu}[\p{Ll}\p{M}]*)+)/gu)) out.push(m[1]!);
  return out;
}

/**
 * A turn that only tells something ("em ở Long Biên", "ông mất ở nhà tại phường Tây Hồ"): no
 * question mark, no question word, no aspect asked. In a conversation it adds to what is being
 * asked about rather than asking about something else.
 */
export function isStatement(question: string): boolean {
  if (question.includes('?')) return false;
  const f = fold(question);
  return detectAspect(question) === 'overview' && !/\b(gi|j|nao|dau|sao|khong|ko|k|chua|bao nhieu|may|the nao|ntn|how|what|where|when|which|who|can i|do i|is it|are)\b/.test(f);
}

/**
 * Whether a question has no subject of its own: nothing is left once question words, filler
 * and place names are taken out ("còn lệ phí?", "nộp online được không?", "thế phường Cầu Giấy
 * thì sao?"). Such a question continues the conversation; one with a subject starts afresh.
 */
export function isSubjectless(units: ReadonlyArray<{ typed: string[]; official: string[] }>, question: string): boolean {
  const placeWords = new Set<string>();
  for (const m of fold(question).matchAll(PLACE)) for (const w of m[0].split(' ')) placeWords.add(w);
  for (const name of properNames(question)) for (const w of syllables(name)) placeWords.add(w);
  return units.every((u) => !u.official.length && u.typed.every((t) => QUESTION_WORDS.has(t) || FOLLOW_UP_FILLER.has(t) || placeWords.has(t) || /^\d+$/.test(t)));
}

const DOCUMENT_CUES = /\b(cong van|ke hoach|quyet dinh|nghi quyet|chuong trinh|chi thi|van ban|dispatch|plan|decision|resolution|programme|program|directive|noi dung|yeu cau gi|ve viec gi|la gi|about)\b/;

export function hasDocumentCue(question: string): boolean {
  return DOCUMENT_CUES.test(fold(question));
}
