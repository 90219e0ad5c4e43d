// The words of a procedure answer in each language: labels, levels, channels, time units,
// copies. Record text stays as written; in English it is marked "(in Vietnamese)".
import type { ChannelKind, Language } from '../../../domain/records.js';

export const L = {
  vi: {
    procedure: 'Thủ tục',
    code: 'mã',
    source: 'Nguồn: Cơ sở dữ liệu thủ tục hành chính quốc gia',
    fee: 'Lệ phí',
    time: 'Thời hạn giải quyết',
    where: 'Nơi nộp',
    online: 'Nộp trực tuyến tại',
    noOnline: 'Cổng Dịch vụ công quốc gia không ghi nhận hình thức nộp trực tuyến cho thủ tục này.',
    page: 'Trang thủ tục',
    papers: 'Giấy tờ cần nộp',
    present: 'Giấy tờ xuất trình',
    otherCases: 'Trường hợp khác',
    morePapers: '(… xem đủ danh sách trên trang thủ tục)',
    steps: 'Các bước thực hiện',
    moreSteps: '(… xem đủ các bước trên trang thủ tục)',
    legal: 'Căn cứ pháp lý',
    alternatives: 'Thủ tục gần giống',
    note: 'Lưu ý',
    seePage: 'xem trang thủ tục',
    unclearTime: 'hồ sơ trên Cổng không ghi rõ (thiếu đơn vị thời gian)',
    noTime: 'hồ sơ trên Cổng không ghi',
    noAgency: 'hồ sơ trên Cổng không ghi cơ quan thực hiện',
    level: 'cấp thực hiện',
    inVietnamese: '',
    ask: 'Bạn hỏi về thủ tục nào dưới đây?',
    pick: 'Chọn một thủ tục (hoặc gửi số thứ tự, mã thủ tục) để xem chi tiết.',
    askNearest: 'Tôi chưa thấy thủ tục nào khớp rõ với câu hỏi. Các thủ tục gần nhất trong dữ liệu:',
    pickNearest: 'Nếu đúng là một trong số này, hãy chọn (hoặc gửi số thứ tự, mã thủ tục) để xem chi tiết; nếu không, hãy tra cứu trên Cổng Dịch vụ công quốc gia hoặc hỏi lại với tên thủ tục cụ thể hơn.',
    districtGone:
      'cấp huyện (quận, huyện, thị xã) không còn từ 01/7/2025; nhiệm vụ của cấp này đã chuyển về cấp xã (phường, xã) hoặc cấp Thành phố.',
  },
  en: {
    procedure: 'Procedure',
    code: 'code',
    source: 'Source: National database of administrative procedures',
    fee: 'Fee',
    time: 'Processing time',
    where: 'Where to file',
    online: 'File online at',
    noOnline: 'The National Public Service Portal lists no online filing for this procedure.',
    page: 'Procedure page',
    papers: 'Papers to submit',
    present: 'Papers to show',
    otherCases: 'Other cases',
    morePapers: '(… see the full list on the procedure page)',
    steps: 'Steps',
    moreSteps: '(… see all steps on the procedure page)',
    legal: 'Legal basis',
    alternatives: 'Similar procedures',
    note: 'Note',
    seePage: 'see the procedure page',
    unclearTime: 'unclear in the portal record (the time unit is missing)',
    noTime: 'not stated in the portal record',
    noAgency: 'the portal record does not name the agency',
    level: 'level',
    inVietnamese: ' (in Vietnamese)',
    ask: 'Which of these procedures do you mean?',
    pick: 'Pick one (or send its number or code) to see the details.',
    askNearest: 'No procedure clearly matches your question. The closest ones in the data:',
    pickNearest: 'If one of these is it, pick it (or send its number or code) to see the details; if not, search the National Public Service Portal or ask again naming the procedure more precisely.',
    districtGone:
      'the district level (quận, huyện, thị xã) was abolished on 1 July 2025; its tasks moved to the commune/ward level or to the city (provincial) level.',
  },
} as const;

export type Labels = (typeof L)[Language];

const CHANNEL: Record<Language, Record<ChannelKind, string>> = {
  vi: { online: 'trực tuyến', 'in-person': 'trực tiếp', postal: 'qua bưu chính' },
  en: { online: 'online', 'in-person': 'in person', postal: 'by post' },
};

export function channelName(kind: ChannelKind, lang: Language): string {
  return CHANNEL[lang][kind];
}

const LEVEL_EN: Record<string, string> = {
  'cấp xã': 'Commune level',
  'cấp tỉnh': 'Provincial level',
  'cấp bộ': 'Ministry level',
  'cơ quan khác': 'Other agency',
};

export function levelName(level: string, lang: Language): string {
  return lang === 'en' ? (LEVEL_EN[level.trim().toLowerCase()] ?? `${level} (in Vietnamese)`) : level;
}

const UNIT_EN: Record<string, [string, string]> = {
  'ngày làm việc': ['working day', 'working days'],
  ngày: ['day', 'days'],
  giờ: ['hour', 'hours'],
  tháng: ['month', 'months'],
  năm: ['year', 'years'],
  tuần: ['week', 'weeks'],
  phút: ['minute', 'minutes'],
};
export const TIME_UNITS = Object.keys(UNIT_EN);

export function timeUnit(n: number, unit: string, lang: Language): string {
  const key = unit.toLowerCase();
  if (lang === 'vi') return key;
  const [one, many] = UNIT_EN[key] ?? [unit, unit];
  return n === 1 ? one : many;
}

/** "1 bản chính, 1 bản sao" in the question's language, without zero counts. */
export function copiesText(original: number | undefined, copy: number | undefined, asWritten: string, lang: Language): string {
  if (original === undefined && copy === undefined) return asWritten.replace(/(?:^|,\s*)0 bản (?:chính|sao)/g, '').replace(/^,\s*/, '').trim();
  const parts: string[] = [];
  if (original) parts.push(lang === 'vi' ? `${original} bản chính` : `${original} original${original > 1 ? 's' : ''}`);
  if (copy) parts.push(lang === 'vi' ? `${copy} bản sao` : `${copy} ${copy > 1 ? 'copies' : 'copy'}`);
  return parts.join(', ');
}
