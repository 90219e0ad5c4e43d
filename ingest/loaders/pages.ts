// Pages of a document file and where they fall in its text: a loader joins the pages it read
// with joinPages, and chunks, tasks and corrections find a passage's page with pageAt.
import { nfc, tidy } from '../text.js';

/**
 * The pages' text as one document text (each page tidied, pages apart by a blank line, as the
 * loaders always joined them) and where each page starts in it.
 */
export function joinPages(pages: readonly string[]): { text: string; pageStarts: number[] } {
  const parts: string[] = [];
  const pageStarts: number[] = [];
  let at = 0;
  for (const page of pages) {
    const t = tidy(nfc(page));
    // An empty page adds no text: it starts where the next page does.
    pageStarts.push(t && parts.length ? at + 2 : at);
    if (!t) continue;
    if (parts.length) at += 2;
    parts.push(t);
    at += t.length;
  }
  return { text: parts.join('\n\n'), pageStarts };
}

/** The page (1-based) a character offset of the text falls on; undefined without page starts. */
export function pageAt(pageStarts: readonly number[] | undefined, offset: number): number | undefined {
  if (!pageStarts?.length || offset < 0) return undefined;
  let page = 1;
  for (let i = 1; i < pageStarts.length; i++) if (pageStarts[i]! <= offset) page = i + 1;
  return page;
}

/** The text split back into its pages (one string a page); the whole text as one page without page starts. */
export function pagesOf(text: string, pageStarts: readonly number[] | undefined): string[] {
  if (!pageStarts?.length) return [text];
  return pageStarts.map((start, i) => text.slice(start, pageStarts[i + 1] ?? text.length).trim());
}
