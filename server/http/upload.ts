// Checks on an uploaded source file before it reaches the data folder: a safe base name,
// an allowed extension, and content that matches it (a ".pdf" must start with %PDF).
import path from 'node:path';

export const ALLOWED_EXTENSIONS = ['.pdf', '.docx', '.doc', '.odt', '.rtf', '.html', '.htm', '.md', '.txt', '.json', '.csv'] as const;

export type UploadCheck = { ok: true; name: string } | { ok: false; reason: { vi: string; en: string } };

const refuse = (vi: string, en: string): UploadCheck => ({ ok: false, reason: { vi, en } });

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A client's file name → a safe base name, or why it is refused. Vietnamese letters are kept. */
export function sanitiseUploadName(raw: string): UploadCheck {
  const name = raw.normalize('NFC').trim();
  if (!name) return refuse('thiếu tên tệp.', 'the file has no name.');
  if (CONTROL.test(name)) return refuse('tên tệp chứa ký tự điều khiển.', 'the file name contains control characters.');
  if (/[\\/]/.test(name) || name.includes('..')) return refuse('tên tệp không được chứa đường dẫn.', 'the file name must not contain a path.');
  if (name.startsWith('.')) return refuse('tên tệp không được bắt đầu bằng dấu chấm.', 'the file name must not start with a dot.');
  if (name.length > 200) return refuse('tên tệp quá dài.', 'the file name is too long.');
  const ext = path.extname(name).toLowerCase();
  if (!(ALLOWED_EXTENSIONS as readonly string[]).includes(ext)) {
    return refuse(`chỉ nhận tệp ${ALLOWED_EXTENSIONS.join(', ')}.`, `only ${ALLOWED_EXTENSIONS.join(', ')} files are accepted.`);
  }
  // Keep letters and digits of any script (and their combining marks), dot, dash, underscore, space.
  const safe = name.replace(/[^\p{L}\p{M}\p{N}._\- ]/gu, '_').replace(/\s+/g, ' ');
  return { ok: true, name: safe.slice(0, -ext.length) + ext };
}

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const RTF_MAGIC = Buffer.from('{\\rtf', 'latin1');
/** Formats whose bytes may hold NUL: every other accepted file is text. */
const BINARY = new Set(['.pdf', '.docx', '.doc', '.odt']);

/** Whether the bytes look like what the extension says. */
export function sniffUpload(name: string, bytes: Buffer): UploadCheck {
  const ext = path.extname(name).toLowerCase();
  if (bytes.length === 0) return refuse('tệp rỗng.', 'the file is empty.');
  if (ext === '.pdf' && bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
    return refuse('nội dung không phải PDF.', 'the content is not a PDF.');
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
  if (!BINARY.has(ext) && bytes.subarray(0, 8192).includes(0)) {
    return refuse('tệp văn bản chứa dữ liệu nhị phân.', 'the text file contains binary data.');
  }
  return { ok: true, name };
}
