import { describe, expect, it } from 'vitest';
import { loadFile } from '../../../ingest/loaders/index.js';
import { LoadError, type SourceFile } from '../../../ingest/loaders/types.js';
import { extractXlsx } from '../../../ingest/loaders/xlsx.js';
import { writeXlsx } from './xlsx-writer.js';

const file = (bytes: Buffer, relPath = 'phu-luc/nhiem-vu.xlsx'): SourceFile => ({ path: `/x/${relPath}`, relPath, bytes });

const APPENDIX = {
  name: 'Phụ lục II',
  rows: [
    ['DANH MỤC NHIỆM VỤ'],
    ['(Kèm theo Kế hoạch số 322/KH-UBND ngày 12/11/2026 của UBND Thành phố)'],
    ['STT', 'Nhiệm vụ', 'Đơn vị chủ trì', 'Đơn vị phối hợp', 'Thời gian hoàn thành'],
    [1, 'Xây dựng cơ sở dữ liệu đất đai', 'Sở Tài chính', 'Sở Nông nghiệp và Môi trường', '30/6/2027'],
    [2, 'Đánh giá hiệu quả đầu tư công', null, 'Sở Nội vụ\nSở Tư pháp', 'Năm 2027'],
  ],
  merges: ['C4:C5'],
};

describe('extractXlsx', () => {
  it("reads a sheet's title rows as lines and its table row by row, merged cells repeated down", async () => {
    const out = await extractXlsx(file(await writeXlsx([APPENDIX])));
    expect(out.text.split('\n')).toEqual([
      'Phụ lục II',
      'DANH MỤC NHIỆM VỤ',
      '(Kèm theo Kế hoạch số 322/KH-UBND ngày 12/11/2026 của UBND Thành phố)',
      '| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |',
      '| 1 | Xây dựng cơ sở dữ liệu đất đai | Sở Tài chính | Sở Nông nghiệp và Môi trường | 30/6/2027 |',
      '| 2 | Đánh giá hiệu quả đầu tư công | Sở Tài chính | Sở Nội vụ; Sở Tư pháp | Năm 2027 |',
    ]);
  });

  it('takes the number, type, date and issuer of the plan it is attached to, keeping an id of its own', async () => {
    const { documents } = await loadFile(file(await writeXlsx([APPENDIX])));
    expect(documents[0]).toMatchObject({
      id: 'phu-luc-nhiem-vu-xlsx',
      number: '322/KH-UBND',
      type: 'ke-hoach',
      date: '2026-11-12',
      issuer: 'UBND Thành phố',
      title: 'Kế hoạch 322/KH-UBND: Phụ lục II – DANH MỤC NHIỆM VỤ',
    });
  });

  it('reads every sheet, each with its own merges', async () => {
    const out = await extractXlsx(
      file(
        await writeXlsx([
          { name: 'Ghi chú', rows: [['Bảng này do Sở Nội vụ tổng hợp.']] },
          { name: 'Nhiệm vụ', rows: [['TT', 'Tên nhiệm vụ', 'Cơ quan chủ trì', 'Thời hạn'], [1, 'Rà soát', 'Sở Y tế', 'Quý I/2027'], [2, 'Báo cáo', null, 'Quý II/2027']], merges: ['C2:C3'] },
        ]),
      ),
    );
    expect(out.text).toContain('Bảng này do Sở Nội vụ tổng hợp.');
    expect(out.text).toContain('| 2 | Báo cáo | Sở Y tế | Quý II/2027 |');
  });

  it('reports a file that is not a spreadsheet as unreadable, naming it', async () => {
    const err = await extractXlsx(file(Buffer.from('not a zip'), 'hong.xlsx')).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('UNREADABLE');
    expect((err as LoadError).message).toContain('hong.xlsx');
  });
});
