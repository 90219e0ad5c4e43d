import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractMarkdown } from '../../../ingest/loaders/markdown.js';
import { LoadError, type SourceFile } from '../../../ingest/loaders/types.js';

const dir = fileURLToPath(new URL('../../fixtures/documents/', import.meta.url));
const fixture = (name: string): SourceFile => ({ path: join(dir, name), relPath: `van-ban/${name}`, bytes: readFileSync(join(dir, name)) });
const inline = (text: string): SourceFile => ({ path: '/a.md', relPath: 'van-ban/a.md', bytes: Buffer.from(text) });
const source = readFileSync(join(dir, 'dispatch.txt'), 'utf8').trim();

async function loadError(p: Promise<unknown>): Promise<LoadError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LoadError);
  return err as LoadError;
}

describe('extractMarkdown', () => {
  it('reads front matter: scalars, numbers, booleans and lists', async () => {
    const out = await extractMarkdown(fixture('dispatch.md'));
    expect(out.meta).toEqual({
      id: '999-ubnd-test-2023',
      number: '999/UBND-TEST',
      type: 'cong-van',
      title: 'Công văn 999/UBND-TEST về thử nghiệm bộ nạp văn bản',
      issuer: 'Ủy ban nhân dân thành phố Hà Nội',
      date: '2023-09-15',
      year: 2023,
      language: 'vi',
      summaryOnly: false,
      addressees: ['Các sở, ban, ngành Thành phố', 'Ủy ban nhân dân các quận, huyện, thị xã'],
      recipients: ['Như trên', 'Lưu VT'],
    });
  });

  it('strips light markdown but keeps lines, numbering and list markers', async () => {
    const out = await extractMarkdown(fixture('dispatch.md'));
    expect(out.text.split('\n')).toEqual([
      'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI',
      '',
      'Số: 999/UBND-TEST',
      '',
      'Kính gửi: xem danh sách đơn vị',
      '',
      '1. Sở Nội vụ chủ trì rà soát thủ tục hành chính.',
      '2. Các đơn vị thực hiện nghiêm túc những nội dung sau:',
      '2.1. Cập nhật dữ liệu đầy đủ, chính xác;',
      ' a) Ưu tiên giải quyết hồ sơ trực tuyến toàn trình;',
      '- Như trên;',
      '- Lưu: VT, SNV.',
    ]);
  });

  it('passes plain text through untouched, and NFD comes out NFC', async () => {
    const nfd = readFileSync(join(dir, 'dispatch-nfd.txt'), 'utf8');
    expect(nfd).not.toBe(nfd.normalize('NFC')); // the fixture really is decomposed
    const out = await extractMarkdown(fixture('dispatch-nfd.txt'));
    expect(out.text).toBe(source);
    expect(out.meta).toBeUndefined();
  });

  it('refuses front matter with an unknown key or a bad value, naming the file', async () => {
    const typo = await loadError(extractMarkdown(inline('---\ntittle: Công văn\n---\nNội dung')));
    expect(typo.code).toBe('UNREADABLE');
    expect(typo.message).toMatch(/van-ban\/a\.md.*tittle/);
    const date = await loadError(extractMarkdown(inline('---\ndate: 15/9/2023\n---\nNội dung')));
    expect(date.message).toMatch(/date/);
    const open = await loadError(extractMarkdown(inline('---\ntitle: Công văn\nNội dung')));
    expect(open.message).toMatch(/never closed/);
  });

  it('does not take a horizontal rule later in the text for front matter', async () => {
    const out = await extractMarkdown(inline('Kính gửi: Sở Nội vụ\n---\n1. Rà soát'));
    expect(out.text).toBe('Kính gửi: Sở Nội vụ\n1. Rà soát');
    expect(out.meta).toBeUndefined();
  });
});
