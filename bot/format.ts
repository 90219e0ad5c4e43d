// Per-channel rendering of engine answers: Telegram HTML (escaped, split under 4,096, inline
// buttons) and plain text for Zalo (split under 2,000). Lines are split as plain text first and
// escaped after, so a split never falls inside a tag or an entity.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Language, PaperGroup } from '../ingest/domain.js';
import type { AskResponse, Candidate, ProcedureAnswer, TaskAnswer, TaskStatus } from '../server/answer/contract.js';
import { askBackChoices, choiceLabels, MAX_CHOICES } from './choices.js';
import { messages } from './messages.js';

export const TELEGRAM_TEXT_LIMIT = 4096;
/** Zalo allows about 2,000 characters; stay a little under. */
export const ZALO_TEXT_LIMIT = 1990;
const CALLBACK_DATA_LIMIT = 64;
/** Longer button texts are cut by the clients anyway. */
const BUTTON_TEXT_MAX = 60;

/** One line of a message, as plain text; the style is applied when rendering. */
export interface Line {
  text: string;
  style?: 'bold' | 'italic';
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function htmlLine(line: Line): string {
  const body = escapeHtml(line.text);
  if (!body || !line.style) return body;
  return line.style === 'bold' ? `<b>${body}</b>` : `<i>${body}</i>`;
}

// ---- splitting --------------------------------------------------------------------------

/** Cuts one line's plain text into pieces whose rendering fits `limit`, at spaces when possible. */
function cutLine(line: Line, limit: number, render: (l: Line) => string): Line[] {
  if (render(line).length <= limit) return [line];
  const pieces: Line[] = [];
  let current = '';
  const fits = (text: string): boolean => render({ ...line, text }).length <= limit;
  for (const word of line.text.split(/(?<=\s)/)) {
    if (fits(current + word)) {
      current += word;
      continue;
    }
    if (current) pieces.push({ ...line, text: current.trimEnd() });
    current = '';
    // A single word longer than the limit (a URL, a run of symbols): cut by code point.
    for (const ch of Array.from(word)) {
      if (!fits(current + ch)) {
        pieces.push({ ...line, text: current });
        current = '';
      }
      current += ch;
    }
  }
  if (current.trim()) pieces.push({ ...line, text: current.trimEnd() });
  return pieces;
}

/** Packs rendered lines into messages of at most `limit` characters, breaking only between lines. */
export function packLines(lines: readonly Line[], limit: number, render: (l: Line) => string): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = (): void => {
    while (current.length && !current[current.length - 1]!.trim()) current.pop();
    if (current.length) parts.push(current.join('\n'));
    current = [];
    size = 0;
  };
  for (const line of lines) {
    for (const piece of cutLine(line, limit, render)) {
      const text = render(piece);
      if (current.length && size + text.length + 1 > limit) flush();
      if (!current.length && !text.trim()) continue; // no blank line at the top of a message
      size += current.length ? text.length + 1 : text.length;
      current.push(text);
    }
  }
  flush();
  return parts;
}

export const splitHtml = (lines: readonly Line[], limit = TELEGRAM_TEXT_LIMIT): string[] => packLines(lines, limit, htmlLine);
export const splitPlain = (lines: readonly Line[], limit = ZALO_TEXT_LIMIT): string[] => packLines(lines, limit, (l) => l.text);

/** Plain text (e.g. the engine's answer) → lines, blank runs collapsed. */
export function textLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const t = raw.trimEnd();
    if (!t && (!lines.length || !lines[lines.length - 1]!.text)) continue;
    lines.push({ text: t });
  }
  return lines;
}

// ---- answer → lines ---------------------------------------------------------------------

const LABELS = {
  vi: {
    code: 'Mã',
    level: 'Cấp thực hiện',
    agency: 'Nơi nộp',
    submit: 'Giấy tờ phải nộp',
    present: 'Giấy tờ phải xuất trình',
    channels: 'Cách nộp, thời hạn, lệ phí',
    online: 'Trực tuyến',
    'in-person': 'Trực tiếp',
    postal: 'Qua bưu chính',
    tasksOf: 'Nhiệm vụ và hạn chót',
    deadline: 'Hạn',
    via: 'Theo',
    sources: 'Nguồn',
    portal: 'Nộp trực tuyến',
    portalButton: '🌐 Nộp trực tuyến',
    askBack: 'Bạn hỏi về thủ tục nào dưới đây?',
  },
  en: {
    code: 'Code',
    level: 'Level',
    agency: 'Where to file',
    submit: 'Papers to submit',
    present: 'Papers to present',
    channels: 'How to file, time, fee',
    online: 'Online',
    'in-person': 'In person',
    postal: 'By post',
    tasksOf: 'Tasks and deadlines',
    deadline: 'Deadline',
    via: 'Via',
    sources: 'Sources',
    portal: 'Apply online',
    portalButton: '🌐 Apply online',
    askBack: 'Which procedure do you mean?',
  },
} as const;

const STATUS: Record<TaskStatus, { icon: string; vi: string; en: string }> = {
  past: { icon: '✅', vi: 'đã qua', en: 'past' },
  'due-soon': { icon: '⏳', vi: 'sắp đến hạn', en: 'due soon' },
  upcoming: { icon: '📅', vi: 'còn hạn', en: 'upcoming' },
  recurring: { icon: '🔁', vi: 'định kỳ', en: 'recurring' },
  unknown: { icon: '❔', vi: 'chưa rõ hạn', en: 'no clear deadline' },
};

function paperLines(groups: readonly PaperGroup[], lang: Language): Line[] {
  const L = LABELS[lang];
  const lines: Line[] = [];
  for (const kind of ['submit', 'present'] as const) {
    const ofKind = groups.filter((g) => g.kind === kind && g.papers.length);
    if (!ofKind.length) continue;
    lines.push({ text: '' }, { text: `${L[kind]}:`, style: 'bold' });
    for (const group of ofKind) {
      if (group.case) lines.push({ text: group.case, style: 'italic' });
      for (const paper of group.papers) lines.push({ text: `• ${paper.name}${paper.copies ? ` — ${paper.copies}` : ''}` });
    }
  }
  return lines;
}

function procedureLines(p: ProcedureAnswer, lang: Language): Line[] {
  const L = LABELS[lang];
  const lines: Line[] = [{ text: p.name, style: 'bold' }];
  if (lang === 'en' && p.nameEn) lines.push({ text: p.nameEn, style: 'italic' });
  lines.push({ text: `${L.code}: ${p.code}${p.level.length ? ` · ${L.level}: ${p.level.join(', ')}` : ''}` });
  if (p.agency) lines.push({ text: `${L.agency}: ${p.agency}` });
  lines.push(...paperLines(p.papers, lang));
  const channels = p.channels.filter((c) => c.time || c.fee);
  if (channels.length) {
    lines.push({ text: '' }, { text: `${L.channels}:`, style: 'bold' });
    for (const c of channels) {
      const details = [c.time, c.fee].filter(Boolean).join('; ');
      lines.push({ text: `• ${L[c.channel]}: ${details}${c.note ? ` (${c.note})` : ''}` });
    }
  }
  return lines;
}

export function taskLines(task: TaskAnswer, lang: Language): Line[] {
  const L = LABELS[lang];
  const status = STATUS[task.status];
  const source = task.citation.number ?? task.citation.title;
  const lines: Line[] = [{ text: `${status.icon} ${task.text}` }];
  const deadline = task.deadline.text ? `${L.deadline}: ${task.deadline.text} (${status[lang]})` : `(${status[lang]})`;
  lines.push({ text: `   ${deadline} · ${source}` });
  if (task.via) lines.push({ text: `   ${L.via}: ${task.via}`, style: 'italic' });
  return lines;
}

/** The ask-back as a numbered list of the candidates, in their order: a pick by number follows it. */
function candidateLines(choices: readonly Candidate[], lang: Language): Line[] {
  const L = LABELS[lang];
  return [
    { text: L.askBack, style: 'bold' },
    ...choices.map((c, i) => ({ text: `${i + 1}. ${c.name}${c.level.length ? ` — ${c.level.join(', ')}` : ''} (${L.code} ${c.code})` })),
  ];
}

function citationLines(res: AskResponse, lang: Language): Line[] {
  const seen = new Set<string>();
  const lines: Line[] = [];
  for (const c of res.citations) {
    const label = [c.title, c.number && !c.title.includes(c.number) ? c.number : undefined, c.date].filter(Boolean).join(', ');
    if (seen.has(label)) continue;
    seen.add(label);
    lines.push({ text: `• ${label}` });
    if (lines.length >= 5) break;
  }
  return lines.length ? [{ text: '' }, { text: `${LABELS[lang].sources}:`, style: 'italic' }, ...lines] : [];
}

/**
 * The engine's caveats ("Lưu ý: … predates the two-tier government", a rendition's note) live in
 * the prose. When the records replace the prose, these paragraphs are kept: those that are
 * neither a numbered list nor a restatement of a task, and, for procedures, only marked notes.
 */
function noteParagraphs(res: AskResponse): Line[] {
  const taskHeads = (res.tasks ?? []).map((t) => t.text.slice(0, 40));
  const keep = (p: string): boolean =>
    res.procedure
      ? /^(Lưu ý|Ghi chú|Note)\b/i.test(p)
      : !/^\s*\d+[.)]\s/m.test(p) && !taskHeads.some((h) => p.includes(h));
  const paragraphs = res.answer.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  // The first paragraph of a task answer is its heading and list.
  const candidates = res.procedure ? paragraphs : paragraphs.slice(1);
  return candidates.filter(keep).flatMap((p) => [{ text: '' }, ...textLines(p).map((l) => ({ ...l, style: 'italic' as const }))]);
}

/**
 * The lines of an answer, shared by every channel. Structured records take the place of the
 * prose; an ask-back is listed from its candidates (their citations are the same records).
 */
export function answerLines(res: AskResponse, lang: Language = res.language): Line[] {
  const choices = askBackChoices(res);
  if (choices.length) return candidateLines(choices, lang);
  const lines: Line[] = [];
  if (res.procedure) {
    lines.push(...procedureLines(res.procedure, lang), ...noteParagraphs(res));
  } else if (res.tasks?.length) {
    lines.push({ text: res.unit ? `${LABELS[lang].tasksOf}: ${res.unit}` : `${LABELS[lang].tasksOf}:`, style: 'bold' });
    for (const task of res.tasks) lines.push({ text: '' }, ...taskLines(task, lang));
    lines.push(...noteParagraphs(res));
  } else {
    lines.push(...textLines(res.answer));
  }
  lines.push(...citationLines(res, lang));
  return lines;
}

// ---- channels ---------------------------------------------------------------------------

const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);
const short = (text: string, max: number): string => (Array.from(text).length > max ? `${Array.from(text).slice(0, max - 1).join('')}…` : text);

/**
 * Buttons, one a row: the candidates of an ask-back first, then URLs (portal, links, cited
 * sources, all from the response), then alternatives. Both kinds of choice send `alt:<code>`.
 */
export function answerKeyboard(res: AskResponse, lang: Language = res.language): InlineKeyboardMarkup | undefined {
  const rows: InlineKeyboardButton[][] = [];
  const choose = (text: string, code: string): void => {
    const data = `alt:${code}`;
    if (Buffer.byteLength(data, 'utf8') <= CALLBACK_DATA_LIMIT) rows.push([{ text, callback_data: data }]);
  };
  const candidates = askBackChoices(res);
  choiceLabels(candidates, BUTTON_TEXT_MAX - 3).forEach((label, i) => choose(`${i + 1}. ${label}`, candidates[i]!.code));
  const urls = new Set<string>();
  const addUrl = (text: string, url: string | undefined): void => {
    if (!url || !isWebUrl(url) || urls.has(url) || urls.size >= 5) return;
    urls.add(url);
    rows.push([{ text: short(text, BUTTON_TEXT_MAX), url }]);
  };
  addUrl(LABELS[lang].portalButton, res.procedure?.url);
  for (const link of res.links) addUrl(link.label, link.url);
  // An ask-back cites each candidate: their buttons are above.
  if (!candidates.length) for (const c of res.citations) addUrl(`📄 ${c.number ?? c.title}`, c.url);
  const alternatives = (res.alternatives ?? []).slice(0, MAX_CHOICES);
  const context = res.procedure ? [res.procedure.name] : [];
  choiceLabels(alternatives, BUTTON_TEXT_MAX - 3, context).forEach((label, i) => choose(`🔎 ${label}`, alternatives[i]!.code));
  return rows.length ? { inline_keyboard: rows } : undefined;
}

export interface TelegramRendering {
  parts: string[];
  /** Attach to the last part. */
  keyboard: InlineKeyboardMarkup | undefined;
}

export function renderTelegram(res: AskResponse, lang: Language = res.language): TelegramRendering {
  return { parts: splitHtml(answerLines(res, lang)), keyboard: answerKeyboard(res, lang) };
}

/**
 * Plain text for Zalo: no markup; the portal link (or the first link, under its own label) as
 * its own URL line. Zalo has no buttons, so an ask-back ends by asking for the number.
 */
export function renderPlain(res: AskResponse, lang: Language = res.language, limit = ZALO_TEXT_LIMIT): string[] {
  const lines = answerLines(res, lang);
  const link = res.links.find((l) => isWebUrl(l.url));
  if (res.procedure?.url) lines.push({ text: '' }, { text: `${LABELS[lang].portal}: ${res.procedure.url}` });
  else if (link) lines.push({ text: '' }, { text: `${link.label}: ${link.url}` });
  const choices = askBackChoices(res).length;
  if (choices) lines.push({ text: '' }, { text: messages(lang).pickByNumber(choices) });
  return splitPlain(lines, limit);
}

/** Plain bot text (greeting, help) → HTML parts. */
export function renderTextHtml(text: string): string[] {
  return splitHtml(textLines(text));
}
