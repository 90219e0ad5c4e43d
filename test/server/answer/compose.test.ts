// Composing answers from records: the first line answers what was asked, then a few short
// essentials, the name and code, the source; the text stays short (the full record travels in
// the structured field). Papers are listed as a person files them, levels and units are
// translated in English, and "not found" speaks both languages. Real portal records are read
// through the real parser from ../shared/data/tthc-portal.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Procedure } from '../../../domain/records.js';
import { parsePortalRecord } from '../../../ingest/loaders/portal.js';
import { ANSWER_BUDGET, composeCandidates, composeProcedure, composeProcedureParts, composeTasks, greeting, notFound, PORTAL_SEARCH } from '../../../server/answer/compose.js';
import type { ProcedureAspect, TaskAnswer } from '../../../domain/contract.js';

const portalDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/tthc-portal');
const record = (rel: string): Procedure => parsePortalRecord(JSON.parse(readFileSync(path.join(portalDir, rel), 'utf8'))).procedure;
const TODAY = { today: '2026-11-27' };
const firstLine = (text: string) => text.split('\n')[0];
const ASPECTS: ProcedureAspect[] = ['papers', 'fee', 'time', 'where', 'online', 'steps', 'legal', 'overview'];

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
    { case: 'Người chưa đủ 14 tuổi', kind: 'submit', papers: [{ name: 'Bản sao giấy khai sinh', copies: '0 bản chính, 1 bản sao', original: 0, copy: 1 }] },
    { case: null, kind: 'present', papers: [{ name: 'Thẻ căn cước', copies: '1 bản chính' }] },
  ],
  channels: [
    { channel: 'online', time: '8 Ngày làm việc', fee: '160.000 đồng' },
    { channel: 'in-person', time: '8 Ngày làm việc', fee: '200.000 đồng' },
  ],
  legalBasis: [{ title: 'Luật Xuất cảnh, nhập cảnh của công dân Việt Nam', number: '49/2019/QH14' }],
});

describe('composeProcedure: the first line answers what was asked', () => {
  it('a fee question: the fee per channel when they differ, then the essentials, the name and code, the source', () => {
    const text = composeProcedure(passport, 'fee', 'vi', [], TODAY);
    expect(firstLine(text)).toBe('Lệ phí: Trực tuyến: 160.000 đồng; trực tiếp: 200.000 đồng.');
    expect(text).toContain('\n\nThời hạn giải quyết: 8 ngày làm việc.\nNơi nộp: Phòng Quản lý xuất nhập cảnh, Công an thành phố Hà Nội\n');
    expect(text).toContain('Thủ tục: Cấp hộ chiếu thử nghiệm — mã 9.000001 (Cấp tỉnh)');
    expect(text.split('\n').pop()).toBe('Nguồn: Cơ sở dữ liệu thủ tục hành chính quốc gia, mã 9.000001.');
    expect(text).not.toContain('Giấy tờ'); // the papers stay in the structured record
  });

  it('a time question on a real record: its time, not the whole card (bo-tu-phap/1.001193 used to give 6,990 characters)', () => {
    const p = record('bo-tu-phap/1.001193.json');
    const text = composeProcedure(p, 'time', 'vi', [], TODAY);
    // The crawl lost the unit ("Trực tuyến1Miễn phí"): the answer says the record is unclear, never "thời hạn 1".
    expect(firstLine(text)).toBe('Thời hạn giải quyết: hồ sơ trên Cổng không ghi rõ (thiếu đơn vị thời gian) — xem trang thủ tục.');
    expect(text).not.toMatch(/thời hạn 1\b|: 1\.|\b1 ngày/);
    expect(text).toContain(`Nộp trực tuyến tại: ${p.url}`);
    expect(text.length).toBeLessThan(600);
  });

  it('a where question leads with the office; an online question with the record\'s own link', () => {
    expect(firstLine(composeProcedure(passport, 'where', 'vi', [], TODAY))).toBe('Nơi nộp: Phòng Quản lý xuất nhập cảnh, Công an thành phố Hà Nội');
    expect(firstLine(composeProcedure(passport, 'online', 'vi', [], TODAY))).toBe(`Nộp trực tuyến tại: ${RECORD_URL}`);
    const p = record('bo-cong-an/1.001456.json');
    expect(firstLine(composeProcedure(p, 'online', 'vi', [], TODAY))).toBe(`Nộp trực tuyến tại: ${p.url}`);
  });

  it('writes only the record url, and none when the record has none', () => {
    const urls = (t: string) => t.match(/https?:\/\/\S+/g) ?? [];
    for (const aspect of ASPECTS) expect(new Set(urls(composeProcedure(passport, aspect, 'vi', [], TODAY)))).toEqual(new Set([RECORD_URL]));
    const noUrl = Procedure.parse({ ...passport, url: undefined });
    for (const aspect of ASPECTS) expect(urls(composeProcedure(noUrl, aspect, 'vi', [], TODAY))).toEqual([]);
  });

  it('says so when a record lists no online filing, and gives the procedure page', () => {
    const offline = Procedure.parse({ ...passport, channels: [{ channel: 'in-person', time: '5 Ngày', fee: 'Miễn phí' }] });
    expect(firstLine(composeProcedure(offline, 'online', 'vi', [], TODAY))).toBe(
      `Cổng Dịch vụ công quốc gia không ghi nhận hình thức nộp trực tuyến cho thủ tục này. Trang thủ tục: ${RECORD_URL}`,
    );
  });

  it('a papers question lists the papers with their copies, what to show, and the other cases by name', () => {
    const text = composeProcedure(passport, 'papers', 'vi', [], TODAY);
    expect(text.split('\n\n')[0]).toBe(
      [
        'Giấy tờ cần nộp:',
        '- Tờ khai mẫu TK01 (1 bản chính)',
        '- Ảnh 4x6 (2 bản chính)',
        'Giấy tờ xuất trình: Thẻ căn cước',
        'Trường hợp khác: Người chưa đủ 14 tuổi',
        '(… xem đủ danh sách trên trang thủ tục)',
      ].join('\n'),
    );
  });

  it('a steps question leads with the steps', () => {
    const text = composeProcedure(record('bo-cong-an/1.001456.json'), 'steps', 'vi', [], TODAY);
    expect(text.split('\n').slice(0, 2)).toEqual(['Các bước thực hiện:', 'Bước 1: Chuẩn bị hồ sơ theo quy định của pháp luật.']);
    expect(text).toContain('(… xem đủ các bước trên trang thủ tục)');
  });

  it('offers near neighbours by name and code, briefly', () => {
    const other = Procedure.parse({ ...passport, code: '9.000002', name: 'Cấp lại hộ chiếu thử nghiệm' });
    expect(composeProcedure(passport, 'papers', 'vi', [other], TODAY)).toContain('Thủ tục gần giống: Cấp lại hộ chiếu thử nghiệm (mã 9.000002)');
  });
});

describe('composeProcedure: short enough to read in a chat', () => {
  const real = ['bo-tu-phap/1.001193.json', 'bo-cong-an/1.001456.json', 'bo-tai-chinh/1.001612.json', 'bo-tu-phap/2.002797.json', 'bo-cong-an/1.013067.json'];

  it.each(real)('%s: every aspect, in both languages, stays within the budget', (rel) => {
    const p = record(rel);
    for (const lang of ['vi', 'en'] as const) {
      for (const aspect of ASPECTS) expect(composeProcedure(p, aspect, lang, [], TODAY).length, `${aspect}/${lang}`).toBeLessThanOrEqual(ANSWER_BUDGET);
    }
  });

  it('lists at most 8 papers of the usual case, then points to the page (bo-tu-phap/2.002797: 11 papers)', () => {
    const text = composeProcedure(record('bo-tu-phap/2.002797.json'), 'papers', 'vi', [], TODAY);
    const block = text.split('\n\n')[0]!.split('\n');
    expect(block.filter((l) => l.startsWith('- ')).length).toBeLessThanOrEqual(8);
    expect(block.at(-1)).toBe('(… xem đủ danh sách trên trang thủ tục)');
  });

  it('writes no zero count and lists no rule meant for the officer (bo-tu-phap/1.001193, bo-tai-chinh/1.001612)', () => {
    for (const rel of ['bo-tu-phap/1.001193.json', 'bo-tai-chinh/1.001612.json']) {
      const text = composeProcedure(record(rel), 'papers', 'vi', [], TODAY);
      expect(text).not.toMatch(/0 bản chính|0 bản sao/);
      expect(text).not.toMatch(/Người tiếp nhận|có trách nhiệm kiểm tra/);
    }
    // Papers every applicant brings come first: the declaration is listed, the abandoned-child case after it.
    const birth = composeProcedure(record('bo-tu-phap/1.001193.json'), 'papers', 'vi', [], TODAY);
    expect(birth.indexOf('- Tờ khai đăng ký khai sinh')).toBeGreaterThan(0);
    expect(birth.indexOf('- Tờ khai đăng ký khai sinh')).toBeLessThan(birth.indexOf('- Trường hợp trẻ em bị bỏ rơi'));
    // A curated count "0 bản chính, 1 bản sao" reads as one copy.
    expect(composeProcedure(passport, 'papers', 'vi', [], TODAY)).not.toContain('0 bản');
  });
});

describe('composeProcedure: agencies of the abolished district tier', () => {
  it('adds a short note when the agency is named at the district level (bo-cong-an/1.010385: "Công an huyện")', () => {
    const p = record('bo-cong-an/1.010385.json');
    const vi = composeProcedure(p, 'where', 'vi', [], TODAY);
    expect(firstLine(vi)).toBe('Nơi nộp: Công an huyện');
    expect(vi).toContain('\n\nLưu ý: cấp huyện (quận, huyện, thị xã) không còn từ 01/7/2025; nhiệm vụ của cấp này đã chuyển về cấp xã (phường, xã) hoặc cấp Thành phố.');
    const en = composeProcedure(record('bo-tai-chinh/2.000809.json'), 'papers', 'en', [], TODAY);
    expect(en).toContain('Note: the district level (quận, huyện, thị xã) was abolished on 1 July 2025');
  });

  it('gives the note as a field too, and says what each paragraph holds', () => {
    const c = composeProcedureParts(record('bo-cong-an/1.010385.json'), 'where', 'vi', [passport], TODAY);
    expect(c.notes).toEqual(['Lưu ý: cấp huyện (quận, huyện, thị xã) không còn từ 01/7/2025; nhiệm vụ của cấp này đã chuyển về cấp xã (phường, xã) hoặc cấp Thành phố.']);
    expect(c.parts.map((p) => p.kind)).toEqual(['where', 'essentials', 'notes', 'procedure', 'alternatives', 'source']);
    expect(c.text).toBe(c.parts.map((p) => p.text).join('\n\n'));
    expect(composeProcedureParts(passport, 'papers', 'vi', [], TODAY).parts[0]!.kind).toBe('papers');
    expect(composeProcedureParts(passport, 'online', 'vi', [], TODAY).parts[0]).toEqual({ kind: 'online', text: `Nộp trực tuyến tại: ${RECORD_URL}` });
    expect(composeProcedureParts(passport, 'where', 'vi', [], TODAY).notes).toEqual([]);
  });

  it('adds nothing for an agency of a level that still exists', () => {
    expect(composeProcedure(record('bo-cong-an/1.001456.json'), 'where', 'vi', [], TODAY)).not.toContain('cấp huyện');
    expect(composeProcedure(passport, 'where', 'vi', [], TODAY)).not.toContain('Lưu ý');
  });
});

describe('composeProcedure in English', () => {
  it('uses English labels, levels and time units, and marks Vietnamese-only text', () => {
    const text = composeProcedure(passport, 'fee', 'en', [], TODAY);
    expect(firstLine(text)).toBe('Fee: Online: 160,000 VND; in person: 200,000 VND.');
    expect(text).toContain('Processing time: 8 working days.');
    expect(text).toContain('Where to file: Phòng Quản lý xuất nhập cảnh, Công an thành phố Hà Nội (in Vietnamese)');
    expect(text).toContain('Procedure: Test passport issuance (Cấp hộ chiếu thử nghiệm) — code 9.000001 (Provincial level)');
    expect(text).toContain('Source: National database of administrative procedures, code 9.000001.');
    expect(text).not.toMatch(/Ngày làm việc|Cấp tỉnh\)|Lệ phí/);
  });

  it('real records: commune level, a name without an English one, papers marked as Vietnamese', () => {
    const p = record('bo-tu-phap/1.001193.json');
    expect(firstLine(composeProcedure(p, 'time', 'en', [], TODAY))).toBe(
      'Processing time: unclear in the portal record (the time unit is missing) — see the procedure page.',
    );
    const papers = composeProcedure(p, 'papers', 'en', [], TODAY);
    expect(firstLine(papers)).toBe('Papers to submit (in Vietnamese):');
    expect(papers).toMatch(/\(1 original\)/);
    expect(papers).toContain('Procedure: Thủ tục đăng ký khai sinh (in Vietnamese) — code 1.001193 (Commune level)');
    expect(papers).toContain('Fee: Free.');
  });
});

describe('composeCandidates: asking back when several procedures fit', () => {
  it('names each candidate with its level and code, numbered, under 600 characters', () => {
    const list = ['bo-tu-phap/1.001193.json', 'bo-tai-chinh/2.000809.json', 'bo-tu-phap/2.002797.json', 'bo-cong-an/1.013067.json', 'bo-nong-nghiep-mt/1.013980.json'].map(record);
    const text = composeCandidates(list, 'vi');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Bạn hỏi về thủ tục nào dưới đây?');
    expect(lines[1]).toBe('1. Thủ tục đăng ký khai sinh — Cấp xã (mã 1.001193)');
    expect(lines.filter((l) => /^\d\. /.test(l))).toHaveLength(5);
    expect(text.length).toBeLessThanOrEqual(600);
  });

  it('asks in English with English levels', () => {
    const text = composeCandidates([passport, record('bo-tu-phap/1.001193.json')], 'en');
    expect(text.split('\n').slice(0, 3)).toEqual([
      'Which of these procedures do you mean?',
      '1. Test passport issuance — Provincial level (code 9.000001)',
      '2. Thủ tục đăng ký khai sinh — Commune level (code 1.001193)',
    ]);
  });
});

describe('composeCandidates: the nearest records when none clearly fits', () => {
  it('says that none clearly fits, offers them as the closest and points to the portal, under 600 characters', () => {
    const list = ['bo-tu-phap/1.001193.json', 'bo-tai-chinh/2.000809.json', 'bo-tu-phap/2.002797.json'].map(record);
    const text = composeCandidates(list, 'vi', true);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Tôi chưa thấy thủ tục nào khớp rõ/);
    expect(lines.filter((l) => /^\d\. /.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/Cổng Dịch vụ công quốc gia/);
    expect(text.length).toBeLessThanOrEqual(600);
    expect(composeCandidates(list, 'en', true).split('\n')[0]).toBe('No procedure clearly matches your question. The closest ones in the data:');
  });
});

describe('greeting', () => {
  it('greets in the question\'s language', () => {
    expect(greeting('vi')).toMatch(/^Xin chào!/);
    expect(greeting('en')).toMatch(/^Hello!/);
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
