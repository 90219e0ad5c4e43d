// Fees as they apply on the day asked: a temporary rate from the portal's fee note (Thông tư
// 64/2025/TT-BTC …) applies until its end date and is given with the normal fee beside it; an
// expired rate is never presented as current; a fee the provincial council sets is never called
// free; a garbled or contradicted fee cell is said to be unclear. Real portal records, read through
// the real parser from ../shared/data/tthc-portal.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Procedure } from '../../../domain/records.js';
import { parsePortalRecord } from '../../../ingest/loaders/portal.js';
import { composeProcedure } from '../../../server/answer/compose.js';
import { feeOn } from '../../../server/answer/fees.js';

const portalDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/tthc-portal');
const record = (rel: string): Procedure => parsePortalRecord(JSON.parse(readFileSync(path.join(portalDir, rel), 'utf8'))).procedure;
const feeLine = (rel: string, today?: string, lang: 'vi' | 'en' = 'vi') =>
  composeProcedure(record(rel), 'fee', lang, [], today ? { today } : {}).split('\n')[0];

describe('temporary rates (Thông tư 64/2025/TT-BTC, "đến hết ngày 31/12/2026")', () => {
  // Note: "- 50.000đ/tem “AB” (Thông tư số 25/2021/TT-BTC …). - 25.000đ/tem “AB” (áp dụng đến hết ngày 31/12/2026 theo Thông tư số 64/2025/TT-BTC …)"
  const AB = 'bo-cong-an/1.014904.json';

  it('gives the reduced fee while it applies, with its end date and the normal fee', () => {
    expect(feeLine(AB, '2026-11-27')).toBe(
      'Lệ phí: 25.000 đồng/tem “AB” (mức giảm, áp dụng đến hết 31/12/2026 theo Thông tư 64/2025/TT-BTC; mức thông thường 50.000 đồng).',
    );
    expect(feeLine(AB, '2026-12-31')).toMatch(/^Lệ phí: 25\.000 đồng/);
  });

  it('gives the normal fee once the reduction has ended', () => {
    expect(feeLine(AB, '2027-01-01')).toBe('Lệ phí: 50.000 đồng.');
  });

  it('reads "áp dụng mức phí 400.000 đồng/hồ sơ kể từ ngày 01/7/2025 đến hết ngày 31/12/2026" and its start (bo-tu-phap/1.000828)', () => {
    expect(feeLine('bo-tu-phap/1.000828.json', '2026-11-27')).toBe(
      'Lệ phí: 400.000 đồng/hồ sơ (mức giảm, áp dụng đến hết 31/12/2026 theo Thông tư 64/2025/TT-BTC; mức thông thường 800.000 đồng).',
    );
    expect(feeLine('bo-tu-phap/1.000828.json', '2025-06-30')).toBe('Lệ phí: 800.000 đồng.');
  });

  it('computes a reduction written as a share ("bằng 50% mức thu nêu trên") from the fee it reduces (bo-cong-an/1.000889)', () => {
    const line = feeLine('bo-cong-an/1.000889.json', '2026-11-27');
    expect(line).toBe('Lệ phí: 25.000 đồng (mức giảm, áp dụng đến hết 31/12/2026 theo Thông tư 64/2025/TT-BTC; mức thông thường 50.000 đồng).');
  });

  it('finds the amount in the next bullet ("(kể từ … đến hết ngày 31/12/2026). + 03 triệu đồng/Giấy chứng nhận", bo-tai-chinh/1.009523)', () => {
    const fee = feeOn(record('bo-tai-chinh/1.009523.json').channels.find((c) => c.channel === 'in-person')!, '2026-11-27');
    expect(fee).toMatchObject({ kind: 'amount', money: { amount: 3_000_000, per: 'Giấy chứng nhận' }, temporary: { until: '2026-12-31' } });
  });

  it('says it in English', () => {
    expect(feeLine(AB, '2026-11-27', 'en')).toBe(
      'Fee: 25,000 VND/tem “AB” (reduced rate until 31 Dec 2026 under Circular 64/2025/TT-BTC; normal fee 50,000 VND).',
    );
  });

  it('without a date, judges no rate current or past: the fee as listed, the dated rate beside it', () => {
    expect(feeLine(AB)).toBe('Lệ phí: 50.000 đồng (ghi chú trên Cổng nêu 25.000 đồng/tem “AB” áp dụng đến hết 31/12/2026 theo Thông tư 64/2025/TT-BTC).');
    expect(feeLine('bo-cong-an/3.000347.json')).not.toMatch(/Trực tuyến: 115\.000|^Lệ phí: 115\.000/);
  });
});

describe('expired rates are not presented as current', () => {
  it('a cell that only restates a rate that ended ("40.000đ … áp dụng đến hết ngày 31/12/2024", bo-cong-an/1.001200)', () => {
    const line = feeLine('bo-cong-an/1.001200.json', '2026-11-27');
    expect(line).toContain('Trực tuyến: không rõ (mức 40.000 đồng/giấy thông hành chỉ áp dụng đến hết 31/12/2024, nay đã hết hạn; Cổng chưa ghi mức hiện hành)');
    expect(line).not.toMatch(/Trực tuyến: 40/);
  });

  it('the passport fee stands; the re-issue rate that ended in 2023 is a caveat (bo-cong-an/1.001456)', () => {
    const text = composeProcedure(record('bo-cong-an/1.001456.json'), 'fee', 'vi', [], { today: '2026-11-27' });
    expect(text.split('\n')[0]).toBe('Lệ phí: Trực tuyến, qua bưu chính: 160.000 đồng; trực tiếp: 200.000 đồng.');
    expect(text).toContain('Lưu ý: ghi chú trên Cổng còn nêu 320.000 đồng/hộ chiếu áp dụng đến hết 31/12/2023 theo Thông tư 44/2023/TT-BTC; mức đó đã hết hạn.');
  });

  it('the driving-licence online reduction that ended on 31/12/2025 is not given as the fee (bo-cong-an/3.000347)', () => {
    const line = feeLine('bo-cong-an/3.000347.json', '2026-11-27');
    expect(line).not.toContain('115.000');
    // The cell says "Miễn phí" while the note gives 135.000 đồng/lần: unclear, with what the note says.
    expect(line).toBe('Lệ phí: Không rõ (ô lệ phí ghi “Miễn phí” nhưng ghi chú ghi “Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.”) — xem trang thủ tục.');
  });
});

describe('fees the city council (HĐND) sets', () => {
  it('never says "Miễn phí" beside such a note, and lists the exemptions it states (bo-tu-phap/1.000080)', () => {
    const line = feeLine('bo-tu-phap/1.000080.json', '2026-11-27');
    expect(line).toBe(
      'Lệ phí: Do HĐND Thành phố Hà Nội quy định. Miễn lệ phí cho người thuộc gia đình có công với cách mạng; người thuộc hộ nghèo; người khuyết tật.',
    );
    expect(line).not.toMatch(/Miễn phí/);
  });

  it('keeps what the portal lists per channel beside it (bo-tai-chinh/1.001612)', () => {
    expect(feeLine('bo-tai-chinh/1.001612.json', '2026-11-27')).toBe(
      'Lệ phí: Do HĐND Thành phố Hà Nội quy định (Cổng ghi trực tuyến, qua bưu chính: 150.000 đồng; trực tiếp: 50.000 đồng).',
    );
  });

  it('in English', () => {
    expect(feeLine('bo-tu-phap/1.000080.json', '2026-11-27', 'en')).toBe(
      'Fee: Set by the Hanoi People’s Council (HĐND Thành phố). Exemptions (in Vietnamese): Miễn lệ phí cho người thuộc gia đình có công với cách mạng; người thuộc hộ nghèo; người khuyết tật.',
    );
  });
});

describe('garbled fees are not shown as facts', () => {
  it('"100 VNĐ" where the note says 100.000 đồng/lần is unclear; the other channels keep their fee (bo-tai-chinh/2.001610)', () => {
    expect(feeLine('bo-tai-chinh/2.001610.json', '2026-11-27')).toBe(
      'Lệ phí: Trực tuyến: không rõ (ô lệ phí ghi “100 VNĐ”, ghi chú ghi “Phí công bố nội dung đăng ký doanh nghiệp: 100.000 đồng/lần (Thông tư số 47/2019/TT-BTC)”); qua bưu chính, trực tiếp: 100.000 đồng — xem trang thủ tục.',
    );
  });

  it('"Không có thông tin" is said to be not stated (bo-cong-an/1.011726)', () => {
    expect(feeLine('bo-cong-an/1.011726.json', '2026-11-27')).toBe('Lệ phí: Hồ sơ trên Cổng không ghi — xem trang thủ tục.');
  });

  it('a reduction above the fee it reduces is a typo, not a fee ("25.000.000đ/giấy thông hành", bo-cong-an/1.001280)', () => {
    const fee = feeOn(record('bo-cong-an/1.001280.json').channels.find((c) => c.channel === 'in-person')!, '2026-11-27');
    expect(fee).toMatchObject({ kind: 'unclear', reason: 'contradicted', cell: '50,000 Việt Nam Đồng' });
  });

  it('a plain "Miễn phí" with nothing against it stays free (bo-tu-phap/1.001193)', () => {
    expect(feeLine('bo-tu-phap/1.001193.json', '2026-11-27')).toBe('Lệ phí: Miễn phí.');
  });
});
