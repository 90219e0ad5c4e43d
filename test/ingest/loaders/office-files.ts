// Office files written for tests the way users' files are: HTML converted by LibreOffice (headless,
// a profile of its own so that another soffice on the machine does not hold the lock).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A DOCX of the HTML body (tables, merged cells and all), as Word would hold it; returns its bytes. */
export function docxFromHtml(workDir: string, name: string, body: string): Buffer {
  writeFileSync(join(workDir, `${name}.html`), `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${name}</title></head><body>\n${body}\n</body></html>\n`);
  execFileSync(
    'soffice',
    [`-env:UserInstallation=${pathToFileURL(join(workDir, 'profile')).href}`, '--headless', '--convert-to', 'docx:MS Word 2007 XML', '--outdir', workDir, join(workDir, `${name}.html`)],
    { stdio: 'ignore' },
  );
  return readFileSync(join(workDir, `${name}.docx`));
}

/** The official header as a two-column table: issuer | motto, then number and subject | place and date. */
export function headerTable(o: { number: string; subject?: string; date: string }): string {
  return `<table><tr><td><p>ỦY BAN NHÂN DÂN<br>THÀNH PHỐ HÀ NỘI</p><p>Số: ${o.number}</p>${o.subject ? `<p>${o.subject}</p>` : ''}</td>` +
    `<td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Độc lập - Tự do - Hạnh phúc</p><p>${o.date}</p></td></tr></table>`;
}

/** "Nơi nhận" and the signature side by side, as dispatches end. */
export const SIGNATURE_TABLE =
  '<table><tr><td><p>Nơi nhận:</p><p>- Như trên;</p><p>- Lưu: VT.</p></td><td><p>KT. CHỦ TỊCH</p><p>PHÓ CHỦ TỊCH</p><p>Nguyễn Văn A</p></td></tr></table>';

/** A document to render: its HTML body, and the font LibreOffice is to set it in. */
export interface OfficeDocument {
  name: string;
  body: string;
  font?: string;
}

/**
 * Each document as an office sends it: the HTML saved as DOCX, the DOCX exported as PDF, both by
 * LibreOffice (one soffice run for all the DOCX, one for all the PDFs); the files' bytes by name.
 */
export function docxAndPdfFromHtml(workDir: string, docs: OfficeDocument[]): Map<string, { docx: Buffer; pdf: Buffer }> {
  const profile = `-env:UserInstallation=${pathToFileURL(join(workDir, 'profile')).href}`;
  for (const d of docs) {
    const style = d.font ? `<style>body{font-family:${d.font}}</style>` : '';
    writeFileSync(join(workDir, `${d.name}.html`), `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>${d.name}</title>${style}</head><body>\n${d.body}\n</body></html>\n`);
  }
  const html = docs.map((d) => join(workDir, `${d.name}.html`));
  execFileSync('soffice', [profile, '--headless', '--convert-to', 'docx:MS Word 2007 XML', '--outdir', workDir, ...html], { stdio: 'ignore' });
  const docx = docs.map((d) => join(workDir, `${d.name}.docx`));
  execFileSync('soffice', [profile, '--headless', '--convert-to', 'pdf', '--outdir', workDir, ...docx], { stdio: 'ignore' });
  return new Map(docs.map((d) => [d.name, { docx: readFileSync(join(workDir, `${d.name}.docx`)), pdf: readFileSync(join(workDir, `${d.name}.pdf`)) }]));
}
