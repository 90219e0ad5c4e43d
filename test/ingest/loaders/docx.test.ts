import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { extractDocx } from '../../../ingest/loaders/docx.js';
import { LoadError, type SourceFile } from '../../../ingest/loaders/types.js';

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
});
