// DOCX text with mammoth: one line per paragraph, as the official layout is read line by line.
// A soft line break inside a paragraph (Shift+Enter, <w:br/>) is a line break too: Word users
// write "Ủy ban nhân dân⏎thành phố" in one paragraph, and mammoth's extractRawText drops it.
import mammoth from 'mammoth';
import { nfc, tidy } from '../text.js';
import { LoadError, type TextExtractor } from './types.js';

/** mammoth's document tree, as far as text is concerned. */
interface DocxElement {
  type: string;
  value?: string;
  children?: DocxElement[];
}

function textOf(element: DocxElement): string {
  switch (element.type) {
    case 'text':
      return element.value ?? '';
    case 'tab':
      return '\t';
    case 'break': // line, page and column breaks all end a line of the layout
      return '\n';
    default: {
      const inner = (element.children ?? []).map(textOf).join('');
      return element.type === 'paragraph' ? `${inner}\n` : inner;
    }
  }
}

// The HTML is thrown away; these warnings are about mapping styles to HTML, not about the text.
const HTML_ONLY = /^Unrecognised (paragraph|run|table)? ?style/i;

export const extractDocx: TextExtractor = async (file) => {
  let tree: DocxElement | undefined;
  let result: { messages: { type: string; message: string }[] };
  try {
    // extractRawText offers no hook; convertToHtml hands over the same document tree first.
    result = await mammoth.convertToHtml(
      { buffer: file.bytes },
      {
        transformDocument: (document: DocxElement) => {
          tree = document;
          return document;
        },
      },
    );
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: not a readable DOCX file (${why}). / Tệp DOCX bị hỏng hoặc không phải DOCX.`, { cause: err });
  }
  const text = tidy(nfc(tree ? textOf(tree) : ''));
  const warnings = result.messages
    .filter((m) => (m.type === 'warning' || m.type === 'error') && !HTML_ONLY.test(m.message))
    .map((m) => `${file.relPath}: ${m.message}`);
  return { text, warnings };
};
