// Composing answers from records: the asked aspect leads, papers keep their copies, links
// come only from the record, task statuses are labelled, and "not found" speaks both languages.
import { describe, expect, it } from 'vitest';
import { Procedure } from '../../../ingest/domain.js';
import { composeProcedure, composeTasks, notFound, PORTAL_SEARCH } from '../../../server/answer/compose.js';
import type { TaskAnswer } from '../../../server/answer/contract.js';

const RECORD_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/test-fixture-0001';

// A made-up record (test fixture), shaped like a catalogue entry.
const passport = Procedure.parse({
  code: '9.000001',
  name: 'Cấp hộ chiếu thử nghiệm',
  nameEn: 'Test passport issuance',
  level: ['Cấp tỉnh'],
  agency: 'Phòng Quản lý xuất nhập cảnh, Công an thành phố Hà Nội',
  url: RECORD_URL,
  papers: [
    { case: null, kind: 'submit', papers: [{ name: 'Tờ khai mẫu TK01', copies: '1 bản chính' }, { name: 'Ảnh 4x6', copies: '2 bản chính' }] },
    { case: 'Người chưa đủ 14 tuổi', kind: 'submit', papers: [{ name: 'Bản sao giấy khai sinh', copies: '1 bản sao' }] },
    { case: null, kind: 'present', papers: [{ name: 'Thẻ căn cước', copies: '1 bản chính' }] },
  ],
  channels: [
    { channel: 'online', time: '8 Ngày làm việc', fee: '160.000 đồng' },
    { channel: 'in-person', time: '8 Ngày làm việc', fee: '200.000 đồng' },
  ],
  legalBasis: [{ title: 'Luật Xuất cảnh, nhập cảnh của công dân Việt Nam', number: '49/2019/QH14' }],
});

const firstSectionAfterHead = (text: string) => text.split('\n\n')[1]!.split('\n')[0];

describe('composeProcedure', () => {
  it('leads with the fees and times when the fee is asked', () => {
    const text = composeProcedure(passport, 'fee', 'vi', []);
    expect(text.startsWith('Cấp hộ chiếu thử nghiệm — mã 9.000001')).toBe(true);
    expect(firstSectionAfterHead(text)).toBe('Thời hạn giải quyết và lệ phí:');
    expect(text).toContain('- Trực tuyến: thời hạn 8 Ngày làm việc; phí, lệ phí 160.000 đồng');
    expect(text).toContain('- Trực tiếp: thời hạn 8 Ngày làm việc; phí, lệ phí 200.000 đồng');
    expect(text.indexOf('Thời hạn giải quyết và lệ phí:')).toBeLessThan(text.indexOf('Giấy tờ cần chuẩn bị:'));
  });

  it('leads with the papers when papers are asked, each with its copies', () => {
    const text = composeProcedure(passport, 'papers', 'vi', []);
    expect(firstSectionAfterHead(text)).toBe('Giấy tờ cần chuẩn bị:');
    expect(text).toContain('- Tờ khai mẫu TK01 (1 bản chính)');
    expect(text).toContain('- Ảnh 4x6 (2 bản chính)');
    expect(text).toContain('Người chưa đủ 14 tuổi:\n- Bản sao giấy khai sinh (1 bản sao)');
    expect(text).toContain('Giấy tờ xuất trình:\n- Thẻ căn cước (1 bản chính)');
  });

  it('leads with where to file, and with the online link, when asked', () => {
    expect(firstSectionAfterHead(composeProcedure(passport, 'where', 'vi', []))).toBe('Nơi nộp: Phòng Quản lý xuất nhập cảnh, Công an thành phố Hà Nội');
    expect(firstSectionAfterHead(composeProcedure(passport, 'online', 'vi', []))).toBe(`Nộp trực tuyến tại: ${RECORD_URL}`);
  });

  it('writes only the record url, and none when the record has none', () => {
    const urls = (t: string) => t.match(/https?:\/\/\S+/g) ?? [];
    expect(new Set(urls(composeProcedure(passport, 'online', 'vi', [])))).toEqual(new Set([RECORD_URL]));
    const noUrl = Procedure.parse({ ...passport, url: undefined });
    const text = composeProcedure(noUrl, 'online', 'vi', []);
    expect(urls(text)).toEqual([]);
    expect(text).not.toContain('Nộp trực tuyến tại:');
  });

  it('says so when a record lists no online filing', () => {
    const offline = Procedure.parse({ ...passport, channels: [{ channel: 'in-person', time: '5 ngày', fee: 'Miễn phí' }] });
    expect(composeProcedure(offline, 'online', 'vi', [])).toContain('Cổng Dịch vụ công quốc gia không ghi nhận hình thức nộp trực tuyến');
  });

  it('answers in English with the English name and the Vietnamese one', () => {
    const text = composeProcedure(passport, 'fee', 'en', []);
    expect(text.startsWith('Test passport issuance (Cấp hộ chiếu thử nghiệm) — code 9.000001')).toBe(true);
    expect(firstSectionAfterHead(text)).toBe('Processing time and fees:');
    expect(text).toContain('- Online: time 8 Ngày làm việc; fee 160.000 đồng');
  });

  it('offers near neighbours by code', () => {
    const other = Procedure.parse({ ...passport, code: '9.000002', name: 'Cấp lại hộ chiếu thử nghiệm' });
    const text = composeProcedure(passport, 'papers', 'vi', [other]);
    expect(text).toContain('Thủ tục gần giống (chọn nếu đúng trường hợp của bạn):\n- Cấp lại hộ chiếu thử nghiệm (mã 9.000002)');
  });
});

function task(status: TaskAnswer['status'], deadline: TaskAnswer['deadline'], via?: string): TaskAnswer {
  return {
    text: `Nhiệm vụ ${status}`,
    units: ['Các sở, ban, ngành'],
    deadline,
    status,
    ...(via ? { via } : {}),
    citation: { id: `t-${status}`, title: 'Công văn thử nghiệm', number: '1/TEST', section: '2', quote: 'Nhiệm vụ' },
  };
}

describe('composeTasks', () => {
  const tasks = [
    task('past', { text: 'tháng 9/2023', kind: 'month', month: '2023-09', year: 2023, due: '2023-09-30' }, 'các sở, ban, ngành'),
    task('upcoming', { text: 'năm 2027', kind: 'year', year: 2027, due: '2027-12-31' }),
    task('unknown', { text: '', kind: 'none' }),
  ];

  it('labels each status in Vietnamese and cites the item', () => {
    const text = composeTasks('Sở Tư pháp', tasks, 'vi', ['Lưu ý: thử nghiệm.']);
    expect(text.split('\n')[0]).toBe('Nhiệm vụ và thời hạn của Sở Tư pháp:');
    expect(text).toContain('Thời hạn: tháng 9/2023 (đã qua hạn) — giao cho: các sở, ban, ngành');
    expect(text).toContain('Thời hạn: năm 2027 (chưa đến hạn)');
    expect(text).toContain('Thời hạn: không ghi hạn');
    expect(text).toContain('[1/TEST, mục 2]');
    expect(text.endsWith('Lưu ý: thử nghiệm.')).toBe(true);
  });

  it('labels each status in English', () => {
    const text = composeTasks('Sở Tư pháp', tasks, 'en', []);
    expect(text).toContain('Deadline: tháng 9/2023 (past) — assigned via: các sở, ban, ngành');
    expect(text).toContain('Deadline: năm 2027 (upcoming)');
    expect(text).toContain('Deadline: no deadline stated');
    expect(text).toContain('[1/TEST, item 2]');
  });

  it('says plainly when no task concerns the unit', () => {
    expect(composeTasks('Sở Du lịch', [], 'vi', [])).toContain('không có nhiệm vụ nào giao cho Sở Du lịch');
    expect(composeTasks('Sở Du lịch', [], 'en', [])).toContain('None of the loaded documents assigns a task to Sở Du lịch');
  });
});

describe('notFound', () => {
  it('answers in Vietnamese with the portal search link', () => {
    const nf = notFound('vi');
    expect(nf.answer).toMatch(/^Xin lỗi, tôi không tìm thấy/);
    expect(nf.links).toEqual([{ label: 'Tra cứu thủ tục trên Cổng Dịch vụ công quốc gia', url: PORTAL_SEARCH }]);
  });

  it('answers in English with the same link', () => {
    const nf = notFound('en');
    expect(nf.answer).toMatch(/^Sorry, I could not find/);
    expect(nf.links.map((l) => l.url)).toEqual([PORTAL_SEARCH]);
  });
});
