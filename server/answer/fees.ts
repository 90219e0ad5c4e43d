// The fee of one filing channel as it applies on a given day, read from the portal's fee cell and
// its note: temporary rates ("… đến hết ngày 31/12/2026 theo Thông tư 64/2025/TT-BTC"), rates set
// by the provincial council (HĐND), and cells the crawl garbled ("135 VNĐ", "Miễn phí" beside a
// note that names an amount). Nothing here formats text for a person; compose does that.
import type { ChannelKind, FilingChannel } from '../../domain/records.js';
import { shorten } from './compose/text.js';

export interface Money {
  amount: number;
  currency: 'VND' | 'USD';
  /** What the amount is per, as written ("hồ sơ", "lần cấp", "tem “AB”"). */
  per?: string;
}

/** A rate the note limits in time. `money` is absent when the note gives a share of the normal fee. */
export interface TemporaryRate {
  money?: Money;
  percent?: number;
  from?: string; // YYYY-MM-DD
  until: string; // YYYY-MM-DD, the last day it applies
  /** The circular that sets it ("Thông tư 64/2025/TT-BTC"), when named. */
  basis?: string;
}

export type Fee =
  /** An amount that applies; `temporary` when it is a time-limited rate, with the normal fee beside it. */
  | {
      kind: 'amount';
      money: Money;
      temporary?: TemporaryRate & { normal?: Money };
      /** Time-limited rates the note gives that ended before the day asked. */
      expired: TemporaryRate[];
      /** Without a day asked: the time-limited rates the note gives, neither current nor past. */
      dated: TemporaryRate[];
    }
  /** A share of the normal fee whose amount the record does not give. */
  | { kind: 'share'; percent: number; until: string; basis?: string }
  | { kind: 'free' }
  /** The provincial council sets the fee; the exemptions the note states, as written. */
  | { kind: 'council'; recorded?: Money; exemptions: string[] }
  /** What the record says cannot be trusted as a fact; `cell` and `said` are what it says. */
  | { kind: 'unclear'; reason: 'garbled' | 'contradicted' | 'expired' | 'unstated'; cell?: string; said?: string; expired?: TemporaryRate };

const CELL_MONEY = /^(\d[\d.,]*)\s*(Việt Nam Đồng|VNĐ|Đồng|đồng|USD)\s*(?:\/\s*(.+))?$/u;
/** An amount in a note: "135.000 đồng/lần", "25.000đ/tem “AB”", "01 triệu đồng/lần cấp". */
const NOTE_MONEY =
  /(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(triệu\s*)?(?:đồng|Đồng|VNĐ|đ)(?![\p{L}])(?:\s*\/\s*([^\s,;.()]+(?:\s+(?!theo|áp|kể|từ|đến|trong|đối|khi|nếu|và|hoặc)[^\s,;.()/]+){0,2}(?:\s+“[^”]*”)?))?/gu;
const PERCENT = /bằng\s+(\d{1,3})\s*%/gu;
const DATE = String.raw`(\d{1,2})\s*(?:\/|tháng)\s*(\d{1,2})\s*(?:\/|năm)\s*(\d{4})`;
/** "(kể) từ ngày 01/7/2025 đến hết ngày 31/12/2026", "đến hết ngày 31 tháng 12 năm 2026", "từ ngày 07/4/2026 đến 30/6/2026". */
const RANGE = new RegExp(
  String.raw`(?:(?:kể\s+)?từ\s+(?:kể\s+từ\s+)?ngày\s+${DATE}\s*,?\s*)?đến\s+(?:hết\s+)?(?:ngày\s+)?${DATE}`,
  'giu',
);
const HAS_RANGE = new RegExp(RANGE.source, 'iu');
const BASIS = /Thông tư(?:\s+số)?\s+(\d+\/\d{4}\/TT-[\p{Lu}]+)/u;
/** Where a note's sentences and bullets part: " - ", "; ", "* ", ". Capital". */
const SEGMENT = /(?:^|(?<=[\s)]))[-–*+]\s|;\s*|\.\s+(?=[\p{Lu}(])/u;
const COUNCIL = /Hội đồng nhân dân|HĐND/u;
const EXEMPTION = /(?:^|[\s(])((?:Miễn|Không thu)\s+(?:lệ\s+)?phí[^.;)]*(?:;\s*(?!Phí|Mức|Lệ phí)[^.;)]+)*)/gu;
/** A note that says how the fee is set without saying "free": an amount, a rate schedule, the fee law. */
const FEE_RULE = /mức (?:thu|phí|lệ phí)|biểu (?:mức )?(?:thu )?(?:phí|giá)|luật phí và lệ phí|(?:lệ )?phí[^.;]{0,60}theo quy định (?:tại|của)|theo (?:quy định tại )?thông tư[^.;]{0,80}(?:phí|mức thu)/iu;
const ONLINE_ONLY = /trực tuyến|trực tuyển|qua mạng|môi trường điện tử/iu;
const IN_PERSON_ONLY = /nộp (?:hồ sơ )?trực tiếp|hình thức trực tiếp/iu;

function number(digits: string): number | null {
  if (/^\d{1,3}(?:[.,]\d{3})+$/.test(digits)) return Number(digits.replace(/[.,]/g, ''));
  return /^\d+$/.test(digits) ? Number(digits) : null;
}

function iso(d: string, m: string, y: string): string {
  return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

/** The fee cell as money, or null ("Miễn phí", "", text). */
export function cellMoney(cell: string): Money | null {
  const m = CELL_MONEY.exec(cell.trim());
  if (!m) return null;
  const amount = number(m[1]!);
  if (amount === null) return null;
  const money: Money = { amount, currency: m[2] === 'USD' ? 'USD' : 'VND' };
  if (m[3]) money.per = m[3].trim();
  return money;
}

/** Amounts under a thousand đồng are the crawl's: it dropped the thousands ("135 VNĐ" for 135.000). */
function garbled(money: Money): boolean {
  return money.currency === 'VND' && money.amount > 0 && money.amount < 1000;
}

interface Found {
  at: number;
  end: number;
  money?: Money;
  percent?: number;
}

function amountsIn(text: string): Found[] {
  const out: Found[] = [];
  for (const m of text.matchAll(NOTE_MONEY)) {
    const n = number(m[1]!);
    if (n === null) continue;
    const money: Money = { amount: m[2] ? n * 1_000_000 : n, currency: 'VND' };
    if (m[3]) money.per = m[3].trim();
    out.push({ at: m.index, end: m.index + m[0].length, money });
  }
  for (const m of text.matchAll(PERCENT)) out.push({ at: m.index, end: m.index + m[0].length, percent: Number(m[1]) });
  return out;
}

function segments(note: string): string[] {
  return note.split(SEGMENT).map((s) => s.trim()).filter(Boolean);
}

const EXTRA = /nếu có yêu cầu|cấp bản sao/iu;

/** The note without its sentences on optional extras (a copy of the result on request). */
function segmentsKept(note: string): string {
  return segments(note).filter((s) => !EXTRA.test(s)).join('; ');
}

function appliesTo(segment: string, channel: ChannelKind): boolean {
  if (ONLINE_ONLY.test(segment) && !IN_PERSON_ONLY.test(segment)) return channel === 'online';
  if (IN_PERSON_ONLY.test(segment) && !ONLINE_ONLY.test(segment)) return channel === 'in-person';
  return true;
}

/** The time-limited rates a note states for a channel: the amount (or share) nearest each date range. */
export function temporaryRates(note: string, channel: ChannelKind): TemporaryRate[] {
  const out: TemporaryRate[] = [];
  const parts = segments(note);
  parts.forEach((seg, i) => {
    if (!appliesTo(seg, channel)) return;
    for (const r of seg.matchAll(RANGE)) {
      const until = iso(r[4]!, r[5]!, r[6]!);
      const rate: TemporaryRate = { until };
      if (r[1]) rate.from = iso(r[1], r[2]!, r[3]!);
      const basis = BASIS.exec(seg);
      if (basis) rate.basis = `Thông tư ${basis[1]}`;
      const start = r.index;
      const end = start + r[0].length;
      // "250.000đ/lần (Miễn kể từ ngày … đến …)": the dated sentence is a waiver, the amount before it the normal fee.
      const waiver = /miễn(?:\s+(?:lệ\s+)?phí)?[\s(]*$/iu.test(seg.slice(Math.max(0, start - 30), start));
      // "(kể từ … đến hết …). + 03 triệu đồng/…": the amount may open the next bullet.
      const next = parts[i + 1] ? amountsIn(parts[i + 1]!).find((a) => a.at === 0) : undefined;
      const near =
        amountsIn(seg)
          .filter((a) => a.end <= start || a.at >= end)
          .sort((a, b) => distance(a, start, end) - distance(b, start, end))[0] ?? next;
      if (waiver) rate.money = { amount: 0, currency: 'VND' };
      else if (near?.money) rate.money = near.money;
      else if (near?.percent !== undefined) rate.percent = near.percent;
      else if (/miễn\s+(?:lệ\s+)?phí/iu.test(seg)) rate.money = { amount: 0, currency: 'VND' };
      else continue;
      out.push(rate);
    }
  });
  return out;
}

function distance(a: Found, start: number, end: number): number {
  return a.end <= start ? start - a.end : a.at - end;
}

/** The note's sentences that give an amount outside any time-limit: the normal fee, when there is one. */
function standing(note: string, channel: ChannelKind): { text: string; amounts: Money[] }[] {
  return segments(note)
    .filter((s) => !HAS_RANGE.test(s) && appliesTo(s, channel))
    .map((text) => ({ text, amounts: amountsIn(text).flatMap((a) => (a.money ? [a.money] : [])) }))
    .filter((s) => s.amounts.length > 0);
}

/** Without the brackets a cut left open or closed: "(Phí … (Thông tư 47/2019)" → "Phí … (Thông tư 47/2019)". */
function balanced(text: string): string {
  let t = text.trim();
  const count = (ch: string) => t.split(ch).length - 1;
  while (t.startsWith('(') && count('(') > count(')')) t = t.slice(1).trim();
  while (t.endsWith(')') && count(')') > count('(')) t = t.slice(0, -1).trim();
  return t;
}

/** "Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định", "(Theo quy định của HĐND cấp tỉnh)"; not a time counted from a council's receipt. */
function councilSets(note: string): boolean {
  return segments(note).some(
    (s) => COUNCIL.test(s) && (/phí|mức thu/iu.test(s) || /^\(?theo (?:quy định|quyết định) của (?:Hội đồng nhân dân|HĐND)/iu.test(s)),
  );
}

function exemptions(note: string): string[] {
  return [...note.matchAll(EXEMPTION)].map((m) => m[1]!.trim().replace(/[,;:]$/, ''));
}


/**
 * The fee of one channel on `today` (YYYY-MM-DD). Without a date nothing is judged current or
 * past: the fee cell stands, and a time-limited rate the note gives travels beside it as `dated`.
 */
export function feeOn(c: FilingChannel, today?: string): Fee {
  const cell = c.fee.trim();
  // Sentences on optional extras ("Phí cấp bản sao … (nếu có yêu cầu)") say nothing about the fee itself.
  const note = segmentsKept((c.note ?? '').trim());
  const money = cellMoney(cell);
  const sane = money && !garbled(money) ? money : undefined;
  const temps = temporaryRates(note, c.channel);
  const active =
    today === undefined
      ? undefined
      : temps.filter((t) => (!t.from || t.from <= today) && today <= t.until).sort((a, b) => (b.from ?? '').localeCompare(a.from ?? ''))[0];
  const expired = today === undefined ? [] : temps.filter((t) => t.until < today);
  const dated = today === undefined ? temps : [];
  const stated = standing(note, c.channel);
  const amounts = stated.flatMap((s) => s.amounts);
  // What the note says, for a person to read beside "unclear": its amounts if it gives some.
  const said = shorten(stated.length ? stated.map((s) => balanced(s.text)).join('; ') : balanced(note), 140);

  if (active) {
    const base = sane ?? (amounts.length === 1 ? amounts[0] : undefined);
    let amount = active.money;
    if (!amount && active.percent !== undefined) {
      if (!base) return { kind: 'share', percent: active.percent, until: active.until, ...(active.basis ? { basis: active.basis } : {}) };
      amount = { ...base, amount: Math.round((base.amount * active.percent) / 100) };
    }
    if (amount) {
      // A reduction above the fee it reduces, or not matching a cell that lost its thousands, is a typo in the record.
      const ceiling = sane?.amount ?? (money && garbled(money) ? money.amount * 1000 : undefined);
      if (ceiling !== undefined && amount.amount > ceiling) return { kind: 'unclear', reason: 'contradicted', cell, said };
      if (amount.amount === 0) return { kind: 'free' };
      const normal = base && base.amount !== amount.amount ? base : undefined;
      return { kind: 'amount', money: amount, temporary: { ...active, money: amount, ...(normal ? { normal } : {}) }, expired, dated };
    }
  }

  if (councilSets(note)) return { kind: 'council', ...(sane ? { recorded: sane } : {}), exemptions: exemptions(note) };

  const lapsed = expired.find((t) => t.money && money && (t.money.amount === money.amount || t.money.amount === money.amount * 1000));
  if (lapsed) return { kind: 'unclear', reason: 'expired', cell, expired: lapsed };

  if (/^miễn phí$/iu.test(cell)) {
    const waiverEnded = expired.find((t) => t.money?.amount === 0);
    if (waiverEnded) return { kind: 'unclear', reason: 'expired', cell, expired: waiverEnded };
    const charged = amounts.length > 0 || FEE_RULE.test(note) || dated.some((t) => (t.money?.amount ?? 1) > 0);
    return charged ? { kind: 'unclear', reason: 'contradicted', cell, said } : { kind: 'free' };
  }
  if (money) {
    if (garbled(money)) return { kind: 'unclear', reason: 'garbled', cell, ...(note ? { said } : {}) };
    return { kind: 'amount', money, expired, dated };
  }
  if (cell === '' || /^không có thông tin$/iu.test(cell)) {
    return { kind: 'unclear', reason: 'unstated', ...(amounts.length > 0 || FEE_RULE.test(note) ? { said } : {}) };
  }
  return { kind: 'unclear', reason: 'garbled', cell };
}
