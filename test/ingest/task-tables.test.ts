import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskResponse, TaskAnswer } from '../../domain/contract.js';
import { buildDocument } from '../../ingest/metadata.js';
import { extractTasks } from '../../ingest/tasks.js';
import { openAssistant, type Assistant } from '../../service.js';
import { TEST_TODAY } from '../helpers/engine.js';
import { docxFromHtml, headerTable, SIGNATURE_TABLE } from './loaders/office-files.js';
import { writeXlsx } from './loaders/xlsx-writer.js';

const PLAN_HEAD = `Số: 77/KH-UBND     Hà Nội, ngày 10 tháng 11 năm 2026
KẾ HOẠCH
Triển khai nhiệm vụ năm 2027`;
const tasksOf = (text: string) => extractTasks(buildDocument({ text, sourcePath: 'kh.txt' }));

describe('task tables in the text', () => {
  it('reads each row of "STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành | Sản phẩm" as a task', () => {
    const tasks = tasksOf(`${PLAN_HEAD}
PHỤ LỤC I
| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành | Sản phẩm |
| 1 | Xây dựng quy chế dữ liệu dùng chung | Sở Tài chính | Sở Nội vụ; Sở Tư pháp | Quý I/2027 | Quyết định |
| 2 | Rà soát thủ tục nội bộ | Sở Nội vụ | Các sở, ban, ngành | 30/6/2027 | Báo cáo |`);
    expect(tasks.map((t) => ({ section: t.section, text: t.text, units: t.units, support: t.support, due: t.deadline.due, product: t.product, lead: t.leadStated }))).toEqual([
      { section: 'Phụ lục I, STT 1', text: 'Xây dựng quy chế dữ liệu dùng chung', units: ['Sở Tài chính'], support: ['Sở Nội vụ', 'Sở Tư pháp'], due: '2027-03-31', product: 'Quyết định', lead: true },
      { section: 'Phụ lục I, STT 2', text: 'Rà soát thủ tục nội bộ', units: ['Sở Nội vụ'], support: ['Các sở, ban, ngành'], due: '2027-06-30', product: 'Báo cáo', lead: true },
    ]);
    expect(tasks[0]?.groups).toEqual([]);
  });

  it('knows other header wordings, a header over two rows, group rows and column-number rows', () => {
    const tasks = tasksOf(`${PLAN_HEAD}
Phụ lục 2: Danh mục nhiệm vụ
| TT | Nội dung thực hiện | Đơn vị thực hiện | | Tiến độ |
| TT | Nội dung thực hiện | Chủ trì | Phối hợp | Tiến độ |
| (1) | (2) | (3) | (4) | (5) |
| I | Nhóm nhiệm vụ về thể chế | | | |
| 1 | Kiểm tra công tác cải cách hành chính | UBND các xã, phường | Sở Nội vụ | Năm 2027 |
| II. Nhóm nhiệm vụ về số hóa | | | | |
| 2 | Số hóa hồ sơ | Sở Khoa học và Công nghệ | | Tháng 9/2027 |`);
    expect(tasks.map((t) => [t.section, t.units, t.support ?? [], t.deadline.kind, t.deadline.due])).toEqual([
      ['Phụ lục 2, STT 1', ['UBND các xã, phường'], ['Sở Nội vụ'], 'year', '2027-12-31'],
      ['Phụ lục 2, STT 2', ['Sở Khoa học và Công nghệ'], [], 'month', '2027-09-30'],
    ]);
    expect(tasks[0]?.groups).toEqual(['ubnd-xa-phuong']);
  });

  it('names nobody for "các cơ quan, đơn vị liên quan", and keeps a task merged over two rows as two tasks', () => {
    const tasks = tasksOf(`${PLAN_HEAD}
| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |
| 1 | Tuyên truyền cải cách hành chính | Sở Văn hóa và Thể thao | Các cơ quan, đơn vị liên quan | Quý II/2027 |
| 2 | Đánh giá mức độ hài lòng | Sở Nội vụ | Sở Tư pháp | Quý III/2027 |
| 2 | Đánh giá mức độ hài lòng | UBND các xã, phường | Sở Nội vụ | Quý III/2027 |`);
    expect(tasks[0]?.support).toBeUndefined();
    expect(tasks.map((t) => t.units)).toEqual([['Sở Văn hóa và Thể thao'], ['Sở Nội vụ'], ['UBND các xã, phường']]);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(3);
  });

  it('leaves tables that assign nothing alone, and keeps a task table out of the item above it', () => {
    const tasks = tasksOf(`${PLAN_HEAD}
1. Sở Tư pháp tổng hợp kết quả, báo cáo trước ngày 15/01/2027.
| STT | Nhiệm vụ | Đơn vị chủ trì | Thời hạn |
| 1 | Cập nhật dữ liệu | Sở Y tế | Tháng 3/2027 |
2. Kết quả năm trước:
| STT | Chỉ tiêu | Kết quả 2025 | Ghi chú |
| 1 | Hồ sơ trực tuyến | 80% | |`);
    expect(tasks.map((t) => [t.section, t.units, t.deadline.due])).toEqual([
      ['1', ['Sở Tư pháp'], '2027-01-15'],
      ['STT 1', ['Sở Y tế'], '2027-03-31'],
    ]);
  });
});

// Three plans and a dispatch as an admin receives them: DOCX (made by LibreOffice, merged cells),
// HTML and XLSX appendices, and a dispatch whose header is a table. Asked through the engine.
describe('task tables through the engine', () => {
  let work: string;
  let assistant: Assistant;
  const ask = async (question: string): Promise<AskResponse> => assistant.engine.ask({ question });
  const bySection = (r: AskResponse, section: string): TaskAnswer | undefined => r.tasks?.find((t) => t.citation.section === section);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'task-tables-'));
    const data = join(work, 'data');
    mkdirSync(data);
    writeFileSync(
      join(data, 'ke-hoach-321.docx'),
      docxFromHtml(
        work,
        'ke-hoach-321',
        `${headerTable({ number: '321/KH-UBND', date: 'Hà Nội, ngày 10 tháng 11 năm 2026' })}
<p>KẾ HOẠCH</p><p>Triển khai chuyển đổi số năm 2027</p>
<p>I. TỔ CHỨC THỰC HIỆN</p><p>1. Các sở, ban, ngành thực hiện các nhiệm vụ tại Phụ lục I.</p>
${SIGNATURE_TABLE}
<p>PHỤ LỤC I</p><p>DANH MỤC NHIỆM VỤ</p>
<table border="1">
<tr><th rowspan="2">STT</th><th rowspan="2">Nhiệm vụ</th><th colspan="2">Đơn vị thực hiện</th><th rowspan="2">Thời gian hoàn thành</th><th rowspan="2">Sản phẩm</th></tr>
<tr><th>Chủ trì</th><th>Phối hợp</th></tr>
<tr><td colspan="6">I. Nhóm nhiệm vụ về thể chế</td></tr>
<tr><td>1</td><td>Xây dựng quy chế quản lý dữ liệu dùng chung</td><td rowspan="2">Sở Tài chính</td><td><p>Sở Nội vụ</p><p>Sở Tư pháp</p></td><td>Quý I/2027</td><td>Quyết định của UBND Thành phố</td></tr>
<tr><td>2</td><td>Rà soát danh mục dịch vụ công trực tuyến toàn trình</td><td>Sở Khoa học và Công nghệ</td><td>Tháng 6/2027</td><td>Báo cáo</td></tr>
<tr><td>3</td><td>Tổng hợp kết quả chuyển đổi số</td><td>Sở Nội vụ</td><td>Sở Tài chính</td><td>Trước ngày 15/12/2027</td><td>Báo cáo</td></tr>
</table>`,
      ),
    );
    writeFileSync(
      join(data, 'ke-hoach-323.html'),
      `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Kế hoạch 323/KH-UBND</title></head><body><main>
${headerTable({ number: '323/KH-UBND', date: 'Hà Nội, ngày 12 tháng 11 năm 2026' })}
<p>KẾ HOẠCH</p><p>Cải cách hành chính năm 2027</p>
<h3>Phụ lục: Danh mục nhiệm vụ</h3>
<table><thead><tr><th>TT</th><th>Tên nhiệm vụ</th><th>Cơ quan chủ trì</th><th>Cơ quan phối hợp</th><th>Thời hạn</th></tr></thead>
<tbody><tr><td>1</td><td>Đánh giá chỉ số cải cách hành chính</td><td>Sở Nội vụ</td><td>Các sở, ban, ngành</td><td>Quý IV/2027</td></tr>
<tr><td>2</td><td>Kiểm soát thủ tục hành chính</td><td>Văn phòng UBND Thành phố</td><td>Sở Tư pháp</td><td>30/9/2027</td></tr></tbody></table>
</main></body></html>`,
    );
    writeFileSync(
      join(data, 'phu-luc-ke-hoach-322.xlsx'),
      await writeXlsx([
        {
          name: 'Phụ lục II',
          rows: [
            ['DANH MỤC NHIỆM VỤ'],
            ['(Kèm theo Kế hoạch số 322/KH-UBND ngày 12/11/2026 của UBND Thành phố)'],
            ['STT', 'Nhiệm vụ', 'Đơn vị chủ trì', 'Đơn vị phối hợp', 'Thời gian hoàn thành', 'Sản phẩm'],
            [1, 'Xây dựng cơ sở dữ liệu đất đai', 'Sở Tài chính', 'Sở Nông nghiệp và Môi trường', '30/6/2027', 'Cơ sở dữ liệu'],
            [2, 'Đánh giá hiệu quả đầu tư công', null, 'Sở Nội vụ', 'Năm 2027', 'Báo cáo'],
            [3, 'Kiểm tra công tác cải cách hành chính', 'Sở Nội vụ', 'Sở Tài chính', 'Quý III/2027', 'Báo cáo'],
          ],
          merges: ['C4:C5'],
        },
      ]),
    );
    writeFileSync(
      join(data, 'cong-van-4567.docx'),
      docxFromHtml(
        work,
        'cong-van-4567',
        `${headerTable({ number: '4567/UBND-KSTTHC', subject: 'V/v triển khai rà soát thủ tục hành chính năm 2027', date: 'Hà Nội, ngày 20 tháng 11 năm 2026' })}
<p>Kính gửi:</p><p>- Các sở, ban, ngành Thành phố;</p><p>- UBND các xã, phường.</p>
<p>Thực hiện Kế hoạch số 321/KH-UBND, UBND Thành phố yêu cầu:</p>
<p>1. Sở Tư pháp chủ trì rà soát các thủ tục hành chính, báo cáo trước ngày 15/01/2027.</p>
<p>2. Các sở, ban, ngành cập nhật dữ liệu thủ tục trước ngày 31/01/2027.</p>
${SIGNATURE_TABLE}`,
      ),
    );
    assistant = await openAssistant({ indexDir: join(work, 'index'), embedder: { kind: 'hashing' }, ingestPaths: [data], now: () => TEST_TODAY });
    expect(assistant.built?.failed).toEqual([]);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('answers a department its tasks from a DOCX appendix, leading or supporting, with their deadlines', async () => {
    const r = await ask('Sở Tài chính có nhiệm vụ gì theo Kế hoạch 321/KH-UBND?');
    expect(r.found).toBe(true);
    expect(r.intent).toBe('deadline');
    const [one, two, three] = ['Phụ lục I, STT 1', 'Phụ lục I, STT 2', 'Phụ lục I, STT 3'].map((s) => bySection(r, s));
    expect(one).toMatchObject({ text: 'Xây dựng quy chế quản lý dữ liệu dùng chung', role: 'lead', deadline: { kind: 'quarter', due: '2027-03-31' } });
    // "Sở Tài chính" is merged over rows 1 and 2: it leads both.
    expect(two).toMatchObject({ role: 'lead', deadline: { kind: 'month', due: '2027-06-30' } });
    expect(three).toMatchObject({ role: 'support', units: ['Sở Nội vụ'], deadline: { kind: 'date', due: '2027-12-15' } });
    expect(three?.citation).toMatchObject({ number: '321/KH-UBND', section: 'Phụ lục I, STT 3' });
    expect(r.answer).toContain('Vai trò: phối hợp');
    // "1. Các sở, ban, ngành thực hiện các nhiệm vụ tại Phụ lục I." points to the rows; it is not a task of its own.
    expect(r.tasks?.map((t) => t.citation.section).sort()).toEqual(['Phụ lục I, STT 1', 'Phụ lục I, STT 2', 'Phụ lục I, STT 3']);
    expect(r.answer).not.toMatch(/không có nhiệm vụ|chưa có nhiệm vụ/);
  });

  it('reads an HTML appendix, and a group in the "phối hợp" column concerns its members as support', async () => {
    const r = await ask('Sở Tài chính có nhiệm vụ gì theo Kế hoạch 323/KH-UBND?');
    expect(bySection(r, 'Phụ lục, STT 1')).toMatchObject({ role: 'support', units: ['Sở Nội vụ'], scope: 'group', deadline: { kind: 'quarter', due: '2027-12-31' } });
    expect(bySection(r, 'Phụ lục, STT 2')).toBeUndefined();
    const justice = await ask('Sở Tư pháp có nhiệm vụ gì theo Kế hoạch 323/KH-UBND?');
    expect(bySection(justice, 'Phụ lục, STT 2')).toMatchObject({ role: 'support', deadline: { kind: 'date', due: '2027-09-30' } });
  });

  it('reads an XLSX appendix, merged cells included, cited as the plan it belongs to', async () => {
    const r = await ask('Sở Tài chính có nhiệm vụ gì theo Kế hoạch 322/KH-UBND?');
    expect(bySection(r, 'Phụ lục II, STT 1')).toMatchObject({ role: 'lead', deadline: { kind: 'date', due: '2027-06-30' } });
    expect(bySection(r, 'Phụ lục II, STT 2')).toMatchObject({ role: 'lead', deadline: { due: '2027-12-31' } });
    expect(bySection(r, 'Phụ lục II, STT 3')).toMatchObject({ role: 'support', deadline: { kind: 'quarter', due: '2027-09-30' } });
    expect(bySection(r, 'Phụ lục II, STT 1')?.citation.number).toBe('322/KH-UBND');
  });

  it('reads a dispatch whose header is a table like its PDF: title, number, date, and its tasks', async () => {
    const r = await ask('Sở Tư pháp có hạn chót nào theo công văn 4567/UBND-KSTTHC?');
    const own = r.tasks?.find((t) => t.citation.section === '1');
    expect(own).toMatchObject({ units: ['Sở Tư pháp'], role: 'lead', scope: 'own', deadline: { due: '2027-01-15' } });
    expect(own?.citation).toMatchObject({
      title: 'Công văn 4567/UBND-KSTTHC: V/v triển khai rà soát thủ tục hành chính năm 2027',
      number: '4567/UBND-KSTTHC',
      date: '2026-11-20',
    });
    expect(r.tasks?.find((t) => t.citation.section === '2')).toMatchObject({ units: ['Các sở, ban, ngành'], scope: 'group', deadline: { due: '2027-01-31' } });
  });
});
