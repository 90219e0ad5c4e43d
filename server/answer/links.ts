// Which links an answer may show, and how text quoted from documents is made safe to show:
// whoever wrote a document (or an upload) may have planted a link, with or without its scheme
// ("www.evil-portal.com/dang-ky", a look-alike "dichvucong-gov.vn/…"), or reversed with bidi
// controls so that it reads as something else. Only links the data vouches for survive.
import type { AskResponse } from '../../domain/contract.js';
import { FEEDBACK_PORTAL, HANOI_PORTAL, PORTAL_SEARCH } from './compose.js';

/** Links an answer may show: the response's own (from the data) and the portal roots. */
export function allowedUrls(r: AskResponse): Set<string> {
  const urls = new Set<string>([PORTAL_SEARCH, HANOI_PORTAL, FEEDBACK_PORTAL]);
  for (const l of r.links) urls.add(l.url);
  for (const c of r.citations) if (c.url) urls.add(c.url);
  if (r.procedure?.url) urls.add(r.procedure.url);
  for (const t of r.tasks ?? []) if (t.citation.url) urls.add(t.citation.url);
  return urls;
}

/** Bidirectional controls (LRE … RLO, LRI … PDI, LRM/RLM, ALM): they make text read other than it is. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function stripBidi(text: string): string {
  return text.replace(BIDI, '');
}

// Top-level domains people and phishers use; a closed list so that "procedures.json" or
// "điều 3.2" are not read as hosts.
const TLD = 'vn|com|net|org|gov|edu|info|io|co|me|biz|asia|xyz|top|site|online|app|dev|link|click|shop|store|live|cn|ru|us|uk|de|fr|jp|kr|sg|tk|ml|ga|cf|gq|cc|tv|ws|ly|to';
/** A URL with a scheme, or something that reads as a host (labels ending in a known TLD), with its path. */
const LINK_LIKE = new RegExp(
  `(?:\\bhttps?:\\/\\/[^\\s<>"'»«)\\]]+)|(?:(?<![\\p{L}\\p{N}@._-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+(?:${TLD})\\b(?![.-]?[\\p{L}\\p{N}])(?:[/?#][^\\s<>"'»«)\\]]*)?)`,
  'giu',
);

function withoutScheme(u: string): string {
  return u.replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase();
}

/**
 * Whether the data vouches for a link: a full URL must be one of `allowed`; a link without a
 * scheme must be one of them written without it, or the bare host of one (people write
 * "dichvucong.gov.vn").
 */
function vouchedBy(allowed: ReadonlySet<string>): (link: string) => boolean {
  const bare = new Set<string>();
  for (const u of allowed) {
    bare.add(withoutScheme(u));
    try {
      bare.add(new URL(u).host.toLowerCase());
    } catch {
      /* not a URL: nothing to add */
    }
  }
  return (link) => (/^https?:\/\//i.test(link) ? allowed.has(link) : bare.has(withoutScheme(link)));
}

/** Everything in `text` that reads as a link and that the data does not vouch for, blanked with `label`; bidi controls removed. */
export function neutraliseLinksIn(text: string, allowed: ReadonlySet<string>, label: string): string {
  const ok = vouchedBy(allowed);
  return stripBidi(text).replace(LINK_LIKE, (m) => {
    const link = m.replace(/[.,;:!?]+$/, '');
    return ok(link) ? m : label + m.slice(link.length);
  });
}

/** Links in a text that the data does not vouch for (an LLM's phrasing is refused for any). */
export function foreignLinks(text: string, allowed: ReadonlySet<string>): string[] {
  const ok = vouchedBy(allowed);
  return [...stripBidi(text).matchAll(LINK_LIKE)].map((m) => m[0].replace(/[.,;:!?]+$/, '')).filter((l) => !ok(l));
}

/**
 * HTML in a document's text (a comment, a doctype, a tag with any name: browsers run handlers on
 * unknown elements too). A tag's name starts with an ASCII letter, so "< 5 ngày" is text and
 * "<Tên cơ quan>" keeps its words; a tag never spans a blank line, so each paragraph of `parts` is
 * cleaned as it is in `answer`. Attributes are bounded so that a text of unclosed "<a …" stays cheap.
 */
const MARKUP = /<!--(?:[^-]|-(?!->))*?(?:-->|$)|<[!?][^<>]*>|<\/?[a-z][a-z0-9:-]*(?:(?:[\t\f\r /]|\n(?!\s*\n))(?:"[^"]*"|'[^']*'|[^<>"'\n]|\n(?!\s*\n)){0,1000})?>/gi;
/** What is left of a tag cut short ("<img src=x onerror=…" at the end of a quoted passage). */
const TAG_OPENING = /<(?=[a-z!/?])/gi;

/**
 * `answer` and quotes are plain text (domain/contract.ts): markup planted in a document
 * ("<script>", "<img onerror>", "<a href>") loses its tags and keeps its text, and a tag cut
 * short loses its "<" for "‹", so that a client that wrongly renders text as HTML runs nothing.
 */
export function stripMarkup(text: string): string {
  return text.replace(MARKUP, '').replace(TAG_OPENING, '‹');
}
