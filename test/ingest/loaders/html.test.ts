import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractHtml } from '../../../ingest/loaders/html.js';
import type { SourceFile } from '../../../ingest/loaders/types.js';

const dir = fileURLToPath(new URL('../../fixtures/documents/', import.meta.url));
const fixture = (name: string): SourceFile => ({ path: join(dir, name), relPath: `van-ban/${name}`, bytes: readFileSync(join(dir, name)) });
const inline = (html: string, encoding: BufferEncoding = 'utf8'): SourceFile => ({ path: '/x.html', relPath: 'x.html', bytes: Buffer.from(html, encoding) });

describe('extractHtml', () => {
  it('keeps the main content line by line and drops scripts, navigation and page chrome', async () => {
    const out = await extractHtml(fixture('dispatch-page.html'));
    expect(out.text.split('\n')).toEqual([
      'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI',
      'Số: 999/UBND-TEST',
      'Hà Nội, ngày 15 tháng 9 năm 2023',
      'V/v thử nghiệm bộ nạp văn bản',
      '(tài liệu kiểm thử)',
      'Kính gửi:',
      '- Các sở, ban, ngành Thành phố;',
      '- Ủy ban nhân dân các quận, huyện, thị xã.',
      '1. Sở Nội vụ chủ trì rà soát thủ tục hành chính, hoàn thành trước ngày 30/9/2023.',
      '2. Các đơn vị thực hiện nghiêm túc những nội dung sau:',
      'a) Ưu tiên giải quyết hồ sơ trực tuyến toàn trình;',
      '| Nhiệm vụ | Đơn vị chủ trì | Thời hạn |',
      '| Cập nhật dữ liệu thủ tục | Sở Nội vụ | Tháng 9/2023 |',
      'Nơi nhận:',
    ]);
    expect(out.text).not.toMatch(/analytics|mã chèn|JavaScript|Tìm kiếm|Trang chủ|đầu trang|chân trang/);
  });

  it('takes the title and the document number from the head', async () => {
    const out = await extractHtml(fixture('dispatch-page.html'));
    expect(out.meta).toEqual({ title: 'Công văn 999/UBND-TEST về thử nghiệm bộ nạp văn bản (tài liệu kiểm thử)', number: '999/UBND-TEST' });
  });

  it('uses the body when there is no main or article, and outputs NFC', async () => {
    const nfd = 'Kính gửi: Sở Tư pháp'.normalize('NFD');
    const out = await extractHtml(inline(`<html><body><div>${nfd}</div><div>2. Giao   việc</div></body></html>`));
    expect(out.text).toBe('Kính gửi: Sở Tư pháp\n2. Giao việc');
    expect(out.meta).toEqual({});
  });

  it('keeps items that write their own numbering as written', async () => {
    const out = await extractHtml(inline('<body><ol><li>1. Một</li><li>2. Hai</li></ol><ol start="3"><li>Ba</li></ol></body>'));
    expect(out.text).toBe('1. Một\n2. Hai\n3. Ba');
  });

  it('honours a declared legacy charset', async () => {
    const page = Buffer.concat([Buffer.from('<html><head><meta charset="windows-1252"></head><body><p>'), Buffer.from('Café, déjà', 'latin1'), Buffer.from('</p></body></html>')]);
    const out = await extractHtml({ path: '/x.html', relPath: 'x.html', bytes: page });
    expect(out.text).toBe('Café, déjà');
  });

  it("keeps an article's own header while dropping the page's", async () => {
    const out = await extractHtml(inline('<body><header>Cổng thông tin</header><article><header><h1>Kế hoạch 136/KH-UBND</h1></header><p>1. Mục tiêu</p></article><footer>Liên hệ</footer></body>'));
    expect(out.text).toBe('Kế hoạch 136/KH-UBND\n1. Mục tiêu');
  });

  it('draws a two-column header table side by side, as its PDF reads', async () => {
    const out = await extractHtml(
      inline(`<body><table><tr><td><p>ỦY BAN NHÂN DÂN<br>THÀNH PHỐ HÀ NỘI</p><p>Số: 12/UBND-KSTTHC</p><p>V/v rà soát thủ tục</p></td>
<td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Độc lập - Tự do - Hạnh phúc</p><p>Hà Nội, ngày 2 tháng 12 năm 2026</p></td></tr></table><p>Kính gửi: Sở Tư pháp.</p></body>`),
    );
    expect(out.text.split('\n')).toEqual([
      'ỦY BAN NHÂN DÂN     CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'THÀNH PHỐ HÀ NỘI     Độc lập - Tự do - Hạnh phúc',
      'Số: 12/UBND-KSTTHC     Hà Nội, ngày 2 tháng 12 năm 2026',
      'V/v rà soát thủ tục',
      'Kính gửi: Sở Tư pháp.',
    ]);
  });

  it('reads a task table row by row, with merged cells and several lines in a cell', async () => {
    const out = await extractHtml(
      inline(`<body><table><caption>Phụ lục I: Danh mục nhiệm vụ</caption>
<thead><tr><th rowspan="2">STT</th><th rowspan="2">Nhiệm vụ</th><th colspan="2">Đơn vị thực hiện</th><th rowspan="2">Thời hạn</th></tr>
<tr><th>Chủ trì</th><th>Phối hợp</th></tr></thead>
<tbody><tr><td>1</td><td>Xây dựng quy chế</td><td rowspan="2">Sở Tài chính</td><td>Sở Nội vụ<br>Sở Tư pháp</td><td>Quý I/2027</td></tr>
<tr><td>2</td><td>Rà soát danh mục</td><td>Các sở, ban, ngành</td><td>Tháng 6/2027</td></tr></tbody></table></body>`),
    );
    expect(out.text.split('\n')).toEqual([
      'Phụ lục I: Danh mục nhiệm vụ',
      '| STT | Nhiệm vụ | Đơn vị thực hiện | | Thời hạn |',
      '| STT | Nhiệm vụ | Chủ trì | Phối hợp | Thời hạn |',
      '| 1 | Xây dựng quy chế | Sở Tài chính | Sở Nội vụ; Sở Tư pháp | Quý I/2027 |',
      '| 2 | Rà soát danh mục | Sở Tài chính | Các sở, ban, ngành | Tháng 6/2027 |',
    ]);
  });
});
