// The succession table (data/units/succession.json): valid against its schema, every change with
// a legal source or an explicit "unconfirmed" note, and looked up by the names people type.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../ingest/loaders/index.js';
import { loadSuccession, predecessorsOf, successionOf, SuccessionTable } from '../../ingest/unit-directory.js';
import { resolveUnit } from '../../ingest/units.js';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/units/succession.json');
const table = loadSuccession();
const raw = () => JSON.parse(readFileSync(file, 'utf8')) as SuccessionTable;

describe('data/units/succession.json', () => {
  it('records the sources it names, never guessing a number', () => {
    const byId = new Map(table.sources.map((s) => [s.id, s]));
    expect(byId.get('nq-1656-ubtvqh15-2025')).toMatchObject({ number: '1656/NQ-UBTVQH15', date: '2025-06-16', effective: '2025-07-01' });
    const council = byId.get('hdnd-hn-2025-02-25');
    expect(council).toMatchObject({ number: null, date: '2025-02-25', effective: '2025-03-01' });
    expect(council?.note).toMatch(/số hiệu .*chưa xác minh/);
  });

  it('refuses an entry without a source unless a note says it is unconfirmed', () => {
    const t = raw();
    t.units[0]!.source = null;
    expect(SuccessionTable.safeParse(t).success).toBe(false);
    t.units[0]!.note = 'Chưa xác minh được nguồn.';
    expect(SuccessionTable.safeParse(t).success).toBe(true);
  });

  it('refuses a reference to a source it does not list, and a source without a number or a note', () => {
    const t = raw();
    t.units[0]!.source = 'nq-khong-co';
    expect(SuccessionTable.safeParse(t).success).toBe(false);
    const u = raw();
    delete u.sources[0]!.note;
    expect(SuccessionTable.safeParse(u).success).toBe(false);
  });

  it('is reference data for the engine, not a source the ingestion fails on', async () => {
    const r = await loadFile({ path: file, relPath: 'data/units/succession.json', bytes: readFileSync(file) });
    expect(r).toMatchObject({ documents: [], procedures: [], references: [] });
  });
});

describe('successionOf / predecessorsOf', () => {
  it('maps the merged departments to their successors', () => {
    const cases: Array<[string, string]> = [
      ['Sở Kế hoạch và Đầu tư', 'Sở Tài chính'],
      ['so khdt', 'Sở Tài chính'],
      ['Sở Thông tin và Truyền thông', 'Sở Khoa học và Công nghệ'],
      ['Sở Giao thông vận tải', 'Sở Xây dựng'],
      ['Sở Tài nguyên và Môi trường', 'Sở Nông nghiệp và Môi trường'],
      ['Sở Nông nghiệp và Phát triển nông thôn', 'Sở Nông nghiệp và Môi trường'],
      ['Sở Lao động - Thương binh và Xã hội', 'Sở Nội vụ'],
    ];
    for (const [typed, successor] of cases) {
      const s = successionOf(table, resolveUnit(typed)!);
      expect(s?.successors.find((x) => x.share !== 'part')?.name, typed).toBe(successor);
      expect(s?.since).toBe('2025-03-01');
    }
    expect(successionOf(table, resolveUnit('Sở Tài chính')!)).toBeUndefined();
  });

  it('marks the parts of a merger it could not confirm', () => {
    const s = successionOf(table, resolveUnit('Sở Lao động - Thương binh và Xã hội')!);
    expect(s?.successors.filter((x) => x.share === 'part').map((x) => [x.name, x.source])).toEqual([
      ['Sở Y tế', null],
      ['Sở Giáo dục và Đào tạo', null],
    ]);
  });

  it('finds a former district however it is named, with the wards of Resolution 1656/NQ-UBTVQH15', () => {
    for (const typed of ['quận Cầu Giấy', 'UBND quận Cầu Giấy', 'huyện cầu giấy']) {
      const s = successionOf(table, resolveUnit(typed)!);
      expect(s?.source?.number, typed).toBe('1656/NQ-UBTVQH15');
      expect(s?.successors.filter((x) => x.share === 'main').map((x) => x.name)).toEqual(['Phường Cầu Giấy', 'Phường Nghĩa Đô', 'Phường Yên Hòa']);
    }
    const other = successionOf(table, resolveUnit('huyện Gia Lâm')!);
    expect(other).toMatchObject({ event: 'dissolved', since: '2025-07-01', successors: [] });
  });

  it('knows what each successor took over', () => {
    expect(predecessorsOf(table, 'Sở Tài chính').map((p) => p.name)).toEqual(['Sở Kế hoạch và Đầu tư']);
    expect(predecessorsOf(table, 'Sở Nông nghiệp và Môi trường').map((p) => p.name)).toEqual([
      'Sở Tài nguyên và Môi trường',
      'Sở Nông nghiệp và Phát triển nông thôn',
    ]);
    expect(predecessorsOf(table, 'Phường Nghĩa Đô').map((p) => p.name)).toEqual(['Quận Cầu Giấy']);
    expect(predecessorsOf(table, 'Sở Y tế')).toEqual([]); // a part of a merger is not a succession
  });
});
