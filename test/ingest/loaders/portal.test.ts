// The portal parser on REAL records of the national crawl, read in place (never copied).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Procedure } from '../../../domain/records.js';
import { PortalRecordError, parsePortalRecord } from '../../../ingest/loaders/portal.js';
import { measure } from '../../../ingest/tools/portal-parse-rate.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const portalDir = path.resolve(projectRoot, '../shared/data/tthc-portal');
const raw = (rel: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(portalDir, rel), 'utf8'));
const parse = (rel: string) => parsePortalRecord(raw(rel));
const allPapers = (p: Procedure) => p.papers.flatMap((g) => g.papers);

describe('parsePortalRecord: birth registration (bo-tu-phap/1.001193)', () => {
  const { procedure: p, issues } = parse('bo-tu-phap/1.001193.json');

  it('reads the identity fields and keeps the portal link from the data', () => {
    expect(p.code).toBe('1.001193');
    expect(p.name).toBe('Thủ tục đăng ký khai sinh');
    expect(p.level).toEqual(['Cấp xã']);
    expect(p.field).toBe('Hộ tịch');
    expect(p.decision).toBe('163/QĐ-BTP');
    expect(p.url).toBe('https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7');
    expect(p.origin).toBe('portal');
    expect(p.agency).toBeUndefined(); // "Không có thông tin"
    expect(p.conditions).toBeUndefined();
  });

  it('reads three channels whose time unit the crawl lost, and says so', () => {
    expect(p.channels).toEqual([
      { channel: 'online', time: '1', fee: 'Miễn phí' },
      { channel: 'postal', time: '1', fee: 'Miễn phí' },
      { channel: 'in-person', time: '1', fee: 'Miễn phí' },
    ]);
    expect(issues).toEqual(['channels:time-unit-missing']);
  });

  it('separates papers to submit from papers to present, with their counts', () => {
    const submit = p.papers[0]!;
    expect(submit).toMatchObject({ case: null, kind: 'submit' });
    const birth = submit.papers.find((x) => x.name.startsWith('Giấy chứng sinh'));
    expect(birth).toMatchObject({ copies: '1 bản chính', original: 1 });
    // A row with no count that says when a paper is NOT needed is a note of the table, not a paper.
    expect(submit.papers.some((x) => x.name.includes('không phải nộp bản giấy'))).toBe(false);
    expect(submit.notes?.some((n) => n.includes('không phải nộp bản giấy'))).toBe(true);

    const present = p.papers.find((g) => g.kind === 'present')!;
    expect(present.case).toBeNull();
    expect(present.papers.some((x) => x.name.startsWith('Hộ chiếu/Thẻ căn cước công dân') && x.original === 1)).toBe(true);

    // The last table of the page (after "--") holds the declaration form itself.
    const form = allPapers(p).find((x) => x.name.startsWith('Tờ khai đăng ký khai sinh theo mẫu'));
    expect(form?.original).toBe(1);
    // The portal's notes stay a group of their own rather than mixing into the papers.
    expect(p.papers.some((g) => g.case === 'Lưu ý')).toBe(true);
  });

  it('pairs each legal document with its number, including glued and dotted numbers', () => {
    const numbers = p.legalBasis.map((l) => l.number);
    expect(numbers).toContain('123/2015/NĐ-CP');
    expect(numbers).toContain('08/2025/TT-BTP');
    expect(numbers).toContain('66.7/2025/NQ-CP');
    expect(numbers).toContain('18/2026/NĐ-CP');
    expect(p.legalBasis).toContainEqual({ title: 'Luật 60/2014/QH13', number: '60/2014/QH13' });
    expect(p.legalBasis).toContainEqual({
      title: 'Thông tư số 03/2023/TT-BTP ngày 02/8/2023 của Bộ trưởng Bộ Tư pháp',
      number: '03/2023/TT-BTP',
    });
    expect(p.legalBasis).toHaveLength(15);
    expect(p.legalBasis.every((l) => l.number && !l.title.endsWith(l.number.slice(0, 2)))).toBe(true);
  });

  it('cuts the page furniture off the result, and every string is NFC without invisible marks', () => {
    expect(p.result).toBe('Giấy khai sinh');
    const text = JSON.stringify(p);
    expect(text).toBe(text.normalize('NFC'));
    expect(text).not.toMatch(/[\u200b-\u200f]/);
  });
});

describe('parsePortalRecord: fees, forms, postal filing, cases', () => {
  it('passport (bo-cong-an/1.001456): per-channel fees, postal channel, original + copy, form file', () => {
    const { procedure: p, issues } = parse('bo-cong-an/1.001456.json');
    expect(issues).toEqual([]);
    expect(p.channels.map((c) => [c.channel, c.time, c.fee])).toEqual([
      ['online', '8 Ngày làm việc', '160,000 Việt Nam Đồng'],
      ['postal', '8 Ngày làm việc', '160,000 Việt Nam Đồng'],
      ['in-person', '8 Ngày làm việc', '200,000 Việt Nam Đồng'],
    ]);
    expect(p.channels[2]!.note).toMatch(/^200\.000đ\/ hộ chiếu\. Trường hợp cấp lại/);
    const papers = allPapers(p);
    expect(papers.find((x) => x.name.startsWith('Bản sao giấy khai sinh'))).toMatchObject({
      copies: '1 bản chính, 1 bản sao',
      original: 1,
      copy: 1,
    });
    const declaration = papers.find((x) => x.name.startsWith('Tờ khai đề nghị cấp hộ chiếu phổ thông'))!;
    expect(declaration.form).toBe('Mau TK01a to khai trẻ em cap HCPT ở trong nước TK01a MỚI.doc');
    expect(declaration.name.endsWith('.doc')).toBe(false);
  });

  it('driving licence (bo-cong-an/3.000350): the fee as written and its description unwrapped', () => {
    const { procedure: p } = parse('bo-cong-an/3.000350.json');
    expect(p.channels).toEqual([
      { channel: 'in-person', time: '5 Ngày làm việc', fee: '135 VNĐ', note: 'Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.' },
    ]);
  });

  it('form names stuck to the paper name are split off (bo-cong-an: "(NA20).Mau NA20-BCA.docx")', () => {
    const all = ['bo-cong-an/1.001445.json', 'bo-cong-an/1.000807.json'].flatMap((f) => allPapers(parse(f).procedure));
    for (const paper of all.filter((x) => x.form)) expect(paper.form).toMatch(/\.(docx?|pdf)$/i);
  });

  it('multi-case papers (bo-tai-chinh/1.014565): one group per "Trường hợp …", "0 bản chính, 1 bản sao" read as one copy', () => {
    const { procedure: p } = parse('bo-tai-chinh/1.014565.json');
    expect(p.papers.length).toBeGreaterThan(3);
    const broken = p.papers.find((g) => g.case?.startsWith('Trường hợp việc kết nối giữa Cơ sở dữ liệu'))!;
    expect(broken.kind).toBe('submit');
    expect(broken.papers).toEqual([expect.objectContaining({ copies: '1 bản sao', original: 0, copy: 1 })]);
    expect(broken.papers[0]!.name).toMatch(/^\(i\) Bản sao thẻ Căn cước/);
  });

  it('a time written in words is kept as written (bo-tai-chinh/2.002235)', () => {
    const { procedure: p } = parse('bo-tai-chinh/2.002235.json');
    expect(p.channels[0]).toMatchObject({
      channel: 'online',
      time: 'Không phải trả kết quả cho người nộp thuế',
      fee: 'Miễn phí',
    });
  });

  it('reports a papers cell that holds no table (bo-tai-chinh/1.001521)', () => {
    const { procedure: p, issues } = parse('bo-tai-chinh/1.001521.json');
    expect(p.papers).toEqual([]);
    expect(issues).toContain('papers:no-table');
  });

  it('keeps every row of a channel (two stages each) and reports the fee the portal does not give', () => {
    const { procedure: p, issues } = parse('bo-cong-an/1.011726.json');
    expect(p.channels.map((c) => [c.channel, c.time, c.fee])).toEqual([
      ['online', '2 Ngày làm việc', ''],
      ['postal', '2 Ngày làm việc', ''],
      ['in-person', '2 Ngày làm việc', ''],
      ['in-person', '3 Ngày làm việc', ''],
      ['online', '3 Ngày làm việc', ''],
      ['postal', '3 Ngày làm việc', ''],
    ]);
    expect(p.channels[3]!.note).toMatch(/^\+ Trong thời hạn 03 ngày làm việc/);
    expect(issues).toEqual(['channels:fee-unknown']);
  });

  it('never builds a link: a missing or non-https detail_url gives no url', () => {
    const base = raw('bo-tu-phap/1.001193.json');
    expect(parsePortalRecord({ ...base, detail_url: '' }).procedure.url).toBeUndefined();
    const http = parsePortalRecord({ ...base, detail_url: 'http://dichvucong.gov.vn/thu-tuc-hanh-chinh/x' });
    expect(http.procedure.url).toBeUndefined();
    expect(http.issues).toContain('url:invalid');
    expect(parsePortalRecord({ ...base, detail_url: 'javascript:alert(1)' }).procedure.url).toBeUndefined();
  });

  it('refuses a record without code or name', () => {
    const base = raw('bo-tu-phap/1.001193.json');
    expect(() => parsePortalRecord({ ...base, ma_thu_tuc: '' })).toThrowError(PortalRecordError);
    expect(() => parsePortalRecord({ ...base, ten_thu_tuc: 'Không có thông tin' })).toThrowError(PortalRecordError);
    expect(() => parsePortalRecord([base])).toThrowError(PortalRecordError);
  });
});

describe('papers as a person files them', () => {
  const copiesOf = (rel: string) => allPapers(parse(rel).procedure).map((x) => x.copies);

  it('never writes a zero count ("0 bản chính"), while keeping the counts as read', () => {
    for (const rel of ['bo-tu-phap/1.001193.json', 'bo-cong-an/1.001456.json', 'bo-tai-chinh/1.014565.json', 'bo-tai-chinh/1.001612.json']) {
      for (const copies of copiesOf(rel)) expect(copies, rel).not.toMatch(/(?:^|,\s*)0 bản/);
    }
    const household = allPapers(parse('bo-tai-chinh/1.001612.json').procedure);
    expect(household.find((x) => x.name.startsWith('Bản sao văn bản ủy quyền của thành viên hộ gia đình'))).toMatchObject({
      copies: '1 bản sao',
      original: 0,
      copy: 1,
    });
  });

  it('keeps rules for the receiving officer out of the papers, as notes with their text (bo-tu-phap/1.001193)', () => {
    const { procedure: p } = parse('bo-tu-phap/1.001193.json');
    const names = allPapers(p).map((x) => x.name).join('\n');
    expect(names).not.toMatch(/Người tiếp nhận|người tiếp nhận có trách nhiệm|cơ quan đăng ký hộ tịch có trách nhiệm/);
    const notes = p.papers.flatMap((g) => g.notes ?? []);
    expect(notes).toContain(
      'Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ đăng ký hộ tịch theo quy định của pháp luật hộ tịch, không được yêu cầu người đăng ký hộ tịch nộp thêm giấy tờ mà pháp luật hộ tịch không quy định phải nộp .',
    );
    // What a person shows at the counter: the residence paper and the identity paper, nothing else.
    const present = p.papers.filter((g) => g.kind === 'present').flatMap((g) => g.papers.map((x) => x.name));
    expect(present).toHaveLength(2);
    expect(present[0]).toMatch(/^Giấy tờ có giá trị chứng minh thông tin về cư trú/);
    expect(present[1]).toMatch(/^Hộ chiếu\/Thẻ căn cước công dân/);
    // The papers a person brings are all there.
    expect(allPapers(p).map((x) => x.name.slice(0, 30))).toEqual(
      expect.arrayContaining(['Giấy chứng sinh; trường hợp kh', 'Tờ khai đăng ký khai sinh theo', 'Mẫu hộ tịch điện tử tương tác ']),
    );
  });

  it('takes a "Lưu ý:" row for a note even when the portal gave it a count (bo-tu-phap/1.003201)', () => {
    const { procedure: p } = parse('bo-tu-phap/1.003201.json');
    expect(allPapers(p).some((x) => /^Lưu ý/.test(x.name))).toBe(false);
    expect(p.papers.flatMap((g) => g.notes ?? []).some((n) => /^Lưu ý: Trường hợp không khai thác được thông tin/.test(n))).toBe(true);
  });

  it('keeps a real paper the portal gave no count, without inventing one (bo-tai-chinh/1.007754)', () => {
    const invoice = allPapers(parse('bo-tai-chinh/1.007754.json').procedure).find((x) => x.name.startsWith('Hóa đơn thương mại'));
    expect(invoice).toMatchObject({ copies: '', original: 0 });
  });
});

describe('the whole crawl', () => {
  it('parses every record without throwing and keeps the measured rates', async () => {
    const r = await measure(portalDir);
    expect(r.records).toBe(2642);
    expect(r.failed).toBe(0);
    expect(r.clean + r.partial).toBe(r.records);
    // Measured 64.7% clean (no issue of any kind); a drop below this guard means a regression.
    expect(r.cleanPercent).toBeGreaterThanOrEqual(62);
    expect(r.fields.papers).toBeGreaterThanOrEqual(96);
    expect(r.fields.channels).toBeGreaterThanOrEqual(99);
    expect(r.fields.channelsTimeFee).toBeGreaterThanOrEqual(80);
    expect(r.fields.legalBasis).toBeGreaterThanOrEqual(95);
  });
});
