// Tesseract's words back into the official layout: the two-column header and the signature
// block are read column by column, stamp and signature remains are dropped.
import { describe, expect, it } from 'vitest';
import { pageText, parseTsv } from '../../../ingest/ocr/layout.js';

type W = [left: number, top: number, text: string, conf?: number, height?: number, width?: number];

/** A TSV as tesseract writes it, one word a row (level 5), each word on its own tesseract line key. */
function tsv(lines: W[][]): string {
  const rows = ['level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext'];
  lines.forEach((words, l) =>
    words.forEach(([left, top, text, conf = 95, height = 40, width], k) =>
      rows.push(['5', '1', '1', '1', String(l + 1), String(k + 1), left, top, width ?? text.length * 22, height, conf, text].join('\t'))),
  );
  return rows.join('\n');
}

const words = (left: number, top: number, text: string, conf?: number): W[] => {
  let x = left;
  return text.split(' ').map((t) => {
    const w: W = conf === undefined ? [x, top, t] : [x, top, t, conf];
    x += t.length * 22 + 15;
    return w;
  });
};

describe('pageText', () => {
  it('reads the header issuer column first, then the motto column, then the body', () => {
    const page = tsv([
      [...words(200, 100, 'ỦY BAN NHÂN DÂN'), ...words(1100, 95, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')],
      [...words(190, 150, 'THÀNH PHỐ HÀ NỘI'), ...words(1150, 148, 'Độc lập - Tự do - Hạnh phúc')],
      [...words(180, 230, 'Số: 3107/UBND-KSTTHC'), ...words(1200, 235, 'Hà Nội, ngày 10 tháng 10 năm 2026')],
      words(150, 280, 'V/v đẩy mạnh giải quyết thủ tục'),
      words(900, 360, 'Kính gửi:'),
      words(200, 420, '1. Sở Nội vụ chủ trì rà soát thủ tục hành chính nội bộ, hoàn thành trước ngày 30/11/2026.'),
    ]);
    const { text } = pageText(parseTsv(page).get(1)!);
    expect(text.split('\n')).toEqual([
      'ỦY BAN NHÂN DÂN',
      'THÀNH PHỐ HÀ NỘI',
      'Số: 3107/UBND-KSTTHC',
      'V/v đẩy mạnh giải quyết thủ tục',
      '',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Hà Nội, ngày 10 tháng 10 năm 2026',
      'Kính gửi:', // right of the gutter, as a centred "Kính gửi" is: read after the date
      '',
      '1. Sở Nội vụ chủ trì rà soát thủ tục hành chính nội bộ, hoàn thành trước ngày 30/11/2026.',
    ]);
  });

  it('reads a table\'s rows across, not down its columns', () => {
    const page = tsv([
      [...words(200, 100, 'STT'), ...words(500, 100, 'Nhiệm vụ'), ...words(1100, 100, 'Chủ trì'), ...words(1600, 100, 'Thời hạn')],
      [...words(200, 150, '1'), ...words(500, 150, 'Rà soát'), ...words(1100, 150, 'Sở Nội vụ'), ...words(1600, 150, 'Quý IV/2026')],
    ]);
    expect(pageText(parseTsv(page).get(1)!).text).toBe('STT\nNhiệm vụ\nChủ trì\nThời hạn\n1\nRà soát\nSở Nội vụ\nQuý IV/2026');
  });

  it('drops a stamp ring, signature strokes and blobs tesseract barely believes', () => {
    const page = tsv([
      [...words(200, 1000, 'Nơi nhận:'), ...words(1300, 1000, 'TM. ỦY BAN NHÂN DÂN')],
      [...words(200, 1050, '- Như trên;'), [1350, 1040, 'KT', 4], [1500, 1045, 'TICH', 34]],
      [...words(200, 1100, '- Lưu: VT, KSTTHC.'), [1400, 1060, 'Ng~vA', 40, 200]],
      [[1300, 1300, '~~=', 30], [1450, 1300, '@', 70]],
    ]);
    const { text } = pageText(parseTsv(page).get(1)!);
    expect(text).toBe('Nơi nhận:\n- Như trên;\n- Lưu: VT, KSTTHC.\n\nTM. ỦY BAN NHÂN DÂN\n');
  });
});
