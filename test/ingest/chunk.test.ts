import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chunkDocument, chunkId, chunkProcedure, splitLong } from '../../ingest/chunk.js';
import { Chunk, DocumentMeta, Procedure } from '../../domain/records.js';
import { buildDocument } from '../../ingest/metadata.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const text = (name: string) => readFileSync(path.resolve(here, '../fixtures/text', name), 'utf8');

describe('chunkDocument', () => {
  const doc = buildDocument({ text: text('synthetic-dispatch-test-fixture.txt'), sourcePath: 'synthetic.txt' });
  const chunks = chunkDocument(doc);

  it('makes a header chunk, the preamble, and one chunk per item', () => {
    expect(chunks.map((c) => c.section)).toEqual(['header', 'preamble', '1', '2.a', '2.b', '3', '4', '5']);
    for (const c of chunks) {
      expect(Chunk.safeParse(c).success).toBe(true);
      expect(c).toMatchObject({ sourceId: '9001-ubnd-kstt-2026', kind: 'document', title: doc.title, language: 'vi' });
    }
    const header = chunks[0]?.text ?? '';
    expect(header).toContain('Số: 9001/UBND-KSTT');
    expect(header).toContain('Ủy ban nhân dân thành phố Hà Nội');
    expect(header).toContain('2026-11-20');
    expect(header).toContain('Kính gửi: Sở Tư pháp; Sở Nội vụ; UBND các xã, phường');
  });

  it('prefixes a sub-item with its heading, and keeps "Nơi nhận" out', () => {
    expect(chunks.find((c) => c.section === '2.b')?.text).toBe(
      '2. UBND các xã, phường:\nb) Báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 25 hằng tháng.',
    );
    expect(chunks.some((c) => c.text.includes('Lưu: VT'))).toBe(false);
  });

  it('has ids stable across runs and different when the text changes', () => {
    const again = chunkDocument(buildDocument({ text: text('synthetic-dispatch-test-fixture.txt'), sourcePath: 'synthetic.txt' }));
    expect(again.map((c) => c.id)).toEqual(chunks.map((c) => c.id));
    const edited = chunkDocument(
      buildDocument({ text: text('synthetic-dispatch-test-fixture.txt').replace('quý I/2027', 'quý II/2027'), sourcePath: 'synthetic.txt' }),
    );
    const changed = edited.filter((c, i) => c.id !== chunks[i]?.id).map((c) => c.section);
    expect(changed).toEqual(['2.a']);
    expect(chunkId('a', '1', 'x')).not.toBe(chunkId('a', '2', 'x'));
    expect(chunkId('a', '1', 'x')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('splits long items at sentence boundaries into pieces of at most ~900 characters', () => {
    const sentence = 'Các cơ quan, đơn vị rà soát và cập nhật đầy đủ dữ liệu thủ tục hành chính trên hệ thống. ';
    const long = buildDocument({ text: `Kính gửi: Sở Nội vụ\n1. ${sentence.repeat(30)}\n2. Ngắn.`, sourcePath: 'long.txt' });
    const pieces = chunkDocument(long).filter((c) => c.section === '1');
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(p.text.length).toBeLessThanOrEqual(900);
      expect(p.text.endsWith('.')).toBe(true);
    }
    expect(new Set(pieces.map((p) => p.id)).size).toBe(pieces.length);
  });

  it('cuts a single endless sentence at words', () => {
    const pieces = splitLong('chữ '.repeat(1000).trim());
    expect(pieces.every((p) => p.length <= 900 && !p.startsWith(' '))).toBe(true);
    expect(pieces.join(' ')).toBe('chữ '.repeat(1000).trim());
  });

  it('builds one chunk from the metadata of a summary-only reference', () => {
    const ref = DocumentMeta.parse({
      id: '136-kh-ubnd-2021',
      number: '136/KH-UBND',
      type: 'ke-hoach',
      title: 'Kế hoạch 136/KH-UBND: cải cách hành chính nhà nước giai đoạn 2021-2025',
      issuer: 'Ủy ban nhân dân thành phố Hà Nội',
      date: '2021-06-01',
      note: 'Được Công văn 2458/UBND-SNV dẫn chiếu.',
      summaryOnly: true,
    });
    const chunks = chunkDocument(ref);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ section: 'summary', sourceId: '136-kh-ubnd-2021' });
    for (const part of ['136/KH-UBND', 'Kế hoạch', '2021-06-01', 'Ủy ban nhân dân', 'dẫn chiếu']) expect(chunks[0]?.text).toContain(part);
  });

  it('uses English labels for an English document', () => {
    const en = buildDocument({ text: 'No. 7001/UBND-TEST\nHanoi, 15 December 2026\nRe: A test fixture\n1. Departments shall review.', sourcePath: 'en.txt' });
    const [header] = chunkDocument(en);
    expect(header?.language).toBe('en');
    expect(header?.text).toContain('No.: 7001/UBND-TEST');
  });
});

describe('chunkProcedure', () => {
  // A made-up procedure record (test data), not a catalogue entry.
  const p = Procedure.parse({
    code: 'TEST.0001',
    name: 'Thủ tục kiểm thử đăng ký',
    nameEn: 'Test registration procedure',
    level: ['Cấp xã'],
    field: 'Hộ tịch',
    agency: 'UBND cấp xã',
    applicants: 'Công dân',
    aliases: ['làm thử'],
    papers: [
      { case: null, papers: [{ name: 'Tờ khai', copies: '1 bản chính', original: 1 }] },
      { case: 'Trường hợp ủy quyền', papers: [{ name: 'Văn bản ủy quyền', copies: '1 bản sao' }] },
    ],
    channels: [
      { channel: 'online', time: '1 Ngày làm việc', fee: 'Miễn phí' },
      { channel: 'in-person', time: '2 Ngày làm việc', fee: 'Lệ phí : 10.000 Đồng' },
    ],
    steps: 'Bước 1: Nộp hồ sơ. '.repeat(80),
    legalBasis: [{ title: 'Luật Kiểm thử', number: '01/2099/QH99' }],
    result: 'Giấy xác nhận',
  });
  const chunks = chunkProcedure(p);

  it('chunks by field', () => {
    const sections = chunks.map((c) => c.section);
    expect(sections.filter((s) => s === 'papers')).toHaveLength(2);
    expect(new Set(sections)).toEqual(new Set(['overview', 'papers', 'channels', 'steps', 'legal', 'result']));
    expect(sections.filter((s) => s === 'steps').length).toBeGreaterThan(1); // long steps are split
    for (const c of chunks) expect(c).toMatchObject({ kind: 'procedure', sourceId: 'TEST.0001', title: p.name });
  });

  it('keeps the facts a citizen asks for', () => {
    const get = (s: string) => chunks.filter((c) => c.section === s).map((c) => c.text).join('\n');
    expect(get('overview')).toContain('Mã thủ tục: TEST.0001');
    expect(get('overview')).toContain('Tên gọi khác: làm thử');
    expect(get('papers')).toContain('- Tờ khai: 1 bản chính');
    expect(get('papers')).toContain('(Trường hợp ủy quyền)');
    expect(get('channels')).toContain('Trực tuyến: thời hạn 1 Ngày làm việc; phí, lệ phí: Miễn phí');
    expect(get('legal')).toContain('01/2099/QH99 Luật Kiểm thử');
    expect(get('result')).toContain('Giấy xác nhận');
  });

  it('has stable ids', () => {
    expect(chunkProcedure(p).map((c) => c.id)).toEqual(chunks.map((c) => c.id));
  });
});
