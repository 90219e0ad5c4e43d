import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractDocx } from '../../../ingest/loaders/docx.js';
import { LoadError, type SourceFile } from '../../../ingest/loaders/types.js';

const dir = fileURLToPath(new URL('../../fixtures/documents/', import.meta.url));
const fixture = (name: string): SourceFile => ({ path: join(dir, name), relPath: `van-ban/${name}`, bytes: readFileSync(join(dir, name)) });
const source = readFileSync(join(dir, 'dispatch.txt'), 'utf8').trim();

describe('extractDocx', () => {
  it('reads a LibreOffice DOCX exactly, one line per paragraph, in NFC', async () => {
    const out = await extractDocx(fixture('dispatch.docx'));
    expect(out.text).toBe(source);
    expect(out.text.normalize('NFC')).toBe(out.text);
    expect(out.text.split('\n')).toContain('2.1. Cập nhật dữ liệu đầy đủ, chính xác; bảo đảm thời hạn xử lý hồ sơ.');
  });

  it('reports a file that is not a zip as unreadable, naming it', async () => {
    const err = await extractDocx(fixture('not-a-zip.docx')).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('UNREADABLE');
    expect((err as LoadError).message).toContain('van-ban/not-a-zip.docx');
  });
});
