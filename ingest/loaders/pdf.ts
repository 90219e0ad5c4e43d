// PDF text: pdf.js (via pdf-parse) first; poppler's pdftotext when pdf.js scrambles the
// Vietnamese text (PDFs from Word/LibreOffice drawn with fallback fonts) or cannot read the file;
// OCR for the pages without a text layer (a scan, or the scanned pages of a mixed PDF). Task
// tables are read back from pdftotext's word positions (pdf-tables.ts).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PasswordException, PDFParse } from 'pdf-parse';
import { createOcrCache, createScanReader, DEFAULT_OCR_CACHE, type ScanReader } from '../ocr/index.js';
import { joinPages } from './pages.js';
import { mayHoldTaskTable, parseBboxLayout, withTaskTables } from './pdf-tables.js';
import { type ExtractedText, LoadError, type SourceFile, type TextExtractor } from './types.js';

export interface PdfExtractorOptions {
  /** The pdftotext binary (a name looked up on PATH, or a path); null: never fall back. */
  pdftotext?: string | null;
  /** How long pdftotext may run on one file. */
  timeoutMs?: number;
  /** Most pages a PDF may have; a longer one is refused (TOO_LARGE) before its pages are read. */
  maxPages?: number;
  /** Longest the text of one file may take to read (pdf.js and pdftotext; OCR has its own budget), ms. */
  fileTimeoutMs?: number;
  /** Reads the pages without a text layer; null: never OCR (such a PDF is refused as before). */
  ocr?: ScanReader | null;
}

/**
 * A dispatch, even with its annexes, runs to tens of pages; a hostile 100,000-page PDF kept the
 * ingest (and its lock) busy for more than 10 minutes. Past these the file is refused with the
 * reason, in the in-process runs too (the admin child's budget only stops a run that goes on).
 */
export const PDF_MAX_PAGES = 500;
export const PDF_FILE_TIMEOUT_MS = 120_000;

const INSTALL_HINT =
  'Install poppler-utils (apt-get install poppler-utils) and run the ingestion again, ' +
  'or supply the document as DOCX. / Hãy cài poppler-utils rồi chạy lại, hoặc nạp bản DOCX.';

/** The PDF extractor. Options make the fallback testable; the defaults suit production. */
export function createPdfExtractor(options: PdfExtractorOptions = {}): TextExtractor {
  const pdftotext = options.pdftotext === undefined ? 'pdftotext' : options.pdftotext;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxPages = options.maxPages ?? PDF_MAX_PAGES;
  const fileTimeoutMs = options.fileTimeoutMs ?? PDF_FILE_TIMEOUT_MS;
  const ocr = options.ocr === undefined ? createScanReader({ cache: createOcrCache(DEFAULT_OCR_CACHE) }) : options.ocr;
  const finish = (file: SourceFile, pages: string[], warnings: string[]) => finishPages(file, pages, warnings, ocr);

  return async (file) => {
    const deadline = Date.now() + fileTimeoutMs;
    let first: string[] | undefined;
    let failure: unknown;
    try {
      first = await readWithPdfJs(file, maxPages, fileTimeoutMs);
    } catch (err) {
      if (err instanceof LoadError) throw err;
      if (err instanceof PasswordException) {
        throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: the PDF is encrypted (password protected). / Tệp PDF có mật khẩu.`, { cause: err });
      }
      failure = err;
    }
    if (first !== undefined && !looksScrambled(first.join('\n\n'))) {
      const warnings: string[] = [];
      return finish(file, await tables(file, first, deadline, warnings), warnings);
    }

    const why = first === undefined ? `pdf.js could not read it (${message(failure)})` : 'pdf.js returned scrambled Vietnamese text';
    const second = pdftotext === null ? undefined : await readWithPdftotext(file, pdftotext, Math.max(1, Math.min(timeoutMs, deadline - Date.now())), maxPages);
    if (second === undefined) {
      if (first === undefined) {
        throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: unreadable PDF (${message(failure)}); pdftotext is not available to try again. ${INSTALL_HINT}`, { cause: failure });
      }
      throw new LoadError('GARBLED_TEXT', file.relPath, `${file.relPath}: the text pdf.js extracts is scrambled (Vietnamese letters out of place) and pdftotext is not available to recover it. ${INSTALL_HINT}`);
    }
    const repaired = second.map(rejoinSplitSyllables);
    if (looksScrambled(repaired.join('\n\n'))) {
      throw new LoadError('GARBLED_TEXT', file.relPath,
        `${file.relPath}: the text is scrambled (${why}, and pdftotext's text is scrambled too: fonts without Vietnamese glyphs or without a Unicode map). ` +
          'Re-export the PDF with embedded Vietnamese fonts, or supply the DOCX. / Văn bản bị lỗi phông chữ; hãy xuất lại PDF có nhúng phông tiếng Việt hoặc nạp bản DOCX.');
    }
    const warnings = [`${file.relPath}: text taken from pdftotext because ${why}.`];
    return finish(file, (await tables(file, second, deadline, warnings)).map(rejoinSplitSyllables), warnings);
  };

  /**
   * The pages with their task tables as "| … |" rows, from pdftotext's word positions. Only when
   * a page names a table's columns; a table left as running text is reported, not hidden.
   */
  async function tables(file: SourceFile, pages: string[], deadline: number, warnings: string[]): Promise<string[]> {
    if (pdftotext === null || !pages.some(mayHoldTaskTable)) return pages;
    const lost = (why: string) => {
      warnings.push(`${file.relPath}: a task table, if the PDF has one, is read as running text: ${why}.`);
      return pages;
    };
    try {
      const out = await runPdftotext(file, pdftotext, ['-bbox-layout', '-enc', 'UTF-8', '-l', String(maxPages)], Math.max(1, Math.min(timeoutMs, deadline - Date.now())));
      if (out === undefined) return lost('pdftotext (poppler-utils) is not installed');
      const words = parseBboxLayout(out);
      if (words.length !== pages.length) return lost(`pdftotext read ${words.length} pages, not ${pages.length}`);
      return withTaskTables(pages, words, rejoinSplitSyllables);
    } catch (err) {
      if (err instanceof LoadError && err.code === 'TIME_BUDGET') throw err;
      return lost(message(err));
    }
  }
}

export const extractPdf: TextExtractor = createPdfExtractor();

const hasText = (page: string) => /[\p{L}\p{N}]/u.test(page);

/** The pages' text; pages without a text layer are read by OCR first (unless OCR is off). */
async function finishPages(file: SourceFile, pages: string[], warnings: string[], ocr: ScanReader | null): Promise<ExtractedText> {
  const blank = pages.flatMap((p, i) => (hasText(p) ? [] : [i + 1]));
  if (blank.length === 0 || ocr === null) {
    const { text, pageStarts } = joinPages(pages);
    if (!hasText(text)) {
      throw new LoadError('EMPTY', file.relPath,
        `${file.relPath}: the PDF has no text layer (a scan?); it needs OCR before it can be indexed. / Tệp PDF không có lớp chữ (bản quét?), cần nhận dạng ký tự (OCR).`);
    }
    return { text, pageStarts, warnings };
  }
  const read = await ocr.readPdf(file.relPath, file.bytes, blank);
  const filled = [...pages];
  for (const p of read.pages) filled[p.page - 1] = p.text;
  const { text, pageStarts } = joinPages(filled);
  if (!hasText(text)) {
    throw new LoadError('EMPTY', file.relPath, `${file.relPath}: OCR found no text in the scan. / Không nhận dạng được chữ trong bản quét.`);
  }
  // Blank pages of a born-digital file (a trailing empty page) do not make it a scan.
  if (!read.pages.some((p) => hasText(p.text))) return { text, pageStarts, warnings };
  return { text, pageStarts, meta: { ocr: read.ocr }, warnings: [...warnings, ...read.warnings] };
}

const tooManyPages = (file: SourceFile, pages: number | string, maxPages: number) =>
  new LoadError('TOO_LARGE', file.relPath,
    `${file.relPath}: the PDF has ${pages} pages, more than the ${maxPages} a file may have; split it or supply the pages that matter. / Tệp PDF có ${pages} trang, vượt quá giới hạn ${maxPages} trang cho mỗi tệp; hãy tách tệp hoặc chỉ nạp các trang cần thiết.`);

const tooSlow = (file: SourceFile, fileTimeoutMs: number) =>
  new LoadError('TIME_BUDGET', file.relPath,
    `${file.relPath}: reading the PDF took longer than ${fileTimeoutMs / 1000} s, the time budget of one file. / Đọc tệp PDF quá ${fileTimeoutMs / 1000} giây (giới hạn cho mỗi tệp).`);

/** pdf.js's text by page, within the page and time bounds (the page count is read before any page). */
async function readWithPdfJs(file: SourceFile, maxPages: number, fileTimeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + fileTimeoutMs;
  // pdf.js may detach the buffer it is given: hand it a copy.
  const parser = new PDFParse({ data: new Uint8Array(file.bytes) });
  try {
    const { total } = await parser.getInfo();
    if (total > maxPages) throw tooManyPages(file, total, maxPages);
    // Page by page with the clock read between pages: pdf.js's in-process worker answers through
    // promises only, so a timer would not fire until it had read the whole file.
    const pages: string[] = [];
    for (let page = 1; page <= total; page++) {
      if (Date.now() > deadline) throw tooSlow(file, fileTimeoutMs);
      const result = await parser.getText({ partial: [page], pageJoiner: '' });
      pages.push(result.pages[0]?.text ?? '');
    }
    return pages;
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}

/** pdftotext's text by page, or undefined when the binary is missing. Throws UNREADABLE when it fails on the file. */
async function readWithPdftotext(file: SourceFile, bin: string, timeoutMs: number, maxPages: number): Promise<string[] | undefined> {
  // One page past the bound is enough to know the file is over it.
  const out = await runPdftotext(file, bin, ['-enc', 'UTF-8', '-l', String(maxPages + 1)], timeoutMs);
  if (out === undefined) return undefined;
  const pages = out.replace(/\f$/, '').split('\f'); // pdftotext ends each page with a form feed
  if (pages.length > maxPages) throw tooManyPages(file, `over ${maxPages}`, maxPages);
  return pages;
}

/** pdftotext's output for the file, or undefined when the binary is missing. Throws UNREADABLE when it fails on the file. */
async function runPdftotext(file: SourceFile, bin: string, args: string[], timeoutMs: number): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'ingest-pdf-'));
  try {
    const path = join(dir, 'in.pdf');
    await writeFile(path, file.bytes);
    return await new Promise<string>((resolve, reject) => {
      execFile(bin, [...args, path, '-'], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(Object.assign(err, { stderr }));
        else resolve(stdout);
      });
    });
  } catch (err) {
    if (err instanceof LoadError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((err as { killed?: boolean }).killed) throw tooSlow(file, timeoutMs);
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim().split('\n')[0] ?? '';
    throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: unreadable PDF (pdftotext: ${stderr || message(err)}). / Tệp PDF bị hỏng.`, { cause: err });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// --- Detecting and repairing scrambled Vietnamese -------------------------------------------

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;
const COMBINING = /[\u0300-\u036f]/g;
/** Letters that carry a Vietnamese mark (all but đ, which NFD leaves whole). */
const MARKED = '[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]';
/** One-letter words that do occur in Vietnamese prose ("ở đâu", "ý kiến", "dạ, ạ"). */
const LONE_WORDS = new Set(['ở', 'ý', 'ạ', 'à', 'á', 'ừ', 'ồ', 'ô', 'ơ', 'ư', 'ả', 'ờ']);
/**
 * Syllables that cannot end a word: â and ă always take a final (ân, ăng), and so do the
 * diphthongs iê/yê/uô/ươ (kiến, muốn, người). A word ending in one is a split word.
 */
const OPEN_END = new RegExp(
  `(?:[âầấẩẫậăằắẳẵặ]|[iy][êềếểễệ]|u[ôồốổỗộ]|ư[ơờớởỡợ])$`,
  'iu',
);

/**
 * True when extracted text shows the signs of a PDF whose glyphs map badly to Unicode:
 * control characters, stray combining marks, tone-marked letters standing alone (pdf.js moves
 * the fallback-font letters to the line end), lines starting with punctuation that lost its
 * word, or words cut after a vowel that cannot close a Vietnamese syllable.
 */
export function looksScrambled(text: string): boolean {
  const t = text.normalize('NFC');
  if (CONTROL.test(t.replace(/\f/g, ''))) return true;
  if ((t.match(COMBINING)?.length ?? 0) >= 2) return true;

  const words = t.split(/[^\p{L}]+/u).filter(Boolean);
  if (words.length === 0) return false;
  const marked = new RegExp(`^${MARKED}$`, 'iu');
  const lone = words.filter((w) => marked.test(w) && !LONE_WORDS.has(w.toLowerCase())).length;
  if (lone >= 3 && lone / words.length >= 0.01) return true;
  if (words.filter((w) => OPEN_END.test(w)).length >= 2) return true;

  const lines = t.split('\n').filter((l) => l.trim() !== '');
  const orphaned = lines.filter((l) => /^\s*[,;:)]/.test(l)).length;
  return orphaned >= 2 && orphaned / lines.length >= 0.05;
}

/**
 * pdftotext reads fallback-font PDFs in the right order but may put a space inside a word
 * after a letter with two marks ("đầ y", "kiế n", "đố c", "Số :"). Join only where the split
 * is certain: the left part cannot end a syllable, or the right part is a lone final consonant,
 * or the right part is punctuation (Vietnamese sets none of these after a space).
 */
export function rejoinSplitSyllables(text: string): string {
  const cut = new RegExp(`(${MARKED}) +(?=[,;:.)](?:\\s|$))`, 'giu');
  const final = new RegExp(`(${MARKED}) +((?:c|ch|m|n|ng|nh|p|t)(?![\\p{L}]))`, 'gu');
  const open = /([\p{L}]+) +(?=\p{Ll})/gu;
  return text
    .replace(cut, '$1')
    .replace(final, '$1$2')
    .replace(open, (whole, word: string) => (OPEN_END.test(word) ? word : whole));
}
