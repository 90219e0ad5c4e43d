// How a person reaches a human: the hotline or desk an operator configures (CONTACT_HOTLINE,
// CONTACT_TEXT), shown in /help and with every "not found", and the words that ask for it.
import type { Language } from '../domain/records.js';
import { fold } from '../ingest/index.js';
import type { Line } from './format.js';

export interface Contact {
  /** A phone number as it should be dialled or read ("1900 1234"). */
  hotline?: string | undefined;
  /** Free text: a desk, its hours, an e-mail ("Trung tâm Phục vụ hành chính công, 8:00–17:00"). */
  text?: string | undefined;
}

// Portal roots from the domain notes: where to turn when no contact is configured.
const FEEDBACK_URL = 'https://dichvucong.gov.vn/nop-phan-anh-kien-nghi';

const isSet = (c: Contact | undefined): c is Contact => !!(c?.hotline?.trim() || c?.text?.trim());

/** The contact as lines; none when nothing is configured (no number is ever made up). */
export function contactLines(contact: Contact | undefined, lang: Language): Line[] {
  if (!isSet(contact)) return [];
  const lines: Line[] = [{ text: '' }];
  const hotline = contact.hotline?.trim();
  const text = contact.text?.trim();
  if (lang === 'en') lines.push({ text: hotline ? `☎️ To talk to a person: ${hotline}` : '☎️ To talk to a person:' });
  else lines.push({ text: hotline ? `☎️ Cần gặp cán bộ hỗ trợ: ${hotline}` : '☎️ Cần gặp cán bộ hỗ trợ:' });
  if (text) lines.push({ text });
  return lines;
}

/** The answer to "gặp cán bộ", "tổng đài", "talk to a person". */
export function contactReply(contact: Contact | undefined, lang: Language): string {
  const lines = contactLines(contact, lang).map((l) => l.text).filter(Boolean);
  if (lines.length) return lines.join('\n');
  return lang === 'en'
    ? `No support line has been set up for this assistant. You can send feedback or a request to the authorities at ${FEEDBACK_URL}`
    : `Trợ lý chưa được cấu hình số hỗ trợ. Bạn có thể gửi phản ánh, kiến nghị tới cơ quan nhà nước tại ${FEEDBACK_URL}`;
}

// Folded, so that "gap can bo" and "gặp cán bộ" both match. Short messages only: a long letter
// that mentions "tổng đài" on the way is a question for the engine.
const ASKS_FOR_PERSON = [
  /\bgap (?:truc tiep )?(?:can bo|nguoi|nhan vien|tong dai vien)\b/,
  /\b(?:noi chuyen|trao doi|lien he|lien lac|ket noi) (?:truc tiep )?(?:voi )?(?:can bo|nguoi that|nhan vien|tong dai)\b/,
  /\btong dai(?: vien)?\b/,
  /\b(?:so dien thoai|sdt|so dt|dien thoai) (?:ho tro|lien he|tong dai|duong day nong)\b/,
  /\b(?:hotline|duong day nong)\b/,
  /\b(?:talk|speak|chat) (?:to|with) (?:a |an |some)?(?:person|human|one|body|officer|agent|operator|staff)\b/,
  /\b(?:human|live) (?:agent|operator|support)\b/,
  /\b(?:support|contact|help) (?:phone|number|line)\b/,
];

export function asksForPerson(text: string): boolean {
  const f = fold(text.normalize('NFC')).replace(/\s+/g, ' ').trim();
  if (!f || f.length > 80) return false;
  return ASKS_FOR_PERSON.some((re) => re.test(f));
}

/** "talk to a person" is answered in English, "gặp cán bộ" in Vietnamese, whatever the default. */
export function requestLanguage(text: string, fallback: Language): Language {
  if (/[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]/iu.test(text)) return 'vi';
  return /\b(?:person|human|someone|somebody|officer|agent|operator|staff|support|contact|phone|number)\b/i.test(text) ? 'en' : fallback;
}
