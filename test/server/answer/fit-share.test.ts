// Whether a follow-up's words fit the conversation's record (server/answer/drafts.ts fitShare):
// a follow-up asks about any part of the record, its fee lines, times and agency included.
import { describe, expect, it } from 'vitest';
import { Procedure } from '../../../domain/records.js';
import { fitShare, fitsRecord } from '../../../server/answer/drafts.js';
import { buildKnowledge } from '../../../server/answer/knowledge.js';
import { buildLexicon } from '../../../server/answer/lexicon.js';
import { viewQuery } from '../../../server/answer/retrieve.js';

type Snapshot = Parameters<typeof buildKnowledge>[0];
const record = (fields: Record<string, unknown>) => ({ ...Procedure.parse(fields), source: 'hand-catalogue.json' });

const CATALOGUE = [
  record({
    code: 'attp',
    name: 'Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm',
    level: ['Cấp tỉnh'],
    agency: 'Chi cục An toàn vệ sinh thực phẩm',
    channels: [{ channel: 'in-person', time: '20 Ngày làm việc', fee: 'Phí thẩm định cơ sở: 700.000 Đồng' }],
  }),
  record({ code: 'ket-hon', name: 'Thủ tục đăng ký kết hôn', level: ['Cấp xã'] }),
  record({ code: 'ho-chieu', name: 'Cấp hộ chiếu phổ thông', level: ['Cấp tỉnh'] }),
];
const knowledge = buildKnowledge({ records: { procedures: CATALOGUE, documents: [], tasks: [] }, chunks: [] } as unknown as Snapshot);
const lexicon = buildLexicon();
const entry = knowledge.procedures.get('attp')!;
const q = (question: string) => viewQuery(question, lexicon);

describe('fitShare', () => {
  it('counts words from the record’s fee lines and agency: "phí thẩm định" fits a record whose fee is one', () => {
    expect(fitsRecord(knowledge, entry, q('phí thẩm định bao nhiêu'))).toBe(true);
    expect(fitsRecord(knowledge, entry, q('chi cục vệ sinh thực phẩm nhận hồ sơ à'))).toBe(true);
  });

  it('leaves a subject of its own unfit: another record’s words', () => {
    expect(fitShare(knowledge, entry, q('làm hộ chiếu phổ thông'))).toBeLessThan(0.5);
    expect(fitsRecord(knowledge, knowledge.procedures.get('ket-hon')!, q('phí thẩm định bao nhiêu'))).toBe(false);
  });
});
