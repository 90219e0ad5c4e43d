// DOCX text with mammoth: one line per paragraph, as the official layout is read line by line.
// A soft line break inside a paragraph (Shift+Enter, <w:br/>) is a line break too: Word users
// write "Ủy ban nhân dân⏎thành phố" in one paragraph, and mammoth's extractRawText drops it.
// Tables keep their cells apart (tables.ts): the two-column official header reads side by side,
// as in a PDF; a task appendix reads row by row.
import mammoth from 'mammoth';
import { nfc, tidy } from '../text.js';
import { tableText, withColumnGaps, type TableCell } from './tables.js';
import { LoadError, type TextExtractor } from './types.js';
import { checkZip } from './zip-guard.js';

/** mammoth's document tree, as far as text is concerned. */
interface DocxElement {
  type: string;
  value?: string;
  children?: DocxElement[];
  colSpan?: number;
  rowSpan?: number;
}

function textOf(element: DocxElement): string {
  switch (element.type) {
    case 'text':
      return element.value ?? '';
    case 'tab':
      return '\t';
    case 'break': // line, page and column breaks all end a line of the layout
      return '\n';
    case 'table':
      return `${tableText(rowsOf(element))}\n`;
    default: {
      const inner = (element.children ?? []).map(textOf).join('');
      return element.type === 'paragraph' ? `${inner}\n` : inner;
    }
  }
}

/** mammoth drops the cells a merge covers and gives the merging cell its spans. */
function rowsOf(table: DocxElement): TableCell[][] {
  return (table.children ?? [])
    .filter((r) => r.type === 'tableRow')
    .map((r) =>
      (r.children ?? [])
        .filter((c) => c.type === 'tableCell')
        .map((c) => ({ lines: textOf({ type: 'cell', children: c.children ?? [] }).split('\n'), colSpan: c.colSpan ?? 1, rowSpan: c.rowSpan ?? 1 })),
    );
}

// The HTML is thrown away; these warnings are about mapping styles to HTML, not about the text.
const HTML_ONLY = /^Unrecognised (paragraph|run|table)? ?style/i;

export const extractDocx: TextExtractor = async (file) => {
  await checkZip(file); // before mammoth unzips anything: a zip bomb is refused, not unpacked
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
  const text = withColumnGaps(tidy(nfc(tree ? textOf(tree) : '')));
  const warnings = result.messages
    .filter((m) => (m.type === 'warning' || m.type === 'error') && !HTML_ONLY.test(m.message))
    .map((m) => `${file.relPath}: ${m.message}`);
  return { text, warnings };
};
