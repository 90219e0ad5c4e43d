// Hanoi's units (departments, wards and communes, former districts) and the groups that
// dispatches address: resolving a name as typed, finding unit mentions in a sentence, and
// deciding whether a task concerns a unit.
import type { Task, UnitGroup } from '../domain/records.js';
import { fold, foldAligned, nfc } from './text.js';
import { KNOWN_UNITS, PLACE_NAMES, type KnownUnit } from './unit-directory.js';

export type UnitKind = 'so' | 'ban' | 'xa-phuong' | 'quan-huyen' | 'trung-tam' | 'ubnd-thanh-pho' | 'khac';

export interface ResolvedUnit {
  name: string; // canonical display: "Sở Tư pháp"
  kind: UnitKind;
  groups: UnitGroup[];
  /** Groups the unit's duties were addressed through before a reorganisation. */
  formerGroups: Array<{ group: UnitGroup; until: string }>;
  /** Set for units that no longer exist (districts, since 1 July 2025). */
  abolished?: string;
  note?: string;
}

/** The day the district tier was abolished (two-tier local government). */
export const TWO_TIER_SINCE = '2025-07-01';

const DISTRICT_NOTE =
  'Cấp quận, huyện, thị xã không còn từ ngày 01/7/2025; nhiệm vụ do UBND các xã, phường tiếp nhận.';

// Group phrases, folded. Every pattern is a chain of bounded pieces (linear matching).
const GROUP_PATTERNS: Array<{ group: UnitGroup; re: RegExp }> = [
  { group: 'so-ban-nganh', re: /\bso\s*,?\s*(?:ban\s*,?\s*)?nganh\b/g },
  { group: 'so-ban-nganh', re: /\bdepartments?(?:\s*,\s*(?:boards|branches|agencies|sectors))*\s*(?:,\s*)?(?:and\s+)?(?:boards|branches|agencies|sectors)\b/g },
  { group: 'so-ban-nganh', re: /\b(?:thu truong )?cac so\b(?! lieu| du lieu)/g },
  { group: 'ubnd-quan-huyen', re: /\b(?:ubnd|uy ban nhan dan)\s+(?:cac\s+)?(?:quan\s*,?\s*huyen|cap huyen)(?:\s*,?\s*thi xa)?/g },
  { group: 'ubnd-quan-huyen', re: /\bcac\s+quan\s*,\s*huyen(?:\s*,\s*thi xa)?/g },
  { group: 'ubnd-quan-huyen', re: /\b(?:people'?s committees of (?:the\s+)?(?:urban\s+)?districts|district(?:-level)? people'?s committees)(?:\s*,?\s*(?:and\s+)?(?:rural districts|towns|district-level towns))*/g },
  { group: 'ubnd-xa-phuong', re: /\b(?:ubnd|uy ban nhan dan)\s+(?:cac\s+)?(?:xa\s*,?\s*phuong|phuong\s*,?\s*xa|cap xa)(?:\s*,?\s*thi tran)?/g },
  { group: 'ubnd-xa-phuong', re: /\bcac\s+(?:xa\s*,\s*phuong|phuong\s*,\s*xa)(?:\s*,\s*thi tran)?/g },
  { group: 'ubnd-xa-phuong', re: /\b(?:people'?s committees of (?:the\s+)?(?:wards|communes)(?:\s*,?\s*(?:and\s+)?(?:wards|communes|townships))*|(?:ward|commune)(?:-level)? people'?s committees)/g },
  { group: 'tat-ca', re: /\bcac\s+co quan\s*,?\s*(?:va\s+)?don vi\b/g },
  { group: 'tat-ca', re: /\bcac\s+don vi\b(?!\s+su nghiep)/g },
  { group: 'tat-ca', re: /\ball\s+(?:agencies|units)(?:\s+and\s+(?:units|agencies))?\b/g },
  { group: 'don-vi-su-nghiep', re: /\b(?:cac\s+)?don vi su nghiep(?:\s+cong lap)?\b/g },
  { group: 'don-vi-su-nghiep', re: /\bpublic service (?:units|providers)\b/g },
];

/** The unit groups a phrase addresses ("các sở, ban, ngành", "UBND các xã, phường"). */
export function groupsOfAssignee(text: string): UnitGroup[] {
  const f = fold(nfc(text));
  const out = new Set<UnitGroup>();
  for (const { group, re } of GROUP_PATTERNS) {
    re.lastIndex = 0;
    if (re.test(f)) out.add(group);
  }
  return [...out];
}

const PLACE_PREFIX: Array<{ re: RegExp; kind: 'xa-phuong' | 'quan-huyen'; word: string }> = [
  { re: /^(?:ubnd|uy ban nhan dan)?\s*(thi tran)\s+(.+)$/, kind: 'xa-phuong', word: 'Thị trấn' },
  { re: /^(?:ubnd|uy ban nhan dan)?\s*(thi xa)\s+(.+)$/, kind: 'quan-huyen', word: 'Thị xã' },
  { re: /^(?:ubnd|uy ban nhan dan)?\s*(phuong)\s+(.+)$/, kind: 'xa-phuong', word: 'Phường' },
  { re: /^(?:ubnd|uy ban nhan dan)?\s*(xa)\s+(.+)$/, kind: 'xa-phuong', word: 'Xã' },
  { re: /^(?:ubnd|uy ban nhan dan)?\s*(quan)\s+(.+)$/, kind: 'quan-huyen', word: 'Quận' },
  { re: /^(?:ubnd|uy ban nhan dan)?\s*(huyen)\s+(.+)$/, kind: 'quan-huyen', word: 'Huyện' },
];

// Words that never start a place or agency name: "xã hội", "cơ sở dữ liệu", "ban hành".
const NOT_A_NAME = /^(?:hoi|cac|nay|do|tren|duoi|lieu|du lieu|hanh|hanh chinh|ve|va|de|thuoc|hien|khac)\b/;

/** A unit as typed ("so tu phap", "STP", "UBND phường Hoàn Kiếm", "Sở Du lịch") → canonical unit. */
export function resolveUnit(text: string): ResolvedUnit | null {
  const original = tidyName(nfc(String(text ?? '')).slice(0, 200));
  const f = fold(original);
  if (!f || f.length < 2 || /^cac\b/.test(f) || !/[a-z]/.test(f)) return null;

  const known = findKnown(f);
  if (known) return fromKnown(known);

  for (const p of PLACE_PREFIX) {
    const m = p.re.exec(f);
    if (!m || !m[2] || NOT_A_NAME.test(m[2]) || m[2].split(' ').length > 5) continue;
    const rest = original.slice(original.length - m[2].length);
    return place(p.kind, p.word, displayPlace(rest));
  }

  const agency = /^(so|ban|trung tam|chi cuc|phong)\s+(.+)$/.exec(f);
  if (agency && agency[2] && !NOT_A_NAME.test(agency[2]) && agency[2].split(' ').length <= 8) {
    const rest = displayAgency(original.slice(original.length - agency[2].length));
    const word = { so: 'Sở', ban: 'Ban', 'trung tam': 'Trung tâm', 'chi cuc': 'Chi cục', phong: 'Phòng' }[agency[1] ?? 'so'] ?? 'Sở';
    const kind: UnitKind = agency[1] === 'so' ? 'so' : agency[1] === 'ban' ? 'ban' : agency[1] === 'trung tam' ? 'trung-tam' : 'khac';
    // A centre other than the city's is a public service unit; departments and boards are city agencies.
    const groups: UnitGroup[] = kind === 'trung-tam' ? ['don-vi-su-nghiep', 'tat-ca'] : ['so-ban-nganh', 'tat-ca'];
    return { name: `${word} ${rest}`, kind, groups, formerGroups: [] };
  }
  return null;
}

function tidyName(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/^[\s\-–•+.;:,]+|[\s.;:,]+$/g, '')
    .replace(/\s*\(\s*thành phố\s*\)$/iu, '');
}

function findKnown(f: string): KnownUnit | undefined {
  const key = f.replace(/[().,;:]/g, ' ').replace(/\s+/g, ' ').trim();
  for (const u of KNOWN_UNITS) {
    for (const a of u.aliases) {
      if (key === a || key.startsWith(`${a} `)) return u;
    }
  }
  return undefined;
}

function fromKnown(u: KnownUnit): ResolvedUnit {
  if (u.kind === 'xa-phuong' || u.kind === 'quan-huyen') return place(u.kind, '', u.name);
  return { name: u.name, kind: u.kind, groups: [...u.groups], formerGroups: [] };
}

function place(kind: 'xa-phuong' | 'quan-huyen', word: string, name: string): ResolvedUnit {
  const full = word ? `${word} ${name}` : name;
  if (kind === 'xa-phuong') {
    return {
      name: full,
      kind,
      groups: ['ubnd-xa-phuong', 'tat-ca'],
      formerGroups: [{ group: 'ubnd-quan-huyen', until: TWO_TIER_SINCE }],
    };
  }
  return { name: full, kind, groups: ['ubnd-quan-huyen', 'tat-ca'], formerGroups: [], abolished: TWO_TIER_SINCE, note: DISTRICT_NOTE };
}

/** A place name with its diacritics restored from the directory, else title-cased. */
function displayPlace(s: string): string {
  const hit = PLACE_NAMES.get(fold(s));
  if (hit) return hit;
  return s
    .split(' ')
    .map((w) => (w ? w.charAt(0).toLocaleUpperCase('vi') + w.slice(1).toLocaleLowerCase('vi') : w))
    .join(' ');
}

/** An agency name as written when mixed-case; otherwise Vietnamese style (first syllable capitalised). */
function displayAgency(s: string): string {
  const mixed = s !== s.toLocaleLowerCase('vi') && s !== s.toLocaleUpperCase('vi');
  if (mixed) return s;
  const lower = s.toLocaleLowerCase('vi');
  return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
}

// ---- mentions in a sentence ----

interface Span {
  start: number; // in the folded text
  end: number;
  priority: number; // higher wins an overlap
}

/** Unit names and group phrases of a sentence, as written, in order of appearance. */
export function findUnitMentions(text: string): string[] {
  const original = nfc(String(text ?? ''));
  const { folded, map } = foldAligned(original);
  const spans: Span[] = [];
  const add = (start: number, end: number, priority: number) => spans.push({ start, end, priority });

  for (const { re } of GROUP_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(folded); m; m = re.exec(folded)) {
      let end = m.index + m[0].length;
      const tail = /^\s*\(?\s*thanh pho\b\s*\)?/.exec(folded.slice(end, end + 16));
      if (tail) end += tail[0].length;
      const head = /(?:\b(?:ubnd|uy ban nhan dan|thu truong)\s+)?(?:\bcac\s+)?$/.exec(folded.slice(Math.max(0, m.index - 30), m.index));
      add(m.index - (head?.[0].length ?? 0), end, 3);
    }
  }
  for (const u of KNOWN_UNITS) {
    for (const a of u.aliases) {
      for (let i = folded.indexOf(a); i >= 0; i = folded.indexOf(a, i + 1)) {
        if (!wordAt(folded, i, i + a.length)) continue;
        if (/\bco $/.test(folded.slice(Math.max(0, i - 3), i))) continue; // "cơ sở y tế" is not Sở Y tế
        if (a.length <= 4 && !/^[A-ZĐ]+$/.test(original.slice(map[i] ?? 0, map[i + a.length] ?? 0))) continue; // "STP", not "stp" in prose
        const prefix = /(?:\b(?:ubnd|uy ban nhan dan)\s+)$/.exec(folded.slice(Math.max(0, i - 16), i));
        add(i - (prefix?.[0].length ?? 0), i + a.length, 2);
      }
    }
  }
  genericMentions(original, folded, map, add);

  spans.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start));
  const kept: Span[] = [];
  for (const s of spans) if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  kept.sort((a, b) => a.start - b.start);

  const out: string[] = [];
  const seen = new Set<string>();
  for (const s of kept) {
    const shown = original.slice(map[s.start] ?? 0, map[s.end] ?? original.length).replace(/[\s,;:.]+$/, '').trim();
    const key = fold(shown);
    if (shown && !seen.has(key)) {
      seen.add(key);
      out.push(shown);
    }
  }
  return out;
}

// "Sở Kế hoạch và Đầu tư", "phường Cửa Nam", "Trung tâm Y tế": an agency word written with a
// capital, or a place word, followed by a name. The name stops at punctuation or at a verb.
const GENERIC = /(?:\b(?:ubnd|uy ban nhan dan)\s+)?\b(thi xa|thi tran|phuong|xa|quan|huyen|so|ban|trung tam|chi cuc)\s+/g;
const AGENCY_WORDS = new Set(['so', 'ban', 'trung tam', 'chi cuc']);
const PROPER: Record<string, string> = {
  so: 'sở', ban: 'ban', 'trung tam': 'trung tâm', 'chi cuc': 'chi cục', phuong: 'phường',
  xa: 'xã', quan: 'quận', huyen: 'huyện', 'thi xa': 'thị xã', 'thi tran': 'thị trấn',
};
const STOP_WORDS = new Set(
  'chu tri phoi hop co trach nhiem thuc hien bao cao tong hop tham muu huong dan kiem tra theo doi trien khai xay dung de cac giao tai theo nghien cuu khan truong tiep tuc to chuc ra soat hoan thanh duoc la trong khi don doc cap nhat can phai'
    .split(' '),
);
const WORD_RE = /[\p{L}\d-]+/gu;

function genericMentions(original: string, folded: string, map: number[], add: (s: number, e: number, p: number) => void): void {
  GENERIC.lastIndex = 0;
  for (let m = GENERIC.exec(folded); m; m = GENERIC.exec(folded)) {
    const kindWord = m[1] ?? '';
    const trailing = m[0].length - m[0].trimEnd().length;
    const wordStart = m.index + m[0].length - trailing - kindWord.length;
    const shownWord = original.slice(map[wordStart] ?? 0, map[wordStart + kindWord.length] ?? 0).toLocaleLowerCase('vi');
    // "số", "phương", "quan" fold like "sở", "phường", "quận": with diacritics typed, they must be the unit word.
    if (shownWord !== kindWord && shownWord.normalize('NFC') !== PROPER[kindWord]) continue;
    const isAgency = AGENCY_WORDS.has(kindWord);
    if (isAgency && !/^\p{Lu}/u.test(original.charAt(map[wordStart] ?? 0))) continue; // "ban hành", "trung tâm" in prose
    if (/\b(?:co|dia|uy)\s$/.test(folded.slice(Math.max(0, wordStart - 4), wordStart))) continue; // "cơ sở", "cơ quan", "địa phương", "Ủy ban"
    const after = m.index + m[0].length;
    const known = isAgency ? undefined : knownPlaceAt(folded, after);
    let end = known !== undefined ? after + known : -1;
    if (end < 0) end = nameEnd(original, folded, map, after, isAgency);
    if (end <= after || NOT_A_NAME.test(folded.slice(after, end))) continue;
    add(m.index, end, 1);
  }
}

function knownPlaceAt(folded: string, at: number): number | undefined {
  let best: number | undefined;
  for (const key of PLACE_NAMES.keys()) {
    if (folded.startsWith(key, at) && !/[a-z0-9]/.test(folded.charAt(at + key.length)) && key.length > (best ?? 0)) best = key.length;
  }
  return best;
}

/** End (folded index) of the name that starts at `at`: capitalised words, up to a verb or punctuation. */
function nameEnd(original: string, folded: string, map: number[], at: number, isAgency: boolean): number {
  const slice = folded.slice(at, at + 120);
  WORD_RE.lastIndex = 0;
  let end = at;
  let count = 0;
  for (let w = WORD_RE.exec(slice); w; w = WORD_RE.exec(slice)) {
    const gap = slice.slice(end - at, w.index);
    if (count > 0 && !/^\s+$/.test(gap)) break; // punctuation ends the name
    const fw = w[0];
    const shown = original.slice(map[at + w.index] ?? 0, map[at + w.index + fw.length] ?? 0);
    if (isAgency) {
      if (count === 0 && !/^\p{Lu}/u.test(shown)) break;
      if (count > 0 && STOP_WORDS.has(fw)) break;
    } else if (!/^\p{Lu}|^\d/u.test(shown)) break;
    end = at + w.index + fw.length;
    count++;
    if (count >= (isAgency ? 8 : 4)) break;
  }
  // A trailing "và" belongs to the next phrase ("Sở Tư pháp và Sở Nội vụ").
  return count > 0 ? end : at;
}

/** A whole word, and not part of a document number ("2458/UBND-SNV" names no unit). */
function wordAt(s: string, start: number, end: number): boolean {
  const before = start === 0 ? '' : s.charAt(start - 1);
  const after = s.charAt(end);
  return !/[a-z0-9/-]/.test(before) && !/[a-z0-9/-]/.test(after);
}

// ---- does a task concern a unit? ----

const GROUP_LABEL: Record<UnitGroup, string> = {
  'so-ban-nganh': 'các sở, ban, ngành',
  'ubnd-quan-huyen': 'UBND các quận, huyện, thị xã',
  'ubnd-xa-phuong': 'UBND các xã, phường',
  'don-vi-su-nghiep': 'các đơn vị sự nghiệp',
  'tat-ca': 'các cơ quan, đơn vị',
};

/** Why a task concerns a unit: named (own), through one of its groups, or addressed to everyone. */
export type TaskScope = 'own' | 'group' | 'everyone';

export interface Concern {
  concerned: boolean;
  via?: string;
  scope?: TaskScope;
}

/** A name the unit's duties were addressed under before a merger ("Sở Kế hoạch và Đầu tư" for Sở Tài chính). */
export interface FormerName {
  name: string;
  since: string; // the day the unit took over
}

/**
 * A task concerns a unit when it names the unit (or a unit it succeeded), one of its groups, or a
 * group that carried the unit's duties when the document was issued (wards: the district
 * committees before 1 July 2025). "Các cơ quan, đơn vị" concerns everyone: scope 'everyone'.
 */
export function unitConcernedBy(unit: ResolvedUnit, task: Task, documentDate?: string, formerNames: readonly FormerName[] = []): Concern {
  const own = fold(unit.name);
  for (const u of task.units) {
    const r = resolveUnit(u);
    if ((r && fold(r.name) === own) || fold(u).includes(own)) return { concerned: true, via: 'trực tiếp', scope: 'own' };
  }
  for (const former of formerNames) {
    const old = fold(former.name);
    for (const u of task.units) {
      const r = resolveUnit(u);
      if ((r && fold(r.name) === old) || fold(u).includes(old)) {
        return { concerned: true, via: `${former.name} (tên trước ${viDate(former.since)})`, scope: 'own' };
      }
    }
  }
  const groups = new Set<UnitGroup>(task.groups);
  // A group of its own (now or when the document was issued) before "everyone": "các sở, ban,
  // ngành" says more than "các cơ quan, đơn vị".
  for (const g of unit.groups) if (g !== 'tat-ca' && groups.has(g)) return { concerned: true, via: GROUP_LABEL[g], scope: 'group' };
  for (const fg of unit.formerGroups) {
    if (groups.has(fg.group) && (!documentDate || documentDate < fg.until)) {
      return { concerned: true, via: `${GROUP_LABEL[fg.group]} (trước ${viDate(fg.until)})`, scope: 'group' };
    }
  }
  if (unit.groups.includes('tat-ca') && groups.has('tat-ca')) return { concerned: true, via: GROUP_LABEL['tat-ca'], scope: 'everyone' };
  return { concerned: false };
}

/** "2025-07-01" → "01/7/2025", the way dispatches write dates. */
export function viDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${Number(m)}/${y}`.replace(/^(\d)\//, '0$1/');
}
