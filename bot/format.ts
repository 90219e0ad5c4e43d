// Per-channel rendering of engine answers: Telegram HTML (a short first answer, inline buttons,
// pages behind "More") and plain text for Zalo (one message). The lines themselves come from
// answer-lines.ts; splitting and escaping from lines.ts.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Language } from '../domain/records.js';
import type { AskResponse, UnitTasks } from '../domain/contract.js';
import {
  answerLines,
  availableSections,
  citationLines,
  essentialLines,
  LABELS,
  noteLines,
  paperCount,
  paperLines,
  sectionLines,
  TELEGRAM_PAGE_LIMIT,
  type ProcedureSection,
  type RenderOptions,
  type SectionSource,
  unitTaskLines,
} from './answer-lines.js';
import { askBackChoices, choiceLabels, MAX_CHOICES } from './choices.js';
import { heading, lengthOf, splitHtml, textLines, ZALO_TEXT_LIMIT, type Line } from './lines.js';
import { messages } from './messages.js';

export { escapeHtml, packLines, splitHtml, splitPlain, textLines, TELEGRAM_TEXT_LIMIT, ZALO_TEXT_LIMIT, type Line } from './lines.js';
export { answerLines, sectionLines, taskLines, TELEGRAM_PAGE_LIMIT, type ContactLines, type ProcedureSection, type RenderOptions, type SectionSource } from './answer-lines.js';

const CALLBACK_DATA_LIMIT = 64;
/** Longer button texts are cut by the clients anyway. */
const BUTTON_TEXT_MAX = 60;

// ---- channels ---------------------------------------------------------------------------

const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);
const short = (text: string, max: number): string => (Array.from(text).length > max ? `${Array.from(text).slice(0, max - 1).join('')}…` : text);

/** Callback data of a section button: `sec:<section>:<procedure code>`. */
export const sectionData = (section: ProcedureSection, code: string): string => `sec:${section}:${code}`;

/**
 * Buttons, one a row: the candidates of an ask-back first, then the procedure's sections not
 * shown yet, then URLs (portal, links, cited sources, all from the response), then
 * alternatives. Both kinds of choice send `alt:<code>`.
 */
export function answerKeyboard(res: AskResponse, lang: Language = res.language, sections: readonly ProcedureSection[] = []): InlineKeyboardMarkup | undefined {
  const L = LABELS[lang];
  const rows: InlineKeyboardButton[][] = [];
  const fits = (data: string): boolean => Buffer.byteLength(data, 'utf8') <= CALLBACK_DATA_LIMIT;
  const choose = (text: string, code: string): void => {
    const data = `alt:${code}`;
    if (fits(data)) rows.push([{ text, callback_data: data }]);
  };
  const candidates = askBackChoices(res);
  choiceLabels(candidates, BUTTON_TEXT_MAX - 3).forEach((label, i) => choose(`${i + 1}. ${label}`, candidates[i]!.code));
  const code = res.procedure?.code;
  const sectionButtons = code
    ? sections.filter((s) => fits(sectionData(s, code))).map((s) => ({ text: L[`${s}Button`], callback_data: sectionData(s, code) }))
    : [];
  if (sectionButtons.length) rows.push(sectionButtons.slice(0, 2), ...(sectionButtons.length > 2 ? [sectionButtons.slice(2)] : []));
  const urls = new Set<string>();
  const addUrl = (text: string, url: string | undefined): void => {
    if (!url || !isWebUrl(url) || urls.has(url) || urls.size >= 5) return;
    urls.add(url);
    rows.push([{ text: short(text, BUTTON_TEXT_MAX), url }]);
  };
  addUrl(L.portalButton, res.procedure?.url);
  for (const link of res.links) addUrl(link.label, link.url);
  // An ask-back cites each candidate: their buttons are above.
  if (!candidates.length) for (const c of res.citations) addUrl(`📄 ${c.number ?? c.title}`, c.url);
  const alternatives = (res.alternatives ?? []).slice(0, MAX_CHOICES);
  const context = res.procedure ? [res.procedure.name] : [];
  choiceLabels(alternatives, BUTTON_TEXT_MAX - 3, context).forEach((label, i) => choose(`🔎 ${label}`, alternatives[i]!.code));
  return rows.length ? { inline_keyboard: rows } : undefined;
}

/** The "More" button under a page: `more:<answer key>:<page>` (0-based page to send next). */
export function moreButton(key: string, next: number, total: number, lang: Language): InlineKeyboardButton.CallbackButton {
  return { text: `${LABELS[lang].more} (${next + 1}/${total}) ▸`, callback_data: `more:${key}:${next}` };
}

export interface TelegramRendering {
  /** Pages of at most TELEGRAM_PAGE_LIMIT characters: the first is sent, the others on demand. */
  pages: string[];
  /** Attach to the first page. */
  keyboard: InlineKeyboardMarkup | undefined;
}

export function renderTelegram(res: AskResponse, lang: Language = res.language, opts: RenderOptions = {}): TelegramRendering {
  const { lines, shown } = answerLines(res, lang, TELEGRAM_PAGE_LIMIT, opts);
  const source = res.procedure ? { ...res.procedure, steps: opts.record?.steps } : undefined;
  const sections = source ? availableSections(source).filter((s) => s !== shown) : [];
  return { pages: splitHtml(lines, TELEGRAM_PAGE_LIMIT), keyboard: answerKeyboard(res, lang, sections) };
}

/** /hanchot: a unit's tasks in pages, its documents' pages as URL buttons. */
export function renderUnitTasks(u: UnitTasks, lang: Language = u.language): TelegramRendering {
  const urls = [...new Map(u.links.filter((l) => isWebUrl(l.url)).map((l) => [l.url, l])).values()].slice(0, 5);
  const keyboard = urls.length ? { inline_keyboard: urls.map((l) => [{ text: short(l.label, BUTTON_TEXT_MAX), url: l.url }]) } : undefined;
  return { pages: splitHtml(unitTaskLines(u, lang), TELEGRAM_PAGE_LIMIT), keyboard };
}

/** A section asked for by its button: the procedure's name, then the section, in pages. */
export function renderSection(name: string, p: SectionSource, section: ProcedureSection, lang: Language): string[] {
  const lines = sectionLines(p, section, lang);
  if (!lines.length) return [];
  return splitHtml([heading(name), ...lines.slice(1)], TELEGRAM_PAGE_LIMIT);
}

/**
 * Plain text for Zalo, as ONE message: every reply spends one of the few free replies Zalo
 * allows (8 within 48 h), so a long answer keeps its essentials and says where the rest is.
 * No markup; the portal link (or the first link, under its own label) on its own line; an
 * ask-back ends by asking for the number (Zalo has no buttons).
 */
export function renderZalo(res: AskResponse, lang: Language = res.language, opts: RenderOptions & { limit?: number } = {}): string {
  const limit = opts.limit ?? ZALO_TEXT_LIMIT;
  const L = LABELS[lang];
  const footer: Line[] = [];
  const link = res.links.find((l) => isWebUrl(l.url));
  if (res.procedure?.url) footer.push({ text: '' }, { text: `${L.portal}: ${res.procedure.url}` });
  else if (link) footer.push({ text: '' }, { text: `${link.label}: ${link.url}` });
  const choices = askBackChoices(res).length;
  if (choices) footer.push({ text: '' }, { text: messages(lang).pickByNumber(choices) });
  const contact = res.found ? [] : (opts.contact?.(lang) ?? []);
  const room = limit - lengthOf([...contact, ...footer]) - 1;

  let body: Line[];
  if (res.procedure) {
    // Papers are what people ask most: in full when they fit, else counted and pointed to the portal.
    const p = res.procedure;
    const essentials = essentialLines(p, lang);
    const papers = paperLines(p.papers, lang);
    const required = lengthOf([...essentials, ...papers]) <= room || !papers.length ? [...essentials, ...papers] : [...essentials, { text: '' }, { text: L.papersElsewhere(paperCount(p.papers)) }];
    const optional = [...noteLines(res.notes), ...citationLines(res, lang)];
    body = lengthOf([...required, ...optional]) <= room ? [...required, ...optional] : required;
  } else {
    body = answerLines({ ...res, found: true }, lang, room, opts).lines;
  }
  return fitPlain(body, room, res, lang).concat(contact, footer).map((l) => l.text).join('\n').replace(/^\n+/, '');
}

/** The body lines that fit `room`, whole tasks or lines, with a last line saying what was left out. */
function fitPlain(body: Line[], room: number, res: AskResponse, lang: Language): Line[] {
  if (lengthOf(body) <= room) return body;
  const L = LABELS[lang];
  const tasks = res.tasks ?? [];
  const out: Line[] = [];
  let shownTasks = 0;
  const note = (): string => (tasks.length && !res.procedure ? L.moreTasks(tasks.length - shownTasks) : L.cutShort);
  for (const line of body) {
    const next = [...out, line];
    // Leave room for the note; a task is only counted once its last line is in.
    if (lengthOf(next) + 1 + note().length > room) break;
    out.push(line);
    if (line.opensTask) shownTasks++;
  }
  // Never end on a heading or half a task.
  while (out.length && (out[out.length - 1]!.keepWithNext || !out[out.length - 1]!.text.trim())) {
    const dropped = out.pop()!;
    if (dropped.opensTask) shownTasks--;
  }
  return [...out, { text: '' }, { text: note() }].map((l) => ({ ...l, text: cutText(l.text, room) }));
}

const cutText = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Plain bot text (greeting, help) → HTML parts. */
export function renderTextHtml(text: string): string[] {
  return splitHtml(textLines(text));
}
