// An engine answer as lines, shared by every channel: the structured records (procedure,
// tasks, candidates, notes) take the place of the prose, which is never read for them; a
// procedure gives its essentials first and its sections (papers, steps, legal basis) on demand.
import type { FilingChannel, Language, PaperGroup } from '../domain/records.js';
import type { AskResponse, Candidate, ProcedureAnswer, TaskAnswer, TaskStatus, UnitTasks } from '../domain/contract.js';
import { askBackChoices } from './choices.js';
import { heading, lengthOf, textLines, type Line } from './lines.js';

/** A Telegram page: long answers are sent a page at a time, the next behind a "More" button. */
export const TELEGRAM_PAGE_LIMIT = 2000;

export const LABELS = {
  vi: {
    code: 'Mã',
    level: 'Cấp thực hiện',
    agency: 'Nơi nộp',
    submit: 'Giấy tờ phải nộp',
    present: 'Giấy tờ phải xuất trình',
    channels: 'Thời hạn, lệ phí',
    online: 'Trực tuyến',
    'in-person': 'Trực tiếp',
    postal: 'Qua bưu chính',
    steps: 'Trình tự thực hiện',
    legal: 'Căn cứ pháp lý',
    tasksOf: 'Nhiệm vụ và hạn chót',
    deadline: 'Hạn',
    via: 'Theo',
    role: 'Vai trò',
    roles: { lead: 'chủ trì', support: 'phối hợp' },
    product: 'Sản phẩm',
    amendedBy: (doc: string) => `Thời hạn đã được điều chỉnh theo ${doc}`,
    previous: 'thời hạn cũ',
    repealedBy: (doc: string) => `Không còn hiệu lực theo ${doc}`,
    sources: 'Nguồn',
    portal: 'Nộp trực tuyến',
    portalButton: '🌐 Nộp trực tuyến',
    askBack: 'Bạn hỏi về thủ tục nào dưới đây?',
    papersButton: '📋 Thành phần hồ sơ',
    stepsButton: '🔢 Trình tự',
    legalButton: '⚖️ Căn cứ pháp lý',
    more: 'Xem thêm',
    papersElsewhere: (n: number) => `Thành phần hồ sơ: ${n} loại giấy tờ, xem đầy đủ tại đường dẫn bên dưới.`,
    moreTasks: (n: number) => `… và ${n} nhiệm vụ khác: hỏi lại cụ thể hơn (ví dụ theo năm hoặc văn bản) để xem.`,
    cutShort: '… (câu trả lời đầy đủ dài hơn một tin nhắn)',
    noTasks: (unit: string) => `Trong các văn bản đã nạp, không có nhiệm vụ nào giao cho ${unit} hoặc cho nhóm đơn vị mà ${unit} thuộc về.`,
  },
  en: {
    code: 'Code',
    level: 'Level',
    agency: 'Where to file',
    submit: 'Papers to submit',
    present: 'Papers to present',
    channels: 'Time and fee',
    online: 'Online',
    'in-person': 'In person',
    postal: 'By post',
    steps: 'Steps',
    legal: 'Legal basis',
    tasksOf: 'Tasks and deadlines',
    deadline: 'Deadline',
    via: 'Via',
    role: 'Role',
    roles: { lead: 'lead', support: 'support' },
    product: 'Product',
    amendedBy: (doc: string) => `Deadline changed by ${doc}`,
    previous: 'previous deadline',
    repealedBy: (doc: string) => `No longer in force, by ${doc}`,
    sources: 'Sources',
    portal: 'Apply online',
    portalButton: '🌐 Apply online',
    askBack: 'Which procedure do you mean?',
    papersButton: '📋 Papers',
    stepsButton: '🔢 Steps',
    legalButton: '⚖️ Legal basis',
    more: 'More',
    papersElsewhere: (n: number) => `Papers: ${n} kinds, listed in full at the link below.`,
    moreTasks: (n: number) => `… and ${n} more tasks: ask more precisely (e.g. by year or document) to see them.`,
    cutShort: '… (the full answer is longer than one message)',
    noTasks: (unit: string) => `None of the loaded documents assigns a task to ${unit} or to a group it belongs to.`,
  },
} as const;

const STATUS: Record<TaskStatus, { icon: string; vi: string; en: string }> = {
  past: { icon: '✅', vi: 'đã qua', en: 'past' },
  'due-soon': { icon: '⏳', vi: 'sắp đến hạn', en: 'due soon' },
  upcoming: { icon: '📅', vi: 'còn hạn', en: 'upcoming' },
  recurring: { icon: '🔁', vi: 'định kỳ', en: 'recurring' },
  unknown: { icon: '❔', vi: 'chưa rõ hạn', en: 'no clear deadline' },
};


/** The sections a procedure answer offers on demand (buttons on Telegram). */
export type ProcedureSection = 'papers' | 'steps' | 'legal';
export const PROCEDURE_SECTIONS: readonly ProcedureSection[] = ['papers', 'steps', 'legal'];
/** What the sections are drawn from: the answer's procedure, or the full record (which has steps). */
export type SectionSource = Pick<ProcedureAnswer, 'papers' | 'legalBasis'> & { steps?: string | undefined };

export function paperLines(groups: readonly PaperGroup[], lang: Language): Line[] {
  const L = LABELS[lang];
  const lines: Line[] = [];
  for (const kind of ['submit', 'present'] as const) {
    const ofKind = groups.filter((g) => g.kind === kind && g.papers.length);
    if (!ofKind.length) continue;
    lines.push({ text: '' }, heading(`${L[kind]}:`));
    for (const group of ofKind) {
      if (group.case) lines.push(heading(group.case, 'italic'));
      for (const paper of group.papers) lines.push({ text: `• ${paper.name}${paper.copies ? ` — ${paper.copies}` : ''}` });
    }
  }
  return lines;
}

export const paperCount = (groups: readonly PaperGroup[]): number => groups.reduce((n, g) => n + g.papers.length, 0);

/** One section of a procedure, as asked for by its button; empty when the record has none. */
export function sectionLines(p: SectionSource, section: ProcedureSection, lang: Language): Line[] {
  const L = LABELS[lang];
  if (section === 'papers') return paperLines(p.papers, lang);
  if (section === 'steps') return p.steps?.trim() ? [{ text: '' }, heading(`${L.steps}:`), ...textLines(p.steps.trim())] : [];
  if (!p.legalBasis.length) return [];
  return [
    { text: '' },
    heading(`${L.legal}:`),
    ...p.legalBasis.map((l) => ({ text: `• ${l.title}${l.number && !l.title.includes(l.number) ? ` (${l.number})` : ''}` })),
  ];
}

/** The sections a record has, in button order. */
export function availableSections(p: SectionSource): ProcedureSection[] {
  return PROCEDURE_SECTIONS.filter((s) => (s === 'papers' ? paperCount(p.papers) > 0 : sectionLines(p, s, 'vi').length > 0));
}

/** Channels with the same time, fee and note share one line: "Trực tuyến, trực tiếp: 5 ngày; Miễn phí". */
function channelLines(channels: readonly FilingChannel[], lang: Language): Line[] {
  const L = LABELS[lang];
  const groups = new Map<string, { kinds: string[]; c: FilingChannel }>();
  for (const c of channels.filter((x) => x.time || x.fee)) {
    const key = JSON.stringify([c.time, c.fee, c.note ?? '']);
    const group = groups.get(key) ?? { kinds: [], c };
    group.kinds.push(L[c.channel]);
    groups.set(key, group);
  }
  if (!groups.size) return [];
  const lines: Line[] = [{ text: '' }, heading(`${L.channels}:`)];
  for (const { kinds, c } of groups.values()) {
    const names = kinds.map((k, i) => (i ? k.toLocaleLowerCase(lang) : k)).join(', ');
    const details = [c.time, c.fee].filter(Boolean).join('; ');
    lines.push({ text: `• ${names}: ${details}${c.note ? ` (${c.note})` : ''}` });
  }
  return lines;
}

/** What the procedure is, where to file, and the time and fee: the card's essentials. */
export function essentialLines(p: ProcedureAnswer, lang: Language): Line[] {
  const L = LABELS[lang];
  const lines: Line[] = [{ text: p.name, style: 'bold' }];
  if (lang === 'en' && p.nameEn) lines.push({ text: p.nameEn, style: 'italic' });
  lines.push({ text: `${L.code}: ${p.code}${p.level.length ? ` · ${L.level}: ${p.level.join(', ')}` : ''}` });
  if (p.agency) lines.push({ text: `${L.agency}: ${p.agency}` });
  lines.push(...channelLines(p.channels, lang));
  return lines;
}

export function taskLines(task: TaskAnswer, lang: Language): Line[] {
  const L = LABELS[lang];
  const status = STATUS[task.status];
  const source = task.citation.number ?? task.citation.title;
  // A task's lines stay in one message.
  const lines: Line[] = [{ text: `${status.icon} ${task.text}`, keepWithNext: true, opensTask: true }];
  const deadline = task.deadline.text ? `${L.deadline}: ${task.deadline.text} (${status[lang]})` : `(${status[lang]})`;
  lines.push({ text: `   ${deadline} · ${source}` });
  const extra: Line[] = [];
  if (task.via) extra.push({ text: `   ${L.via}: ${task.via}`, style: 'italic' });
  if (task.role) extra.push({ text: `   ${L.role}: ${L.roles[task.role]}` });
  if (task.product) extra.push({ text: `   ${L.product}: ${task.product}` });
  if (task.amendedBy) {
    const before = (task.previous ?? []).map((d) => d.text).filter(Boolean).join('; ');
    extra.push({ text: `   ${L.amendedBy(changeName(task.amendedBy))}${before ? `; ${L.previous}: ${before}` : ''}`, style: 'italic' });
  }
  if (task.repealedBy) extra.push({ text: `   ${L.repealedBy(changeName(task.repealedBy))}`, style: 'italic' });
  for (const line of extra) {
    lines[lines.length - 1]!.keepWithNext = true;
    lines.push(line);
  }
  return lines;
}

/** A changing document as people name it: its number and date, else its title. */
function changeName(c: NonNullable<TaskAnswer['amendedBy']>): string {
  const name = c.number ?? c.title;
  return c.date ? `${name} (${c.date.split('-').reverse().join('/')})` : name;
}

/** A unit's tasks under their heading, each whole. */
export function taskListLines(unit: string | undefined, tasks: readonly TaskAnswer[], lang: Language): Line[] {
  const lines: Line[] = [heading(unit ? `${LABELS[lang].tasksOf}: ${unit}` : `${LABELS[lang].tasksOf}:`)];
  for (const task of tasks) lines.push({ text: '' }, ...taskLines(task, lang));
  return lines;
}

/**
 * A unit's tasks as /hanchot lists them: every task (pages follow), the caveats, the sources;
 * a unit without tasks says so.
 */
export function unitTaskLines(u: UnitTasks, lang: Language): Line[] {
  const sources = citationLines({ citations: u.tasks.map((t) => t.citation) }, lang);
  if (!u.tasks.length) return [heading(`${LABELS[lang].tasksOf}: ${u.unit}`), { text: '' }, { text: LABELS[lang].noTasks(u.unit) }, ...noteLines(u.notes)];
  return [...taskListLines(u.unit, u.tasks, lang), ...noteLines(u.notes), ...sources];
}

/** The ask-back as a numbered list of the candidates, in their order: a pick by number follows it. */
function candidateLines(choices: readonly Candidate[], lang: Language): Line[] {
  const L = LABELS[lang];
  return [
    heading(L.askBack),
    ...choices.map((c, i) => ({ text: `${i + 1}. ${c.name}${c.level.length ? ` — ${c.level.join(', ')}` : ''} (${L.code} ${c.code})` })),
  ];
}

export function citationLines(res: Pick<AskResponse, 'citations'>, lang: Language): Line[] {
  const seen = new Set<string>();
  const lines: Line[] = [];
  for (const c of res.citations) {
    const label = [c.title, c.number && !c.title.includes(c.number) ? c.number : undefined, c.date].filter(Boolean).join(', ');
    if (seen.has(label)) continue;
    seen.add(label);
    lines.push({ text: `• ${label}` });
    if (lines.length >= 5) break;
  }
  return lines.length ? [{ text: '' }, heading(`${LABELS[lang].sources}:`, 'italic'), ...lines] : [];
}

/** The answer's caveats ("Lưu ý: … predates the two-tier government", a merger, a rendition's note), from its `notes`. */
export function noteLines(notes: readonly string[] | undefined): Line[] {
  return (notes ?? []).flatMap((note) => [{ text: '' }, ...textLines(note).map((l) => ({ ...l, style: 'italic' as const }))]);
}

/** How the channels can reach people (a hotline, a desk): shown with every "not found". */
export interface ContactLines {
  (lang: Language): Line[];
}

export interface RenderOptions {
  /** The full record of the procedure answered (it has the steps, which the answer does not carry). */
  record?: SectionSource | undefined;
  /** Lines that say how to reach a person; added to every "not found" answer. */
  contact?: ContactLines | undefined;
}

/** The first, short answer to a procedure: the essentials, plus the section asked about when it fits. */
function procedureLines(res: AskResponse & { procedure: ProcedureAnswer }, lang: Language, budget: number, opts: RenderOptions): { lines: Line[]; shown?: ProcedureSection } {
  const p = res.procedure;
  const lines = essentialLines(p, lang);
  const tail = [...noteLines(res.notes), ...citationLines(res, lang)];
  const asked = PROCEDURE_SECTIONS.find((s) => s === res.aspect);
  if (asked) {
    const section = sectionLines({ ...p, steps: opts.record?.steps }, asked, lang);
    if (section.length && lengthOf([...lines, ...section, ...tail]) <= budget) return { lines: [...lines, ...section, ...tail], shown: asked };
  }
  return { lines: [...lines, ...tail] };
}

/**
 * The lines of an answer, shared by every channel. Structured records take the place of the
 * prose; an ask-back is listed from its candidates (their citations are the same records).
 * A procedure gives its essentials only (`budget` decides whether the section asked about fits).
 */
export function answerLines(res: AskResponse, lang: Language = res.language, budget = TELEGRAM_PAGE_LIMIT, opts: RenderOptions = {}): { lines: Line[]; shown?: ProcedureSection } {
  const choices = askBackChoices(res);
  if (choices.length) return { lines: candidateLines(choices, lang) };
  const contact = res.found ? [] : (opts.contact?.(lang) ?? []);
  if (res.procedure) {
    const first = procedureLines({ ...res, procedure: res.procedure }, lang, budget, opts);
    return { ...first, lines: [...first.lines, ...contact] };
  }
  const lines: Line[] = [];
  if (res.tasks?.length) {
    lines.push(...taskListLines(res.unit, res.tasks, lang), ...noteLines(res.notes));
  } else {
    lines.push(...textLines(res.answer));
  }
  lines.push(...citationLines(res, lang), ...contact);
  return { lines };
}
