// HTML text with cheerio: the page's main content, one line per block, table cells joined by " | ".
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { DocumentMeta } from '../../domain/records.js';
import { nfc, tidy } from '../text.js';
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
  const text = tidy(
    nfc(out.join(''))
      .split('\n')
      .map((l) => l.replace(/[ \t]+/g, ' ').trim())
      .filter((l) => l !== '')
      .join('\n'),
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
  if (name === 'td' || name === 'th') {
    if (previousCell(el)) out.push(' | ');
    for (const child of el.children) render(child, out, pre);
    return;
  }
  const block = BLOCK.has(name);
  if (block) out.push('\n');
  if (name === 'li') out.push(listMarker(el));
  for (const child of el.children) render(child, out, pre || name === 'pre');
  if (block) out.push('\n');
}

function previousCell(el: Element): boolean {
  for (let p = el.prev; p; p = p.prev) {
    if (p.type === 'tag' && /^t[dh]$/i.test((p as Element).name)) return true;
  }
  return false;
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
