// Checks on an uploaded source file before it reaches the data folder: a safe base name,
// an allowed extension, and content that matches it (a ".pdf" must have a PDF header and
// trailer, a text file must be UTF-8 without NUL).
import { isUtf8 } from 'node:buffer';
import path from 'node:path';

export const ALLOWED_EXTENSIONS = ['.pdf', '.docx', '.doc', '.odt', '.rtf', '.html', '.htm', '.md', '.txt', '.json', '.csv'] as const;

export type UploadCheck = { ok: true; name: string } | { ok: false; reason: { vi: string; en: string } };

const refuse = (vi: string, en: string): UploadCheck => ({ ok: false, reason: { vi, en } });

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * File systems limit a name to 255 bytes, not characters: a Vietnamese letter takes up to 3
 * bytes in UTF-8, so 100 of them already overflow (500 ENAMETOOLONG). 200 leaves room for the
 * names derived from it (a sidecar "<name>.meta.json", a temporary copy).
 */
export const MAX_NAME_BYTES = 200;

/** A client's file name → a safe base name, or why it is refused. Vietnamese letters are kept. */
export function sanitiseUploadName(raw: string): UploadCheck {
  const name = raw.normalize('NFC').trim();
  if (!name) return refuse('thiếu tên tệp.', 'the file has no name.');
  if (CONTROL.test(name)) return refuse('tên tệp chứa ký tự điều khiển.', 'the file name contains control characters.');
  if (/[\\/]/.test(name) || name.includes('..')) return refuse('tên tệp không được chứa đường dẫn.', 'the file name must not contain a path.');
  if (name.startsWith('.')) return refuse('tên tệp không được bắt đầu bằng dấu chấm.', 'the file name must not start with a dot.');
  // Cheap bound before the regexes below; the real limit is in bytes, after sanitising.
  if (name.length > 1000) return nameTooLong();
  const ext = path.extname(name).toLowerCase();
  if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(ext)) {
    return refuse(`chỉ nhận tệp ${ALLOWED_EXTENSIONS.join(', ')}.`, `only ${ALLOWED_EXTENSIONS.join(', ')} files are accepted.`);
  }
  // Keep letters and digits of any script (and their combining marks), dot, dash, underscore, space.
  const safe = name.replace(/[^\p{L}\p{M}\p{N}._\- ]/gu, '_').replace(/\s+/g, ' ');
  if (Buffer.byteLength(safe, 'utf8') > MAX_NAME_BYTES) return nameTooLong();
  return { ok: true, name: safe.slice(0, -ext.length) + ext };
}

function nameTooLong(): UploadCheck {
  return refuse(
    `tên tệp quá dài (tối đa ${MAX_NAME_BYTES} byte theo UTF-8; mỗi chữ có dấu chiếm 2–3 byte); hãy đặt tên ngắn hơn rồi tải lên lại.`,
    `the file name is too long (at most ${MAX_NAME_BYTES} bytes in UTF-8; an accented letter takes 2–3); shorten it and upload again.`,
  );
}

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const RTF_MAGIC = Buffer.from('{\\rtf', 'latin1');
/** Formats whose bytes may hold NUL: every other accepted file is text. */
const BINARY = new Set(['.pdf', '.docx', '.doc', '.odt']);
/** Text formats read as UTF-8 (RTF is 7-bit with escapes, and may carry a legacy code page). */
const UTF8_TEXT = new Set(['.md', '.txt', '.csv', '.json', '.html', '.htm']);
/** "%PDF-1.7": the header a PDF starts with. */
const PDF_HEADER = /^%PDF-\d\.\d/;
/** Readers look for the trailer's %%EOF within the last 1024 bytes (PDF 32000-1, annex H). */
const PDF_TRAILER_WINDOW = 1024;

/**
 * A page saved from an old Vietnamese site may be windows-1258 and say so (the HTML loader
 * decodes it): the declaration must come within the first 1024 bytes, as browsers prescan.
 */
function declaresLegacyCharset(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 1024).toString('latin1');
  const charset = /<meta\b[^>]*\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1]?.toLowerCase();
  return charset !== undefined && charset !== 'utf-8' && charset !== 'utf8';
}

/** Whether the bytes look like what the extension says. */
export function sniffUpload(name: string, bytes: Buffer): UploadCheck {
  const ext = path.extname(name).toLowerCase();
  if (bytes.length === 0) return refuse('tệp rỗng.', 'the file is empty.');
  if (ext === '.pdf' && !PDF_HEADER.test(bytes.subarray(0, 8).toString('latin1'))) {
    return refuse('nội dung không phải PDF.', 'the content is not a PDF.');
  }
  // A PDF cut short (an interrupted download or copy) has no trailer: refuse it here, with a
  // reason the admin can act on, rather than let the ingest fail on it later.
  if (ext === '.pdf' && !bytes.subarray(-PDF_TRAILER_WINDOW).includes('%%EOF', 0, 'latin1')) {
    return refuse('tệp PDF không trọn vẹn (thiếu phần kết %%EOF); hãy tải lại bản đầy đủ.', 'the PDF is incomplete (its %%EOF trailer is missing); upload the whole file.');
  }
  if (ext === '.docx' && !bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return refuse('nội dung không phải tệp DOCX.', 'the content is not a DOCX file.');
  }
  // Word 97 files are OLE compound files; offices also save RTF under ".doc", which Word and LibreOffice open alike.
  if (ext === '.doc' && !bytes.subarray(0, 8).equals(OLE_MAGIC) && !bytes.subarray(0, 5).equals(RTF_MAGIC)) {
    return refuse('nội dung không phải tệp Word (.doc).', 'the content is not a Word (.doc) file.');
  }
  if (ext === '.odt' && !bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
    return refuse('nội dung không phải tệp ODT.', 'the content is not an ODT file.');
  }
  if (ext === '.rtf' && !bytes.subarray(0, 5).equals(RTF_MAGIC)) {
    return refuse('nội dung không phải tệp RTF.', 'the content is not an RTF file.');
  }
  // Anywhere, not only at the start: a NUL is never text, and past the first block it still
  // cuts strings short in the tools that read the file later.
  if (!BINARY.has(ext) && bytes.includes(0)) {
    return refuse('tệp văn bản chứa dữ liệu nhị phân (byte NUL).', 'the text file contains binary data (a NUL byte).');
  }
  if (UTF8_TEXT.has(ext) && !isUtf8(bytes) && !((ext === '.html' || ext === '.htm') && declaresLegacyCharset(bytes))) {
    return refuse('tệp văn bản không phải UTF-8; hãy lưu lại với bảng mã UTF-8.', 'the text file is not UTF-8; save it again as UTF-8.');
  }
  return { ok: true, name };
}
