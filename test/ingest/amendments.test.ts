// Documents that change other documents: the amendments read from an amending dispatch.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Amendment } from '../../domain/records.js';
import { extractAmendments, isAmendment } from '../../ingest/amendments.js';
import { buildDocument } from '../../ingest/metadata.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.resolve(here, '../fixtures/documents/cong-van-1500-2026-amending-test-fixture.md');
const docOf = (body: string) =>
  buildDocument({ text: `Số: 1600/UBND-TEST\nHà Nội, ngày 01 tháng 12 năm 2026\nKính gửi: Các sở, ban, ngành Thành phố.\n${body}\nNơi nhận:\n- Như trên.`, sourcePath: 't.txt' });

describe('extractAmendments', () => {
  it('reads the moved deadline of item 4 of 1234/UBND-KSTTHC and the repeal of 4501/UBND-KT from the amending fixture', () => {
    const doc = buildDocument({ text: readFileSync(FIXTURE, 'utf8'), sourcePath: FIXTURE });
    const found = extractAmendments(doc);
    for (const a of found) expect(Amendment.safeParse(a).success).toBe(true);
    expect(found).toEqual([
      expect.objectContaining({ kind: 'deadline', target: '1234/UBND-KSTTHC', section: '4', deadline: expect.objectContaining({ kind: 'date', date: '2027-01-12' }) }),
      expect.objectContaining({ kind: 'repeal', target: '4501/UBND-KT' }),
    ]);
    expect(found[1]).not.toHaveProperty('section');
  });

  it('takes the new deadline, not the old one nor the cited document\'s date, whatever the order', () => {
    const [a] = extractAmendments(docOf('1. Gia hạn thời hạn hoàn thành nhiệm vụ tại điểm b mục 3 Kế hoạch số 12/KH-UBND ngày 05/01/2026 đến trước ngày 28/02/2027 (thay cho thời hạn trước ngày 31/12/2026).'));
    expect(a).toMatchObject({ kind: 'deadline', target: '12/KH-UBND', section: '3.b', deadline: { date: '2027-02-28' } });
  });

  it('reads an English rendition of the same change (deadlines as English dispatches write them, "by …")', () => {
    const doc = buildDocument({ text: 'No. 1500/UBND-KSTTHC\nHanoi, 20 November 2026\nTo: Department of Home Affairs.\n1. The City extends the deadline of item 4 of Official Dispatch No. 1234/UBND-KSTTHC of 14 October 2026: the results are due by 12 January 2027 instead of by 15 December 2026.\nRecipients:\n- As above.', sourcePath: 'en.txt' });
    expect(extractAmendments(doc)).toEqual([expect.objectContaining({ kind: 'deadline', target: '1234/UBND-KSTTHC', section: '4', deadline: expect.objectContaining({ due: '2027-01-12' }) })]);
  });

  it('tells replacement, expiry and repeal of one item apart, and ignores a citation that changes nothing', () => {
    const found = extractAmendments(
      docOf(
        [
          '1. Công văn này thay thế Công văn số 900/UBND-KSTTHC ngày 02/02/2026 của UBND Thành phố.',
          '2. Kế hoạch số 45/KH-UBND ngày 03/3/2025 hết hiệu lực kể từ ngày ký.',
          '3. UBND Thành phố bãi bỏ mục 2 Quyết định số 77/QĐ-UBND ngày 04/4/2025.',
          '4. Các sở, ban, ngành thực hiện Kế hoạch số 45/KH-UBND trước ngày 30/12/2026.',
        ].join('\n'),
      ),
    );
    expect(found.map((a) => [a.kind, a.target, a.section])).toEqual([
      ['replace', '900/UBND-KSTTHC', undefined],
      ['expire', '45/KH-UBND', undefined],
      ['repeal', '77/QĐ-UBND', '2'],
    ]);
  });

  it('reads a new day written without "trước" ("… thành ngày 12/01/2027")', () => {
    const [a] = extractAmendments(docOf('1. Điều chỉnh thời hạn tại mục 4 Công văn số 1234/UBND-KSTTHC ngày 14/10/2026 thành ngày 12/01/2027.'));
    expect(a).toMatchObject({ kind: 'deadline', section: '4', deadline: { kind: 'date', due: '2027-01-12' } });
  });

  it('a deadline change without a new deadline is not applied, and isAmendment spares ordinary tasks', () => {
    expect(extractAmendments(docOf('1. Điều chỉnh thời hạn tại mục 4 Công văn số 1234/UBND-KSTTHC theo đề nghị của Sở Nội vụ.'))).toEqual([]);
    expect(isAmendment('Sở Tư pháp chủ trì rà soát, thay thế các biểu mẫu, báo cáo trước ngày 31/12/2026.')).toBe(false);
    // Work about a document is a task: it changes nothing until the document is issued.
    expect(extractAmendments(docOf('1. Sở Tư pháp rà soát, đề xuất thay thế Quyết định số 77/QĐ-UBND ngày 04/4/2025 trước ngày 30/12/2026.'))).toEqual([]);
    expect(extractAmendments(docOf('1. Tham mưu bãi bỏ Công văn số 900/UBND-KSTTHC, hoàn thành trong tháng 12/2026.'))).toEqual([]);
    expect(isAmendment('Sở Tư pháp rà soát, đề xuất thay thế Quyết định số 77/QĐ-UBND trước ngày 30/12/2026.')).toBe(false);
    expect(isAmendment('Bãi bỏ Công văn số 4501/UBND-KT ngày 05/3/2024.')).toBe(true);
  });
});
