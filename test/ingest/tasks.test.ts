import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Task } from '../../domain/records.js';
import { buildDocument } from '../../ingest/metadata.js';
import { extractTasks, readBody } from '../../ingest/tasks.js';
import { fold } from '../../ingest/text.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const load = (name: string) =>
  buildDocument({ text: readFileSync(path.resolve(here, '../fixtures/text', name), 'utf8'), sourcePath: `fixtures/${name}` });

describe('the seed dispatch (Vietnamese rendition)', () => {
  const tasks = extractTasks(load('seed-2458-rendition.txt'));
  const bySection = new Map(tasks.map((t) => [t.section, t]));

  it('finds the work items and skips the one that only cites documents', () => {
    expect(tasks.map((t) => t.section)).toEqual(['1', '2', '3', '5']);
    for (const t of tasks) expect(Task.safeParse(t).success).toBe(true);
  });

  it('normalises the deadlines', () => {
    expect(bySection.get('1')?.deadline).toMatchObject({ kind: 'period', from: '2023-08-01', due: '2023-12-31' });
    expect(bySection.get('2')?.deadline).toMatchObject({ kind: 'year', year: 2025, due: '2025-12-31', text: 'đến năm 2025' });
    expect(bySection.get('3')?.deadline).toMatchObject({ kind: 'month', month: '2023-09', due: '2023-09-30' });
    expect(bySection.get('5')?.deadline.kind).toBe('none');
  });

  it('gives items that name no unit to the addressees, with their groups', () => {
    for (const t of tasks) {
      expect(t.units).toEqual(['Các sở, ban, ngành Thành phố', 'UBND các quận, huyện, thị xã']);
      expect(t.groups).toEqual(['so-ban-nganh', 'ubnd-quan-huyen']);
      expect(t.documentId).toBe('2458-ubnd-snv-2023');
    }
    expect(bySection.get('2')?.text).toMatch(/ít nhất 20% thủ tục hành chính nội bộ/);
  });

  it('makes stable ids', () => {
    const again = extractTasks(load('seed-2458-rendition.txt'));
    expect(again.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
    expect(tasks[0]?.id).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('a synthetic dispatch (test fixture)', () => {
  const tasks = extractTasks(load('synthetic-dispatch-test-fixture.txt'));
  const find = (section: string) => tasks.filter((t) => t.section === section);

  it('assigns the lead unit, not the unit it coordinates with nor the one that receives the report', () => {
    const [t] = find('1'); // "Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ …, báo cáo UBND Thành phố …"
    expect(t?.units).toEqual(['Sở Tư pháp']);
    expect(t?.groups).toEqual([]);
    expect(t?.deadline).toMatchObject({ kind: 'date', date: '2026-12-15' });
  });

  it('sub-items inherit the group of their heading', () => {
    const [a] = find('2.a');
    const [b] = find('2.b');
    expect(a?.units).toEqual(['UBND các xã, phường']);
    expect(a?.groups).toEqual(['ubnd-xa-phuong']);
    expect(a?.deadline).toMatchObject({ kind: 'quarter', quarter: '2027-Q1', due: '2027-03-31' });
    expect(b?.groups).toEqual(['ubnd-xa-phuong']);
    expect(b?.deadline).toMatchObject({ kind: 'recurring', recurring: { day: 25, every: 'month' } });
    expect(find('2')).toEqual([]); // the bare heading is not a task
  });

  it('reads a recurring quarterly report', () => {
    expect(find('3')[0]?.deadline).toMatchObject({ kind: 'recurring', text: 'định kỳ hằng quý' });
    expect(find('3')[0]?.units).toEqual(['Sở Nội vụ']);
  });

  it('splits an item with two different deadlines into two tasks', () => {
    const four = find('4');
    expect(four.map((t) => t.deadline.kind)).toEqual(['month', 'date']);
    expect(four[1]?.text).toBe('Chậm nhất ngày 31 tháng 3 năm 2027 báo cáo kết quả về Sở Nội vụ.');
    expect(four[1]?.units).toEqual(['Các cơ quan, đơn vị']);
    expect(four[1]?.groups).toEqual(['tat-ca']);
    expect(four[0]?.id).not.toBe(four[1]?.id);
  });

  it('skips a "Căn cứ" item without a deadline', () => {
    expect(find('5')).toEqual([]);
  });
});

describe('structure', () => {
  it('reads roman sections, decimal items, letters and bullets', () => {
    const body = readBody(
      [
        'Kính gửi: Sở Y tế',
        'Mở đầu.',
        'I. NHIỆM VỤ',
        '1. Nhiệm vụ chung:',
        '- rà soát thủ tục;',
        'tiếp tục dòng bị ngắt.',
        '1.1. Cập nhật dữ liệu',
        'a) Số hóa hồ sơ',
        'II. TỔ CHỨC THỰC HIỆN',
        '1. Báo cáo kết quả',
      ].join('\n'),
    );
    expect(body.preamble).toBe('Mở đầu.');
    expect(body.items.map((i) => [i.section, i.parent])).toEqual([
      ['I', undefined],
      ['I.1', 'I'],
      ['I.1.1', 'I.1'],
      ['I.1.1.a', 'I.1.1'],
      ['II', undefined],
      ['II.1', 'II'],
    ]);
    expect(body.items[1]?.bullets).toEqual(['rà soát thủ tục; tiếp tục dòng bị ngắt.']);
  });

  it('turns bullets under a heading item into tasks', () => {
    const doc = buildDocument({
      text: 'Số: 1/UBND-TEST\nKính gửi: Sở Y tế\n1. Sở Y tế thực hiện các nội dung sau:\n- Rà soát thủ tục trong tháng 10/2026;\n- Báo cáo kết quả trong quý IV/2026.\nNơi nhận:\n- Như trên.',
      sourcePath: 't.txt',
    });
    const tasks = extractTasks(doc);
    expect(tasks.map((t) => [t.section, t.deadline.kind, t.units[0]])).toEqual([
      ['1', 'month', 'Sở Y tế'],
      ['1', 'quarter', 'Sở Y tế'],
    ]);
  });

  it('works on English documents', () => {
    const doc = buildDocument({
      text: "No. 7001/UBND-TEST\nTo: Departments\n1. The departments, branches and district People's Committees shall review the procedures by September 2023.\n2. This dispatch is a test fixture.\nRecipients:\n- As above.",
      sourcePath: 'en.txt',
    });
    const [t, ...rest] = extractTasks(doc);
    expect(rest).toEqual([]);
    expect(t?.groups).toEqual(['so-ban-nganh', 'ubnd-quan-huyen']);
    expect(t?.deadline).toMatchObject({ kind: 'month', month: '2023-09' });
  });

  it('trims long items to readable sentences', () => {
    const long = `1. Sở Tư pháp rà soát thủ tục. ${'Nội dung chi tiết rất dài. '.repeat(40)}`;
    const [t] = extractTasks(buildDocument({ text: `Kính gửi: Sở Tư pháp\n${long}`, sourcePath: 'l.txt' }));
    expect(t?.text.length).toBeLessThanOrEqual(401);
    expect(t?.text.endsWith('.')).toBe(true);
  });

  it('never throws on arbitrary text', () => {
    const pieces = fc.constantFrom('1. ', '2.1. ', 'a) ', 'I. ', '- ', '\n', 'Kính gửi:', 'Nơi nhận:', 'Sở Tư pháp ', 'rà soát ', 'trước ngày 15/12 ', 'hằng tháng ', ':');
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 60 }), (parts) => {
        const tasks = extractTasks(buildDocument({ text: parts.join(''), sourcePath: 'f.txt' }));
        for (const t of tasks) expect(Task.safeParse(t).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('who a task is assigned to, and what is not a task', () => {
  const tasksOf = (body: string) =>
    extractTasks(buildDocument({ text: `Số: 77/UBND-TEST\nHà Nội, ngày 14 tháng 10 năm 2026\nKính gửi: Các sở, ban, ngành Thành phố; UBND các xã, phường.\n${body}`, sourcePath: 't.txt' }));

  it('a group inside a "phối hợp với" clause does not make the lead unit\'s task everyone\'s', () => {
    const [t] = tasksOf('1. Sở Tài chính chủ trì, phối hợp với các cơ quan, đơn vị liên quan rà soát quy trình nội bộ, hoàn thành trước ngày 20/11/2026.');
    expect(t?.units).toEqual(['Sở Tài chính']);
    expect(t?.groups).toEqual([]);
  });

  it('every unit of the list after "phối hợp với" only coordinates', () => {
    const [t] = tasksOf('1. Giao Sở Nội vụ chủ trì, phối hợp chặt chẽ với Sở Tư pháp, Sở Y tế và UBND các xã, phường tổ chức kiểm tra trước ngày 15/12/2026.');
    expect(t?.units).toEqual(['Sở Nội vụ']);
    expect(t?.groups).toEqual([]);
  });

  it('"các cơ quan, đơn vị liên quan" helps a named lead, but is the assignee when no one else is named', () => {
    expect(tasksOf('1. Sở Y tế và các cơ quan, đơn vị liên quan triển khai thực hiện trước ngày 15/12/2026.')[0]?.units).toEqual(['Sở Y tế']);
    expect(tasksOf('1. Các cơ quan, đơn vị liên quan triển khai thực hiện trước ngày 15/12/2026.')[0]?.groups).toEqual(['tat-ca']);
  });

  it('a list of report recipients is not assigned the task', () => {
    const [t] = tasksOf('1. UBND các xã, phường báo cáo kết quả về Sở Nội vụ, Sở Tư pháp trước ngày 05/12/2026.');
    expect(t?.units).toEqual(['UBND các xã, phường']);
  });

  it('takes the explicit date as the deadline of a report for a quarter', () => {
    const [t] = tasksOf('1. Sở Nội vụ tổng hợp kết quả cải cách hành chính trong báo cáo quý IV/2026, gửi trước ngày 10/12/2026.');
    expect(t?.deadline).toMatchObject({ kind: 'date', date: '2026-12-10' });
  });

  it('documents listed under "thực hiện các văn bản sau" are references, not tasks without a deadline', () => {
    const tasks = tasksOf(
      [
        '1. Tiếp tục thực hiện các văn bản sau:',
        'a) Kế hoạch số 136/KH-UBND ngày 01/6/2021 của UBND Thành phố về cải cách hành chính nhà nước giai đoạn 2021 - 2025;',
        'b) Quyết định số 280/QĐ-UBND của UBND Thành phố ban hành Kế hoạch cải cách hành chính năm 2023;',
        'c) Nghị quyết số 20/NQ-HĐND ngày 06/7/2023 của HĐND Thành phố về kết quả giám sát, xây dựng chính quyền điện tử.',
        '2. Thực hiện các văn bản sau:',
        '- Kế hoạch số 286/KH-UBND ngày 14/12/2021 về rà soát, đơn giản hóa thủ tục hành chính;',
        '- Quyết định số 4610/QĐ-UBND ngày 22/11/2022 về ủy quyền giải quyết thủ tục hành chính.',
        '3. Kế hoạch số 01/KH-UBND ngày 03/01/2023 của UBND Thành phố về mô hình một cửa.',
        '4. Sở Nội vụ rà soát thủ tục hành chính nội bộ trước ngày 15/12/2026.',
      ].join('\n'),
    );
    expect(tasks.map((t) => t.section)).toEqual(['4']);
  });

  it('an English item that only says to implement a cited document is no task, as in Vietnamese', () => {
    const doc = buildDocument({
      text: 'No. 7002/UBND-TEST\nTo: Departments, branches\n1. Implement Decision 4610/QĐ-UBND of 22 November 2022 on authorisation to handle procedures.\n2. Thực hiện Quyết định số 4610/QĐ-UBND ngày 22/11/2022 về ủy quyền.\n3. The departments shall report by 15 December 2026.',
      sourcePath: 'en.txt',
    });
    expect(extractTasks(doc).map((t) => t.section)).toEqual(['3']);
  });
});

describe('references, amendments and roles (issue 14)', () => {
  const tasksOf = (body: string) =>
    extractTasks(buildDocument({ text: `Số: 78/UBND-TEST\nHà Nội, ngày 14 tháng 10 năm 2026\nKính gửi: Các sở, ban, ngành Thành phố; UBND các xã, phường.\n${body}`, sourcePath: 't.txt' }));

  it('a bare citation with an "Đơn vị thực hiện" line (the bundled dispatch\'s layout) is a reference, not a task dated by its title', () => {
    const tasks = tasksOf(
      [
        '1. Kế hoạch số 136/KH-UBND ngày 01/6/2021 của UBND Thành phố về cải cách hành chính nhà nước giai đoạn 2021 - 2025.',
        '',
        '   Đơn vị thực hiện: Các sở, ban, ngành; UBND các xã, phường.',
        '',
        '2. Quyết định số 280/QĐ-UBND của UBND Thành phố ban hành Kế hoạch cải cách hành chính năm 2023 (các sở, ban, ngành; UBND các xã, phường).',
        '3. Các sở, ban, ngành rà soát thủ tục hành chính nội bộ trước ngày 15/12/2026.',
        '',
        '   Đơn vị thực hiện: Các sở, ban, ngành.',
      ].join('\n'),
    );
    expect(tasks.map((t) => t.section)).toEqual(['3']);
  });

  it('the bundled dispatch 2458/UBND-SNV lists only its work items, none of its cited documents', () => {
    const doc = buildDocument({ text: readFileSync(path.resolve(here, '../../data/documents/2458-UBND-SNV-2023.vi.md'), 'utf8'), sourcePath: 'data/documents/2458-UBND-SNV-2023.vi.md' });
    const tasks = extractTasks(doc);
    expect(tasks.map((t) => t.section)).toEqual(['2', '3.a', '3.b', '7']);
    for (const t of tasks) expect(fold(t.text)).not.toMatch(/^(?:thuc hien )?(?:ke hoach|quyet dinh|nghi quyet|cong van|chuong trinh) so/);
  });

  it('an item that moves another document\'s deadline or repeals it is no task of its own', () => {
    const tasks = tasksOf(
      [
        '1. Điều chỉnh thời hạn thực hiện nhiệm vụ tại mục 4 Công văn số 1234/UBND-KSTTHC ngày 14/10/2026 của UBND Thành phố từ trước ngày 15/12/2026 thành trước ngày 12/01/2027.',
        '2. Bãi bỏ Công văn số 4501/UBND-KT ngày 05/3/2024 của UBND Thành phố.',
        '3. Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát văn bản, báo cáo trước ngày 31/12/2026.',
      ].join('\n'),
    );
    expect(tasks.map((t) => t.section)).toEqual(['3']);
  });

  it('keeps who leads and who supports: "X chủ trì, phối hợp với Y"', () => {
    const [t] = tasksOf('1. Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ và Sở Tài chính rà soát văn bản quy phạm pháp luật, báo cáo trước ngày 31/12/2026.');
    expect(t).toMatchObject({ units: ['Sở Tư pháp'], support: ['Sở Nội vụ', 'Sở Tài chính'], leadStated: true });
    const [generic] = tasksOf('1. Sở Tài chính chủ trì, phối hợp với các cơ quan, đơn vị liên quan rà soát quy trình nội bộ trước ngày 20/11/2026.');
    expect(generic?.support).toBeUndefined();
    const [plain] = tasksOf('1. Sở Y tế rà soát quy trình nội bộ trước ngày 20/11/2026.');
    expect(plain?.leadStated).toBeUndefined();
  });
});
