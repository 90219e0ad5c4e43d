// Questions about a document's header: its date, its addressees, its subject. The dispatch is a
// Markdown file without front matter, read by the real loader and layout reader.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../ingest/loaders/index.js';
import { answerCitedDocuments, answerDocument, askedField, documentsForQuestion, fieldLine } from '../../../server/answer/documents.js';
import type { Knowledge } from '../../../server/answer/knowledge.js';
import { FIXTURE_DOCUMENTS, fixtureKnowledge } from './fixture-knowledge.js';

const NAME = 'cong-van-3120-test-fixture.md';

describe('the Markdown dispatch read by the loader', () => {
  it('has its date, whole wrapped subject and addressees as fields of the record', async () => {
    const file = path.join(FIXTURE_DOCUMENTS, NAME);
    const bytes = readFileSync(file);
    expect(bytes.toString('utf8').startsWith('---')).toBe(false); // no front matter: all from the layout
    const { documents } = await loadFile({ path: file, relPath: `van-ban/${NAME}`, bytes });
    expect(documents[0]).toMatchObject({
      number: '3120/UBND-KSTTHC',
      type: 'cong-van',
      date: '2026-10-14',
      place: 'Hà Nội', // "*Hà Nội, ngày 14 tháng 10 năm 2026*": the emphasis marks are not part of it
      subject: 'V/v đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân và doanh nghiệp trong quý IV năm 2026',
      addressees: ['Các sở, ban, ngành Thành phố', 'UBND các xã, phường'],
    });
  });
});

describe('askedField', () => {
  it.each([
    ['Công văn số 3120/UBND-KSTTHC ban hành ngày nào?', 'date'],
    ['công văn 3120 ký ngày nào', 'date'],
    ['When was Official Dispatch 3120/UBND-KSTTHC issued?', 'date'],
    ['Công văn 3120/UBND-KSTTHC gửi cho những đơn vị nào?', 'addressees'],
    ['Who is dispatch 3120/UBND-KSTTHC addressed to?', 'addressees'],
    ['Công văn 3120/UBND-KSTTHC về việc gì?', 'subject'],
    ['What is dispatch 3120/UBND-KSTTHC about?', 'subject'],
    ['Công văn 3120 yêu cầu gửi báo cáo trước ngày nào?', null], // a deadline in it, not its date
    ['CV 3120/UBND-KSTTHC ban hành năm nào, ngày cụ thể là ngày nào?', 'date'],
    ['Công văn 3120/UBND-KSTTHC do ai ký?', 'signer'],
    ['Who signed dispatch 3120/UBND-KSTTHC?', 'signer'],
    ['Nơi nhận của công văn 3120 gồm những ai?', 'recipients'],
    ['Who are the addressees of dispatch 3120/UBND-KSTTHC?', 'addressees'],
    ['Công văn 3120 có gửi cho UBND các xã, phường không?', 'addressees'],
    ['Sở Tài chính phải làm gì theo công văn 3120?', null],
  ])('%s → %s', (q, field) => expect(askedField(q)).toBe(field));
});

describe('answerDocument leads with the field asked', () => {
  let k: Knowledge;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ knowledge: k, cleanup } = await fixtureKnowledge([NAME, 'cong-van-4501-2024-test-fixture.md']));
  });
  afterAll(() => cleanup?.());

  const answer = (q: string, lang: 'vi' | 'en' = 'vi') => {
    const docs = documentsForQuestion(k, q, lang);
    expect(docs[0]?.number).toBe('3120/UBND-KSTTHC');
    return answerDocument(k, docs, q, lang, [])!.answer.split('\n')[0];
  };

  it('the issue date', () => {
    expect(answer('Công văn số 3120/UBND-KSTTHC ban hành ngày nào?')).toBe('Công văn 3120/UBND-KSTTHC ban hành ngày 14/10/2026.');
    expect(answer('When was Official Dispatch 3120/UBND-KSTTHC issued?', 'en')).toBe('Official Dispatch No. 3120/UBND-KSTTHC was issued on 14 October 2026.');
  });

  it('the addressees', () => {
    expect(answer('Công văn 3120/UBND-KSTTHC gửi cho những đơn vị nào?')).toBe('Công văn 3120/UBND-KSTTHC gửi: Các sở, ban, ngành Thành phố; UBND các xã, phường.');
  });

  it('the subject, whole', () => {
    expect(answer('Công văn 3120/UBND-KSTTHC về việc gì?')).toBe(
      'Công văn 3120/UBND-KSTTHC về việc đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người dân và doanh nghiệp trong quý IV năm 2026.',
    );
  });

  it('says when the record lacks the field rather than guessing', () => {
    const doc = { ...[...k.documents.values()][0]!, date: undefined, year: 2023, addressees: [] };
    expect(fieldLine(doc, 'date', 'vi')).toMatch(/ban hành năm 2023; ngày ban hành không có trong dữ liệu đã nạp\.$/);
    expect(fieldLine(doc, 'addressees', 'vi')).toMatch(/^Dữ liệu đã nạp không ghi phần "Kính gửi"/);
    expect(fieldLine({ ...doc, signer: undefined }, 'signer', 'vi')).toMatch(/^Dữ liệu đã nạp không ghi người ký/);
  });

  it('the signer, saying when the text gives no name', () => {
    const doc = [...k.documents.values()][0]!;
    expect(fieldLine({ ...doc, signer: { title: 'KT. Chủ tịch, Phó Chủ tịch', name: 'Nguyễn Văn An' } }, 'signer', 'vi')).toBe(
      'Công văn 3120/UBND-KSTTHC do KT. Chủ tịch, Phó Chủ tịch Nguyễn Văn An ký.',
    );
    expect(fieldLine({ ...doc, signer: { title: 'KT. Chủ tịch, Phó Chủ tịch' } }, 'signer', 'en')).toBe(
      "Official Dispatch No. 3120/UBND-KSTTHC was signed by: KT. Chủ tịch, Phó Chủ tịch (the text does not give the signer's name).",
    );
  });

  it('the documents it cites, in order, each with the item citing it', () => {
    const q = 'Công văn 3120/UBND-KSTTHC yêu cầu tiếp tục thực hiện những văn bản nào?';
    const d = answerCitedDocuments(k, documentsForQuestion(k, q, 'vi')[0]!, q, 'vi')!;
    const lines = d.answer.split('\n');
    expect(lines[0]).toBe('Công văn 3120/UBND-KSTTHC viện dẫn 2 văn bản:');
    expect(lines[1]).toMatch(/^- (?:Kế hoạch )?136\/KH-UBND.*\[mục 6/);
    expect(lines[2]).toMatch(/^- (?:Quyết định )?280\/QĐ-UBND.*\[mục 6/);
    expect(d.citations.every((c) => c.number === '3120/UBND-KSTTHC')).toBe(true);
  });

  it('the recipients, saying whom "Như trên" stands for', () => {
    expect(answer('Nơi nhận của công văn 3120/UBND-KSTTHC gồm những ai?')).toBe(
      'Nơi nhận Công văn 3120/UBND-KSTTHC: Như trên; Lưu: VT, KSTTHC ("Như trên" là các nơi ở phần Kính gửi: Các sở, ban, ngành Thành phố; UBND các xã, phường).',
    );
  });
});
