// DOCX text with mammoth: one line per paragraph, as the official layout is read line by line.
import mammoth from 'mammoth';
import { nfc, tidy } from '../text.js';
import { LoadError, type TextExtractor } from './types.js';

export const extractDocx: TextExtractor = async (file) => {
  let result: { value: string; messages: { type: string; message: string }[] };
  try {
    result = await mammoth.extractRawText({ buffer: file.bytes });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: not a readable DOCX file (${why}). / Tệp DOCX bị hỏng hoặc không phải DOCX.`, { cause: err });
  }
  // mammoth ends every paragraph with a blank line; a single newline inside one is a line break.
  const text = tidy(nfc(result.value.split('\n\n').join('\n')));
  const warnings = result.messages
    .filter((m) => m.type === 'warning' || m.type === 'error')
    .map((m) => `${file.relPath}: ${m.message}`);
  return { text, warnings };
};
