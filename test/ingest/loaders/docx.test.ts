import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { extractDocx } from '../../../ingest/loaders/docx.js';
import { LoadError, type SourceFile } from '../../../ingest/loaders/types.js';
import { buildDocument } from '../../../ingest/metadata.js';
import { extractTasks } from '../../../ingest/tasks.js';
import { docxFromHtml, headerTable, SIGNATURE_TABLE } from './office-files.js';

const dir = fileURLToPath(new URL('../../fixtures/documents/', import.meta.url));
const fixture = (name: string): SourceFile => ({ path: join(dir, name), relPath: `van-ban/${name}`, bytes: readFileSync(join(dir, name)) });
const source = readFileSync(join(dir, 'dispatch.txt'), 'utf8').trim();

const work = mkdtempSync(join(tmpdir(), 'docx-soft-breaks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes a DOCX with LibreOffice, as a Word user's file: each <br> becomes a <w:br/> inside the paragraph. */
function libreOfficeDocx(name: string, paragraphs: string[][]): SourceFile {
  const body = paragraphs.map((lines) => `<p>${lines.join('<br>')}</p>`).join('\n');
  writeFileSync(join(work, `${name}.html`), `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${name}</title></head><body>\n${body}\n</body></html>\n`);
  // A profile of its own: another soffice running on the machine would otherwise hold the lock.
  execFileSync('soffice', [`-env:UserInstallation=${pathToFileURL(join(work, 'profile')).href}`, '--headless', '--convert-to', 'docx:MS Word 2007 XML', '--outdir', work, join(work, `${name}.html`)], { stdio: 'ignore' });
  const path = join(work, `${name}.docx`);
  return { path, relPath: `van-ban/${name}.docx`, bytes: readFileSync(path) };
}

describe('extractDocx', () => {
  it('reads a LibreOffice DOCX exactly, one line per paragraph, in NFC', async () => {
    const out = await extractDocx(fixture('dispatch.docx'));
    expect(out.text).toBe(source);
    expect(out.text.normalize('NFC')).toBe(out.text);
    expect(out.text.split('\n')).toContain('2.1. Cập nhật dữ liệu đầy đủ, chính xác; bảo đảm thời hạn xử lý hồ sơ.');
  });

  it('turns soft line breaks (Shift+Enter, <w:br/>) into line breaks', async () => {
    const file = libreOfficeDocx('soft-breaks', [
      ['Ủy ban nhân dân', 'thành phố Hà Nội'],
      ['Số: 998/UBND-TEST', 'V/v kiểm thử ngắt dòng mềm'],
      ['Kính gửi: Các sở, ban, ngành Thành phố.'],
    ]);
    expect(readFileSync(file.path).length).toBeGreaterThan(0);
    const out = await extractDocx(file);
    expect(out.text).toBe('Ủy ban nhân dân\nthành phố Hà Nội\nSố: 998/UBND-TEST\nV/v kiểm thử ngắt dòng mềm\nKính gửi: Các sở, ban, ngành Thành phố.');
    expect(out.warnings).toEqual([]);
  });

  it('reports a file that is not a zip as unreadable, naming it', async () => {
    const err = await extractDocx(fixture('not-a-zip.docx')).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('UNREADABLE');
    expect((err as LoadError).message).toContain('van-ban/not-a-zip.docx');
  });

  it('reads a two-column header table as the layout it draws, with the metadata and tasks of the same text', async () => {
    const bytes = docxFromHtml(
      work,
      'header-table',
      `${headerTable({ number: '4567/UBND-KSTTHC', subject: 'V/v triển khai rà soát thủ tục hành chính năm 2027', date: 'Hà Nội, ngày 20 tháng 11 năm 2026' })}
<p>Kính gửi:</p><p>- Các sở, ban, ngành Thành phố;</p><p>- UBND các xã, phường.</p>
<p>1. Sở Tư pháp chủ trì rà soát các thủ tục hành chính, báo cáo trước ngày 15/01/2027.</p>
<p>2. Các sở, ban, ngành cập nhật dữ liệu thủ tục trước ngày 31/01/2027.</p>
${SIGNATURE_TABLE}`,
    );
    const out = await extractDocx({ path: join(work, 'header-table.docx'), relPath: 'van-ban/header-table.docx', bytes });
    expect(out.text.split('\n').slice(0, 4)).toEqual([
      'ỦY BAN NHÂN DÂN     CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'THÀNH PHỐ HÀ NỘI     Độc lập - Tự do - Hạnh phúc',
      'Số: 4567/UBND-KSTTHC     Hà Nội, ngày 20 tháng 11 năm 2026',
      'V/v triển khai rà soát thủ tục hành chính năm 2027',
    ]);
    // The same dispatch as its PDF's text gives it: the two columns side by side.
    const pdfText = `ỦY BAN NHÂN DÂN      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
THÀNH PHỐ HÀ NỘI      Độc lập - Tự do - Hạnh phúc
Số: 4567/UBND-KSTTHC      Hà Nội, ngày 20 tháng 11 năm 2026
V/v triển khai rà soát thủ tục hành chính năm 2027
Kính gửi:
- Các sở, ban, ngành Thành phố;
- UBND các xã, phường.
1. Sở Tư pháp chủ trì rà soát các thủ tục hành chính, báo cáo trước ngày 15/01/2027.
2. Các sở, ban, ngành cập nhật dữ liệu thủ tục trước ngày 31/01/2027.
Nơi nhận:      KT. CHỦ TỊCH
- Như trên;      PHÓ CHỦ TỊCH
- Lưu: VT.      Nguyễn Văn A`;
    const { text: _a, sourcePath: _b, ...fromDocx } = buildDocument({ text: out.text, sourcePath: 'cv.docx' });
    const { text: _c, sourcePath: _d, ...fromPdf } = buildDocument({ text: pdfText, sourcePath: 'cv.docx' });
    expect(fromDocx).toEqual(fromPdf);
    expect(fromDocx).toMatchObject({
      title: 'Công văn 4567/UBND-KSTTHC: V/v triển khai rà soát thủ tục hành chính năm 2027',
      issuer: 'Ủy ban nhân dân thành phố Hà Nội',
      date: '2026-11-20',
      addressees: ['Các sở, ban, ngành Thành phố', 'UBND các xã, phường'],
      recipients: ['Như trên', 'Lưu: VT'],
    });
    const tasks = (text: string) => extractTasks(buildDocument({ text, sourcePath: 'cv.docx' })).map((t) => [t.section, t.units, t.deadline.due]);
    expect(tasks(out.text)).toEqual(tasks(pdfText));
    expect(tasks(out.text)).toEqual([
      ['1', ['Sở Tư pháp'], '2027-01-15'],
      ['2', ['Các sở, ban, ngành'], '2027-01-31'],
    ]);
  });

  it('reads a wide table row by row, merged cells repeated down the rows they cover', async () => {
    const bytes = docxFromHtml(
      work,
      'task-table',
      `<table border="1">
<tr><th rowspan="2">STT</th><th rowspan="2">Nhiệm vụ</th><th colspan="2">Đơn vị thực hiện</th><th rowspan="2">Thời hạn</th></tr>
<tr><th>Chủ trì</th><th>Phối hợp</th></tr>
<tr><td>1</td><td>Xây dựng quy chế</td><td rowspan="2">Sở Tài chính</td><td><p>Sở Nội vụ</p><p>Sở Tư pháp</p></td><td>Quý I/2027</td></tr>
<tr><td>2</td><td>Rà soát | cập nhật danh mục</td><td></td><td>Tháng 6/2027</td></tr>
</table>`,
    );
    const out = await extractDocx({ path: join(work, 'task-table.docx'), relPath: 'task-table.docx', bytes });
    expect(out.text.split('\n')).toEqual([
      '| STT | Nhiệm vụ | Đơn vị thực hiện | | Thời hạn |',
      '| STT | Nhiệm vụ | Chủ trì | Phối hợp | Thời hạn |',
      '| 1 | Xây dựng quy chế | Sở Tài chính | Sở Nội vụ; Sở Tư pháp | Quý I/2027 |',
      '| 2 | Rà soát / cập nhật danh mục | Sở Tài chính | | Tháng 6/2027 |',
    ]);
  });

  it('parts the lines of a header table that a converter glued together (no line breaks kept)', async () => {
    const bytes = docxFromHtml(
      work,
      'glued-header',
      `<table><tr><td>ỦY BAN NHÂN DÂNTHÀNH PHỐ HÀ NỘISố: 4567/UBND-KSTTHCV/v triển khai rà soát thủ tục hành chính</td>
<td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAMĐộc lập - Tự do - Hạnh phúcHà Nội, ngày 20 tháng 11 năm 2026</td></tr></table>
<p>Kính gửi: Sở Tư pháp.</p><p>1. Sở Tư pháp rà soát các thủ tục hành chính, báo cáo trước ngày 15/01/2027.</p>`,
    );
    const out = await extractDocx({ path: join(work, 'glued-header.docx'), relPath: 'glued-header.docx', bytes });
    const doc = buildDocument({ text: out.text, sourcePath: 'glued-header.docx' });
    expect(doc).toMatchObject({
      title: 'Công văn 4567/UBND-KSTTHC: V/v triển khai rà soát thủ tục hành chính',
      number: '4567/UBND-KSTTHC',
      issuer: 'Ủy ban nhân dân thành phố Hà Nội',
      date: '2026-11-20',
      addressees: ['Sở Tư pháp'],
    });
    expect(extractTasks(doc).map((t) => [t.units, t.deadline.due])).toEqual([[['Sở Tư pháp'], '2027-01-15']]);
  });
});
