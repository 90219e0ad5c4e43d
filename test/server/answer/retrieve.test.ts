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
