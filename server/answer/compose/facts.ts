// One line (or a short block) per fact of a procedure record, in the question's language: time,
// fee, where, online link, papers, steps, legal basis. A value the record garbles is said to be
// unclear, never shown as a fact.
import type { ChannelKind, FilingChannel, Language, Procedure, RequiredPaper } from '../../../domain/records.js';
import { feeOn, type Fee, type Money, type TemporaryRate } from '../fees.js';
import { L, TIME_UNITS, channelName, copiesText, levelName, timeUnit } from './labels.js';
import { enDate, shorten, viDate } from './text.js';

/** How much room a block may take: the answer is rebuilt tighter when it runs long. */
export interface Room {
  papers: number; // paper lines at most
  name: number; // characters of a paper name
  line: number; // characters of any other line
  steps: number; // step lines at most
}
/** Rooms from the roomiest to the tightest; the composer takes the first that fits its budget. */
export const ROOMS: readonly Room[] = [
  { papers: 8, name: 150, line: 320, steps: 4 },
  { papers: 8, name: 100, line: 220, steps: 4 },
  { papers: 8, name: 72, line: 160, steps: 3 },
  { papers: 6, name: 60, line: 120, steps: 3 },
  { papers: 5, name: 50, line: 100, steps: 2 },
];

/** Papers every applicant brings first; those for a particular case ("Trường hợp …", "Nếu …") after. */
const CONDITIONAL = /^(?:\(?[a-zđ\d]{1,3}[.)]\s*)?(?:trường hợp|nếu|đối với|khi)\s/iu;

export interface Fact {
  line: string;
  /** Caveats that go to the "Lưu ý" paragraph. */
  notes: string[];
}

const vn = (lang: Language): string => L[lang].inVietnamese;

/** Per channel when the channels differ, once when they agree; rows of one channel joined by "or". */
function perChannel(p: Procedure, render: (c: FilingChannel) => string, lang: Language): string {
  const byChannel = new Map<ChannelKind, string[]>();
  for (const c of p.channels) {
    const values = byChannel.get(c.channel) ?? byChannel.set(c.channel, []).get(c.channel)!;
    const text = render(c);
    if (!values.includes(text)) values.push(text);
  }
  const texts = [...byChannel].map(([kind, values]) => [kind, values.join(lang === 'vi' ? ' hoặc ' : ' or ')] as const);
  const distinct = [...new Set(texts.map(([, text]) => text))];
  if (distinct.length === 1) return distinct[0]!;
  return distinct
    .map((text) => `${texts.filter(([, t]) => t === text).map(([kind]) => channelName(kind, lang)).join(', ')}: ${text}`)
    .join('; ');
}

// ------------------------------------------------------------------------------------ time

const TIME = new RegExp(`^(\\d+(?:[.,]\\d+)?)\\s*(${TIME_UNITS.join('|')})$`, 'iu');

type TimeView = { kind: 'value'; text: string } | { kind: 'no-unit' } | { kind: 'none' };

function timeOf(c: FilingChannel, lang: Language): TimeView {
  const raw = c.time.trim();
  if (raw === '' || /^không(?: có thông tin)?$/iu.test(raw)) return { kind: 'none' };
  if (/^\d+(?:[.,]\d+)?$/.test(raw)) return { kind: 'no-unit' };
  const m = TIME.exec(raw);
  if (m) return { kind: 'value', text: `${m[1]} ${timeUnit(Number(m[1]!.replace(',', '.')), m[2]!, lang)}` };
  return { kind: 'value', text: `${raw}${vn(lang)}` };
}

export function timeFact(p: Procedure, lang: Language): Fact {
  const t = L[lang];
  const views = p.channels.map((c) => timeOf(c, lang));
  if (!views.some((v) => v.kind === 'value')) {
    const why = views.some((v) => v.kind === 'no-unit') ? t.unclearTime : t.noTime;
    return { line: `${t.time}: ${why} — ${t.seePage}.`, notes: [] };
  }
  const unclear = lang === 'vi' ? 'không rõ' : 'unclear';
  const text = perChannel(p, (c) => {
    const v = timeOf(c, lang);
    return v.kind === 'value' ? v.text : unclear;
  }, lang);
  return { line: `${t.time}: ${text}${views.some((v) => v.kind !== 'value') ? ` — ${t.seePage}` : ''}.`, notes: [] };
}

// ------------------------------------------------------------------------------------- fee

function amount(n: number, lang: Language): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'vi' ? '.' : ',');
}

export function moneyText(m: Money, lang: Language): string {
  const currency = m.currency === 'USD' ? 'USD' : lang === 'vi' ? 'đồng' : 'VND';
  return `${amount(m.amount, lang)} ${currency}${m.per ? `/${m.per}` : ''}`;
}

const date = (iso: string, lang: Language): string => (lang === 'vi' ? viDate(iso) : enDate(iso));
const basisText = (basis: string | undefined, lang: Language): string =>
  basis ? (lang === 'vi' ? ` theo ${basis}` : ` under ${basis.replace(/^Thông tư/, 'Circular')}`) : '';

/** `brief`: for the essentials under another answer, without quotes, bases or exemptions. */
function feeText(fee: Fee, lang: Language, brief = false): string {
  const vi = lang === 'vi';
  if (brief && fee.kind === 'unclear') return fee.reason === 'unstated' ? (vi ? 'không ghi' : 'not stated') : vi ? 'không rõ' : 'unclear';
  if (brief && fee.kind === 'council') return vi ? 'do HĐND Thành phố Hà Nội quy định' : 'set by the Hanoi People’s Council (HĐND Thành phố)';
  if (brief && fee.kind === 'amount' && fee.temporary) {
    const { temporary: tmp } = fee;
    const normal = tmp.normal ? (vi ? `, thông thường ${moneyText(tmp.normal, lang)}` : `, normally ${moneyText(tmp.normal, lang)}`) : '';
    return `${moneyText(fee.money, lang)} (${vi ? 'mức giảm đến hết' : 'reduced until'} ${date(tmp.until, lang)}${normal})`;
  }
  switch (fee.kind) {
    case 'free':
      return vi ? 'miễn phí' : 'free';
    case 'amount': {
      const base = moneyText(fee.money, lang);
      const tmp = fee.temporary;
      const dated = fee.dated.find((r) => r.money?.amount !== fee.money.amount);
      if (!tmp && dated) {
        // No day was given: the dated rate is neither current nor past, so it is only reported.
        return vi
          ? `${base} (ghi chú trên Cổng nêu ${rateText(dated, lang)} áp dụng đến hết ${date(dated.until, lang)}${basisText(dated.basis, lang)})`
          : `${base} (the portal note gives ${rateText(dated, lang)} until ${date(dated.until, lang)}${basisText(dated.basis, lang)})`;
      }
      if (!tmp) return base;
      const normal = tmp.normal ? (vi ? `; mức thông thường ${moneyText(tmp.normal, lang)}` : `; normal fee ${moneyText(tmp.normal, lang)}`) : '';
      return vi
        ? `${base} (mức giảm, áp dụng đến hết ${date(tmp.until, lang)}${basisText(tmp.basis, lang)}${normal})`
        : `${base} (reduced rate until ${date(tmp.until, lang)}${basisText(tmp.basis, lang)}${normal})`;
    }
    case 'share':
      return vi
        ? `bằng ${fee.percent}% mức thu thông thường, đến hết ${date(fee.until, lang)}${basisText(fee.basis, lang)} (hồ sơ không ghi mức thông thường)`
        : `${fee.percent}% of the normal fee until ${date(fee.until, lang)}${basisText(fee.basis, lang)} (the record does not give the normal fee)`;
    case 'council': {
      const recorded = fee.recorded ? (vi ? ` (Cổng ghi ${moneyText(fee.recorded, lang)})` : ` (the portal lists ${moneyText(fee.recorded, lang)})`) : '';
      const ex = fee.exemptions.length ? `; ${vi ? '' : 'exemptions (in Vietnamese): '}${fee.exemptions.map((e) => shorten(e, 160)).join('; ')}` : '';
      return vi ? `do HĐND Thành phố Hà Nội quy định${recorded}${ex}` : `set by the Hanoi People’s Council (HĐND Thành phố)${recorded}${ex}`;
    }
    case 'unclear':
      return unclearFee(fee, lang);
  }
}

function unclearFee(fee: Extract<Fee, { kind: 'unclear' }>, lang: Language): string {
  const vi = lang === 'vi';
  const said = fee.said ? (vi ? `“${fee.said}”` : `“${fee.said}” (in Vietnamese)`) : '';
  switch (fee.reason) {
    case 'garbled':
      return vi
        ? `không rõ (ô lệ phí ghi “${fee.cell}”${said ? `, ghi chú ghi ${said}` : ''})`
        : `unclear (the fee cell reads “${fee.cell}”${said ? `, the note reads ${said}` : ''})`;
    case 'contradicted':
      return vi ? `không rõ (ô lệ phí ghi “${fee.cell}” nhưng ghi chú ghi ${said})` : `unclear (the fee cell reads “${fee.cell}” but the note reads ${said})`;
    case 'expired': {
      const rate = fee.expired!;
      const what = rate.money?.amount === 0 ? (vi ? 'mức miễn phí' : 'the waiver') : rate.money ? (vi ? `mức ${moneyText(rate.money, lang)}` : `the rate of ${moneyText(rate.money, lang)}`) : vi ? 'mức ghi trên Cổng' : 'the listed rate';
      return vi
        ? `không rõ (${what} chỉ áp dụng đến hết ${date(rate.until, lang)}, nay đã hết hạn; Cổng chưa ghi mức hiện hành)`
        : `unclear (${what} applied only until ${date(rate.until, lang)} and has expired; the portal does not give the current fee)`;
    }
    case 'unstated':
      return vi ? `hồ sơ trên Cổng không ghi${said ? ` (ghi chú: ${said})` : ''}` : `not stated in the portal record${said ? ` (note: ${said})` : ''}`;
  }
}

function rateText(rate: TemporaryRate, lang: Language): string {
  if (rate.money?.amount === 0) return lang === 'vi' ? 'mức miễn phí' : 'a waiver';
  if (rate.money) return moneyText(rate.money, lang);
  return lang === 'vi' ? `mức bằng ${rate.percent}% mức thu` : `a rate of ${rate.percent}% of the fee`;
}

function expiredNote(rate: TemporaryRate, lang: Language): string {
  const what = rateText(rate, lang);
  return lang === 'vi'
    ? `ghi chú trên Cổng còn nêu ${what} áp dụng đến hết ${date(rate.until, lang)}${basisText(rate.basis, lang)}; mức đó đã hết hạn.`
    : `the portal note also gives ${what} until ${date(rate.until, lang)}${basisText(rate.basis, lang)}; that rate has expired.`;
}

/** All channels leave the fee to the council: say so once, with what the portal lists per channel. */
function councilText(p: Procedure, fees: Fee[], lang: Language): string {
  const vi = lang === 'vi';
  const recorded = p.channels.some((_, i) => (fees[i] as Extract<Fee, { kind: 'council' }>).recorded)
    ? perChannel(p, (c) => {
        const fee = fees[p.channels.indexOf(c)] as Extract<Fee, { kind: 'council' }>;
        return fee.recorded ? moneyText(fee.recorded, lang) : vi ? 'không ghi' : 'none';
      }, lang)
    : '';
  const exemptions = [...new Set(fees.flatMap((f) => (f.kind === 'council' ? f.exemptions : [])))].map((e) => shorten(e, 200));
  const head = vi ? 'do HĐND Thành phố Hà Nội quy định' : 'set by the Hanoi People’s Council (HĐND Thành phố)';
  const listed = recorded ? (vi ? ` (Cổng ghi ${recorded})` : ` (the portal lists ${recorded})`) : '';
  const ex = exemptions.length ? `. ${vi ? '' : 'Exemptions (in Vietnamese): '}${exemptions.join('; ')}` : '';
  return `${head}${listed}${ex}`;
}

export function feeFact(p: Procedure, lang: Language, today: string | undefined, brief = false): Fact {
  const t = L[lang];
  if (p.channels.length === 0) return { line: `${t.fee}: ${lang === 'vi' ? 'hồ sơ trên Cổng không ghi' : 'not stated in the portal record'} — ${t.seePage}.`, notes: [] };
  const fees = p.channels.map((c) => feeOn(c, today));
  const text =
    !brief && fees.every((f) => f.kind === 'council')
      ? councilText(p, fees, lang)
      : perChannel(p, (c) => feeText(fees[p.channels.indexOf(c)]!, lang, brief), lang);
  const unclear = fees.some((f) => f.kind === 'unclear' || f.kind === 'share');
  const notes = [
    ...new Set(fees.flatMap((f) => (f.kind === 'amount' ? f.expired.filter((r) => r.money?.amount !== f.money.amount) : [])).map((r) => expiredNote(r, lang))),
  ];
  const sentence = `${t.fee}: ${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  return { line: `${sentence}${unclear ? ` — ${t.seePage}` : ''}.`, notes };
}

// ----------------------------------------------------------------------------- where, online

/** The district tier (quận, huyện, thị xã) was abolished on 1 July 2025. */
const DISTRICT = /cấp huyện|(?<![\p{L}])(?:quận|huyện|thị xã)(?![\p{L}])/iu;

export function whereFact(p: Procedure, lang: Language, room: Room): Fact {
  const t = L[lang];
  if (!p.agency) {
    const levels = p.level.map((l) => levelName(l, lang)).join(', ');
    return { line: `${t.where}: ${t.noAgency}${levels ? ` (${t.level}: ${levels})` : ''}.`, notes: [] };
  }
  const notes = DISTRICT.test(p.agency) ? [t.districtGone] : [];
  return { line: `${t.where}: ${shorten(p.agency, room.line).replace(/[.;,\s]+$/, '')}${vn(lang)}`, notes };
}

export function onlineFact(p: Procedure, lang: Language): Fact {
  const t = L[lang];
  const online = p.channels.some((c) => c.channel === 'online');
  if (online && p.url) return { line: `${t.online}: ${p.url}`, notes: [] };
  if (online) {
    const line = lang === 'vi'
      ? 'Thủ tục có hình thức nộp trực tuyến trên Cổng Dịch vụ công quốc gia; hồ sơ không kèm đường dẫn trang thủ tục.'
      : 'The procedure can be filed online on the National Public Service Portal; the record has no link to its page.';
    return { line, notes: [] };
  }
  return { line: p.url ? `${t.noOnline} ${t.page}: ${p.url}` : t.noOnline, notes: [] };
}

// ------------------------------------------------------------------------------ lists

function paperLine(paper: RequiredPaper, lang: Language, room: Room): string {
  const copies = copiesText(paper.original, paper.copy, paper.copies, lang);
  return `- ${shorten(paper.name, room.name)}${copies ? ` (${copies})` : ''}`;
}

/** The papers of the usual case, then what to show and which other cases exist; cut with a pointer to the page. */
export function paperBlock(p: Procedure, lang: Language, room: Room): string[] {
  const t = L[lang];
  const submit = p.papers.filter((g) => g.kind === 'submit' && g.papers.length > 0);
  let main = submit.filter((g) => !g.case).flatMap((g) => g.papers);
  main = [...main.filter((x) => !CONDITIONAL.test(x.name)), ...main.filter((x) => CONDITIONAL.test(x.name))];
  let cases = submit.filter((g) => g.case);
  let heading: string = t.papers;
  if (main.length === 0 && cases.length > 0) {
    heading = `${t.papers} (${shorten(cases[0]!.case!, 80)})`;
    main = cases[0]!.papers;
    cases = cases.slice(1);
  }
  const present = p.papers.filter((g) => g.kind === 'present').flatMap((g) => g.papers);
  if (main.length === 0 && present.length === 0) {
    return [`${t.papers}: ${lang === 'vi' ? 'hồ sơ trên Cổng không ghi rõ' : 'not clear in the portal record'} — ${t.seePage}.`];
  }
  const lines = main.length ? [`${heading}${vn(lang)}:`] : [];
  const shown = main.slice(0, main.length > room.papers ? room.papers - 1 : room.papers);
  lines.push(...shown.map((x) => paperLine(x, lang, room)));
  let more = shown.length < main.length;
  if (present.length) {
    lines.push(`${t.present}: ${present.slice(0, 3).map((x) => shorten(x.name, Math.min(80, room.name))).join('; ')}${vn(lang)}`);
    more ||= present.length > 3;
  }
  const named = cases.filter((g) => g.case !== 'Lưu ý');
  if (named.length) {
    lines.push(`${t.otherCases}: ${named.slice(0, 3).map((g) => shorten(g.case!, Math.min(70, room.name))).join('; ')}${vn(lang)}`);
    more = true;
  }
  if (more) lines.push(t.morePapers);
  return lines;
}

export function stepBlock(p: Procedure, lang: Language, room: Room): string[] {
  const t = L[lang];
  if (!p.steps) return [`${t.steps}: ${lang === 'vi' ? 'hồ sơ trên Cổng không ghi' : 'not stated in the portal record'} — ${t.seePage}.`];
  const all = p.steps.split('\n').map((l) => l.trim()).filter((l) => /\p{L}/u.test(l));
  const shown = all.slice(0, room.steps).map((l) => shorten(l, Math.min(room.line, 220)));
  return [`${t.steps}${vn(lang)}:`, ...shown, ...(all.length > shown.length || shown.some((l, i) => l !== all[i]) ? [t.moreSteps] : [])];
}

export function legalBlock(p: Procedure, lang: Language): string[] {
  const t = L[lang];
  if (p.legalBasis.length === 0) return [`${t.legal}: ${lang === 'vi' ? 'hồ sơ trên Cổng không ghi' : 'not stated in the portal record'}.`];
  const items = p.legalBasis.slice(0, 4).map((l) => `- ${shorten(l.title, 140)}${l.number && !l.title.includes(l.number) ? ` (${l.number})` : ''}`);
  return [`${t.legal}${vn(lang)}:`, ...items, ...(p.legalBasis.length > 4 ? [`(… ${t.seePage})`] : [])];
}
