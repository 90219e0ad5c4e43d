// The bots' own user-facing texts, in Vietnamese and English. Everything else a user reads
// comes from the answer engine.
import type { Language } from '../domain/records.js';

export interface Messages {
  greeting: string;
  help: string;
  thinkingFailed: string;
  askProcedureName: string;
  /** A command that needs a unit was sent without one. */
  askUnit: (command: 'hanchot' | 'theodoi') => string;
  languageSet: string;
  languageUsage: string;
  subscribed: (unit: string) => string;
  unsubscribed: (count: number) => string;
  reminderTitle: (unit: string) => string;
  reminderNew: string;
  reminderDueSoon: string;
  /** /hanchot with a unit the engine does not recognise. */
  unitNotFound: (unit: string) => string;
  /** After an ask-back on a channel without buttons: "Trả lời 1, 2 hoặc 3". */
  pickByNumber: (count: number) => string;
  /** A photo, voice message, sticker…: the bot reads text only. */
  textOnly: string;
  /** /theodoi with a unit the directory does not know; `suggested` tells whether buttons follow. */
  unitUnknown: (unit: string, suggested: boolean) => string;
  subscriptionList: (units: readonly string[]) => string;
  unsubscribePick: string;
  unsubscribeAll: string;
  unsubscribedUnit: (unit: string) => string;
  /** A button whose content is no longer kept (the session expired or was cleared). */
  expired: string;
  /** A section button for a record that has no such section (or is gone from the index). */
  sectionMissing: string;
}

/** "1, 2 hoặc 3" */
const numbers = (count: number, or: string): string => {
  const all = Array.from({ length: count }, (_, i) => String(i + 1));
  return all.length > 1 ? `${all.slice(0, -1).join(', ')} ${or} ${all.at(-1)}` : all.join('');
};

const vi: Messages = {
  greeting: [
    'Xin chào! Tôi là trợ lý tra cứu thủ tục hành chính và nhiệm vụ cải cách hành chính của Hà Nội.',
    '',
    'Bạn có thể hỏi, ví dụ:',
    '• Làm giấy khai sinh cần những gì?',
    '• Đổi bằng lái xe mất bao lâu?',
    '• /hanchot Sở Tư pháp: các hạn chót của một đơn vị',
    '',
    'Mọi câu trả lời đều dẫn nguồn văn bản. Gõ /help để xem các lệnh.',
  ].join('\n'),
  help: [
    'Các lệnh:',
    '/thutuc <tên thủ tục>: giấy tờ, lệ phí, thời hạn, nơi nộp, đường dẫn nộp trực tuyến',
    '/hanchot <đơn vị>: nhiệm vụ và hạn chót của một đơn vị (ví dụ: Sở Tư pháp)',
    '/theodoi <đơn vị>: nhận nhắc hạn hằng ngày lúc 8 giờ',
    '/dstheodoi: các đơn vị bạn đang theo dõi',
    '/huytheodoi: thôi nhận nhắc hạn (chọn đơn vị)',
    '/lang vi|en: đổi ngôn ngữ',
    '',
    'Hoặc gõ câu hỏi bằng lời của bạn, có dấu hay không dấu đều được.',
  ].join('\n'),
  thinkingFailed: 'Xin lỗi, hiện không trả lời được câu hỏi này. Vui lòng thử lại sau ít phút.',
  askProcedureName: 'Vui lòng ghi tên thủ tục, ví dụ: /thutuc đăng ký khai sinh',
  askUnit: (command) => `Vui lòng ghi tên đơn vị, ví dụ: /${command} Sở Tư pháp`,
  languageSet: 'Đã chuyển sang tiếng Việt.',
  languageUsage: 'Cách dùng: /lang vi hoặc /lang en',
  subscribed: (unit) => `Đã đăng ký nhắc hạn cho: ${unit}. Tôi sẽ nhắn lúc 8 giờ sáng khi có hạn trong 7 ngày tới hoặc nhiệm vụ mới.`,
  unsubscribed: (count) => (count > 0 ? 'Đã hủy nhắc hạn.' : 'Bạn chưa đăng ký nhắc hạn nào.'),
  reminderTitle: (unit) => `Nhắc hạn: ${unit}`,
  reminderNew: 'Nhiệm vụ mới',
  reminderDueSoon: 'Sắp đến hạn (7 ngày tới)',
  unitNotFound: (unit) => `Không nhận ra đơn vị "${unit}". Vui lòng ghi tên đầy đủ, ví dụ: /hanchot Sở Tư pháp hoặc /hanchot phường Ba Đình.`,
  pickByNumber: (count) => `Trả lời ${numbers(count, 'hoặc')} để chọn thủ tục, hoặc nhắn câu hỏi khác.`,
  textOnly: 'Tôi chỉ đọc được tin nhắn chữ. Vui lòng gõ câu hỏi, ví dụ: "Làm giấy khai sinh cần những gì?"',
  unitUnknown: (unit, suggested) =>
    suggested
      ? `Không tìm thấy "${unit}" trong danh bạ đơn vị. Có phải bạn muốn theo dõi một trong các đơn vị dưới đây?`
      : `Không tìm thấy "${unit}" trong danh bạ đơn vị. Vui lòng ghi tên đầy đủ, ví dụ: /theodoi Sở Tư pháp hoặc /theodoi phường Ba Đình.`,
  subscriptionList: (units) =>
    units.length
      ? ['Bạn đang nhận nhắc hạn cho:', ...units.map((u) => `• ${u}`), '', 'Thôi nhận: /huytheodoi'].join('\n')
      : 'Bạn chưa đăng ký nhắc hạn nào. Đăng ký: /theodoi <đơn vị>',
  unsubscribePick: 'Chọn đơn vị muốn thôi nhận nhắc hạn:',
  unsubscribeAll: 'Hủy tất cả',
  unsubscribedUnit: (unit) => `Đã hủy nhắc hạn cho: ${unit}.`,
  expired: 'Nội dung này không còn được lưu. Vui lòng hỏi lại.',
  sectionMissing: 'Hồ sơ thủ tục không ghi mục này; vui lòng xem trên Cổng Dịch vụ công quốc gia.',
};

const en: Messages = {
  greeting: [
    "Hello! I answer questions about Hanoi's administrative procedures and administrative reform tasks.",
    '',
    'You can ask, for example:',
    '• What papers do I need to register a birth?',
    '• How long does it take to renew a driving licence?',
    "• /hanchot Sở Tư pháp: a unit's deadlines",
    '',
    'Every answer cites its sources. Type /help for the commands.',
  ].join('\n'),
  help: [
    'Commands:',
    '/thutuc <procedure>: papers, fees, processing time, where to file, online link',
    "/hanchot <unit>: a unit's tasks and deadlines (e.g. Sở Tư pháp)",
    '/theodoi <unit>: daily deadline reminders at 8:00',
    '/dstheodoi: the units you follow',
    '/huytheodoi: stop reminders (pick a unit)',
    '/lang vi|en: change language',
    '',
    'Or just type your question.',
  ].join('\n'),
  thinkingFailed: 'Sorry, I cannot answer this right now. Please try again in a few minutes.',
  askProcedureName: 'Please give the procedure name, e.g. /thutuc birth registration',
  askUnit: (command) => `Please give the unit, e.g. /${command} Sở Tư pháp`,
  languageSet: 'Language set to English.',
  languageUsage: 'Usage: /lang vi or /lang en',
  subscribed: (unit) => `Subscribed to deadline reminders for: ${unit}. I will write at 8:00 when a deadline is within 7 days or a task is new.`,
  unsubscribed: (count) => (count > 0 ? 'Reminders cancelled.' : 'You have no reminders.'),
  reminderTitle: (unit) => `Deadline reminder: ${unit}`,
  reminderNew: 'New tasks',
  reminderDueSoon: 'Due within 7 days',
  unitNotFound: (unit) => `"${unit}" is not a unit I recognise. Please write the full name, e.g. /hanchot Sở Tư pháp or /hanchot phường Ba Đình.`,
  pickByNumber: (count) => `Reply ${numbers(count, 'or')} to choose a procedure, or ask another question.`,
  textOnly: 'I can only read text messages. Please type your question, e.g. "What papers do I need to register a birth?"',
  unitUnknown: (unit, suggested) =>
    suggested
      ? `"${unit}" is not in the unit directory. Did you mean one of these?`
      : `"${unit}" is not in the unit directory. Please write the full name, e.g. /theodoi Sở Tư pháp or /theodoi phường Ba Đình.`,
  subscriptionList: (units) =>
    units.length
      ? ['You receive reminders for:', ...units.map((u) => `• ${u}`), '', 'Stop: /huytheodoi'].join('\n')
      : 'You have no reminders. Subscribe with /theodoi <unit>',
  unsubscribePick: 'Which unit should I stop reminding you about?',
  unsubscribeAll: 'All of them',
  unsubscribedUnit: (unit) => `Reminders stopped for: ${unit}.`,
  expired: 'This is no longer kept. Please ask again.',
  sectionMissing: 'The procedure record does not state this; please see the National Public Service Portal.',
};

/** Zalo has no commands: a greeting that only invites questions. */
export const ZALO_GREETING = [
  'Cảm ơn bạn đã quan tâm! Tôi là trợ lý tra cứu thủ tục hành chính của Hà Nội.',
  'Hãy nhắn câu hỏi, ví dụ: "Làm giấy khai sinh cần những gì?" hoặc "Đổi bằng lái xe mất bao lâu?".',
  'Mọi câu trả lời đều dẫn nguồn văn bản.',
].join('\n');

export function messages(language: Language): Messages {
  return language === 'en' ? en : vi;
}

/** Telegram's `language_code` → our language: English speakers get English, everyone else Vietnamese. */
export function languageFromCode(code: string | undefined): Language {
  return code?.toLowerCase().startsWith('en') ? 'en' : 'vi';
}
