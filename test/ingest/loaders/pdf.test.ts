import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { createPdfExtractor, extractPdf, looksScrambled, rejoinSplitSyllables } from '../../../ingest/loaders/pdf.js';
import { LoadError, type SourceFile } from '../../../ingest/loaders/types.js';

const dir = fileURLToPath(new URL('../../fixtures/documents/', import.meta.url));
const fixture = (name: string): SourceFile => ({ path: join(dir, name), relPath: `van-ban/${name}`, bytes: readFileSync(join(dir, name)) });
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const source = readFileSync(join(dir, 'dispatch.txt'), 'utf8');

async function pdfJsText(name: string): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(readFileSync(join(dir, name))) });
  try {
    return (await parser.getText({ pageJoiner: '' })).text;
  } finally {
    await parser.destroy();
  }
}

async function loadError(p: Promise<unknown>): Promise<LoadError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(LoadError);
  return err as LoadError;
}

describe('extractPdf', () => {
  it('reads a Chromium-printed PDF exactly through pdf.js, line by line', async () => {
    const out = await extractPdf(fixture('dispatch-chromium.pdf'));
    expect(out.text).toBe(source.trim());
    expect(out.warnings).toEqual([]);
  });

  it('recovers a LibreOffice PDF whose Vietnamese letters pdf.js moves to the line ends', async () => {
    const raw = await pdfJsText('dispatch-lo-fallback.pdf');
    expect(raw).toContain('\tỦ Ộ'); // the scramble itself, as pdf.js gives it
    expect(looksScrambled(raw)).toBe(true);

    const out = await extractPdf(fixture('dispatch-lo-fallback.pdf'));
    expect(out.text.split('\n')).toEqual(source.trim().split('\n'));
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/pdftotext.*scrambled/);
  });

  it('recovers a LibreOffice PDF whose words pdf.js splits from their punctuation', async () => {
    const raw = await pdfJsText('dispatch-lo-symbol.pdf');
    expect(raw).toContain(': 999/ -\tSố UBND TEST');
    expect(looksScrambled(raw)).toBe(true);

    const out = await extractPdf(fixture('dispatch-lo-symbol.pdf'));
    expect(squash(out.text)).toBe(squash(source));
    expect(out.text).toContain('\nSố: 999/UBND-TEST\n');
    expect(out.warnings[0]).toMatch(/pdftotext/);
  });

  it('refuses text that stays garbled in pdftotext too, telling the operator what to do', async () => {
    const err = await loadError(extractPdf(fixture('dispatch-lo-mono.pdf')));
    expect(err.code).toBe('GARBLED_TEXT');
    expect(err.relPath).toBe('van-ban/dispatch-lo-mono.pdf');
    expect(err.message).toContain('van-ban/dispatch-lo-mono.pdf');
    expect(err.message).toMatch(/DOCX/);
  });

  it('never returns scrambled text when pdftotext is missing', async () => {
    const noPoppler = createPdfExtractor({ pdftotext: '/nonexistent/bin/pdftotext' });
    const err = await loadError(noPoppler(fixture('dispatch-lo-fallback.pdf')));
    expect(err.code).toBe('GARBLED_TEXT');
    expect(err.message).toMatch(/poppler-utils/);
    // a clean PDF does not need it
    expect((await noPoppler(fixture('dispatch-chromium.pdf'))).text).toBe(source.trim());
  });

  it('reports a truncated PDF as unreadable, naming the file', async () => {
    const err = await loadError(extractPdf(fixture('truncated.pdf')));
    expect(err.code).toBe('UNREADABLE');
    expect(err.message).toContain('van-ban/truncated.pdf');
    const withoutFallback = await loadError(createPdfExtractor({ pdftotext: null })(fixture('truncated.pdf')));
    expect(withoutFallback.code).toBe('UNREADABLE');
    expect(withoutFallback.cause).toBeInstanceOf(Error);
  });

  it('reports a blank PDF (no text layer, and nothing for OCR to read) as empty', async () => {
    const err = await loadError(extractPdf(fixture('blank.pdf')));
    expect(err.code).toBe('EMPTY');
    expect(err.message).toMatch(/OCR found no text/);
  });

  it('refuses a PDF without a text layer as before when OCR is off', async () => {
    const err = await loadError(createPdfExtractor({ ocr: null })(fixture('blank.pdf')));
    expect(err.code).toBe('EMPTY');
    expect(err.message).toMatch(/needs OCR/);
  });
});

describe('looksScrambled', () => {
  it('passes correct Vietnamese text, in NFC or NFD', () => {
    expect(looksScrambled(source)).toBe(false);
    expect(looksScrambled(source.normalize('NFD'))).toBe(false);
    expect(looksScrambled('Người dân ở đâu? Ý kiến của ông ạ. Ô tô, xe máy.')).toBe(false);
  });

  it('flags each sign of a bad glyph map', () => {
    expect(looksScrambled('Sở\u0002 Nội vụ chu\u0002 trì')).toBe(true); // control characters
    expect(looksScrambled('Ho\u0302\u0300 so\u031b \u0301 \u0300')).toBe(true); // marks left over after NFC
    expect(looksScrambled('Kính g i:\tử\nC p nh t d li u\tậ ậ ữ ệ')).toBe(true); // lone marked letters
    expect(looksScrambled('đầ y đủ, kiế n nghị')).toBe(true); // syllables that cannot end a word
    expect(looksScrambled(': 999/ -\tSố UBND TEST\n, 15 9 2023\tHà Nội ngày tháng năm\nKính gửi')).toBe(true); // orphaned punctuation
  });

  it('has no false alarm on the real portal text apart from damaged records', () => {
    // Calibration on real data: of the portal crawl, only records that carry the same
    // split-word damage ("nă m", "thành lậ p") are flagged.
    const root = fileURLToPath(new URL('../../../../shared/data/tthc-portal/bo-tu-phap/', import.meta.url));
    const files = ['1.000080.json', '1.000094.json', '1.000110.json'];
    for (const f of files) {
      const text = String((JSON.parse(readFileSync(join(root, f), 'utf8')) as { raw_text?: unknown }).raw_text ?? '');
      expect(text.length).toBeGreaterThan(100);
      expect(looksScrambled(text)).toBe(false);
    }
  });
});

describe('rejoinSplitSyllables', () => {
  it('joins words pdftotext split after a doubly marked letter, and nothing else', () => {
    expect(rejoinSplitSyllables('Số : đầ y đủ, kiế n người dân, đôn đố c, hằ ng tháng')).toBe(
      'Số: đầy đủ, kiến người dân, đôn đốc, hằng tháng',
    );
    const fine = 'Số 5 ở đây; cố ý, kế toán và lưu trữ hồ sơ.';
    expect(rejoinSplitSyllables(fine)).toBe(fine);
  });
});
