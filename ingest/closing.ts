// The closing of an official document: the distribution list ("Nơi nhận") and the signature
// block, read from its last lines in either column of a two-column layout.
import type { DocumentMeta } from '../domain/records.js';
import { BULLET, bulletText, columns } from './layout-lines.js';
import { isCaps, sentenceCase, titleCase } from './letter-case.js';
import { fold, foldAligned, hasVietnameseMarks } from './text.js';

/** "Nơi nhận:" and its "-" items (the left column when the signature sits beside them). */
export function readRecipients(lines: string[]): string[] {
  for (let i = lines.length - 1, seen = 0; i >= 0 && seen < 400; i--, seen++) {
    const line = lines[i] ?? '';
    const { folded, map } = foldAligned(line);
    const m = /(?:^|\s)(?:noi nhan|recipients|distribution)\s*:/.exec(folded);
    if (!m) continue;
    const out: string[] = [];
    const first = columns(line.slice(map[m.index + m[0].length] ?? line.length))[0];
    if (first && /^[-–•+*]/.test(first)) out.push(bulletText(first));
    for (let j = i + 1; j < lines.length && j < i + 40; j++) {
      const next = (columns(lines[j] ?? '')[0] ?? '').trim();
      if (!BULLET.test(next)) break;
      out.push(bulletText(next));
    }
    return out.filter(Boolean);
  }
  return [];
}

// The signature block closes the document, in the right column beside "Nơi nhận": who signs
// for whom ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the title ("PHÓ CHỦ TỊCH"), "(Đã ký)", a name.
const SIGN_FOR = /^(?:tm|kt|tl|tuq|q|on behalf of|for)\b\.?\s*\S/;
const SIGN_TITLE =
  /^(?:pho )?(?:chu tich|giam doc|chanh van phong|chanh thanh tra|bi thu|truong ban|truong phong|cuc truong|vu truong|tong giam doc|bo truong|thu truong|thu tuong)\b|^(?:vice[- ])?(?:chairman|chairwoman|chairperson|director|minister|secretary)\b/;
const SIGNED_MARK = /^\(?\s*(?:da ky|ky,? ghi ro ho ten|ky ten|ky va dong dau|signed|seal)/;

/** The last column of a line: the signature sits right of the recipients in a two-column layout. */
const lastColumn = (line: string) => columns(line).at(-1) ?? '';

export function readSigner(lines: string[]): DocumentMeta['signer'] {
  const from = Math.max(0, lines.length - 60);
  for (let i = from; i < lines.length; i++) {
    const first = lastColumn(lines[i] ?? '');
    const f = fold(first);
    if (!isCaps(first) || !(SIGN_FOR.test(f) || SIGN_TITLE.test(f))) continue;
    const block: string[] = [];
    let j = i;
    for (; j < lines.length && block.length < 5; j++) {
      const col = lastColumn(lines[j] ?? '');
      const g = fold(col);
      if (!col) continue;
      if (!isCaps(col) || !(SIGN_FOR.test(g) || SIGN_TITLE.test(g) || (block.length > 0 && SIGN_FOR.test(fold(block.at(-1)!))))) break;
      block.push(col);
    }
    // "(Đã ký)", a seal note, then perhaps the name: two to five capitalised words.
    let name: string | undefined;
    for (let n = 0; j < lines.length && n < 4; j++) {
      const col = lastColumn(lines[j] ?? '').replace(/^[*_]+|[*_]+$/g, '').trim();
      // The recipients' list runs on in the left column below a short signature block.
      if (!col || BULLET.test(col)) continue;
      n++;
      if (SIGNED_MARK.test(fold(col))) continue;
      const words = col.split(/\s+/);
      if (words.length >= 2 && words.length <= 5 && words.every((w) => /^\p{Lu}[\p{L}]*$/u.test(w))) name = isCaps(col) ? titleCase(col) : col;
      break;
    }
    const title = block.map(signLine).join(', ');
    return { title, ...(name ? { name } : {}) };
  }
  return undefined;
}

/** "KT. CHỦ TỊCH" → "KT. Chủ tịch"; "PHÓ CHỦ TỊCH" → "Phó Chủ tịch"; English in title case. */
function signLine(line: string): string {
  const m = /^((?:TM|KT|TL|TUQ|Q)\.\s*)(.*)$/u.exec(line.trim());
  const [prefix, rest] = m ? [m[1]!.replace(/\s*$/, ' '), m[2]!] : ['', line.trim()];
  if (!hasVietnameseMarks(rest)) return prefix + titleCase(rest);
  return prefix + sentenceCase(rest).replace(/chủ tịch/g, 'Chủ tịch').replace(/giám đốc/g, 'Giám đốc');
}
