// A deadline question about a topic, without a unit ("báo cáo quý IV về CCHC phải gửi trước ngày
// nào?", "phải giảm bao nhiêu % thời gian giải quyết hồ sơ đất đai?"): the tasks whose text covers
// most of the question's words, with their units and deadlines.
import type { Language } from '../../domain/records.js';
import { fold, type StoredDocument, type StoredTask, syllables } from '../../ingest/index.js';
import type { AnswerPart, TaskAnswer } from '../../domain/contract.js';
import { truncate } from './compose.js';
import type { Knowledge } from './knowledge.js';
import { buildLexicon, type LexiconEntry } from './lexicon.js';
import { byStatus, changesIn, documentFamilies, notesFor, partsText, STATUS_LABEL, taskAnswer, taskLine, type Draft } from './task-answers.js';

/** Words that carry a deadline question's form, not its topic (folded). */
const FORM_PHRASES = /\b(?:cong van|ke hoach|quyet dinh|nghi quyet|van ban|bao nhieu|bao gio|bao lau|khi nao|ngay nao|truoc ngay|han chot|thoi han|la gi|nhu the nao|by when|how much|how many|what date|which date|no later than)\b/g;
const FORM_WORDS = new Set(
  (
    'so moc theo nhung han phai truoc ngay can nao gi la cua cho ve cac nhung va voi co duoc khong the de toi minh hoi may thi o dau tai trong nay do mot hay con roi chua se da nhe a a ' +
    'the a an by when what which must should is are be been of to for on in at how much many date deadline deadlines due does do did we i our it its please and or from with'
  ).split(' '),
);

/** Task vocabulary in English → Vietnamese, so an English question reaches a Vietnamese task. */
const TASK_TERMS: Array<[string, string]> = [
  ['administrative reform', 'cải cách hành chính'],
  ['public administration reform', 'cải cách hành chính'],
  ['par', 'cải cách hành chính'],
  ['report', 'báo cáo'],
  ['reports', 'báo cáo'],
  ['fourth quarter', 'quý iv'],
  ['third quarter', 'quý iii'],
  ['second quarter', 'quý ii'],
  ['first quarter', 'quý i'],
  ['q4', 'quý iv'],
  ['q3', 'quý iii'],
  ['q2', 'quý ii'],
  ['q1', 'quý i'],
  ['quarterly', 'hằng quý'],
  ['send', 'gửi'],
  ['sent', 'gửi'],
  ['submit', 'gửi'],
  ['submitted', 'gửi'],
  ['reduce', 'giảm'],
  ['cut', 'giảm'],
  ['percent', '%'],
  ['processing time', 'thời gian giải quyết'],
  ['settlement time', 'thời gian giải quyết'],
  ['time', 'thời gian'],
  ['land', 'đất đai'],
  ['dossiers', 'hồ sơ'],
  ['dossier', 'hồ sơ'],
  ['applications', 'hồ sơ'],
  ['files', 'hồ sơ'],
  ['procedures', 'thủ tục'],
  ['procedure', 'thủ tục'],
  ['update', 'cập nhật'],
  ['data', 'dữ liệu'],
  ['digitise', 'số hóa'],
  ['digitize', 'số hóa'],
  ['review', 'rà soát'],
  ['internal', 'nội bộ'],
  ['online', 'trực tuyến'],
];

const TASK_ENTRIES: LexiconEntry[] = TASK_TERMS.map(([from, to]) => ({ trigger: fold(from).split(/\s+/), expansion: to }));

const TOPIC_THRESHOLD = 0.6;
const TOPIC_MAX = 5;

/** Folded tokens of a text, with "iv/2026" also as "iv" and "2026". */
function topicTokens(text: string): string[] {
  const out: string[] = [];
  for (const t of syllables(text)) {
    out.push(t);
    if (/[./-]/.test(t)) out.push(...t.split(/[./-]+/).filter(Boolean));
  }
  if (text.includes('%')) out.push('%');
  return out;
}

interface QueryUnit {
  token: string;
  /** Other ways a task may say it (an abbreviation's expansion, a Vietnamese term): every token must occur. */
  alternatives: string[][];
}

function topicQuery(question: string, lexicon: readonly LexiconEntry[]): QueryUnit[] {
  const folded = fold(question).replace(FORM_PHRASES, ' ');
  // "fourth-quarter", "iv/2026": a question's joined words count as their parts.
  const tokens = topicTokens(folded).flatMap((t) => (/[./-]/.test(t) ? [] : [t]));
  const units: QueryUnit[] = tokens.filter((t) => !FORM_WORDS.has(t)).map((t) => ({ token: t, alternatives: [] }));
  const present = new Set(tokens);
  for (const e of [...lexicon, ...TASK_ENTRIES]) {
    // Only entries whose first word occurs can match: the rest of the lexicon is skipped unread.
    if (!present.has(e.trigger[0]!)) continue;
    const n = e.trigger.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      if (!e.trigger.every((w, j) => tokens[i + j] === w)) continue;
      const alt = topicTokens(e.expansion);
      for (const u of units) if (e.trigger.includes(u.token)) u.alternatives.push(alt);
    }
  }
  // One unit per distinct token.
  const byToken = new Map<string, QueryUnit>();
  for (const u of units) {
    const prev = byToken.get(u.token);
    if (prev) prev.alternatives.push(...u.alternatives);
    else byToken.set(u.token, u);
  }
  return [...byToken.values()];
}

/**
 * Tasks whose text best matches a question that names no unit, by the share of the question's
 * (rarity-weighted) words they contain; the answer leads with their deadlines and units. Null
 * when no task covers most of the question.
 */
/**
 * How much of a question a task's text covers (0..1, rarity-weighted over the given texts):
 * "Sở Tư pháp phải hoàn thành rà soát thủ tục … khi nào?" puts the review task first.
 */
export function relevanceTo(question: string, texts: string[], lexicon: readonly LexiconEntry[] = buildLexicon()): (text: string) => number {
  const query = topicQuery(question, lexicon);
  const sets = texts.map((t) => new Set(topicTokens(t)));
  const df = new Map<string, number>();
  for (const w of sets) for (const t of w) df.set(t, (df.get(t) ?? 0) + 1);
  const N = Math.max(1, sets.length);
  // Words no task uses (the unit's own name, "khi nào") say nothing about which task is meant.
  const used = query.filter((u) => df.get(u.token) || u.alternatives.some((a) => a.every((t) => df.get(t))));
  const idf = (t: string) => Math.log(1 + (N - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
  const weights = used.map((u) => (df.get(u.token) ? idf(u.token) : Math.max(...u.alternatives.map((a) => a.reduce((s, t) => s + idf(t), 0) / Math.max(1, a.length)))));
  const total = weights.reduce((a, b) => a + b, 0);
  return (text: string) => {
    if (!total) return 0;
    const words = new Set(topicTokens(text));
    let got = 0;
    used.forEach((u, i) => {
      if (words.has(u.token) || u.alternatives.some((a) => a.every((t) => words.has(t)))) got += weights[i]!;
    });
    return got / total;
  };
}

export function answerTopicDeadlines(
  k: Knowledge,
  question: string,
  lang: Language,
  today: string,
  lexicon: readonly LexiconEntry[] = buildLexicon(),
  only: StoredDocument[] = [],
): Draft | null {
  // The named document's number is how the question points at it, not what it asks about.
  const inNumber = (t: string) => only.some((d) => fold(d.number ?? '').includes(t));
  const query = topicQuery(question, lexicon).filter((u) => !inNumber(u.token));
  // "Công văn 1234 có những mốc thời hạn nào?": a named document and no topic: all its deadlines.
  if (!query.length) return only.length ? allDeadlinesOf(k, only, lang, today) : null;
  const pool: Array<{ doc: StoredDocument; task: StoredTask; words: Set<string> }> = [];
  const inForce = changesIn(k);
  for (const family of documentFamilies(k, lang, only)) {
    const doc = family[0]!;
    for (const task of k.tasksByDocument.get(doc.id) ?? []) {
      // A repealed document's tasks are answered only when the question names the document.
      if (!only.includes(doc) && inForce.ofTask(doc, task).repealedBy) continue;
      pool.push({ doc, task, words: new Set(topicTokens(task.text)) });
    }
  }
  if (!pool.length) return null;
  const df = new Map<string, number>();
  for (const p of pool) for (const w of p.words) df.set(w, (df.get(w) ?? 0) + 1);
  const N = pool.length;
  const idf = (t: string) => Math.log(1 + (N - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
  const weight = (u: QueryUnit) => {
    if (df.get(u.token)) return idf(u.token);
    const alts = u.alternatives.filter((a) => a.every((t) => df.get(t)));
    if (alts.length) return Math.max(...alts.map((a) => a.reduce((s, t) => s + idf(t), 0) / a.length));
    return idf(u.token); // a word no task uses: it counts against every task
  };
  const weights = query.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const scored = pool
    .map((p) => {
      let got = 0;
      let matched = 0;
      query.forEach((u, i) => {
        if (p.words.has(u.token) || u.alternatives.some((a) => a.every((t) => p.words.has(t)))) {
          got += weights[i]!;
          matched++;
        }
      });
      return { ...p, score: total ? got / total : 0, matched };
    })
    .filter((s) => s.matched >= Math.min(2, query.length))
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best || best.score < TOPIC_THRESHOLD) return null;
  const chosen = scored.filter((s) => s.score >= Math.max(TOPIC_THRESHOLD, best.score - 0.1)).slice(0, TOPIC_MAX);
  const changes = changesIn(k);
  const tasks = chosen.map((c) => taskAnswer(c.doc, c.task, today, changes));
  const docs = [...new Set(chosen.map((c) => c.doc))];
  return {
    intent: 'deadline',
    found: true,
    ...composeTopic(tasks, lang, notesFor(docs, null, lang)),
    citations: tasks.map((t) => t.citation),
    links: docs.flatMap((d) => (d.url ? [{ label: d.title, url: d.url }] : [])),
    tasks,
  };
}

/** Every task of the named documents, soonest first: what a "which deadlines does it set?" question wants. */
function allDeadlinesOf(k: Knowledge, only: StoredDocument[], lang: Language, today: string): Draft | null {
  const family = documentFamilies(k, lang, only)[0];
  const doc = family?.[0];
  if (!doc) return null;
  const changes = changesIn(k);
  const tasks = (k.tasksByDocument.get(doc.id) ?? []).map((t) => taskAnswer(doc, t, today, changes)).filter((t) => t.deadline.kind !== 'none');
  if (!tasks.length) return null;
  tasks.sort(byStatus);
  const shown = tasks.slice(0, 8);
  return {
    intent: 'deadline',
    found: true,
    ...composeTopic(
      shown,
      lang,
      notesFor([doc], null, lang),
      lang === 'vi' ? `${doc.number ?? doc.title} đặt ${tasks.length} mốc thời hạn (sắp đến hạn trước):` : `${doc.number ?? doc.title} sets ${tasks.length} deadlines (soonest first):`,
      tasks.length > shown.length ? [lang === 'vi' ? `… và ${tasks.length - shown.length} nhiệm vụ khác.` : `… and ${tasks.length - shown.length} more.`] : [],
    ),
    citations: shown.map((t) => t.citation),
    links: doc.url ? [{ label: doc.title, url: doc.url }] : [],
    // The text shows the first eight; the structured list is whole, for channels that page it.
    tasks,
  };
}

/** The answer text, its parts (the task list, the notes) and the notes. */
function composeTopic(tasks: TaskAnswer[], lang: Language, notes: string[], heading?: string, more: string[] = []): Pick<Draft, 'answer' | 'parts' | 'notes'> {
  const lines: string[] = [];
  if (tasks.length === 1) {
    const t = tasks[0]!;
    const where = `${t.citation.number ?? t.citation.title}${t.citation.section ? `, ${lang === 'vi' ? 'mục' : 'item'} ${t.citation.section}` : ''}`;
    const dl = t.deadline.kind === 'none' ? STATUS_LABEL[lang].unknown : `${t.deadline.text} (${STATUS_LABEL[lang][t.status]})`;
    const units = t.units.join('; ');
    lines.push(
      lang === 'vi'
        ? `Thời hạn: ${dl}${units ? `; đơn vị thực hiện: ${units}` : ''} [${where}].`
        : `Deadline: ${dl}${units ? `; assigned to: ${units}` : ''} [${where}].`,
      `«${truncate(t.text, 400)}»`,
    );
  } else {
    lines.push(heading ?? (lang === 'vi' ? 'Các nhiệm vụ khớp với câu hỏi:' : 'Tasks that match the question:'));
    tasks.forEach((t, i) => lines.push(taskLine(t, i + 1, lang, true)));
  }
  lines.push(...more);
  const parts: AnswerPart[] = [{ kind: 'tasks', text: lines.join('\n') }, ...(notes.length ? [{ kind: 'notes' as const, text: notes.join('\n') }] : [])];
  return { answer: partsText(parts), parts, ...(notes.length ? { notes } : {}) };
}
