// Task tables in PDF plans, as offices make them: our own plans written as HTML, saved as DOCX and
// exported to PDF by LibreOffice. Each PDF's rows must become the tasks its DOCX gives: ruled and
// borderless tables, other header wordings, a header over two rows, merged and multi-line cells,
// a table running over pages (header repeated or not), and a PDF whose text pdf.js scrambles.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../domain/records.js';
import { extractDocx } from '../../ingest/loaders/docx.js';
import { createPdfExtractor } from '../../ingest/loaders/pdf.js';
import type { ExtractedText } from '../../ingest/loaders/types.js';
import { buildDocument } from '../../ingest/metadata.js';
import { extractTableTasks } from '../../ingest/task-tables.js';
import { extractTasks } from '../../ingest/tasks.js';
import { nfc, tidy } from '../../ingest/text.js';
import { openAssistant } from '../../service.js';
import { TEST_TODAY } from '../helpers/engine.js';
import { docxAndPdfFromHtml, headerTable, SIGNATURE_TABLE } from './loaders/office-files.js';

const head = (number: string, title: string) => `${headerTable({ number, date: 'Hà Nội, ngày 10 tháng 11 năm 2026' })}
<p>KẾ HOẠCH</p><p>${title}</p>
<p>I. TỔ CHỨC THỰC HIỆN</p><p>1. Các sở, ban, ngành thực hiện các nhiệm vụ tại Phụ lục kèm theo.</p>
<p>2. Sở Tư pháp tổng hợp kết quả, báo cáo UBND Thành phố trước ngày 15/01/2027.</p>`;

// Ruled, a header over two rows, group rows, a lead unit merged down over two rows, cells of
// several lines and paragraphs.
const RULED = `${head('341/KH-UBND', 'Triển khai chuyển đổi số năm 2027')}
${SIGNATURE_TABLE}
<p>PHỤ LỤC I</p><p>DANH MỤC NHIỆM VỤ</p>
<table border="1" width="100%">
<tr><th rowspan="2" width="6%">STT</th><th rowspan="2" width="30%">Nhiệm vụ</th><th colspan="2">Đơn vị thực hiện</th><th rowspan="2" width="14%">Thời gian hoàn thành</th><th rowspan="2" width="14%">Sản phẩm</th></tr>
<tr><th width="18%">Chủ trì</th><th width="18%">Phối hợp</th></tr>
<tr><td colspan="6">I. Nhóm nhiệm vụ về thể chế</td></tr>
<tr><td>1</td><td>Xây dựng quy chế quản lý dữ liệu dùng chung của Thành phố</td><td rowspan="2">Sở Tài chính</td><td><p>Sở Nội vụ</p><p>Sở Tư pháp</p></td><td>Quý I/2027</td><td>Quyết định của UBND Thành phố</td></tr>
<tr><td>2</td><td>Rà soát danh mục dịch vụ công trực tuyến toàn trình</td><td>Sở Khoa học và Công nghệ</td><td>Tháng 6/2027</td><td>Báo cáo</td></tr>
<tr><td colspan="6">II. Nhóm nhiệm vụ về số hóa</td></tr>
<tr><td>3</td><td>Tổng hợp kết quả chuyển đổi số</td><td>Sở Nội vụ</td><td>Sở Tài chính</td><td>Trước ngày 15/12/2027</td><td>Báo cáo</td></tr>
</table>`;

// Borderless, cells set at the top, "TT | Nội dung công việc | Cơ quan chủ trì | Cơ quan phối hợp |
// Thời hạn", sections of prose after it.
const BORDERLESS = `${head('342/KH-UBND', 'Cải cách hành chính năm 2027')}
<p>PHỤ LỤC II</p>
<table width="100%">
<tr valign="top"><th width="6%">TT</th><th width="34%">Nội dung công việc</th><th width="20%">Cơ quan chủ trì</th><th width="22%">Cơ quan phối hợp</th><th width="18%">Thời hạn</th></tr>
<tr valign="top"><td>1</td><td>Đánh giá chỉ số cải cách hành chính của các sở, ban, ngành và UBND các xã, phường</td><td>Sở Nội vụ</td><td>Các sở, ban, ngành</td><td>Quý IV/2027</td></tr>
<tr valign="top"><td>2</td><td>Kiểm soát thủ tục hành chính</td><td>Văn phòng UBND Thành phố</td><td>Sở Tư pháp; Sở Tài chính</td><td>30/9/2027</td></tr>
<tr valign="top"><td>3</td><td>Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính</td><td>Sở Khoa học và Công nghệ</td><td>UBND các xã, phường</td><td>Tháng 9/2027</td></tr>
</table>
<p>II. KINH PHÍ THỰC HIỆN</p><p>Kinh phí do ngân sách Thành phố bảo đảm theo phân cấp hiện hành.</p>
<p>III. TỔ CHỨC THỰC HIỆN</p><p>Sở Nội vụ theo dõi, đôn đốc việc thực hiện, báo cáo UBND Thành phố trước ngày 20/12/2027.</p>`;

// A plan whose only table assigns nothing: its text is pdf.js's, as before.
const RESULTS = `${head('346/KH-UBND', 'Duy trì kết quả cải cách hành chính')}
<p>Kết quả năm 2026 (đơn vị chủ trì báo cáo theo thời hạn):</p>
<table border="1" width="100%"><tr><th width="8%">STT</th><th width="52%">Chỉ tiêu</th><th width="15%">Kết quả</th><th width="25%">Ghi chú</th></tr>
<tr><td>1</td><td>Hồ sơ trực tuyến toàn trình</td><td>80%</td><td>Vượt kế hoạch</td></tr>
<tr><td>2</td><td>Thủ tục được số hóa</td><td>95%</td><td></td></tr></table>
<p>Nơi nhận: các sở, ban, ngành.</p>`;

const UNITS = ['Sở Tài chính', 'Sở Nội vụ', 'Sở Tư pháp', 'Sở Y tế', 'Sở Xây dựng', 'Sở Khoa học và Công nghệ'];
/** 36 rows, over three pages; every third task runs to three lines (in 343, row 28 breaks over a page). */
const long = (number: string, o: { ruled: boolean; repeatHeader: boolean }) => `${head(number, 'Thực hiện nhiệm vụ trọng tâm năm 2027')}
<p>PHỤ LỤC III</p>
<table width="100%"${o.ruled ? ' border="1"' : ''}>
${o.repeatHeader ? '<thead>' : ''}<tr><th width="7%">STT</th><th width="38%">Nhiệm vụ</th><th width="20%">Đơn vị chủ trì</th><th width="20%">Đơn vị phối hợp</th><th width="15%">Thời hạn</th></tr>${o.repeatHeader ? '</thead>' : ''}
${Array.from({ length: 36 }, (_, i) => `<tr><td>${i + 1}</td><td>Nhiệm vụ số ${i + 1} về cải cách hành chính${i % 3 === 0 ? ' và chuyển đổi số trên địa bàn Thành phố' : ''}</td><td>${UNITS[i % 6]}</td><td>${UNITS[(i + 1) % 6]}</td><td>Tháng ${(i % 12) + 1}/2027</td></tr>`).join('\n')}
</table>`;

const DOCS = [
  { name: 'ke-hoach-341', body: RULED },
  { name: 'ke-hoach-342', body: BORDERLESS },
  { name: 'ke-hoach-343', body: long('343/KH-UBND', { ruled: true, repeatHeader: true }) },
  { name: 'ke-hoach-344', body: long('344/KH-UBND', { ruled: false, repeatHeader: false }) },
  // A font without Vietnamese letters: LibreOffice draws them with a fallback font, pdf.js scrambles them.
  { name: 'ke-hoach-345', body: RULED.replace('341/KH-UBND', '345/KH-UBND'), font: 'OpenSymbol' },
  { name: 'ke-hoach-346', body: RESULTS },
];

const readPdf = createPdfExtractor({ ocr: null });
let work: string;
let files: Map<string, { docx: Buffer; pdf: Buffer }>;
const read = new Map<string, { docx: ExtractedText; pdf: ExtractedText }>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pdf-tables-'));
  files = docxAndPdfFromHtml(work, DOCS);
  for (const [name, f] of files) {
    read.set(name, {
      docx: await extractDocx({ path: `${name}.docx`, relPath: `${name}.docx`, bytes: f.docx }),
      pdf: await readPdf({ path: `${name}.pdf`, relPath: `${name}.pdf`, bytes: f.pdf }),
    });
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const doc = (name: string, as: 'docx' | 'pdf') => buildDocument({ text: read.get(name)![as].text, sourcePath: `${name}.${as}` });
/** What an answer tells of a table's task. */
const facts = (t: Task) => ({ section: t.section, text: t.text, units: t.units, support: t.support ?? [], kind: t.deadline.kind, due: t.deadline.due, product: t.product });
const tableTasks = (name: string, as: 'docx' | 'pdf') => extractTableTasks(doc(name, as)).map(facts);

describe('task tables in PDF plans', () => {
  it('reads a ruled table with a two-row header, group rows, a lead unit merged over two rows and cells of several lines', () => {
    expect(tableTasks('ke-hoach-341', 'pdf')).toEqual([
      { section: 'Phụ lục I, STT 1', text: 'Xây dựng quy chế quản lý dữ liệu dùng chung của Thành phố', units: ['Sở Tài chính'], support: ['Sở Nội vụ', 'Sở Tư pháp'], kind: 'quarter', due: '2027-03-31', product: 'Quyết định của UBND Thành phố' },
      { section: 'Phụ lục I, STT 2', text: 'Rà soát danh mục dịch vụ công trực tuyến toàn trình', units: ['Sở Tài chính'], support: ['Sở Khoa học và Công nghệ'], kind: 'month', due: '2027-06-30', product: 'Báo cáo' },
      { section: 'Phụ lục I, STT 3', text: 'Tổng hợp kết quả chuyển đổi số', units: ['Sở Nội vụ'], support: ['Sở Tài chính'], kind: 'date', due: '2027-12-15', product: 'Báo cáo' },
    ]);
    expect(tableTasks('ke-hoach-341', 'pdf')).toEqual(tableTasks('ke-hoach-341', 'docx'));
  });

  it('reads a borderless table headed "TT | Nội dung công việc | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn", and keeps the prose after it', () => {
    const tasks = tableTasks('ke-hoach-342', 'pdf');
    expect(tasks.map((t) => [t.section, t.units, t.support, t.due])).toEqual([
      ['Phụ lục II, STT 1', ['Sở Nội vụ'], ['Các sở, ban, ngành'], '2027-12-31'],
      ['Phụ lục II, STT 2', ['Văn phòng UBND Thành phố'], ['Sở Tư pháp', 'Sở Tài chính'], '2027-09-30'],
      ['Phụ lục II, STT 3', ['Sở Khoa học và Công nghệ'], ['UBND các xã, phường'], '2027-09-30'],
    ]);
    expect(tasks[0]?.text).toBe('Đánh giá chỉ số cải cách hành chính của các sở, ban, ngành và UBND các xã, phường');
    expect(tasks).toEqual(tableTasks('ke-hoach-342', 'docx'));
    // The sections after the table stay prose: their task is read as before.
    const text = read.get('ke-hoach-342')!.pdf.text;
    expect(text).toMatch(/\| 3 \| Số hóa hồ sơ[^\n]*\|\nII\. KINH PHÍ THỰC HIỆN\n/);
    const prose = extractTasks(doc('ke-hoach-342', 'pdf')).find((t) => t.deadline.due === '2027-12-20');
    expect(prose?.units).toEqual(['Sở Nội vụ']);
  });

  it('reads a table of 36 rows over three pages, its header repeated on each page or not, as one table', () => {
    for (const name of ['ke-hoach-343', 'ke-hoach-344']) {
      const tasks = tableTasks(name, 'pdf');
      expect(tasks, name).toHaveLength(36);
      tasks.forEach((t, i) => {
        expect(t.section, name).toBe(`Phụ lục III, STT ${i + 1}`);
        expect(t.text, name).toBe(`Nhiệm vụ số ${i + 1} về cải cách hành chính${i % 3 === 0 ? ' và chuyển đổi số trên địa bàn Thành phố' : ''}`);
        const month = (i % 12) + 1;
        expect([t.units, t.support, t.kind, t.due], `${name} STT ${i + 1}`).toEqual([[UNITS[i % 6]], [UNITS[(i + 1) % 6]], 'month', new Date(Date.UTC(2027, month, 0)).toISOString().slice(0, 10)]);
      });
      expect(tasks).toEqual(tableTasks(name, 'docx'));
      // One block of rows, the repeated header dropped.
      expect(read.get(name)!.pdf.text.match(/^\| STT \|/gm), name).toHaveLength(1);
    }
  });

  it('reads the table of a PDF whose text pdf.js scrambles through pdftotext', () => {
    expect(read.get('ke-hoach-345')!.pdf.warnings.join(' ')).toMatch(/pdftotext/);
    expect(tableTasks('ke-hoach-345', 'pdf')).toEqual(tableTasks('ke-hoach-341', 'pdf'));
    expect(tableTasks('ke-hoach-345', 'pdf')).toEqual(tableTasks('ke-hoach-345', 'docx'));
  });

  it('leaves a plan whose table assigns nothing exactly as pdf.js reads it', async () => {
    const parser = new PDFParse({ data: new Uint8Array(files.get('ke-hoach-346')!.pdf) });
    const raw = await parser.getText({ pageJoiner: '' }).finally(() => parser.destroy());
    const { text, warnings } = read.get('ke-hoach-346')!.pdf;
    expect(text).toContain('Hồ sơ trực tuyến toàn trình');
    expect(text).toBe(tidy(nfc(raw.pages.map((p) => p.text).join('\n\n'))));
    expect(warnings).toEqual([]);
    expect(extractTableTasks(doc('ke-hoach-346', 'pdf'))).toEqual([]);
  });

  it('keeps the text around a table where it was: the header, the prose, the appendix heading', () => {
    const text = read.get('ke-hoach-341')!.pdf.text;
    expect(doc('ke-hoach-341', 'pdf')).toMatchObject({ number: '341/KH-UBND', date: '2026-11-10' });
    expect(text).toContain('\n2. Sở Tư pháp tổng hợp kết quả, báo cáo UBND Thành phố trước ngày 15/01/2027.\n');
    expect(text).toMatch(/\nPHỤ LỤC I\nDANH MỤC NHIỆM VỤ\n\| STT \| Nhiệm vụ \| Đơn vị thực hiện \| \| Thời gian hoàn thành \| Sản phẩm \|\n\| STT \| Nhiệm vụ \| Chủ trì \| Phối hợp \|/);
    expect(read.get('ke-hoach-341')!.pdf.warnings).toEqual([]);
  });
});

describe('a PDF plan through the engine', () => {
  it('answers a department its tasks from a PDF appendix, leading (merged cell) or supporting, with their deadlines', async () => {
    const data = join(work, 'data');
    mkdirSync(data);
    writeFileSync(join(data, 'ke-hoach-341.pdf'), files.get('ke-hoach-341')!.pdf);
    const assistant = await openAssistant({ indexDir: join(work, 'index'), embedder: { kind: 'hashing' }, ingestPaths: [data], now: () => TEST_TODAY });
    expect(assistant.built?.failed).toEqual([]);
    const r = await assistant.engine.ask({ question: 'Sở Tài chính có nhiệm vụ gì theo Kế hoạch 341/KH-UBND?' });
    expect(r.found).toBe(true);
    const at = (section: string) => r.tasks?.find((t) => t.citation.section === section);
    expect(at('Phụ lục I, STT 1')).toMatchObject({ text: 'Xây dựng quy chế quản lý dữ liệu dùng chung của Thành phố', role: 'lead', deadline: { kind: 'quarter', due: '2027-03-31' } });
    expect(at('Phụ lục I, STT 2')).toMatchObject({ role: 'lead', deadline: { kind: 'month', due: '2027-06-30' } });
    expect(at('Phụ lục I, STT 3')).toMatchObject({ role: 'support', units: ['Sở Nội vụ'], deadline: { kind: 'date', due: '2027-12-15' } });
    expect(at('Phụ lục I, STT 3')?.citation).toMatchObject({ number: '341/KH-UBND' });
    expect(r.answer).toContain('Vai trò: phối hợp');
  });
});
