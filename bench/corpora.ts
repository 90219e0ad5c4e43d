// The corpora the bench runs on, and how the synthetic scale-ups are made: variants of the real
// procedures (place words added, numbers renumbered, some syllables swapped for others from the
// corpus's own vocabulary), so names, postings and vocabulary grow as a larger catalogue would.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Procedure } from '../domain/records.js';
import { PLACE_NAMES, type StoredProcedure } from '../ingest/index.js';
import { rng } from './stats.js';

export const CATALOGUE_FORMAT = 'tthc-catalogue/v1';

/** What synthesis starts from: the real procedures, their chunk counts and their words. */
export interface SynthBase {
  procedures: Procedure[];
  /** Chunks each real procedure yields (a variant yields about as many). */
  chunksPerCode: Map<string, number>;
  /** Word tokens as they occur (frequency-weighted draws). */
  tokens: string[];
  /** Distinct words (draws that add rare words, as a bigger catalogue has). */
  distinct: string[];
}

const WORD = /\p{L}+/gu;

export function synthBase(procedures: readonly StoredProcedure[], chunkSources: Iterable<string>): SynthBase {
  const chunksPerCode = new Map<string, number>();
  for (const s of chunkSources) chunksPerCode.set(s, (chunksPerCode.get(s) ?? 0) + 1);
  const tokens: string[] = [];
  const distinct = new Set<string>();
  const seen = new Set<string>();
  const clean: Procedure[] = [];
  for (const { source: _source, ...p } of procedures) {
    if (seen.has(p.code)) continue; // a curated record and the portal's: vary one
    seen.add(p.code);
    clean.push(p);
    const text = [p.name, p.steps ?? '', ...p.papers.flatMap((g) => g.papers.map((x) => x.name))].join(' ').toLowerCase();
    for (const w of text.match(WORD) ?? []) {
      if (w.length < 2) continue;
      if (tokens.length < 400_000) tokens.push(w);
      distinct.add(w);
    }
  }
  return { procedures: clean, chunksPerCode, tokens, distinct: [...distinct] };
}

/** Rewrite a text: ~`rate` of its words replaced by corpus words, numbers renumbered half the time. */
function vary(text: string, r: () => number, base: SynthBase, rate: number): string {
  return text.replace(/\p{L}+|\d+/gu, (w) => {
    if (/^\d+$/.test(w)) return r() < 0.5 ? String(1 + Math.floor(r() * 999)) : w;
    if (r() >= rate) return w;
    const pool = r() < 0.7 ? base.tokens : base.distinct;
    const sub = pool[Math.floor(r() * pool.length)] ?? w;
    const upper = w[0] !== w[0]!.toLowerCase();
    return upper ? sub[0]!.toUpperCase() + sub.slice(1) : sub;
  });
}

const PLACES = [...PLACE_NAMES.values()];
const PLACE_KINDS = ['phường', 'xã', 'khu vực', 'địa bàn'];

/** Variant `n` of procedure `p`: a new code, a name tied to a place, its text varied. */
export function variant(p: Procedure, n: number, base: SynthBase, seed: number): Procedure {
  const r = rng(seed ^ Math.imul(n + 1, 0x9e3779b1));
  const place = `${PLACE_KINDS[Math.floor(r() * PLACE_KINDS.length)]} ${PLACES[Math.floor(r() * PLACES.length)]}`;
  const v = (s: string, rate = 0.08) => vary(s, r, base, rate);
  const opt = (s: string | undefined) => (s === undefined ? undefined : v(s));
  const out: Procedure = {
    ...p,
    code: `9.${String(n).padStart(7, '0')}`,
    name: `${v(p.name, 0.15)} tại ${place}`,
    aliases: [],
    level: p.level,
    origin: 'portal',
    papers: p.papers.map((g) => ({ ...g, case: g.case === null ? null : v(g.case), papers: g.papers.map((x) => ({ ...x, name: v(x.name) })) })),
    channels: p.channels.map((c) => ({ ...c, time: v(c.time), fee: v(c.fee) })),
    legalBasis: p.legalBasis.map((l) => ({ ...l, title: v(l.title) })),
  };
  delete out.url;
  delete out.nameEn;
  delete out.provenance;
  for (const k of ['steps', 'conditions', 'result', 'agency', 'applicants', 'field'] as const) {
    const x = opt(p[k]);
    if (x === undefined) delete out[k];
    else out[k] = x;
  }
  return out;
}

/** Variants in a fixed order until about `extraChunks` chunks have been made. */
export function* variants(base: SynthBase, extraChunks: number, seed: number): Generator<Procedure> {
  const order = base.procedures;
  let made = 0;
  for (let n = 0; made < extraChunks; n++) {
    const p = order[n % order.length]!;
    made += base.chunksPerCode.get(p.code) ?? 1;
    yield variant(p, n, base, seed);
  }
}

/** Write the variants as catalogue JSON files (what an agency would drop into data/catalogue). */
export async function writeSynthetic(dir: string, base: SynthBase, extraChunks: number, seed: number, perFile = 500): Promise<{ files: number; procedures: number }> {
  await fs.mkdir(dir, { recursive: true });
  let batch: Procedure[] = [];
  let files = 0;
  let procedures = 0;
  const flush = async () => {
    if (!batch.length) return;
    const name = path.join(dir, `synthetic-${String(files++).padStart(4, '0')}.json`);
    await fs.writeFile(name, JSON.stringify({ format: CATALOGUE_FORMAT, procedures: batch }));
    procedures += batch.length;
    batch = [];
  };
  for (const p of variants(base, extraChunks, seed)) {
    batch.push(p);
    if (batch.length >= perFile) await flush();
  }
  await flush();
  return { files, procedures };
}

/** A small dispatch in the layout of data/documents: what "add one new dispatch" adds. */
export function dispatchMarkdown(n: number): string {
  return `---
id: bench-${n}-ubnd-vp-2026
number: ${n}/UBND-VP
type: cong-van
title: Công văn ${n}/UBND-VP về đẩy mạnh tiếp nhận hồ sơ trực tuyến
subject: V/v đẩy mạnh tiếp nhận hồ sơ trực tuyến
issuer: Ủy ban nhân dân thành phố Hà Nội
year: 2026
place: Hà Nội
language: vi
addressees:
  - Các sở, ban, ngành Thành phố
  - UBND các xã, phường
---

ỦY BAN NHÂN DÂN
THÀNH PHỐ HÀ NỘI

Số: ${n}/UBND-VP

V/v đẩy mạnh tiếp nhận hồ sơ trực tuyến

Kính gửi: Các sở, ban, ngành Thành phố; UBND các xã, phường.

Để nâng cao tỷ lệ hồ sơ trực tuyến toàn trình, UBND Thành phố yêu cầu:

1. Các sở, ban, ngành Thành phố rà soát, công khai đầy đủ thủ tục hành chính trên Cổng Dịch vụ công, hoàn thành trước ngày 31/12/2026.

2. UBND các xã, phường hướng dẫn người dân nộp hồ sơ trực tuyến, báo cáo kết quả hằng tháng về Sở Nội vụ trước ngày 25.

3. Sở Nội vụ tổng hợp, báo cáo UBND Thành phố trước ngày 15/01/2027.
`;
}
