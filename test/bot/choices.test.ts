// Choices the bots offer: which candidates an ask-back shows, button labels that keep what
// tells names apart, and a reply that picks by number.
import { describe, expect, it } from 'vitest';
import { askBackChoices, choiceLabels, pickedNumber } from '../../bot/choices.js';
import { AskResponse } from '../../server/answer/contract.js';

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

  it('cut a long name where the names start to differ', () => {
    const labels = choiceLabels([
      { code: 'a', name: `${LAND} cho hộ gia đình, cá nhân` },
      { code: 'b', name: `${LAND} cho tổ chức, cơ sở tôn giáo` },
    ]);
    expect(labels).toEqual(['…hộ gia đình, cá nhân', '…tổ chức, cơ sở tôn giáo']);
  });

  it('count the answered procedure as context for alternatives', () => {
    const [label] = choiceLabels([{ code: 'a', name: `${LAND} cho tổ chức` }], 60, [`${LAND} cho hộ gia đình`]);
    expect(label).toBe('…tổ chức');
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
