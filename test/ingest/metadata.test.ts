import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OfficialDocument } from '../../domain/records.js';
import { buildDocument, readLayout } from '../../ingest/metadata.js';
import { detectLanguage } from '../../ingest/text.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(path.resolve(here, '../fixtures/text', name), 'utf8');

describe('the seed dispatch (Vietnamese rendition)', () => {
  const doc = buildDocument({ text: fixture('seed-2458-rendition.txt'), sourcePath: 'documents/seed-2458.txt' });

  it('reads the layout', () => {
    expect(doc).toMatchObject({
      id: '2458-ubnd-snv-2023',
      number: '2458/UBND-SNV',
      type: 'cong-van',
      issuer: 'Ủy ban nhân dân thành phố Hà Nội',
      place: 'Hà Nội',
      year: 2023,
      subject: 'V/v tập trung thực hiện công tác cải cách hành chính',
      addressees: ['Các sở, ban, ngành Thành phố', 'UBND các quận, huyện, thị xã'],
      recipients: ['Như trên', 'Lưu: VT'],
      language: 'vi',
      title: 'Công văn 2458/UBND-SNV: V/v tập trung thực hiện công tác cải cách hành chính',
    });
  });

  it('leaves the unknown issue date out rather than guessing', () => {
    expect(doc.date).toBeUndefined();
  });

  it('satisfies the domain schema', () => {
    expect(OfficialDocument.safeParse(doc).success).toBe(true);
  });
});

describe('a synthetic dispatch (test fixture) with a full date line', () => {
  const doc = buildDocument({ text: fixture('synthetic-dispatch-test-fixture.txt'), sourcePath: 'x/synthetic.txt' });

  it('reads date, subject over two lines, addressees and recipients', () => {
    expect(doc).toMatchObject({
      id: '9001-ubnd-kstt-2026',
      number: '9001/UBND-KSTT',
      date: '2026-11-20',
      year: 2026,
      subject: 'V/v thí điểm số hóa hồ sơ thủ tục hành chính (tài liệu kiểm thử)',
      addressees: ['Sở Tư pháp', 'Sở Nội vụ', 'UBND các xã, phường'],
      recipients: ['Như trên', 'Chủ tịch UBND Thành phố (để báo cáo)', 'Các Phó Chủ tịch UBND Thành phố', 'Lưu: VT, KSTT'],
      // The signature block in the right column beside "Nơi nhận"; the fixture gives no name.
      signer: { title: 'TM. Ủy ban nhân dân, KT. Chủ tịch' },
    });
    expect(doc.signer?.name).toBeUndefined();
  });

  it('lets overrides win, and keeps the layout where an override is undefined', () => {
    const over = buildDocument({
      text: fixture('synthetic-dispatch-test-fixture.txt'),
      sourcePath: 'x/synthetic.txt',
      overrides: { title: 'Tên riêng', note: 'Bản kiểm thử', subject: undefined },
    });
    expect(over.title).toBe('Tên riêng');
    expect(over.note).toBe('Bản kiểm thử');
    expect(over.subject).toMatch(/^V\/v thí điểm/);
    expect(buildDocument({ text: 'x', sourcePath: 'a/b.txt', overrides: { id: 'given' } }).id).toBe('given');
  });
});

describe('readLayout', () => {
  it('reads a plan: heading, title block, number code, numeric date, party header', () => {
    const text = [
      'THÀNH ỦY HÀ NỘI                  ĐẢNG CỘNG SẢN VIỆT NAM',
      '*',
      'Số 01-CTr/TU                     Hà Nội, ngày 17/3/2021',
      '',
      'CHƯƠNG TRÌNH',
      'Đẩy mạnh cải cách hành chính (tài liệu kiểm thử)',
      '',
      'Căn cứ …',
    ].join('\n');
    expect(readLayout(text)).toMatchObject({
      issuer: 'Thành ủy Hà Nội',
      number: '01-CTr/TU',
      type: 'chuong-trinh',
      date: '2021-03-17',
      year: 2021,
      subject: 'Đẩy mạnh cải cách hành chính (tài liệu kiểm thử)',
    });
  });

  it('reads a one-column header where the motto interleaves the issuer', () => {
    const text = [
      'ỦY BAN NHÂN DÂN',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'THÀNH PHỐ HÀ NỘI',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 136/KH-UBND',
      'Hà Nội, ngày 01 tháng 6 năm 2021',
      'KẾ HOẠCH',
      'Cải cách hành chính nhà nước giai đoạn 2021-2025 (tài liệu kiểm thử)',
    ].join('\n');
    expect(readLayout(text)).toMatchObject({
      issuer: 'Ủy ban nhân dân thành phố Hà Nội',
      number: '136/KH-UBND',
      type: 'ke-hoach',
      date: '2021-06-01',
      subject: 'Cải cách hành chính nhà nước giai đoạn 2021-2025 (tài liệu kiểm thử)',
    });
  });

  it('reads addressees given on the "Kính gửi" line itself', () => {
    expect(readLayout('Số: 5/UBND-TEST\nV/v kiểm thử\nKính gửi: Sở Tư pháp; Sở Y tế.\n1. Nội dung.').addressees).toEqual(['Sở Tư pháp', 'Sở Y tế']);
  });

  it('takes the type from the number code and the year from the number', () => {
    expect(readLayout('HĐND THÀNH PHỐ HÀ NỘI\nSố: 20/2022/NQ-HĐND\n')).toMatchObject({ type: 'nghi-quyet', year: 2022 });
    expect(readLayout('Số: 280/QĐ-UBND\n').type).toBe('quyet-dinh');
  });

  it('reads the English layout', () => {
    const text = [
      "HANOI PEOPLE'S COMMITTEE          SOCIALIST REPUBLIC OF VIETNAM",
      '                                  Independence - Freedom - Happiness',
      'No. 7001/UBND-TEST                Hanoi, 15 December 2026',
      'Re: A test fixture on administrative reform',
      "To: Departments, branches; People's Committees of wards and communes",
      '',
      '1. The departments and branches shall review procedures by September 2027.',
      '',
      'Recipients:',
      '- As above;',
      '- Archive.',
    ].join('\n');
    const doc = buildDocument({ text, sourcePath: 'en.txt' });
    expect(doc).toMatchObject({
      issuer: "Hanoi People's Committee",
      number: '7001/UBND-TEST',
      type: 'cong-van',
      date: '2026-12-15',
      place: 'Hanoi',
      subject: 'A test fixture on administrative reform',
      addressees: ['Departments, branches', "People's Committees of wards and communes"],
      recipients: ['As above', 'Archive'],
      language: 'en',
      title: 'Official Dispatch No. 7001/UBND-TEST: A test fixture on administrative reform',
      id: '7001-ubnd-test-2026',
    });
  });
});

describe('detectLanguage', () => {
  it.each([
    ['Các sở, ban, ngành thực hiện', 'vi'],
    ['cac so ban nganh thuc hien theo ke hoach cua thanh pho', 'vi'],
    ['The departments shall review the procedures of the city', 'en'],
  ] as const)('%s → %s', (text, lang) => expect(detectLanguage(text)).toBe(lang));
});

describe('robustness', () => {
  it('falls back to the path and the first line when there is no layout', () => {
    const doc = buildDocument({ text: '\n\n  Ghi chú nội bộ  \nkhông có số', sourcePath: 'notes/ghi-chu.txt' });
    expect(doc.id).toBe('notes-ghi-chu-txt');
    expect(doc.title).toBe('Ghi chú nội bộ');
    expect(buildDocument({ text: '', sourcePath: '' }).id).toBe('document');
  });

  it('never throws and always yields a valid document on arbitrary text', () => {
    const pieces = fc.constantFrom(
      'Số: ', 'Kính gửi:', '- ', 'Nơi nhận:', 'V/v ', 'ngày ', ' tháng ', ' năm ', 'ỦY BAN', '2458/UBND', '\n', '   ',
      ', ', '/', 'KẾ HOẠCH', 'No. ', 'Re: ', '1. ', 'a) ', '…', 'đ', 'Ư', '\u0301',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 8 })), { maxLength: 80 }), fc.string({ maxLength: 20 }), (parts, p) => {
        const doc = buildDocument({ text: parts.join(''), sourcePath: p });
        expect(OfficialDocument.safeParse(doc).success).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('stays linear on long pathological lines', () => {
    const evil = [
      `Số: ${'1/'.repeat(20000)}`,
      `Hà Nội, ngày ${' '.repeat(20000)}`,
      `${'ỦY BAN '.repeat(5000)}`,
      `Kính gửi: ${'- ;'.repeat(10000)}`,
      `${'-\n'.repeat(10000)}`,
    ].join('\n');
    const doc = buildDocument({ text: evil, sourcePath: 'evil.txt' });
    expect(doc.id.length).toBeGreaterThan(0);
  });
});

describe('header fields in Markdown and loose layouts', () => {
  it('reads a header laid out as a Markdown table, with <br> line breaks and a subject over two lines', () => {
    const text = [
      '| ỦY BAN NHÂN DÂN<br>THÀNH PHỐ HÀ NỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc |',
      '|---|---|',
      '| Số: 3121/UBND-KSTTHC<br>V/v tổ chức kiểm tra công tác cải cách hành chính<br>năm 2026 tại các xã, phường | *Hà Nội, ngày 14/10/2026* |',
      '',
      'Kính gửi: Các sở, ban, ngành Thành phố; UBND các xã, phường.',
      '',
      '1. Sở Nội vụ chủ trì kiểm tra trước ngày 15/12/2026.',
    ].join('\n');
    expect(readLayout(text)).toMatchObject({
      number: '3121/UBND-KSTTHC',
      issuer: 'Ủy ban nhân dân thành phố Hà Nội',
      place: 'Hà Nội',
      date: '2026-10-14',
      subject: 'V/v tổ chức kiểm tra công tác cải cách hành chính năm 2026 tại các xã, phường',
      addressees: ['Các sở, ban, ngành Thành phố', 'UBND các xã, phường'],
    });
  });

  it('keeps the whole subject when it wraps over three lines, and stops at the addressees', () => {
    const text = [
      'Số: 12/UBND-TEST',
      '_Hà Nội, ngày 02 tháng 11 năm 2026_',
      'V/v triển khai thực hiện nhiệm vụ cải cách hành chính,',
      'chuyển đổi số và nâng cao chỉ số hài lòng của người dân,',
      'doanh nghiệp trong năm 2026',
      'Kính gửi:',
      'Các sở, ban, ngành Thành phố;',
      'UBND các xã, phường.',
      '',
      'Thực hiện chỉ đạo của Thành phố, UBND Thành phố yêu cầu:',
    ].join('\n');
    expect(readLayout(text)).toMatchObject({
      place: 'Hà Nội',
      date: '2026-11-02',
      subject:
        'V/v triển khai thực hiện nhiệm vụ cải cách hành chính, chuyển đổi số và nâng cao chỉ số hài lòng của người dân, doanh nghiệp trong năm 2026',
      addressees: ['Các sở, ban, ngành Thành phố', 'UBND các xã, phường'],
    });
  });

  it('reads a list of addressees with blank lines between its items', () => {
    const text = ['Số: 13/UBND-TEST', 'Kính gửi:', '', '- Sở Tư pháp;', '', '- Sở Nội vụ.', '', 'Nội dung công văn.'].join('\n');
    expect(readLayout(text).addressees).toEqual(['Sở Tư pháp', 'Sở Nội vụ']);
  });
});

describe('the signature block', () => {
  const end = (lines: string[]) => readLayout(['Số: 77/UBND-VP', '', 'Nội dung công văn.', '', ...lines].join('\n')).signer;

  it('reads who signs for whom, the title and the name, one column (Markdown)', () => {
    expect(end(['Nơi nhận:', '- Như trên;', '- Lưu: VT.', '', 'TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', '', '(Đã ký)', '', '**Nguyễn Văn An**'])).toEqual({
      title: 'TM. Ủy ban nhân dân, KT. Chủ tịch, Phó Chủ tịch',
      name: 'Nguyễn Văn An',
    });
  });

  it('reads the right column of a two-column layout, and a name in capitals', () => {
    const lines = ['Nơi nhận:                         KT. GIÁM ĐỐC', '- Như trên;                        PHÓ GIÁM ĐỐC', '- Lưu: VT.', '', '                                  TRẦN THỊ BÌNH'];
    expect(end(lines)).toEqual({ title: 'KT. Giám đốc, Phó Giám đốc', name: 'Trần Thị Bình' });
  });

  it('gives the title alone when the text says only "(Đã ký)", and nothing without a block', () => {
    expect(end(['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH', '(Đã ký)'])).toEqual({ title: 'TM. Ủy ban nhân dân, Chủ tịch' });
    expect(end(['Nơi nhận:', '- Như trên;', '- Lưu: VT.'])).toBeUndefined();
  });

  it('reads an English block', () => {
    expect(end(['ON BEHALF OF THE PEOPLE\'S COMMITTEE', 'VICE CHAIRMAN', '(signed)'])).toEqual({ title: "On Behalf of the People's Committee, Vice Chairman" });
  });
});
