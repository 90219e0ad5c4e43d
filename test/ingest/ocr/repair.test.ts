// OCR repair: digits read as letters in dates and numbers, diacritics the lexicon of our own
// documents knows better, sentences broken at line ends; a date that stays doubtful is reported.
import { describe, expect, it } from 'vitest';
import { countLexicon, createLexicon, loadBundledLexicon } from '../../../ingest/ocr/lexicon.js';
import { joinBrokenLines, repairDigits, repairMarks, repairOcrText, uncertainDates } from '../../../ingest/ocr/repair.js';

const lexicon = loadBundledLexicon();

describe('repairDigits', () => {
  it('reads O, o, l, I as digits inside dates and document numbers', () => {
    expect(repairDigits('Hà Nội, ngày lO tháng 1O năm 2O26').line).toBe('Hà Nội, ngày 10 tháng 10 năm 2026');
    expect(repairDigits('Số: 31O7/UBND-KSTTHC').line).toBe('Số: 3107/UBND-KSTTHC');
    expect(repairDigits('hoàn thành trước ngày 3O/1l/2026.').line).toBe('hoàn thành trước ngày 30/11/2026.');
  });

  it('leaves words, roman numerals and codes alone', () => {
    for (const line of ['Mục II. Phần I', 'Lưu: VT, SNV.', 'Sở Tài chính', 'UBND-KSTTHC', 'Ô tô', 'bảo đảm O']) {
      expect(repairDigits(line).line).toBe(line);
    }
  });
});

describe('repairMarks', () => {
  it('restores the marks a pair of words has in the lexicon, keeping the case', () => {
    expect(repairMarks('nộp hỗ sơ tại THÀNH PHỔ HÀ NỘI', lexicon).line).toBe('nộp hồ sơ tại THÀNH PHỐ HÀ NỘI');
    expect(repairMarks('- Uy ban nhân dân các xã', lexicon).line).toBe('- Ủy ban nhân dân các xã');
  });

  it('keeps a word the lexicon knows in that pair ("hỗ trợ" is not "hồ trợ")', () => {
    expect(repairMarks('hỗ trợ người dân', lexicon).line).toBe('hỗ trợ người dân');
  });

  it('never changes both words of a pair, nor a word on its own', () => {
    const lex = createLexicon(countLexicon(['địa phương cấp giấy phép. '.repeat(20), 'phường. cập nhật.']));
    expect(repairMarks('các xã, phường cập nhật', lex).line).toBe('các xã, phường cập nhật');
    expect(repairMarks('phương', lex).line).toBe('phương');
  });
});

describe('uncertain dates and numbers', () => {
  it('reports a date that is still not a date, and does not guess it', () => {
    const r = repairOcrText('1. Sở Nội vụ hoàn thành trước ngày 3?/11/2026.\n2. Báo cáo trước ngày 31/02/2026.', lexicon);
    expect(r.text).toContain('3?/11/2026');
    expect(r.uncertain).toEqual(['3?/11/2026', '31/02/2026']);
  });

  it('reports a document number that still holds a letter or a mark, and leaves it as read', () => {
    const r = repairOcrText('Số: 31?7/UBND-KSTTHC\nHà Nội, ngày 10 tháng 10 năm 2026', lexicon);
    expect(r.text.split('\n')[0]).toBe('Số: 31?7/UBND-KSTTHC');
    expect(r.uncertain).toEqual(['31?7/UBND-KSTTHC']);
    expect(repairOcrText('Số: 31O7/UBND-KSTTHC', lexicon).uncertain).toEqual([]);
  });

  it('lets valid dates pass', () => {
    expect(uncertainDates('Hà Nội, ngày 10 tháng 10 năm 2026; trước ngày 29/02/2028')).toEqual([]);
    expect(uncertainDates('ngày 30 tháng 02 năm 2026')).toEqual(['ngày 30 tháng 02 năm 2026']);
  });
});

describe('joinBrokenLines', () => {
  it('joins a sentence broken at the line end, not list items or header lines', () => {
    expect(joinBrokenLines(['V/v đẩy mạnh giải quyết thủ', 'tục hành chính trực tuyến', 'a) rà soát hồ sơ;', 'b) báo cáo', 'Kính gửi:', '- Các sở;'])).toEqual([
      'V/v đẩy mạnh giải quyết thủ tục hành chính trực tuyến',
      'a) rà soát hồ sơ;',
      'b) báo cáo',
      'Kính gửi:',
      '- Các sở;',
    ]);
  });
});
