// Links in text quoted from documents: only those the data vouches for are shown, whatever form
// they take (with or without a scheme, a look-alike host, reversed with bidi controls).
import { describe, expect, it } from 'vitest';
import { foreignLinks, neutraliseLinksIn, stripBidi } from '../../../server/answer/links.js';

const ALLOWED = new Set(['https://dichvucong.gov.vn/thu-tuc-hanh-chinh', 'https://dichvucong.hanoi.gov.vn', 'https://example.gov.vn/van-ban/2458.pdf']);
const LABEL = '[liên kết đã ẩn]';
const clean = (t: string) => neutraliseLinksIn(t, ALLOWED, LABEL);

describe('neutraliseLinksIn', () => {
  it('blanks links without a scheme and look-alike hosts', () => {
    expect(clean('Đăng ký tại www.evil-portal.com/dang-ky ngay.')).toBe(`Đăng ký tại ${LABEL} ngay.`);
    expect(clean('Nộp qua dichvucong-gov.vn/nop-ho-so để nhanh hơn')).toBe(`Nộp qua ${LABEL} để nhanh hơn`);
    expect(clean('xem evil.example.com')).toBe(`xem ${LABEL}`);
  });

  it('blanks a full URL the data does not hold, even on a portal host', () => {
    expect(clean('https://dichvucong.gov.vn/phishing-page')).toBe(LABEL);
    expect(clean('http://evil.example/x, rồi')).toBe(`${LABEL}, rồi`);
  });

  it('keeps what the data vouches for, with or without the scheme, and the bare portal host', () => {
    expect(clean('Xem https://dichvucong.gov.vn/thu-tuc-hanh-chinh.')).toBe('Xem https://dichvucong.gov.vn/thu-tuc-hanh-chinh.');
    expect(clean('Cổng dichvucong.gov.vn và dichvucong.hanoi.gov.vn')).toBe('Cổng dichvucong.gov.vn và dichvucong.hanoi.gov.vn');
    expect(clean('tải example.gov.vn/van-ban/2458.pdf')).toBe('tải example.gov.vn/van-ban/2458.pdf');
  });

  it('strips bidi controls, so a reversed link is read and blanked as what it is', () => {
    const reversed = '\u202egnok-ad/moc.latrop-live.www\u202c';
    expect(clean(`Truy cập ${reversed}`)).not.toMatch(/[\u202a-\u202e]/);
    expect(clean('Truy cập \u202ewww.evil-portal.com\u202c')).toBe(`Truy cập ${LABEL}`);
    expect(stripBidi('a\u2066b\u2069c\u200f')).toBe('abc');
  });

  it('leaves document numbers, decimals and file names alone', () => {
    const text = 'Công văn 2458/UBND-SNV, mục 3.b; thủ tục 1.001193; Nghị định 30/2020/NĐ-CP; tệp procedures.json; giảm 15.5%.';
    expect(clean(text)).toBe(text);
  });
});

describe('foreignLinks', () => {
  it('lists what an LLM may not write', () => {
    expect(foreignLinks('Xem www.evil-portal.com và https://dichvucong.gov.vn/thu-tuc-hanh-chinh', ALLOWED)).toEqual(['www.evil-portal.com']);
  });
});
