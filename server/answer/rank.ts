// Ranking procedures for a question: gather candidates from the name index, the whole-record
// index and the chunk retrieval, describe each by a few features, and score
// them with a linear model trained on the `tune` split (server/answer/rank-model.json).
import { fold, lowerBound, type TermIndex, type WeightedTerms } from '../../ingest/index.js';
import type { Knowledge, ProcedureEntry } from './knowledge.js';
import { accentedSyllables, newStyleTones, type RankedChunk, type QueryView } from './retrieve.js';

/** The features, in the order the model's weights use. Each is roughly in 0..1. */
export const FEATURES = ['name', 'record', 'chunk', 'nameCov', 'nameIdfCov', 'namePairs', 'queryCov', 'recordCov', 'variant', 'cueAgree', 'cueExtra', 'cueMissing', 'generic', 'who', 'level', 'curated', 'accentClash', 'poolCov', 'poolHit', 'levelAsk'] as const;
/**
 * Features whose weight is set, not fitted: a curated record is one of the procedures people ask
 * about most, which a sample drawn at random from the catalogue cannot teach.
 */
export const PINNED: ReadonlySet<FeatureName> = new Set(['curated']);
export type FeatureName = (typeof FEATURES)[number];

/** Parts of retrieval that can be switched off, to measure what each earns (ablation). */
export interface RankSwitches {
  records: boolean; // the whole-record index and record coverage
  lexicon: boolean; // the hand lexicon of colloquial words (applied in viewQuery)
  chunks: boolean; // chunk retrieval (BM25 + vectors) as evidence
  variants: boolean; // the variant-cue penalty
}
export const ALL_ON: RankSwitches = { records: true, lexicon: true, chunks: true, variants: true };

export interface ProcedureCandidate {
  entry: ProcedureEntry;
  score: number;
  features: Record<FeatureName, number>;
  /** Share of the name's syllables the question covers (low: the name adds a variant). */
  nameCoverage: number;
  /** IDF-weighted share of the question's meaning that the name's vocabulary covers. */
  queryCoverage: number;
  chunks: RankedChunk[];
}

export type RankWeights = Record<FeatureName, number>;

/**
 * Name words that make a procedure a variant of another (the action or the case): chosen only
 * when the question says so. Each is matched as a phrase on folded syllables.
 */
const VARIANT_CUES = [
  'luu dong', 'nuoc ngoai', 'thay doi', 'cap lai', 'cap doi', 'dieu chinh', 'bo sung', 'gia han', 'xoa', 'huy',
  'cham dut', 'tam ngung', 'dung', 'lai', 'bien gioi', 'quan doi', 'cong an nhan dan', 'ngoai giao', 'cong vu',
  'dinh chinh', 'hieu dinh', 'cap nhat', 'chuyen doi', 'thu hoi', 'giai the', 'ly hon', 'mat',
  'tai xuat', 'tam nhap', 'tai nhap', 'tam xuat', 'xuat khau', 'nhap khau', 'ban', 'mua', 'thanh lap', 'hop nhat',
  'chia', 'tach', 'sap nhap', 'chuyen nhuong', 'cho thue', 'the chap', 'lan dau', 'mien', 'giam', 'hoan',
].map((c) => ` ${c} `);
/** Cues that only count against a name that has them ("mất", "lại", "bán" also occur in questions as plain words). */
const ONE_SIDED = new Set([' mat ', ' lai ', ' ban ', ' mua ', ' chia ', ' tach ', ' giam ', ' mien ', ' hoan ']);

function cues(text: string): Uint8Array {
  return Uint8Array.from(VARIANT_CUES, (c) => (text.includes(c) ? 1 : 0));
}

/** Variant cues the name and the question share, the name adds, and the question adds (each 0..1). */
function cueFeatures(entry: ProcedureEntry, asked: Uint8Array): { mismatch: number; agree: number; extra: number; missing: number } {
  const inName = staticOf(entry).cues;
  let agree = 0;
  let extra = 0;
  let missing = 0;
  for (let i = 0; i < VARIANT_CUES.length; i++) {
    if (inName[i] && asked[i]) agree++;
    else if (inName[i]) extra++;
    else if (asked[i] && !ONE_SIDED.has(VARIANT_CUES[i]!)) missing++;
  }
  return { mismatch: Math.min(3, extra + missing) / 3, agree: Math.min(3, agree) / 3, extra: Math.min(3, extra) / 3, missing: Math.min(3, missing) / 3 };
}

/** Who is asking: a business or organisation, or a person and their family. */
const BUSINESS = /\b(cong ty|doanh nghiep|to chuc|ngan hang|hop tac xa|co so|nha may|xuong|chi nhanh|van phong|company|firm|bank|enterprise|organisation|organization|institution|we are)\b/;
const PERSON = /\b(toi|em|minh|chau|bo|me|vo|chong|con|ong|ba|nha toi|nha em|ca nhan|i am|i'm|my)\b/;

/**
 * The level a question addresses, from the office it names: a ward or commune ("ra phường",
 * "UBND xã"), a city department or the city ("Sở Tư pháp", "UBND thành phố"), or a ministry and
 * its departments ("Bộ Công an", "Cục Hàng hải"). The same procedure often
 * exists at two levels; the office named tells which one the person deals with. Folded text, so
 * the patterns avoid the words these fold onto (xã hội, phương tiện, sổ đỏ, bố, cực kỳ).
 */
const LEVEL_CUES: Array<[level: 'xa' | 'tinh' | 'bo', cue: RegExp]> = [
  ['xa', /\b(?:ubnd|uy ban nhan dan|uy ban|cong an|ra|len|cua) (?:phuong|xa)\b(?! hoi)|\bcap xa\b|\b(?:ward|commune)\b/],
  ['tinh', /\b(?:kinh gui|gui|chao|len|ra) so\b|\bso (?:tu phap|xay dung|tai chinh|noi vu|y te|cong thuong|nong nghiep|giao duc|van hoa|khoa hoc|ngoai vu|tai nguyen|lao dong|giao thong|ke hoach|thong tin|quy hoach|du lich)\b|\b(?:ubnd|uy ban nhan dan|cong an) (?:thanh pho|tp|tinh)\b|\bcap tinh\b|\b(?:department of|city people's committee|provincial)\b/],
  ['bo', /\bbo (?:tai chinh|cong an|xay dung|tu phap|y te|cong thuong|nong nghiep|giao duc|quoc phong|ngoai giao|noi vu|khoa hoc|van hoa|lao dong|giao thong|tai nguyen)\b|\b(?<!(?:tich|chi) )cuc (?!ky|ki|chang)[a-z]|\btong cuc\b|\buy ban chung khoan\b|\bcap bo\b|\bministry\b/],
];

function askedLevels(cueText: string): Set<string> {
  return new Set(LEVEL_CUES.filter(([, cue]) => cue.test(cueText)).map(([level]) => level));
}

const LEVEL_NAMES: Record<string, RegExp> = { xa: /xã|huyện/i, tinh: /tỉnh/i, bo: /bộ|trung ương/i };

/** 1 when the record is done at a level the question names, 0 when it names only others, ½ when it names none. */
function levelMatches(entry: ProcedureEntry, asked: ReadonlySet<string>): number {
  if (!asked.size || !entry.procedure.level.length) return 0.5;
  for (const l of asked) if (entry.procedure.level.some((x) => LEVEL_NAMES[l]!.test(x))) return 1;
  return 0;
}

/** Whether a posting list (ascending documents) holds a document. */
function holds(docs: Uint32Array, doc: number): boolean {
  const p = lowerBound(docs, 0, docs.length, doc);
  return p < docs.length && docs[p] === doc;
}

/** A question's meaning units with their weights, computed once per question and vocabulary. */
interface WeightedUnits {
  units: Array<{ typed: string[]; official: string[]; weight: number }>;
  total: number;
}

function weighUnits(q: QueryView, idf: (t: string) => number, skipUnknown: (t: string) => boolean): WeightedUnits {
  const units: WeightedUnits['units'] = [];
  let total = 0;
  for (const u of q.units) {
    if (!u.official.length && u.typed.every(skipUnknown)) continue;
    let weight = 0;
    for (const t of u.typed) weight = Math.max(weight, idf(t));
    for (const t of u.official) weight = Math.max(weight, idf(t));
    units.push({ typed: u.typed, official: u.official, weight });
    total += weight;
  }
  return { units, total };
}

function share(ts: string[], has: (t: string) => boolean): number {
  if (!ts.length) return 0;
  let n = 0;
  for (const t of ts) if (has(t)) n++;
  return n / ts.length;
}

/** IDF-weighted share of the question's meaning units that a vocabulary test accepts. */
function coverage(w: WeightedUnits, has: (t: string) => boolean): number {
  if (!w.total) return 0;
  let covered = 0;
  for (const u of w.units) covered += u.weight * Math.max(share(u.typed, has), share(u.official, has));
  return covered / w.total;
}

function variantFeatures(c: ReturnType<typeof cueFeatures> | null) {
  return c ? { variant: c.mismatch, cueAgree: c.agree, cueExtra: c.extra, cueMissing: c.missing } : { variant: 0, cueAgree: 0, cueExtra: 0, cueMissing: 0 };
}

/**
 * Folding merges different words (vàng "gold" / vắng "absent", hồ / hộ, phí / phi): when the
 * question was typed with marks, the share of the name's matching syllables written differently.
 */
function accentClash(entry: ProcedureEntry, asked: ReadonlyMap<string, ReadonlySet<string>>): number {
  let matched = 0;
  let clash = 0;
  for (const a of staticOf(entry).accentedName) {
    const forms = asked.get(fold(a));
    if (!forms) continue;
    matched++;
    if (!forms.has(a)) clash++;
  }
  return matched ? clash / matched : 0;
}

/** What a record says about itself whatever the question: computed once per record and kept with it. */
interface StaticFeatures {
  level: number;
  curated: number;
  generic: number;
  forBusiness: boolean;
  forPerson: boolean;
  /** Variant cues its name carries. */
  cues: Uint8Array;
  /** Adjacent syllable pairs of its name ("khai_sinh"). */
  namePairs: string[];
  /** Its name's syllables with their marks, tone placement normalised. */
  accentedName: string[];
}
const staticFeatures = new WeakMap<ProcedureEntry, StaticFeatures>();

function staticOf(entry: ProcedureEntry): StaticFeatures {
  let f = staticFeatures.get(entry);
  if (!f) {
    const p = entry.procedure;
    const a = (p.applicants ?? '').toLowerCase();
    const t = entry.nameTokens;
    f = {
      level: p.level.some((l) => /xã|tỉnh/i.test(l)) ? 1 : 0,
      curated: p.origin === 'curated' ? 1 : 0,
      generic: 1 / (1 + t.length / 8),
      forBusiness: /doanh nghiệp|tổ chức|hợp tác xã/.test(a),
      forPerson: /công dân|cá nhân|người việt nam|người nước ngoài/.test(a),
      cues: cues(` ${t.join(' ')} `),
      namePairs: t.slice(1).map((x, i) => `${t[i]}_${x}`),
      accentedName: accentedSyllables(p.name).map(newStyleTones),
    };
    staticFeatures.set(entry, f);
  }
  return f;
}

/** 1 when the record is for the kind of asker the question shows (a business, or a person), 0 when not, ½ unknown. */
function whoMatches(f: StaticFeatures, known: boolean, business: boolean, person: boolean): number {
  if (!known || business === person) return 0.5;
  return (business ? f.forBusiness : f.forPerson) ? 1 : 0;
}

function normalisedHits(index: TermIndex, terms: WeightedTerms, limit: number): Map<number, number> {
  const hits = index.search(terms, limit);
  const max = hits[0]?.score ?? 1;
  return new Map(hits.map((h) => [h.doc, h.score / max]));
}

/**
 * Name words weighed by how rare they are among the candidates themselves: the words that tell
 * near neighbours apart ("thu hồi" from "cấp", "loại 3" from "loại 1, loại 2"), where the
 * catalogue-wide weights favour the words they all share. poolCov: the share of a name's telling
 * words the question says; poolHit: the share of the question's telling words the name has.
 */
function poolFeatures(cands: ProcedureCandidate[], meaning: ReadonlySet<string>): void {
  const n = cands.length;
  if (n < 2) return;
  const df = new Map<string, number>();
  for (const c of cands) for (const t of new Set(c.entry.nameTokens)) df.set(t, (df.get(t) ?? 0) + 1);
  const w = (t: string) => Math.log((n + 1) / (df.get(t) ?? 0.5));
  let asked = 0;
  for (const [t] of df) if (meaning.has(t)) asked += w(t);
  for (const c of cands) {
    let all = 0;
    let said = 0;
    for (const t of new Set(c.entry.nameTokens)) {
      const x = w(t);
      all += x;
      if (meaning.has(t)) said += x;
    }
    c.features.poolCov = all ? said / all : 0;
    c.features.poolHit = asked ? said / asked : 0;
  }
}

export function rankProcedures(
  k: Knowledge,
  q: QueryView,
  chunks: RankedChunk[],
  weights: RankWeights,
  switches: RankSwitches = ALL_ON,
  limit = 10,
): ProcedureCandidate[] {
  const byName = normalisedHits(k.names, q.terms, 40);
  const byRecord = switches.records ? normalisedHits(k.records, q.terms, 40) : new Map<number, number>();
  const chunksByCode = new Map<string, RankedChunk[]>();
  if (switches.chunks) {
    for (const c of chunks) {
      if (c.chunk.kind !== 'procedure') continue;
      const list = chunksByCode.get(c.chunk.sourceId);
      if (list) list.push(c);
      else chunksByCode.set(c.chunk.sourceId, [c]);
    }
  }
  const slots = new Set<number>([...byName.keys(), ...byRecord.keys()]);
  for (const code of chunksByCode.keys()) {
    const e = k.procedures.get(code);
    if (e) slots.add(e.slot);
  }
  const meaning = new Set(q.meaning);
  // Syllable pairs of the question and its expansions: most Vietnamese terms are two syllables.
  const pairs = new Set<string>();
  const seq = q.cueText.trim().split(' ');
  for (let i = 0; i + 1 < seq.length; i++) pairs.add(`${seq[i]}_${seq[i + 1]}`);
  const asked = cues(q.cueText);
  const business = BUSINESS.test(q.cueText);
  const levels = askedLevels(q.cueText);
  const person = PERSON.test(q.cueText);
  const nameUnits = weighUnits(q, k.nameIdf, (t) => q.english && k.nameDf(t) === 0);
  const recordUnits = weighUnits(q, (t) => k.records.idf(t), (t) => k.records.df(t) === 0);
  // Each meaning word's record postings, looked up once per question rather than per candidate.
  const postings = new Map<string, Uint32Array>();
  for (const u of recordUnits.units) for (const t of [...u.typed, ...u.official]) if (!postings.has(t)) postings.set(t, k.records.postings(t).docs);
  const out: ProcedureCandidate[] = [];
  for (const slot of slots) {
    const entry = k.bySlot[slot]!;
    const nameToks = entry.nameTokens;
    let said = 0;
    let idfIn = 0;
    let idfAll = 0;
    for (const t of nameToks) {
      const w = k.nameIdf(t);
      idfAll += w;
      if (meaning.has(t)) {
        said++;
        idfIn += w;
      }
    }
    const nameCoverage = nameToks.length ? said / nameToks.length : 0;
    let pairIn = 0;
    for (const pair of staticOf(entry).namePairs) if (pairs.has(pair)) pairIn++;
    const queryCoverage = coverage(nameUnits, (t) => entry.vocabulary.has(t));
    const recordCov = switches.records ? coverage(recordUnits, (t) => entry.vocabulary.has(t) || holds(postings.get(t)!, slot)) : 0;
    const own = chunksByCode.get(entry.procedure.code) ?? [];
    const st = staticOf(entry);
    const features: Record<FeatureName, number> = {
      name: byName.get(slot) ?? 0,
      record: byRecord.get(slot) ?? 0,
      chunk: own[0]?.score ?? 0,
      nameCov: nameCoverage,
      nameIdfCov: idfAll ? idfIn / idfAll : 0,
      namePairs: nameToks.length > 1 ? pairIn / (nameToks.length - 1) : 0,
      queryCov: queryCoverage,
      recordCov,
      ...variantFeatures(switches.variants ? cueFeatures(entry, asked) : null),
      generic: st.generic,
      who: whoMatches(st, !!entry.procedure.applicants, business, person),
      level: st.level,
      curated: st.curated,
      accentClash: q.accented.size ? accentClash(entry, q.accented) : 0,
      poolCov: 0,
      poolHit: 0,
      levelAsk: levelMatches(entry, levels),
    };
    out.push({ entry, score: 0, features, nameCoverage, queryCoverage, chunks: own });
  }
  poolFeatures(out, meaning);
  for (const c of out) for (const f of FEATURES) c.score += weights[f] * c.features[f];
  return out.sort((a, b) => b.score - a.score || a.entry.slot - b.entry.slot).slice(0, limit);
}
