// Scans made from our own documents, as an office would make them: an HTML dispatch printed to
// PDF by Chromium (the born-digital file), then its pages rasterised by pdftoppm and wrapped as
// JPEGs in a PDF with no text layer (the scan). The scan may carry a red stamp over the
// signature and a slight skew, as a document fed through a copier does. The OCR bench
// (bench/ocr.ts) makes its scans here too.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

export interface DispatchLook {
  stamp?: boolean;
  /** Degrees. */
  skew?: number;
}

/** A red round stamp over a scrawled signature, drawn over what precedes it. */
const STAMP =
  '<div style="position:absolute;right:70px;margin-top:-95px;width:150px;height:150px;border:5px solid #d22;border-radius:50%;color:#d22;opacity:.75;font:bold 11pt Arial;display:flex;align-items:center;justify-content:center;text-align:center;transform:rotate(-14deg)">ỦY BAN NHÂN DÂN<br>★<br>TP. HÀ NỘI</div>' +
  '<div style="position:absolute;right:110px;margin-top:-60px;font:italic 30pt cursive;color:#124;transform:rotate(-8deg)">Ng~vA</div>';

/** The page and the body as an office prints a dispatch: A4, Times 13 pt, the look's skew. */
const pageStyle = (look: DispatchLook) => `@page{size:A4;margin:2cm 2cm 2cm 3cm}
body{font-family:"Times New Roman","Liberation Serif",serif;font-size:13pt;${look.skew ? `transform:rotate(${look.skew}deg);transform-origin:top left;` : ''}}`;

/** A two-page test dispatch in the official layout (two-column header, numbered items, "Nơi nhận"). */
export function dispatchHtml(look: DispatchLook = {}): string {
  const stamp = look.stamp ? STAMP : '';
  return `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>cv</title><style>
${pageStyle(look)}
td{vertical-align:top;text-align:center;font-size:12.5pt} p{margin:0 0 7pt 0;text-align:justify;text-indent:1cm}
.c{text-align:center;text-indent:0} .brk{break-before:page}
</style></head><body>
<table width="100%"><tr><td width="40%"><b>ỦY BAN NHÂN DÂN<br>THÀNH PHỐ HÀ NỘI</b></td><td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</b></td></tr>
<tr><td>Số: 3107/UBND-KSTTHC<br>V/v đẩy mạnh giải quyết thủ<br>tục hành chính trực tuyến</td><td><i>Hà Nội, ngày 10 tháng 10 năm 2026</i></td></tr></table>
<p class="c" style="margin-top:14pt">Kính gửi:<br>- Các sở, ban, ngành Thành phố;<br>- Ủy ban nhân dân các xã, phường.</p>
<p>Để nâng cao chất lượng phục vụ người dân, doanh nghiệp, Ủy ban nhân dân Thành phố yêu cầu các cơ quan, đơn vị thực hiện các nội dung sau:</p>
<p>1. Sở Nội vụ chủ trì rà soát thủ tục hành chính nội bộ, hoàn thành trước ngày 30/11/2026.</p>
<p>2. Sở Tài chính hướng dẫn thu phí, lệ phí trực tuyến, báo cáo kết quả trong tháng 12/2026.</p>
<p class="brk">3. Ủy ban nhân dân các xã, phường cập nhật hồ sơ lên Hệ thống thông tin giải quyết thủ tục hành chính, định kỳ hằng tháng báo cáo kết quả trước ngày 25.</p>
<p>4. Văn phòng Ủy ban nhân dân Thành phố theo dõi, đôn đốc, tổng hợp báo cáo trước ngày 15/01/2027.</p>
<table width="100%" style="margin-top:14pt"><tr><td width="50%" style="text-align:left;font-size:11pt"><b><i>Nơi nhận:</i></b><br>- Như trên;<br>- Chủ tịch UBND Thành phố;<br>- Lưu: VT, KSTTHC.</td>
<td><b>TM. ỦY BAN NHÂN DÂN<br>KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH</b><br><br><br><br>${stamp}<b>Nguyễn Văn An</b></td></tr></table>
</body></html>`;
}

const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A dispatch kept as Markdown or plain text (data/documents, the test fixtures) as a printed
 * page: front matter, comments and Markdown marks dropped, one paragraph a line (indented as
 * written), and with `stamp`, a signature block under it with the stamp over the signer's name.
 */
export function textDispatchHtml(source: string, look: DispatchLook = {}): string {
  const body = source
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n')
    .map((line) => {
      const indent = /^ */.exec(line)![0].length;
      const text = line.trim().replace(/^#+\s+|^>\s?/, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*\*|__|`/g, '').replace(/(^|\s)\*(\S[^*]*)\*/g, '$1$2');
      return text ? `<p style="margin-left:${indent * 0.3}cm">${escapeHtml(text)}</p>` : '';
    })
    .filter(Boolean)
    .join('\n');
  const signature = look.stamp
    ? `<table width="100%" style="margin-top:10pt"><tr><td width="50%"></td><td style="text-align:center"><b>TM. ỦY BAN NHÂN DÂN<br>KT. CHỦ TỊCH<br>PHÓ CHỦ TỊCH</b><br><br><br><br>${STAMP}<b>Nguyễn Văn An</b></td></tr></table>`
    : '';
  return `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>cv</title><style>
${pageStyle(look)}
p{margin:0 0 5pt 0;text-align:justify}
</style></head><body>
${body}
${signature}
</body></html>`;
}

/** Chromium's PDF of an HTML page (a born-digital file with a text layer). */
export function printPdf(html: string, dir: string, name: string): string {
  const src = join(dir, `${name}.html`);
  const out = join(dir, `${name}.pdf`);
  writeFileSync(src, html);
  execFileSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', `--user-data-dir=${join(dir, 'chromium-profile')}`, `--print-to-pdf=${out}`, `file://${src}`], { stdio: 'ignore' });
  return out;
}

/** Greyscale JPEGs of the PDF's pages at `dpi`, in page order. */
export function pageImages(pdf: string, dir: string, dpi: number, format: 'jpeg' | 'png' = 'jpeg'): string[] {
  const prefix = join(dir, `img${dpi}`);
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', `-${format}`, pdf, prefix]);
  return readdirSync(dir).filter((n) => n.startsWith(`img${dpi}-`)).sort().map((n) => join(dir, n));
}

/** The size of a baseline or progressive JPEG, from its SOF marker. */
function jpegSize(jpeg: Buffer): { width: number; height: number; components: number } {
  for (let i = 2; i < jpeg.length; ) {
    const marker = jpeg[i + 1]!;
    const length = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7), components: jpeg[i + 9]! };
    }
    i += 2 + length;
  }
  throw new Error('not a JPEG');
}

/** A PDF whose pages are only these JPEGs (no text layer), each drawn over a page of its size at `dpi`. */
export function imageOnlyPdf(jpegs: Buffer[], dpi: number): Buffer {
  const objects: Buffer[] = [];
  const pageIds: number[] = [];
  // 1: catalog, 2: pages; then per page: page, content, image.
  jpegs.forEach((jpeg, k) => {
    const { width, height, components } = jpegSize(jpeg);
    const w = (width * 72) / dpi;
    const h = (height * 72) / dpi;
    const page = 3 + k * 3;
    pageIds.push(page);
    const content = `q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} 0 0 cm /Im0 Do Q`;
    objects[page - 1] = Buffer.from(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}] /Resources << /XObject << /Im0 ${page + 2} 0 R >> >> /Contents ${page + 1} 0 R >>`, 'latin1');
    objects[page] = Buffer.from(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`, 'latin1');
    objects[page + 1] = Buffer.concat([
      Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /${components === 1 ? 'DeviceGray' : 'DeviceRGB'} /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`, 'latin1'),
      jpeg,
      Buffer.from('\nendstream', 'latin1'),
    ]);
  });
  objects[0] = Buffer.from('<< /Type /Catalog /Pages 2 0 R >>', 'latin1');
  objects[1] = Buffer.from(`<< /Type /Pages /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] /Count ${pageIds.length} >>`, 'latin1');
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  objects.forEach((body, i) => {
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(at);
    parts.push(chunk);
    at += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** The scan of an HTML dispatch: printed, rasterised at `dpi`, wrapped without a text layer. */
export function scanOf(html: string, dir: string, name: string, dpi: number): Buffer {
  const pdf = printPdf(html, dir, name);
  return imageOnlyPdf(pageImages(pdf, dir, dpi).map((f) => readFileSync(f)), dpi);
}
