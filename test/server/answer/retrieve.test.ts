// Reading a question for retrieval: accented forms kept beside the folded ones, so that words
// folding alike (vàng "gold" / vắng "absent") can be told apart when the question has marks.
import { describe, expect, it } from 'vitest';
import { buildLexicon } from '../../../server/answer/lexicon.js';
import { newStyleTones, viewQuery } from '../../../server/answer/retrieve.js';

const lexicon = buildLexicon();

describe('viewQuery accented forms', () => {
  it('keeps how each folded syllable was written when the question has marks', () => {
    const q = viewQuery('giá vàng hôm nay bao nhiêu', lexicon);
    expect([...(q.accented.get('vang') ?? [])]).toEqual(['vàng']);
    expect(q.tokens).toContain('vang');
  });

  it('knows nothing about accents when the question was typed without them', () => {
    expect(viewQuery('gia vang hom nay bao nhieu', lexicon).accented.size).toBe(0);
  });

  it('leaves out syllables that fold onto a question word ("cần" and so "căn"): no clash is read into them', () => {
    const q = viewQuery('Làm căn cước cần gì?', lexicon);
    expect(q.accented.has('can')).toBe(false);
    expect([...q.accented.get('cuoc')!]).toEqual(['cước']);
  });
});

describe('newStyleTones', () => {
  it('writes old-style tone placement the new way so both spellings compare equal', () => {
    expect(newStyleTones('hoà')).toBe('hòa');
    expect(newStyleTones('thuỷ')).toBe('thủy');
    expect(newStyleTones('uỷ')).toBe('ủy');
    expect(newStyleTones('khoẻ')).toBe('khỏe');
    expect(newStyleTones('hòa')).toBe('hòa');
  });
});

describe('lexicon triggers written with marks', () => {
  const officials = (question: string) => viewQuery(question, lexicon).units.flatMap((u) => (u.official.length ? [u.official.join(' ')] : []));

  it('fire on the word as written: "đám cưới" is a wedding', () => {
    expect(officials('đăng ký đám cưới cần gì')).toContain('dang ky ket hon');
  });

  it('do not fire on words that only fold alike: "cười" (laugh) and "cuối tuần" (the weekend)', () => {
    expect(officials('kể chuyện cười cho mình nghe')).not.toContain('dang ky ket hon');
    expect(officials('thời tiết cuối tuần này thế nào')).not.toContain('dang ky ket hon');
  });

  it('still fire when the question has no marks at all, except on phrases that mean something else', () => {
    expect(officials('dam cuoi can giay to gi')).toContain('dang ky ket hon');
    expect(officials('thoi tiet cuoi tuan nay co mua khong')).not.toContain('dang ky ket hon');
  });
});

describe('English clitics', () => {
  it('are cut before the question is read, so that no one-letter word stands for a meaning', () => {
    const q = viewQuery("What's the best time of year to visit Ha Long Bay? We're sure it's fine, don't worry", buildLexicon());
    for (const stray of ['s', 're', 't']) expect(q.tokens).not.toContain(stray);
    expect(q.tokens).toEqual(expect.arrayContaining(['what', 'best', 'visit', 'we', 'it', 'don']));
    expect(q.units.map((u) => u.typed.join(' '))).not.toContain('s');
  });

  it('leave Vietnamese and words without an apostrophe alone', () => {
    const q = viewQuery('đổi giấy phép lái xe hạng A1 cho bố', buildLexicon());
    expect(q.tokens).toEqual(['doi', 'giay', 'phep', 'lai', 'xe', 'hang', 'a1', 'cho', 'bo']);
  });
});
