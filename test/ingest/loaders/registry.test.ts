import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_EXTENSIONS,
  DOCUMENT_EXTENSIONS,
  isSidecar,
  isSupported,
  loadFile,
  parseSidecar,
  sidecarPathFor,
} from '../../../ingest/loaders/index.js';
import { LoadError, type SourceFile } from '../../../ingest/loaders/types.js';

const dir = fileURLToPath(new URL('../../fixtures/documents/', import.meta.url));
const fixture = (name: string): SourceFile => ({ path: join(dir, name), relPath: `van-ban/${name}`, bytes: readFileSync(join(dir, name)) });
const inline = (relPath: string, text: string): SourceFile => ({ path: `/in/${relPath}`, relPath, bytes: Buffer.from(text) });
const source = readFileSync(join(dir, 'dispatch.txt'), 'utf8').trim();

async function loadError(p: Promise<unknown>): Promise<LoadError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LoadError);
  return err as LoadError;
}

describe('which files are sources', () => {
  it('knows documents, catalogues and sidecars', () => {
    expect(DOCUMENT_EXTENSIONS).toEqual(expect.arrayContaining(['.pdf', '.docx', '.html', '.htm', '.md', '.txt']));
    expect(CATALOGUE_EXTENSIONS).toEqual(['.json', '.csv']);
    expect(isSupported('van-ban/CV-2458.PDF')).toBe(true);
    expect(isSupported('danh-muc/thu-tuc.csv')).toBe(true);
    expect(isSupported('danh-muc/thu-tuc.json')).toBe(true);
    expect(isSupported('van-ban/cu.doc')).toBe(true); // through LibreOffice
    expect(isSupported('van-ban/cu.wpd')).toBe(false);
    expect(isSupported('van-ban/cv.pdf.meta.json')).toBe(false);
  });

  it('pairs a document with its sidecar', () => {
    expect(sidecarPathFor('van-ban/cv.pdf')).toBe('van-ban/cv.pdf.meta.json');
    expect(isSidecar(sidecarPathFor('van-ban/cv.pdf'))).toBe(true);
    expect(isSidecar('van-ban/cv.json')).toBe(false);
  });
});

describe('loadFile', () => {
  it('turns each document format into one document keyed by its relative path', async () => {
    for (const name of ['dispatch-chromium.pdf', 'dispatch-lo-fallback.pdf', 'dispatch.docx', 'dispatch.txt']) {
      const result = await loadFile(fixture(name));
      expect(result.documents).toHaveLength(1);
      expect(result.procedures).toEqual([]);
      expect(result.references).toEqual([]);
      const [doc] = result.documents;
      expect(doc?.sourcePath).toBe(`van-ban/${name}`);
      expect(doc?.text.replace(/\s+/g, ' ')).toBe(source.replace(/\s+/g, ' '));
    }
  });

  it('passes on the extractor warnings (the pdftotext fallback)', async () => {
    const result = await loadFile(fixture('dispatch-lo-fallback.pdf'));
    expect(result.warnings.join('\n')).toMatch(/pdftotext/);
  });

  it('lets the file metadata override the layout, and the sidecar override both', async () => {
    const html = await loadFile(fixture('dispatch-page.html'));
    expect(html.documents[0]?.title).toBe('Công văn 999/UBND-TEST về thử nghiệm bộ nạp văn bản (tài liệu kiểm thử)');
    expect(html.documents[0]?.number).toBe('999/UBND-TEST');

    const sidecar = parseSidecar(Buffer.from(JSON.stringify({ title: 'Tiêu đề từ tệp kèm', year: 2024 })), 'van-ban/dispatch.md.meta.json');
    const md = await loadFile(fixture('dispatch.md'), sidecar);
    const doc = md.documents[0];
    expect(doc?.title).toBe('Tiêu đề từ tệp kèm');
    expect(doc?.year).toBe(2024);
    expect(doc?.number).toBe('999/UBND-TEST'); // from the front matter
    expect(doc?.addressees).toEqual(['Các sở, ban, ngành Thành phố', 'Ủy ban nhân dân các quận, huyện, thị xã']);
  });

  it('refuses unsupported files and sidecars loaded on their own', async () => {
    expect((await loadError(loadFile(inline('van-ban/trinh-chieu.pptx', 'x')))).code).toBe('UNSUPPORTED_FORMAT');
    expect((await loadError(loadFile(inline('van-ban/cv.pdf.meta.json', '{}')))).code).toBe('UNSUPPORTED_FORMAT');
  });

  it('reports files with nothing to index as empty', async () => {
    expect((await loadError(loadFile(inline('van-ban/rong.md', '---\ntitle: Rỗng\n---\n\n')))).code).toBe('EMPTY');
    expect((await loadError(loadFile(inline('van-ban/rong.html', '<body><script>var a = 1;</script></body>')))).code).toBe('EMPTY');
    expect((await loadError(loadFile(fixture('blank.pdf')))).code).toBe('EMPTY');
  });

  it('reports broken files as unreadable, naming them', async () => {
    for (const name of ['truncated.pdf', 'not-a-zip.docx']) {
      const err = await loadError(loadFile(fixture(name)));
      expect(err.code).toBe('UNREADABLE');
      expect(err.relPath).toBe(`van-ban/${name}`);
      expect(err.message).toContain(`van-ban/${name}`);
    }
  });
});

describe('parseSidecar', () => {
  it('keeps only the keys given, so schema defaults do not wipe the layout', () => {
    const meta = parseSidecar(Buffer.from('{"number":"999/UBND-TEST","summaryOnly":true}'), 'cv.pdf.meta.json');
    expect(meta).toEqual({ number: '999/UBND-TEST', summaryOnly: true });
  });

  it('normalises text to NFC', () => {
    const meta = parseSidecar(Buffer.from(JSON.stringify({ issuer: 'Sở Tư pháp'.normalize('NFD') })), 'cv.pdf.meta.json');
    expect(meta.issuer).toBe('Sở Tư pháp'.normalize('NFC'));
  });

  it('refuses a bad sidecar, naming it', () => {
    for (const bad of ['{ not json', '[1, 2]', '{"date":"15/9/2023"}', '{"tittle":"x"}']) {
      let caught: unknown;
      try {
        parseSidecar(Buffer.from(bad), 'van-ban/cv.pdf.meta.json');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(LoadError);
      expect((caught as LoadError).code).toBe('UNREADABLE');
      expect((caught as LoadError).message).toContain('van-ban/cv.pdf.meta.json');
    }
  });
});
