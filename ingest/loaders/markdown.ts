// Markdown and plain text: optional front matter (metadata), then the text with light markdown
// syntax stripped, keeping every line, list marker and item number the layout reader needs.
import { DocumentMeta } from '../../domain/records.js';
import { nfc, tidy } from '../text.js';
import { LoadError, type TextExtractor } from './types.js';

const LIST_KEYS = new Set(['addressees', 'recipients']);
const NUMBER_KEYS = new Set(['year']);
const BOOLEAN_KEYS = new Set(['summaryOnly']);

export const extractMarkdown: TextExtractor = async (file) => {
  const all = nfc(file.bytes.toString('utf8'));
  const { raw, body } = splitFrontMatter(all, file.relPath);
  const meta = raw === undefined ? undefined : checkMeta(raw, file.relPath, 'front matter');
  const text = tidy(stripMarkdown(body));
  return meta === undefined ? { text, warnings: [] } : { text, meta, warnings: [] };
};

/**
 * Validates metadata given by a file (front matter, sidecar) against DocumentMeta. Only the keys
 * given are kept: the schema's defaults (addressees: []) must not override what the layout says.
 * Unknown keys and bad values are errors, not silently dropped: a typo would otherwise vanish.
 */
export function checkMeta(raw: unknown, relPath: string, what: string): Partial<DocumentMeta> {
  const parsed = DocumentMeta.partial().strict().safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new LoadError('UNREADABLE', relPath, `${relPath}: invalid ${what}: ${issues}. / Siêu dữ liệu không hợp lệ.`);
  }
  const given = new Set(Object.keys(raw as object));
  return Object.fromEntries(Object.entries(parsed.data).filter(([k]) => given.has(k))) as Partial<DocumentMeta>;
}

/** Front matter between a first line "---" and the next "---" (or "..."): key: value lines and lists. */
function splitFrontMatter(text: string, relPath: string): { raw?: Record<string, unknown>; body: string } {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '---') return { body: text };
  const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (end < 0) throw new LoadError('UNREADABLE', relPath, `${relPath}: front matter opened with "---" is never closed.`);

  const raw: Record<string, unknown> = {};
  let list: string | undefined; // the key whose "  - item" lines follow
  for (const [i, line] of lines.slice(1, end).entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && list !== undefined) {
      (raw[list] as string[]).push(unquote(item[1] ?? ''));
      continue;
    }
    const kv = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) throw new LoadError('UNREADABLE', relPath, `${relPath}: front matter line ${i + 2} is not "key: value": ${line.trim()}`);
    const key = kv[1] ?? '';
    const value = (kv[2] ?? '').trim();
    list = undefined;
    if (value === '' && LIST_KEYS.has(key)) {
      raw[key] = [];
      list = key;
    } else {
      raw[key] = convert(key, value);
    }
  }
  return { raw, body: lines.slice(end + 1).join('\n') };
}

/** Scalars typed by key, so the schema sees numbers and booleans where it expects them. */
function convert(key: string, value: string): unknown {
  const v = unquote(value);
  if (LIST_KEYS.has(key)) {
    const inline = /^\[(.*)\]$/.exec(value);
    return inline ? (inline[1] ?? '').split(',').map((s) => unquote(s.trim())).filter(Boolean) : [v];
  }
  if (NUMBER_KEYS.has(key) && /^\d+$/.test(v)) return Number(v);
  if (BOOLEAN_KEYS.has(key) && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return v; // anything else stays a string and the schema reports it if it is wrong
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

/** Light markdown → text: headings, emphasis, code marks, links and quotes go; lines stay. */
export function stripMarkdown(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*(```|~~~)/.test(l) && !/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(l))
    .map((l) =>
      l
        .replace(/^\s{0,3}#{1,6}\s+/, '')
        .replace(/^\s{0,3}>\s?/, '')
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
        .replace(/\*\*(.+?)\*\*/g, '$1')
        .replace(/__(.+?)__/g, '$1')
        .replace(/`([^`]*)`/g, '$1')
        .replace(/^(\s*)[*+](\s+)/, '$1-$2'),
    )
    .join('\n');
}
