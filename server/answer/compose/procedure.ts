// The answer text for a procedure question: the first line answers what was asked, then the
// essentials in a few short lines, caveats, the procedure's name and code, and the source. The
// full record travels in the response's structured `procedure` field, not in this text.
import type { Language, Procedure } from '../../../domain/records.js';
import type { AnswerPart, AnswerPartKind, ProcedureAspect } from '../../../domain/contract.js';
import { feeFact, legalBlock, onlineFact, paperBlock, ROOMS, stepBlock, timeFact, whereFact, type Fact, type Room } from './facts.js';
import { L, levelName } from './labels.js';
import { shorten } from './text.js';

export interface ComposeOptions {
  /** Today in Hanoi, YYYY-MM-DD: which time-limited fee applies depends on it. */
  today?: string;
}

/** About what a chat message of a procedure answer should hold; the record has the rest. */
export const ANSWER_BUDGET = 1200;

type Essential = 'time' | 'fee' | 'where' | 'online';

const ESSENTIALS: Record<ProcedureAspect, Essential[]> = {
  papers: ['time', 'fee', 'where', 'online'],
  overview: ['time', 'fee', 'where', 'online'],
  fee: ['time', 'where', 'online'],
  time: ['fee', 'where', 'online'],
  where: ['online', 'time', 'fee'],
  online: ['where', 'time', 'fee'],
  steps: ['time', 'fee', 'where', 'online'],
  legal: ['where', 'online'],
};

/** "Thủ tục đăng ký khai sinh — mã 1.001193 (Cấp xã)"; the label only where the name does not say it. */
function nameLine(p: Procedure, lang: Language, max: number): string {
  const t = L[lang];
  const name = lang === 'vi' ? p.name : p.nameEn ? `${p.nameEn} (${p.name})` : `${p.name} (in Vietnamese)`;
  const label = lang === 'vi' && /^thủ tục\s/iu.test(p.name) ? '' : `${t.procedure}: `;
  const level = levels(p, lang);
  return `${label}${shorten(name, max)} — ${t.code} ${p.code}${level ? ` (${level})` : ''}`;
}

function levels(p: Procedure, lang: Language): string {
  return p.level.map((l) => levelName(l, lang)).join(', ');
}

/** A procedure answer: the text, its paragraphs by kind, and its caveats (as the text words them). */
export interface ComposedProcedure {
  text: string;
  parts: AnswerPart[];
  notes: string[];
}

const LEAD_KIND: Record<ProcedureAspect, AnswerPartKind> = {
  papers: 'papers',
  overview: 'papers',
  steps: 'steps',
  legal: 'legal',
  fee: 'fee',
  time: 'time',
  where: 'where',
  online: 'online',
};

function build(p: Procedure, aspect: ProcedureAspect, lang: Language, alternatives: Procedure[], today: string | undefined, room: Room): ComposedProcedure {
  const t = L[lang];
  const facts: Record<Essential, Fact> = {
    time: timeFact(p, lang),
    fee: feeFact(p, lang, today, aspect !== 'fee'),
    where: whereFact(p, lang, room),
    online: onlineFact(p, lang),
  };
  const lead: string[] =
    aspect === 'papers' || aspect === 'overview'
      ? paperBlock(p, lang, aspect === 'overview' ? { ...room, papers: Math.min(room.papers, 6) } : room)
      : aspect === 'steps'
        ? stepBlock(p, lang, room)
        : aspect === 'legal'
          ? legalBlock(p, lang)
          : [facts[aspect].line];
  const essentials = ESSENTIALS[aspect].filter((k) => k !== aspect).map((k) => shorten(facts[k].line, k === 'online' ? 400 : room.line));
  // Fee caveats belong to a fee question; the district note to any answer that names the agency.
  const notes = [...facts.where.notes, ...(aspect === 'fee' ? facts.fee.notes : [])].map((n) => `${t.note}: ${n}`);
  const name = nameLine(p, lang, room.line - 60);
  const alt = alternatives.length
    ? [`${t.alternatives}${t.inVietnamese}: ${alternatives.slice(0, 3).map((a) => `${shorten(a.name, Math.round(room.name * 0.6))} (${t.code} ${a.code})`).join('; ')}`]
    : [];
  const parts = (
    [
      { kind: LEAD_KIND[aspect], text: lead.join('\n') },
      { kind: 'essentials', text: essentials.join('\n') },
      { kind: 'notes', text: notes.join('\n') },
      { kind: 'procedure', text: name },
      { kind: 'alternatives', text: alt.join('\n') },
      { kind: 'source', text: `${t.source}, ${t.code} ${p.code}.` },
    ] satisfies AnswerPart[]
  ).filter((part) => part.text.trim() !== '');
  return { text: parts.map((part) => part.text).join('\n\n'), parts, notes };
}

/**
 * The answer text for a procedure, leading with what was asked. `alternatives` are near
 * neighbours the person may mean instead; `today` decides which time-limited fee applies.
 */
export function composeProcedure(p: Procedure, aspect: ProcedureAspect, lang: Language, alternatives: Procedure[], options: ComposeOptions = {}): string {
  return composeProcedureParts(p, aspect, lang, alternatives, options).text;
}

/** composeProcedure with the paragraphs by kind and the caveats, for the response's `parts` and `notes`. */
export function composeProcedureParts(p: Procedure, aspect: ProcedureAspect, lang: Language, alternatives: Procedure[], options: ComposeOptions = {}): ComposedProcedure {
  let composed: ComposedProcedure = { text: '', parts: [], notes: [] };
  for (const room of ROOMS) {
    composed = build(p, aspect, lang, alternatives, options.today, room);
    if (composed.text.length <= ANSWER_BUDGET) break;
  }
  return composed;
}

/**
 * The ask-back answer when several procedures fit: their names and levels, numbered. With
 * `nearest`, none fits clearly: the text says so and offers them as the closest only.
 */
export function composeCandidates(candidates: Procedure[], lang: Language, nearest = false): string {
  const t = nearest ? { ...L[lang], ask: L[lang].askNearest, pick: L[lang].pickNearest } : L[lang];
  const shown = candidates.slice(0, 5);
  const fixed = t.ask.length + t.pick.length + 4;
  const line = (p: Procedure, i: number, max: number) => {
    const level = levels(p, lang);
    const name = lang === 'en' && p.nameEn ? p.nameEn : p.name;
    return `${i + 1}. ${shorten(name, max)}${level ? ` — ${level}` : ''} (${t.code} ${p.code})`;
  };
  // Names share what room is left under 600 characters.
  let max = 160;
  let lines = shown.map((p, i) => line(p, i, max));
  while (max > 30 && fixed + lines.reduce((n, l) => n + l.length + 1, 0) > 600) {
    max -= 10;
    lines = shown.map((p, i) => line(p, i, max));
  }
  return [t.ask, ...lines, t.pick].join('\n');
}

const ACROSS_LEAD: Record<Language, Record<Essential, string>> = {
  vi: {
    fee: 'Lệ phí của từng thủ tục bạn đang cân nhắc:',
    time: 'Thời hạn giải quyết của từng thủ tục bạn đang cân nhắc:',
    where: 'Nơi nộp hồ sơ của từng thủ tục bạn đang cân nhắc:',
    online: 'Nộp trực tuyến với từng thủ tục bạn đang cân nhắc:',
  },
  en: {
    fee: 'The fee of each procedure you are choosing between:',
    time: 'The processing time of each procedure you are choosing between:',
    where: 'Where to file each procedure you are choosing between:',
    online: 'Online filing for each procedure you are choosing between:',
  },
};

/** Whether a follow-up's aspect is a one-line fact that can be given for every choice at once. */
export function isOneLineAspect(aspect: ProcedureAspect): aspect is Essential {
  return aspect === 'fee' || aspect === 'time' || aspect === 'where' || aspect === 'online';
}

/**
 * "còn lệ phí?" while an ask-back's choices are open: the asked fact for each choice, numbered as
 * the choices were, then how to pick one. Each line is the record's own, shortened to fit.
 */
export function composeAspectAcross(candidates: Procedure[], aspect: Essential, lang: Language, today?: string): string {
  const t = L[lang];
  const room = ROOMS[ROOMS.length - 2]!;
  const lines = candidates.slice(0, 5).map((p, i) => {
    const fact = { fee: () => feeFact(p, lang, today, true), time: () => timeFact(p, lang), where: () => whereFact(p, lang, room), online: () => onlineFact(p, lang) }[aspect]();
    const name = lang === 'en' && p.nameEn ? p.nameEn : p.name;
    return `${i + 1}. ${shorten(name, 90)} (${t.code} ${p.code}) — ${shorten(fact.line, 260)}`;
  });
  return [ACROSS_LEAD[lang][aspect], ...lines, t.pick].join('\n');
}
