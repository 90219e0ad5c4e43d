// The directory behind unit resolution: Hanoi's city-level agencies (after the 2025
// reorganisation, plus the former names that 2023 documents use), place names for display, and
// the succession of merged and dissolved units (data/units/succession.json, with legal sources).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { IsoDate, type UnitGroup } from '../domain/records.js';
import { fold } from './text.js';

export interface KnownUnit {
  name: string; // canonical display
  kind: 'so' | 'ban' | 'trung-tam' | 'ubnd-thanh-pho' | 'xa-phuong' | 'quan-huyen' | 'khac';
  /** Folded names and abbreviations it is written as. */
  aliases: string[];
  groups: UnitGroup[];
  note?: string;
}

const CITY: UnitGroup[] = ['so-ban-nganh', 'tat-ca'];
const FORMER = 'Tên cơ quan trước khi sắp xếp tổ chức bộ máy năm 2025.';

function so(name: string, abbreviations: string[] = [], note?: string): KnownUnit {
  const f = fold(name);
  const aliases = [f, f.replace(/ va /g, ' '), f.replace(/ - /g, ' '), ...abbreviations];
  return { name, kind: 'so', aliases: [...new Set(aliases)], groups: CITY, ...(note ? { note } : {}) };
}

export const KNOWN_UNITS: readonly KnownUnit[] = [
  so('Sở Nội vụ', ['snv']),
  so('Sở Tư pháp', ['stp', 'so tp']),
  so('Sở Y tế', ['syt']),
  so('Sở Tài chính', ['stc']),
  so('Sở Xây dựng', ['sxd']),
  so('Sở Giáo dục và Đào tạo', ['so gd&dt', 'so gddt', 'so gd va dt', 'sgddt', 'sgd&dt']),
  so('Sở Công Thương', ['sct']),
  so('Sở Nông nghiệp và Môi trường', ['snn&mt', 'snnmt', 'so nn&mt', 'so nn va mt']),
  so('Sở Khoa học và Công nghệ', ['skhcn', 'so khcn', 'so kh&cn']),
  so('Sở Văn hóa và Thể thao', ['svhtt', 'so vhtt', 'so van hoa, the thao']),
  so('Sở Du lịch', ['sdl']),
  so('Sở Dân tộc và Tôn giáo', ['sdttg']),
  so('Sở Quy hoạch - Kiến trúc', ['sqhkt', 'so qhkt']),
  so('Sở Kế hoạch và Đầu tư', ['skhdt', 'so khdt', 'so kh&dt'], FORMER),
  so('Sở Thông tin và Truyền thông', ['stttt', 'so tttt', 'so tt&tt'], FORMER),
  so('Sở Lao động - Thương binh và Xã hội', ['sldtbxh', 'so ldtbxh'], FORMER),
  so('Sở Tài nguyên và Môi trường', ['stnmt', 'so tnmt', 'so tn&mt'], FORMER),
  so('Sở Giao thông vận tải', ['sgtvt', 'so gtvt'], FORMER),
  so('Sở Nông nghiệp và Phát triển nông thôn', ['snnptnt', 'so nn&ptnt', 'so nnptnt'], FORMER),
  so('Sở Ngoại vụ', ['sngv'], FORMER),
  {
    name: 'Thanh tra Thành phố',
    kind: 'ban',
    aliases: ['thanh tra thanh pho', 'thanh tra tp', 'thanh tra thanh pho ha noi'],
    groups: CITY,
  },
  {
    name: 'Văn phòng UBND Thành phố',
    kind: 'ban',
    aliases: [
      'van phong ubnd thanh pho', 'van phong uy ban nhan dan thanh pho', 'van phong ubnd tp',
      'vp ubnd thanh pho', 'vp ubnd tp', 'vpubnd tp',
    ],
    groups: CITY,
  },
  {
    // A unit under the City People's Committee: "các sở, ban, ngành" (city-level agencies) includes it.
    name: 'Trung tâm Phục vụ hành chính công Thành phố',
    kind: 'trung-tam',
    aliases: ['trung tam phuc vu hanh chinh cong', 'ttpvhcc', 'trung tam pvhcc'],
    groups: CITY,
  },
  {
    name: 'UBND Thành phố',
    kind: 'ubnd-thanh-pho',
    aliases: ['ubnd thanh pho', 'uy ban nhan dan thanh pho', 'ubnd tp', 'ubnd tp ha noi'],
    groups: [],
  },
];

// Former districts and some of today's wards and communes, only to restore diacritics when a
// name is typed without them ("phuong ba dinh" → "Phường Ba Đình"); unknown names still resolve.
const PLACES = [
  'Ba Đình', 'Hoàn Kiếm', 'Tây Hồ', 'Long Biên', 'Cầu Giấy', 'Đống Đa', 'Hai Bà Trưng', 'Hoàng Mai',
  'Thanh Xuân', 'Nam Từ Liêm', 'Bắc Từ Liêm', 'Hà Đông', 'Sơn Tây', 'Ba Vì', 'Chương Mỹ', 'Đan Phượng',
  'Đông Anh', 'Gia Lâm', 'Hoài Đức', 'Mê Linh', 'Mỹ Đức', 'Phú Xuyên', 'Phúc Thọ', 'Quốc Oai', 'Sóc Sơn',
  'Thạch Thất', 'Thanh Oai', 'Thanh Trì', 'Thường Tín', 'Ứng Hòa', 'Cửa Nam', 'Ngọc Hà', 'Giảng Võ',
  'Kim Liên', 'Láng', 'Ô Chợ Dừa', 'Văn Miếu - Quốc Tử Giám', 'Bạch Mai', 'Vĩnh Tuy', 'Hồng Hà',
  'Bồ Đề', 'Việt Hưng', 'Phúc Lợi', 'Nghĩa Đô', 'Yên Hòa', 'Tây Tựu', 'Phú Diễn', 'Xuân Đỉnh',
  'Đông Ngạc', 'Thượng Cát', 'Từ Liêm', 'Xuân Phương', 'Tây Mỗ', 'Đại Mỗ', 'Dương Nội', 'Yên Nghĩa',
  'Kiến Hưng', 'Phú Lương', 'Định Công', 'Hoàng Liệt', 'Lĩnh Nam', 'Vĩnh Hưng', 'Tương Mai', 'Yên Sở',
  'Khương Đình', 'Phương Liệt', 'Thanh Liệt', 'Tùng Thiện', 'Bát Tràng', 'Nội Bài', 'Hà Nội',
];

export const PLACE_NAMES: ReadonlyMap<string, string> = new Map(PLACES.map((p) => [fold(p), p]));

// ---- succession of merged and dissolved units ----

/** A legal source as found: `number` stays null when it could not be confirmed (its note says so). */
export const SuccessionSource = z
  .object({
    id: z.string().min(1),
    number: z.string().min(1).nullable(),
    title: z.string().min(1),
    issuer: z.string().min(1),
    date: IsoDate.nullable(),
    effective: IsoDate.nullable(),
    /** Where the source was read (pages quoting or summarising it). */
    evidence: z.array(z.string().url()).min(1),
    note: z.string().optional(),
  })
  .strict()
  .refine((s) => s.number !== null || !!s.note, { message: 'a source without a number needs a note saying why' });
export type SuccessionSource = z.infer<typeof SuccessionSource>;

const SuccessionKind = z.enum(['so', 'ban', 'trung-tam', 'quan-huyen']);
const SuccessionEvent = z.enum(['merged', 'dissolved', 'renamed']);
/** A source id, or null with a note when the change could not be confirmed. */
const SourceRef = z.string().min(1).nullable();

const Successor = z
  .object({
    name: z.string().min(1),
    /** whole: takes everything over; main: most of it; part: some duties or some of the area. */
    share: z.enum(['whole', 'main', 'part']),
    source: SourceRef.optional(), // overrides the entry's source for this successor
    note: z.string().optional(),
    clause: z.string().optional(), // "khoản 25 Điều 1"
    from: z.array(z.string()).optional(), // the former wards whose area it took
  })
  .strict()
  .refine((s) => s.source !== null || !!s.note, { message: 'a successor without a source needs a note' });

const UnitSuccessionEntry = z
  .object({
    former: z.string().min(1),
    kind: SuccessionKind,
    event: SuccessionEvent,
    since: IsoDate,
    source: SourceRef,
    note: z.string().optional(),
    successors: z.array(Successor),
  })
  .strict()
  .refine((e) => e.source !== null || !!e.note, { message: 'an entry without a source needs a note saying it is unconfirmed' });

const KindRule = z
  .object({ kind: SuccessionKind, event: SuccessionEvent, since: IsoDate, source: SourceRef, note: z.string().optional() })
  .strict();

export const SuccessionTable = z
  .object({
    format: z.literal('unit-succession/v1'),
    about: z.string().optional(),
    sources: z.array(SuccessionSource),
    units: z.array(UnitSuccessionEntry),
    /** What holds for every unit of a kind without an entry (every district: dissolved 1 July 2025). */
    kinds: z.array(KindRule).default([]),
  })
  .strict()
  .superRefine((t, ctx) => {
    const ids = new Set(t.sources.map((s) => s.id));
    const refs = [
      ...t.units.flatMap((u) => [u.source, ...u.successors.map((s) => s.source)]),
      ...t.kinds.map((k) => k.source),
    ];
    for (const r of refs) if (typeof r === 'string' && !ids.has(r)) ctx.addIssue({ code: 'custom', message: `unknown source id "${r}"` });
  });
export type SuccessionTable = z.infer<typeof SuccessionTable>;

/** The bundled table; a path overrides it. Invalid data throws (zod names the field). */
export function loadSuccession(file: string | URL = new URL('../data/units/succession.json', import.meta.url)): SuccessionTable {
  return SuccessionTable.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export interface SuccessorUnit {
  name: string;
  share: 'whole' | 'main' | 'part';
  source: SuccessionSource | null;
  note?: string;
  clause?: string;
  from?: string[];
}

/** What became of a unit that no longer exists. */
export interface Succession {
  former: string;
  kind: z.infer<typeof SuccessionKind>;
  event: z.infer<typeof SuccessionEvent>;
  since: string;
  source: SuccessionSource | null;
  note?: string;
  successors: SuccessorUnit[];
}

const KIND_WORDS = /^(?:ubnd|uy ban nhan dan)?\s*(?:quan|huyen|thi xa)\s+/;

/** A district is named "quận Cầu Giấy", "huyện Cầu Giấy" (English "Cau Giay district"), "UBND quận …". */
function unitKey(name: string, kind: string): string {
  const f = fold(name).replace(/\s+/g, ' ').trim();
  return kind === 'quan-huyen' ? f.replace(KIND_WORDS, '') : f.replace(/ - /g, ' ').replace(/–/g, '-');
}

/**
 * The succession of a unit that was merged or dissolved: its own entry, else the rule for its
 * kind (a district without an entry: dissolved, successors not recorded). Undefined for a unit
 * that still exists.
 */
export function successionOf(table: SuccessionTable, unit: { name: string; kind: string }): Succession | undefined {
  const byId = new Map(table.sources.map((s) => [s.id, s]));
  const source = (ref: string | null | undefined, fallback: SuccessionSource | null): SuccessionSource | null =>
    ref === undefined ? fallback : ref === null ? null : byId.get(ref) ?? null;
  const key = unitKey(unit.name, unit.kind);
  const entry = table.units.find((u) => u.kind === unit.kind && unitKey(u.former, u.kind) === key);
  if (entry) {
    const src = source(entry.source, null);
    return {
      former: entry.former,
      kind: entry.kind,
      event: entry.event,
      since: entry.since,
      source: src,
      ...(entry.note ? { note: entry.note } : {}),
      successors: entry.successors.map((s) => ({
        name: s.name,
        share: s.share,
        source: source(s.source, src),
        ...(s.note ? { note: s.note } : {}),
        ...(s.clause ? { clause: s.clause } : {}),
        ...(s.from ? { from: s.from } : {}),
      })),
    };
  }
  const rule = table.kinds.find((k) => k.kind === unit.kind);
  if (!rule) return undefined;
  return {
    former: unit.name,
    kind: rule.kind,
    event: rule.event,
    since: rule.since,
    source: source(rule.source, null),
    ...(rule.note ? { note: rule.note } : {}),
    successors: [],
  };
}

/** Units whose duties or area a unit took over (whole or main share), with the day it did. */
export function predecessorsOf(table: SuccessionTable, name: string): Array<{ name: string; kind: string; since: string }> {
  const f = fold(name).replace(/\s+/g, ' ').trim();
  return table.units
    .filter((u) => u.successors.some((s) => s.share !== 'part' && fold(s.name).replace(/\s+/g, ' ').trim() === f))
    .map((u) => ({ name: u.former, kind: u.kind, since: u.since }));
}

let bundled: SuccessionTable | undefined;

/** The bundled table, read and checked once (it is part of the code's data, like KNOWN_UNITS). */
export function bundledSuccession(): SuccessionTable {
  bundled ??= loadSuccession();
  return bundled;
}
