// HTML text with cheerio: the page's main content, one line per block. Tables keep their cells
// apart (tables.ts): a two-column official header side by side, a task appendix row by row.
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { DocumentMeta } from '../../domain/records.js';
import { nfc, tidy } from '../text.js';
import { tableText, withColumnGaps, type TableCell } from './tables.js';
import type { TextExtractor } from './types.js';

const DROP = 'script, style, noscript, nav, form, template, iframe, svg';
// Page chrome; but an article's own <header> holds its heading, so that one stays.
const CHROME = 'header, footer';
const BLOCK = new Set([
  'p', 'div', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'dl', 'dt', 'dd',
  'section', 'article', 'main', 'aside', 'blockquote', 'pre', 'address', 'figure', 'figcaption', 'hr',
  'caption', 'thead', 'tbody', 'tfoot',
]);
// A list item that already starts with its own marker ("1.", "a)", "- ") keeps it as it is.
const MARKER = /^\s*(?:[-–•*+]|\d+(?:\.\d+)*[.)]|[a-zđ]\))\s/i;

export const extractHtml: TextExtractor = async (file) => {
  // loadBuffer sniffs the charset (BOM, <meta charset>): old Vietnamese pages may be windows-1258.
  // With no declaration it would assume windows-1252, as browsers do; files saved today are UTF-8.
  const $ = cheerio.loadBuffer(file.bytes, { encoding: { defaultEncoding: 'utf-8' } });
  const meta: Partial<DocumentMeta> = {};
  const title = tidyInline($('head > title').first().text());
  if (title) meta.title = title;
  $('meta[name]').each((_, el) => {
    const name = ($(el).attr('name') ?? '').toLowerCase();
    const content = tidyInline($(el).attr('content') ?? '');
    if (content && (name === 'dc.identifier' || name === 'document-number')) meta.number ??= content;
  });

  $(DROP).remove();
  $(CHROME).filter((_, el) => $(el).parents('main, article').length === 0).remove();
  const root = $('main').first().length ? $('main').first() : $('article').first().length ? $('article').first() : $('body');
  const out: string[] = [];
  for (const node of root.contents().toArray()) render(node, out, false);
  const text = withColumnGaps(
    tidy(
      nfc(out.join(''))
        .split('\n')
        .map((l) => l.replace(/[ \t]+/g, ' ').trim())
        .filter((l) => l !== '')
        .join('\n'),
    ),
  );
  return { text, meta, warnings: [] };
};

function render(node: AnyNode, out: string[], pre: boolean): void {
  if (node.type === 'text') {
    out.push(pre ? node.data : node.data.replace(/\s+/g, ' '));
    return;
  }
  if (node.type !== 'tag') return;
  const el = node as Element;
  const name = el.name.toLowerCase();
  if (name === 'br') return void out.push('\n');
  if (name === 'table') {
    // A caption ("Phụ lục I: Danh mục nhiệm vụ") names the table: a line of its own above it.
    for (const c of el.children) if (c.type === 'tag' && (c as Element).name.toLowerCase() === 'caption') render(c, out, pre);
    return void out.push(`\n${tableText(rowsOf(el, pre))}\n`);
  }
  const block = BLOCK.has(name);
  if (block) out.push('\n');
  if (name === 'li') out.push(listMarker(el));
  for (const child of el.children) render(child, out, pre || name === 'pre');
  if (block) out.push('\n');
}

/** The table's own rows (not a nested table's), each cell's text split into its lines. */
function rowsOf(table: Element, pre: boolean): TableCell[][] {
  const rows: Element[] = [];
  const collect = (el: Element): void => {
    for (const child of el.children) {
      if (child.type !== 'tag') continue;
      const tag = (child as Element).name.toLowerCase();
      if (tag === 'tr') rows.push(child as Element);
      else if (tag === 'thead' || tag === 'tbody' || tag === 'tfoot') collect(child as Element);
    }
  };
  collect(table);
  return rows.map((tr) =>
    tr.children
      .filter((c): c is Element => c.type === 'tag' && /^t[dh]$/i.test((c as Element).name))
      .map((td) => {
        const buf: string[] = [];
        for (const child of td.children) render(child, buf, pre);
        return { lines: buf.join('').split('\n'), colSpan: span(td.attribs['colspan']), rowSpan: span(td.attribs['rowspan']) };
      }),
  );
}

function span(value: string | undefined): number {
  const n = Number.parseInt(value ?? '1', 10);
  return Number.isFinite(n) && n > 0 ? n : 1;
}

/** "- " in a bulleted list, "n. " in a numbered one, unless the item writes its own marker. */
function listMarker(li: Element): string {
  if (MARKER.test(textOf(li))) return '';
  const parent = li.parent as Element | null;
  if (parent?.type !== 'tag' || parent.name.toLowerCase() !== 'ol') return '- ';
  let n = Number.parseInt(parent.attribs['start'] ?? '1', 10) || 1;
  for (let p = li.prev; p; p = p.prev) if (p.type === 'tag' && (p as Element).name.toLowerCase() === 'li') n++;
  return `${n}. `;
}

function textOf(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  return node.type === 'tag' ? (node as Element).children.map(textOf).join('') : '';
}

function tidyInline(s: string): string {
  return nfc(s).replace(/\s+/g, ' ').trim();
}
