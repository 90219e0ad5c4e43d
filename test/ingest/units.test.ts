import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../domain/records.js';
import { findUnitMentions, groupsOfAssignee, resolveUnit, unitConcernedBy } from '../../ingest/units.js';

describe('groupsOfAssignee', () => {
  it.each([
    ['các sở, ban, ngành (Thành phố)', ['so-ban-nganh']],
    ['Các Sở, ban, ngành', ['so-ban-nganh']],
    ['UBND các quận, huyện, thị xã', ['ubnd-quan-huyen']],
    ['Ủy ban nhân dân các quận, huyện, thị xã', ['ubnd-quan-huyen']],
    ["People's Committees of districts and towns", ['ubnd-quan-huyen']],
    ['UBND các xã, phường, thị trấn', ['ubnd-xa-phuong']],
    ['UBND các xã, phường', ['ubnd-xa-phuong']],
    ['UBND cấp xã', ['ubnd-xa-phuong']],
    ['các cơ quan, đơn vị', ['tat-ca']],
    ['các đơn vị sự nghiệp', ['don-vi-su-nghiep']],
    ['departments, branches', ['so-ban-nganh']],
    ['cac so, ban, nganh thanh pho', ['so-ban-nganh']],
    ['Sở Tư pháp', []],
    ['các số liệu thống kê', []],
  ] as const)('%s → %j', (text, groups) => {
    expect(groupsOfAssignee(text)).toEqual(groups);
  });
});

describe('resolveUnit', () => {
  const CITY = ['so-ban-nganh', 'tat-ca'];
  it.each([
    ['Sở Tư pháp', 'Sở Tư pháp'],
    ['so tu phap', 'Sở Tư pháp'],
    ['SO Y TE', 'Sở Y tế'],
    ['STP', 'Sở Tư pháp'],
    ['SNV', 'Sở Nội vụ'],
    ['syt', 'Sở Y tế'],
    ['Sở TP', 'Sở Tư pháp'],
    ['so nong nghiep va moi truong', 'Sở Nông nghiệp và Môi trường'],
    ['Sở Quy hoạch - Kiến trúc', 'Sở Quy hoạch - Kiến trúc'],
    ['sở du lịch thành phố Hà Nội', 'Sở Du lịch'],
  ])('department %s → %s', (text, name) => {
    const u = resolveUnit(text);
    expect(u).toMatchObject({ name, kind: 'so', groups: CITY, formerGroups: [] });
  });

  it('resolves city agencies that are not departments', () => {
    expect(resolveUnit('Thanh tra Thành phố')).toMatchObject({ name: 'Thanh tra Thành phố', kind: 'ban', groups: CITY });
    expect(resolveUnit('van phong ubnd thanh pho')).toMatchObject({ name: 'Văn phòng UBND Thành phố', kind: 'ban' });
    expect(resolveUnit('Trung tâm Phục vụ hành chính công (Thành phố)')).toMatchObject({ kind: 'trung-tam', groups: CITY });
    expect(resolveUnit('UBND Thành phố')).toMatchObject({ kind: 'ubnd-thanh-pho', groups: [] });
  });

  it.each([
    ['phường Ba Đình', 'Phường Ba Đình'],
    ['phuong ba dinh', 'Phường Ba Đình'],
    ['xã Sóc Sơn', 'Xã Sóc Sơn'],
    ['UBND phường Hoàn Kiếm', 'Phường Hoàn Kiếm'],
    ['Ủy ban nhân dân phường Cửa Nam', 'Phường Cửa Nam'],
  ])('ward or commune %s → %s, once addressed through the districts', (text, name) => {
    expect(resolveUnit(text)).toEqual({
      name,
      kind: 'xa-phuong',
      groups: ['ubnd-xa-phuong', 'tat-ca'],
      formerGroups: [{ group: 'ubnd-quan-huyen', until: '2025-07-01' }],
    });
  });

  it.each([
    ['quận Cầu Giấy', 'Quận Cầu Giấy'],
    ['huyện Sóc Sơn', 'Huyện Sóc Sơn'],
    ['thị xã Sơn Tây', 'Thị xã Sơn Tây'],
    ['UBND quận Tây Hồ', 'Quận Tây Hồ'],
    ['quan cau giay', 'Quận Cầu Giấy'],
  ])('former district %s → %s, flagged as abolished', (text, name) => {
    const u = resolveUnit(text);
    expect(u).toMatchObject({ name, kind: 'quan-huyen', groups: ['ubnd-quan-huyen', 'tat-ca'], abolished: '2025-07-01' });
    expect(u?.note).toMatch(/01\/7\/2025/);
  });

  it('resolves unknown names by pattern', () => {
    expect(resolveUnit('Sở Khoa học Vũ trụ')).toMatchObject({ name: 'Sở Khoa học Vũ trụ', kind: 'so', groups: CITY });
    expect(resolveUnit('so hang khong')).toMatchObject({ name: 'Sở Hang khong', kind: 'so' });
    expect(resolveUnit('phường Mới Lập')).toMatchObject({ name: 'Phường Mới Lập', kind: 'xa-phuong' });
    expect(resolveUnit('xa tan lap')).toMatchObject({ name: 'Xã Tan Lap', kind: 'xa-phuong' });
  });

  it.each(['', '   ', '!!!', 'xyz', 'các sở, ban, ngành', 'ban hành', 'xã hội', '12345', 'Sở'])('garbage %j → null', (text) => {
    expect(resolveUnit(text)).toBeNull();
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 120 }), (s) => void resolveUnit(s)), { numRuns: 500 });
  });
});

describe('findUnitMentions', () => {
  it('finds named units and group phrases as written, in order', () => {
    expect(
      findUnitMentions('Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ và các sở, ban, ngành Thành phố rà soát.'),
    ).toEqual(['Sở Tư pháp', 'Sở Nội vụ', 'các sở, ban, ngành Thành phố']);
    expect(findUnitMentions('Các sở, ban, ngành Thành phố; UBND các quận, huyện, thị xã tập trung thực hiện')).toEqual([
      'Các sở, ban, ngành Thành phố',
      'UBND các quận, huyện, thị xã',
    ]);
    expect(findUnitMentions('UBND phường Ba Đình và xã Sóc Sơn thực hiện')).toEqual(['UBND phường Ba Đình', 'xã Sóc Sơn']);
    expect(findUnitMentions('Sở Kế hoạch và Đầu tư chủ trì')).toEqual(['Sở Kế hoạch và Đầu tư']);
  });

  it('works on questions typed without diacritics', () => {
    expect(findUnitMentions('so tu phap phai bao cao truoc ngay nao')).toEqual(['so tu phap']);
    expect(findUnitMentions('phuong ba dinh co nhiem vu gi')).toEqual(['phuong ba dinh']);
  });

  it('ignores look-alikes: cơ sở, cơ quan, địa phương, ban hành, document numbers', () => {
    expect(findUnitMentions('cơ sở y tế và cơ quan Nhà nước ở địa phương Hà Nội ban hành')).toEqual([]);
    expect(findUnitMentions('Số 2458/UBND-SNV')).toEqual([]);
    expect(findUnitMentions('ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI').some((m) => /^BAN/.test(m))).toBe(false);
  });

  it('reads English group phrases', () => {
    expect(findUnitMentions("The departments, branches and People's Committees of districts and towns shall complete")).toEqual([
      'departments, branches',
      "People's Committees of districts and towns",
    ]);
  });
});

describe('unitConcernedBy', () => {
  const task = (units: string[], groups: Task['groups']): Task => ({
    id: 't',
    documentId: 'd',
    text: 'Rà soát các nhiệm vụ.',
    units,
    groups,
    deadline: { text: '', kind: 'none' },
  });
  const ward = resolveUnit('phường Ba Đình')!;
  const justice = resolveUnit('STP')!;
  const districtTask = task(['UBND các quận, huyện, thị xã'], ['ubnd-quan-huyen']);

  it('a ward is concerned by a district-addressed task of a document from before 1 July 2025', () => {
    expect(unitConcernedBy(ward, districtTask, '2023-08-01')).toEqual({
      concerned: true,
      via: 'UBND các quận, huyện, thị xã (trước 01/7/2025)',
      scope: 'group',
    });
  });

  it('but not by one issued after the district tier ended', () => {
    expect(unitConcernedBy(ward, districtTask, '2025-09-01')).toEqual({ concerned: false });
  });

  it('a ward is concerned by tasks of its own group, a department by direct naming or its group', () => {
    expect(unitConcernedBy(ward, task(['UBND các xã, phường'], ['ubnd-xa-phuong']), '2026-01-01').via).toBe('UBND các xã, phường');
    expect(unitConcernedBy(justice, task(['Sở Tư pháp'], []))).toEqual({ concerned: true, via: 'trực tiếp', scope: 'own' });
    expect(unitConcernedBy(justice, task(['so tu phap'], []))).toEqual({ concerned: true, via: 'trực tiếp', scope: 'own' });
    expect(unitConcernedBy(justice, task(['Các sở, ban, ngành Thành phố'], ['so-ban-nganh'])).via).toBe('các sở, ban, ngành');
    expect(unitConcernedBy(justice, task(['Sở Nội vụ'], [])).concerned).toBe(false);
    expect(unitConcernedBy(justice, districtTask, '2023-08-01').concerned).toBe(false);
  });
});

describe('unitConcernedBy: the scope a task is listed under', () => {
  const task = (units: string[], groups: Task['groups']): Task => ({ id: 't', documentId: 'd', text: 'x', units, groups, deadline: { text: '', kind: 'none' } });
  const finance = resolveUnit('Sở Tài chính')!;
  const ward = resolveUnit('phường Ba Đình')!;
  const everyone = task(['Các cơ quan, đơn vị'], ['tat-ca']);

  it('everyone: a task addressed to "các cơ quan, đơn vị" concerns departments and wards alike', () => {
    expect(unitConcernedBy(finance, everyone)).toEqual({ concerned: true, via: 'các cơ quan, đơn vị', scope: 'everyone' });
    expect(unitConcernedBy(ward, everyone).scope).toBe('everyone');
  });

  it('group before everyone when a task names both', () => {
    expect(unitConcernedBy(finance, task(['Các sở, ban, ngành', 'Các cơ quan, đơn vị'], ['so-ban-nganh', 'tat-ca'])).scope).toBe('group');
    const old = task(['UBND các quận, huyện, thị xã', 'Các cơ quan, đơn vị'], ['ubnd-quan-huyen', 'tat-ca']);
    expect(unitConcernedBy(ward, old, '2024-03-05').scope).toBe('group');
  });

  it('own through a former name the unit took over', () => {
    const t = task(['Sở Kế hoạch và Đầu tư'], []);
    expect(unitConcernedBy(finance, t).concerned).toBe(false);
    expect(unitConcernedBy(finance, t, '2024-03-05', [{ name: 'Sở Kế hoạch và Đầu tư', since: '2025-03-01' }])).toEqual({
      concerned: true,
      via: 'Sở Kế hoạch và Đầu tư (tên trước 01/3/2025)',
      scope: 'own',
    });
  });
});
