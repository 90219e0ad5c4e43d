import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysUntil, deadlineStatus, findDeadlines, nextOccurrence, parseDeadline } from '../../ingest/deadline.js';
import { Deadline } from '../../domain/records.js';

type Expected = Partial<Deadline> & { kind: Deadline['kind'] };

// [sentence, context year, expected fields]
const TABLE: Array<[string, number | undefined, Expected]> = [
  // exact dates
  ['Sở Tư pháp báo cáo trước ngày 15/12/2026.', undefined, { kind: 'date', date: '2026-12-15', due: '2026-12-15', text: 'trước ngày 15/12/2026' }],
  ['hoàn thành chậm nhất ngày 15 tháng 12 năm 2026', undefined, { kind: 'date', date: '2026-12-15', text: 'chậm nhất ngày 15 tháng 12 năm 2026' }],
  ['xong trước 30/9', 2023, { kind: 'date', date: '2023-09-30', due: '2023-09-30' }],
  ['truoc ngay 15/12/2026', undefined, { kind: 'date', date: '2026-12-15', text: 'truoc ngay 15/12/2026' }],
  ['TRƯỚC NGÀY 01/02/2027', undefined, { kind: 'date', date: '2027-02-01' }],
  ['hạn chót: ngày 5-3-2027', undefined, { kind: 'date', date: '2027-03-05' }],
  ['report before 15 December 2026', undefined, { kind: 'date', date: '2026-12-15', text: 'before 15 December 2026' }],
  ['submit by December 15, 2026', undefined, { kind: 'date', date: '2026-12-15' }],
  ['trước ngày 31/02/2026', undefined, { kind: 'none' }], // no such day
  // months
  ['hoàn thành trong tháng 9/2023', undefined, { kind: 'month', month: '2023-09', due: '2023-09-30', text: 'trong tháng 9/2023' }],
  ['Thời gian hoàn thành: tháng 9/2023.', undefined, { kind: 'month', month: '2023-09', due: '2023-09-30' }],
  ['tháng 2 năm 2024', undefined, { kind: 'month', month: '2024-02', due: '2024-02-29' }],
  ['thoi gian hoan thanh: thang 9/2023', undefined, { kind: 'month', month: '2023-09' }],
  ['trong tháng 12', 2026, { kind: 'month', month: '2026-12', due: '2026-12-31' }],
  ['to be finished in September 2023', undefined, { kind: 'month', month: '2023-09', due: '2023-09-30' }],
  ['completion: September 2023', undefined, { kind: 'month', month: '2023-09' }],
  // quarters
  ['hoàn thành trong quý IV/2023', undefined, { kind: 'quarter', quarter: '2023-Q4', due: '2023-12-31' }],
  ['quý IV năm 2023', undefined, { kind: 'quarter', quarter: '2023-Q4' }],
  ['trong quý 4', 2023, { kind: 'quarter', quarter: '2023-Q4', due: '2023-12-31' }],
  ['quy II/2024', undefined, { kind: 'quarter', quarter: '2024-Q2', due: '2024-06-30' }],
  ['Q4 2023', undefined, { kind: 'quarter', quarter: '2023-Q4' }],
  ['during the fourth quarter of 2023', undefined, { kind: 'quarter', quarter: '2023-Q4' }],
  // periods
  ['các chỉ tiêu 5 tháng cuối năm 2023', undefined, { kind: 'period', from: '2023-08-01', due: '2023-12-31', text: '5 tháng cuối năm 2023' }],
  ['6 tháng đầu năm 2024', undefined, { kind: 'period', from: '2024-01-01', due: '2024-06-30' }],
  ['5 thang cuoi nam 2023', undefined, { kind: 'period', from: '2023-08-01' }],
  ['targets due in the last 5 months of 2023', undefined, { kind: 'period', from: '2023-08-01', due: '2023-12-31' }],
  ['the first six months of 2024', undefined, { kind: 'period', from: '2024-01-01', due: '2024-06-30' }],
  // years
  ['đến năm 2025, cắt giảm ít nhất 20% thủ tục nội bộ', undefined, { kind: 'year', year: 2025, due: '2025-12-31', text: 'đến năm 2025' }],
  ['trong năm 2024', undefined, { kind: 'year', year: 2024 }],
  ['den nam 2025', undefined, { kind: 'year', year: 2025 }],
  ['cut 20% by 2025', undefined, { kind: 'year', year: 2025, due: '2025-12-31' }],
  ['giai đoạn 2021-2025', undefined, { kind: 'year', year: 2025, due: '2025-12-31' }],
  // recurring
  ['báo cáo trước ngày 25 hằng tháng', undefined, { kind: 'recurring', recurring: { day: 25, every: 'month' }, text: 'trước ngày 25 hằng tháng' }],
  ['truoc ngay 25 hang thang', undefined, { kind: 'recurring', recurring: { day: 25, every: 'month' } }],
  ['Định kỳ hằng tháng báo cáo kết quả trước ngày 25.', undefined, { kind: 'recurring', recurring: { day: 25, every: 'month' } }],
  ['báo cáo hàng tháng', undefined, { kind: 'recurring' }],
  ['định kỳ hằng quý', undefined, { kind: 'recurring' }],
  ['before the 25th of each month', undefined, { kind: 'recurring', recurring: { day: 25, every: 'month' } }],
  ['report monthly', undefined, { kind: 'recurring' }],
  // nothing (a citation date is not a deadline; "may" is not May)
  ['Thực hiện Công văn số 2023/UBND-NC ngày 03/7/2023 của UBND Thành phố', undefined, { kind: 'none', text: '' }],
  ['The units may report on progress.', undefined, { kind: 'none' }],
  ['Tập trung nâng cao các chỉ số PAR Index, SIPAS, PAPI, PCI.', undefined, { kind: 'none' }],
];

describe('parseDeadline', () => {
  it.each(TABLE)('%s', (sentence, year, expected) => {
    const d = parseDeadline(sentence, year ? { year } : {});
    expect(d).toMatchObject(expected);
    expect(Deadline.safeParse(d).success).toBe(true);
  });

  it('returns the phrase as written even when matching ran on folded text', () => {
    expect(parseDeadline('Hoàn thành trong Quý IV/2023 nhé').text).toBe('trong Quý IV/2023');
  });

  it('prefers the whole date over the month inside it', () => {
    expect(parseDeadline('chậm nhất ngày 15 tháng 12 năm 2026').kind).toBe('date');
  });

  it('takes the first deadline of a sentence', () => {
    expect(parseDeadline('hoàn thành trong tháng 12/2026, chậm nhất ngày 31/3/2027 báo cáo').month).toBe('2026-12');
  });

  it('takes the explicit date over a period that only qualifies the work', () => {
    expect(parseDeadline('Tổng hợp kết quả trong báo cáo quý IV/2026, gửi trước ngày 10/12/2026.')).toMatchObject({
      kind: 'date',
      date: '2026-12-10',
      text: 'trước ngày 10/12/2026',
    });
    expect(parseDeadline('Báo cáo 6 tháng đầu năm 2026 gửi Sở Nội vụ trước ngày 15/6/2026.').date).toBe('2026-06-15');
    expect(parseDeadline('Include it in the Q4 2026 report, submitted before 10 December 2026.').date).toBe('2026-12-10');
    // A period that is itself a completion deadline stays first.
    expect(parseDeadline('Thời gian hoàn thành: quý IV/2026; báo cáo trước ngày 10/01/2027.').quarter).toBe('2026-Q4');
  });

  it('without a year in the text or the context, keeps the kind but no due date', () => {
    const d = parseDeadline('xong trước 30/9');
    expect(d.kind).toBe('date');
    expect(d.due).toBeUndefined();
  });
});

describe('findDeadlines', () => {
  it('lists every deadline of a passage with its position', () => {
    const text = 'Hoàn thành trong tháng 12/2026. Chậm nhất ngày 31 tháng 3 năm 2027 báo cáo kết quả.';
    const found = findDeadlines(text, { year: 2026 });
    expect(found.map((f) => f.deadline.kind)).toEqual(['month', 'date']);
    for (const f of found) expect(text.slice(f.index, f.end)).toBe(f.deadline.text);
  });

  it('never throws nor hangs on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789/ -.:tháng năm quý ngày trước hằng IVQ of the by'.split('')), maxLength: 300 }), (s) => {
        const found = findDeadlines(s, { year: 2024 });
        for (const f of found) expect(Deadline.safeParse(f.deadline).success).toBe(true);
      }),
      { numRuns: 300 },
    );
    const long = `${'trước ngày 1'.repeat(2000)} ${'hằng '.repeat(5000)} ${'1/'.repeat(5000)}`;
    expect(Array.isArray(findDeadlines(long))).toBe(true);
  });
});

describe('deadlineStatus', () => {
  const due = (d: string): Deadline => ({ text: d, kind: 'date', date: d, due: d });
  it.each([
    ['2026-12-16', 'past'],
    ['2026-12-15', 'due-soon'], // due today
    ['2026-12-08', 'due-soon'], // exactly 7 days left
    ['2026-12-07', 'upcoming'], // 8 days left
  ] as const)('due 2026-12-15, today %s → %s', (today, status) => {
    expect(deadlineStatus(due('2026-12-15'), today)).toBe(status);
  });

  it('honours a custom window, recurring and unknown deadlines', () => {
    expect(deadlineStatus(due('2026-12-15'), '2026-12-01', 14)).toBe('due-soon');
    expect(deadlineStatus(parseDeadline('trước ngày 25 hằng tháng'), '2026-12-01')).toBe('recurring');
    expect(deadlineStatus(parseDeadline('không có hạn'), '2026-12-01')).toBe('unknown');
    expect(deadlineStatus(parseDeadline('quý IV/2023'), '2024-01-01')).toBe('past');
  });

  it('counts days across month and year ends', () => {
    expect(daysUntil('2027-01-01', '2026-12-31')).toBe(1);
    expect(daysUntil('2024-03-01', '2024-02-28')).toBe(2); // leap year
    expect(daysUntil('2026-12-01', '2026-12-15')).toBe(-14);
  });
});

describe('nextOccurrence', () => {
  const on31 = parseDeadline('trước ngày 31 hằng tháng');
  const on25 = parseDeadline('truoc ngay 25 hang thang');
  it.each([
    [on25, '2026-12-10', '2026-12-25'],
    [on25, '2026-12-25', '2026-12-25'],
    [on25, '2026-12-26', '2027-01-25'],
    [on31, '2026-04-05', '2026-04-30'],
    [on31, '2026-02-01', '2026-02-28'],
    [on31, '2024-02-01', '2024-02-29'],
    [on31, '2026-01-31', '2026-01-31'],
    [on31, '2026-02-28', '2026-02-28'],
  ] as const)('%#: today %s', (d, today, expected) => {
    expect(nextOccurrence(d, today)).toBe(expected);
  });

  it('puts a quarterly day in the quarter’s last month, and knows nothing of non-recurring deadlines', () => {
    expect(nextOccurrence(parseDeadline('trước ngày 20 hằng quý'), '2026-04-02')).toBe('2026-06-20');
    expect(nextOccurrence(parseDeadline('trước ngày 20 hằng quý'), '2026-06-21')).toBe('2026-09-20');
    expect(nextOccurrence(parseDeadline('trước ngày 15/12/2026'), '2026-01-01')).toBeUndefined();
    expect(nextOccurrence(parseDeadline('hằng tháng'), '2026-01-01')).toBeUndefined();
  });
});

describe('dates in citations are not deadlines', () => {
  it('reads neither "ngày 17 tháng 3 năm 2021" nor "of 17 March 2021" as a month deadline', () => {
    expect(parseDeadline('Chương trình số 01-CTr/TU ngày 17 tháng 3 năm 2021 của Thành ủy').kind).toBe('none');
    expect(parseDeadline('Program 01-CTr/TU of 17 March 2021 of the Hanoi Party Committee').kind).toBe('none');
    expect(parseDeadline('Completion: September 2023').month).toBe('2023-09');
    expect(parseDeadline('Thời gian hoàn thành: tháng 9/2023').month).toBe('2023-09');
  });
});
