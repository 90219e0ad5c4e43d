// Choices the bots offer: which candidates an ask-back shows, button labels that keep what
// tells names apart, and a reply that picks by number.
import { describe, expect, it } from 'vitest';
import { askBackChoices, checkUnit, choiceLabels, pickedNumber } from '../../bot/choices.js';
import { AskResponse } from '../../domain/contract.js';

const LAND = 'Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần đầu';

describe('ask-back choices', () => {
  const res = (extra: Partial<AskResponse>) =>
    AskResponse.parse({ id: 'a', question: 'q', language: 'vi', intent: 'procedure', found: true, answer: 'x', citations: [], links: [], ...extra });
  const candidates = [
    { code: '1.001193', name: 'Thủ tục đăng ký khai sinh', level: ['Cấp xã'] },
    { code: '1.004884', name: 'Thủ tục đăng ký lại khai sinh', level: ['Cấp xã'] },
  ];

  it('are the candidates, in order, when the engine asks back', () => {
    expect(askBackChoices(res({ candidates })).map((c) => c.code)).toEqual(['1.001193', '1.004884']);
  });

  it('are none when a procedure is answered, whatever the text says', () => {
    const procedure = { code: '1.001193', name: 'Thủ tục đăng ký khai sinh', level: [], papers: [], channels: [], legalBasis: [] };
    expect(askBackChoices(res({ candidates, procedure }))).toEqual([]);
    expect(askBackChoices(res({ answer: 'Bạn hỏi về thủ tục nào dưới đây?\n1. A\n2. B' }))).toEqual([]);
  });
});

describe('choice labels', () => {
  it('keep names that fit as they are', () => {
    expect(choiceLabels([{ code: 'a', name: 'Thủ tục đăng ký khai sinh' }, { code: 'b', name: 'Thủ tục đăng ký lại khai sinh' }])).toEqual([
      'Thủ tục đăng ký khai sinh',
      'Thủ tục đăng ký lại khai sinh',
    ]);
  });

  it('cut a long name around where the names differ, keeping its start as far as it fits', () => {
    const labels = choiceLabels([
      { code: 'a', name: `${LAND} cho hộ gia đình, cá nhân` },
      { code: 'b', name: `${LAND} cho tổ chức, cơ sở tôn giáo` },
    ]);
    expect(labels).toEqual(['Cấp Giấy chứng nhận quyền sử dụng … hộ gia đình, cá nhân', 'Cấp Giấy chứng nhận quyền sử dụng … tổ chức, cơ sở tôn giáo']);
  });

  it('keep a difference at the end, brackets and all: "(cấp lại)" and "(cấp mới)"', () => {
    const name = 'Cấp Giấy chứng nhận đủ điều kiện kinh doanh dịch vụ lữ hành quốc tế';
    const labels = choiceLabels([
      { code: 'a', name: `${name} (cấp lại)` },
      { code: 'b', name: `${name} (cấp mới)` },
      { code: 'c', name: `${name} (cấp đổi do thay đổi thông tin)` },
    ], 57);
    expect(labels).toEqual([
      'Cấp Giấy chứng nhận đủ điều kiện kinh doanh … (cấp lại)',
      'Cấp Giấy chứng nhận đủ điều kiện kinh doanh … (cấp mới)',
      'Cấp Giấy chứng nhận đủ … (cấp đổi do thay đổi thông tin)',
    ]);
    for (const l of labels) expect(Array.from(l).length).toBeLessThanOrEqual(57);
  });

  it('tell apart names that differ by one word near the start (the catalogue\'s "Liên thông" pair)', () => {
    const tail = 'thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi';
    const labels = choiceLabels([{ code: 'a', name: `Liên thông các ${tail}` }, { code: 'b', name: `Liên thông ${tail}` }], 57, ['Thủ tục đăng ký khai sinh']);
    expect(labels[0]).toMatch(/^Liên thông các thủ tục/);
    expect(labels[1]).toMatch(/^Liên thông thủ tục/);
    expect(new Set(labels).size).toBe(2);
  });

  it('count the answered procedure as context for alternatives', () => {
    const [label] = choiceLabels([{ code: 'a', name: `${LAND} cho tổ chức` }], 60, [`${LAND} cho hộ gia đình`]);
    expect(label).toMatch(/… tổ chức$/);
  });

  it('stay within the limit and tell equal names apart by level, then code', () => {
    const labels = choiceLabels([
      { code: '2.000635', name: 'Cấp bản sao Trích lục hộ tịch', level: ['Cấp tỉnh'] },
      { code: '2.000636', name: 'Cấp bản sao Trích lục hộ tịch', level: ['Cấp xã'] },
      { code: '2.000637', name: 'Cấp bản sao Trích lục hộ tịch', level: ['Cấp xã'] },
      { code: '1.1', name: 'x'.repeat(200) },
    ], 40);
    expect(labels[0]).toBe('Cấp bản sao Trích lục hộ tịch (Cấp tỉnh)');
    expect(labels[1]).toMatch(/\(2\.000636\)$/);
    expect(labels[2]).toMatch(/\(2\.000637\)$/);
    for (const l of labels) expect(Array.from(l).length).toBeLessThanOrEqual(40);
  });
});

describe('a pick by number', () => {
  it('reads "2", "2.", "số 3" and nothing that is a question', () => {
    expect(['2', ' 2. ', '3)', 'số 3', 'Số 1', '２'.normalize('NFKC')].map(pickedNumber)).toEqual([2, 2, 3, 3, 1, 2]);
    expect(['2 con', 'thứ 2', 'khai sinh', '1.001193', ''].map(pickedNumber)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('a unit checked against the directory', () => {
  it('takes a known unit as typed, without marks or by its abbreviation, under its canonical name', () => {
    expect(checkUnit('so tu phap')).toEqual({ unit: 'Sở Tư pháp', suggestions: [] });
    expect(checkUnit('STP')).toEqual({ unit: 'Sở Tư pháp', suggestions: [] });
    expect(checkUnit('phường Ba Đình').unit).toBe('Phường Ba Đình');
  });

  it('offers the closest names for a unit it does not know', () => {
    expect(checkUnit('Sở Tư Pháo').unit).toBeUndefined();
    expect(checkUnit('Sở Tư Pháo').suggestions[0]).toBe('Sở Tư pháp');
    expect(checkUnit('Sở Giáo dục').suggestions[0]).toBe('Sở Giáo dục và Đào tạo');
    expect(checkUnit('xyz qwerty')).toEqual({ suggestions: [] });
  });
});
