// Which links from the data may be kept. Every link a record carries is shown to people as it
// is (the portal button, citations, a Zalo message), and the answer engine trusts a link
// because the data names it: so a link is checked here, once, on its way in. A portal link
// (a procedure's `url` / `detail_url`) must lead to the public service portal; a document's
// link may lead elsewhere but only over https, without credentials.

/** The portals' hosts (and their subdomains): the national portal and Hanoi's own. */
export const PORTAL_HOSTS: readonly string[] = ['dichvucong.gov.vn', 'dichvucong.hanoi.gov.vn'];

/** `portal`: a procedure's page on the portal; `document`: where an official document is published. */
export type LinkKind = 'portal' | 'document';

export type LinkCheck = { ok: true; url: string } | { ok: false; reason: string };

const MAX_LENGTH = 2048;
// Whitespace, controls and bidi/format characters: a link that hides part of itself is not a link.
const HIDDEN = /[\s\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

const onPortal = (host: string): boolean => PORTAL_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));

/**
 * A link from the data, checked: https only (javascript:, data:, file: … and plain http are
 * refused: an http link is not raised to https, since that would show a page the data does not
 * name), no user or password, no port, nothing hidden in it; a portal link on a portal host.
 * A link that passes is kept as written.
 */
export function checkLink(raw: string, kind: LinkKind): LinkCheck {
  const value = raw.trim();
  if (value === '') return { ok: false, reason: 'liên kết trống' };
  if (value.length > MAX_LENGTH) return { ok: false, reason: `liên kết dài quá ${MAX_LENGTH} ký tự` };
  if (HIDDEN.test(value) || value.includes('\\')) return { ok: false, reason: 'liên kết chứa khoảng trắng, ký tự điều khiển hoặc dấu \\' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'không phải một liên kết đầy đủ (thiếu https://)' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: `giao thức "${url.protocol}" không được phép (chỉ https)` };
  if (url.username || url.password) return { ok: false, reason: 'liên kết chứa tên đăng nhập hoặc mật khẩu' };
  if (url.port) return { ok: false, reason: `liên kết chỉ định cổng (${url.port})` };
  const host = url.hostname.toLowerCase();
  if (!host.includes('.') || host.endsWith('.') || /^[\d.]+$/.test(host) || host.startsWith('[')) {
    return { ok: false, reason: `máy chủ "${host}" không phải một tên miền` };
  }
  if (kind === 'portal' && !onPortal(host)) return { ok: false, reason: `"${host}" không thuộc cổng dịch vụ công (${PORTAL_HOSTS.join(', ')})` };
  return { ok: true, url: value };
}

/** A link as it may be quoted in a warning: short, with nothing that could hide or reorder text. */
export function quotedLink(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw) ?? String(raw);
  const shown = text.replace(new RegExp(HIDDEN.source, 'gu'), ' ').trim();
  return `"${shown.length > 80 ? `${shown.slice(0, 79)}…` : shown}"`;
}

/**
 * A record's link field, checked: the value to keep (undefined drops it) and, when it was
 * dropped, the warning that says why. `where` names the record in the warning.
 */
export function keepLink(raw: unknown, kind: LinkKind, where: string): { url: string | undefined; warning?: string } {
  if (raw === undefined || raw === null || raw === '') return { url: undefined };
  if (typeof raw !== 'string') return { url: undefined, warning: `${where}: bỏ liên kết ${quotedLink(raw)}: không phải chuỗi ký tự` };
  const checked = checkLink(raw, kind);
  return checked.ok ? { url: checked.url } : { url: undefined, warning: `${where}: bỏ liên kết ${quotedLink(raw)}: ${checked.reason}` };
}
