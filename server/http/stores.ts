// Small stores the API writes to: feedback on answers and the questions the engine could not
// answer. Here both append one JSON object a line under STATE_DIR and read their file back at
// start, so the admin's totals and lists survive a restart; state/ keeps them in PostgreSQL.
import { appendFile, mkdir } from 'node:fs/promises';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Language } from '../../domain/records.js';
import type { AnswerEngine } from '../../domain/contract.js';
import type { FeedbackEntry, FeedbackRequest, UnansweredEntry } from './schemas.js';

export interface FeedbackTotals {
  total: number;
  helpful: number;
  notHelpful: number;
}

/**
 * Reads may answer at once (this file's stores) or later (state/: PostgreSQL, shared by
 * replicas); callers await them either way.
 */
export interface FeedbackStore {
  add(feedback: FeedbackRequest): Promise<FeedbackEntry>;
  /** The question an answer id answered, so that feedback on it can show the question to admins. */
  rememberQuestion(answerId: string, question: string): void | Promise<void>;
  /** Newest first (default: the 200 newest). */
  recent(limit?: number): FeedbackEntry[] | Promise<FeedbackEntry[]>;
  totals(): FeedbackTotals | Promise<FeedbackTotals>;
}

/** The feedback store of one process, which answers at once. */
export interface LocalFeedbackStore extends FeedbackStore {
  rememberQuestion(answerId: string, question: string): void;
  recent(limit?: number): FeedbackEntry[];
  totals(): FeedbackTotals;
}

/** Entries `recent()` gives when no limit is asked. */
export const RECENT_FEEDBACK = 200;

/** The JSON lines of a file written by these stores; a missing file is an empty log, a torn last line is skipped. */
function readLines(file: string | undefined): unknown[] {
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`cannot read ${path.basename(file)} in the state folder`, { cause: err });
  }
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // A line cut short by a crash while appending: the lines before it still count.
    }
  }
  return out;
}

/** Appends lines in order, creating the folder once. */
function lineWriter(file: string): (entry: object) => Promise<void> {
  let dirReady: Promise<unknown> | undefined;
  let queue: Promise<void> = Promise.resolve();
  return (entry) => {
    dirReady ??= mkdir(path.dirname(file), { recursive: true, mode: 0o700 }); // questions are personal data: the service's user only
    // appendFile keeps earlier lines intact if the process dies; the queue keeps their order.
    // A failed line is reported to its caller and does not stop the lines after it.
    const line = queue.catch(() => undefined).then(async () => {
      await dirReady;
      await appendFile(file, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', mode: 0o600 });
    });
    queue = line;
    return line;
  };
}

export function createFeedbackStore(options: { file?: string; recent?: number; now?: () => Date } = {}): LocalFeedbackStore {
  const capacity = options.recent ?? RECENT_FEEDBACK;
  const now = options.now ?? (() => new Date());
  const ring: FeedbackEntry[] = [];
  const totals = { total: 0, helpful: 0, notHelpful: 0 };
  // Answer id → question, for the answers given since start; bounded like the ring.
  const questions = new Map<string, string>();
  const write = options.file ? lineWriter(options.file) : undefined;

  const count = (entry: FeedbackEntry) => {
    ring.push(entry);
    if (ring.length > capacity) ring.shift();
    totals.total += 1;
    if (entry.helpful) totals.helpful += 1;
    else totals.notHelpful += 1;
  };
  for (const line of readLines(options.file)) {
    const e = line as Partial<FeedbackEntry>;
    if (typeof e.answerId === 'string' && typeof e.helpful === 'boolean' && typeof e.at === 'string') count(e as FeedbackEntry);
  }

  return {
    async add(feedback) {
      const question = questions.get(feedback.answerId);
      const entry: FeedbackEntry = { ...feedback, ...(question ? { question } : {}), at: now().toISOString() };
      await write?.(entry);
      count(entry);
      return entry;
    },
    rememberQuestion(answerId, question) {
      questions.delete(answerId);
      questions.set(answerId, question);
      if (questions.size > 20 * capacity) questions.delete(questions.keys().next().value!);
    },
    recent(limit = capacity) {
      return ring.slice(-limit).reverse();
    },
    totals: () => ({ ...totals }),
  };
}

/** The engine as the HTTP API uses it: every answer's question is remembered for the feedback on it. */
export function rememberingQuestions(engine: AnswerEngine, feedback: FeedbackStore): AnswerEngine {
  return {
    async ask(request) {
      const answer = await engine.ask(request);
      // Stored before the answer goes out: feedback on it may reach another replica at once.
      await feedback.rememberQuestion(answer.id, answer.question);
      return answer;
    },
    procedure: (code) => engine.procedure(code),
    search: (query, limit) => engine.search(query, limit),
    tasksFor: (request) => engine.tasksFor(request),
  };
}

export interface UnansweredLog {
  /** Never fails its caller: a question that cannot be kept is reported to the log's onError. */
  record(question: string, language: Language): void;
  /** Most recent first, at most the log's size; a question asked again moves to the top and counts up. */
  list(): UnansweredEntry[] | Promise<UnansweredEntry[]>;
}

/** The log of one process, which answers at once. */
export interface LocalUnansweredLog extends UnansweredLog {
  list(): UnansweredEntry[];
}

/** The key a question is counted under: asked again with other spacing or capitals, it is the same. */
export const unansweredKey = (question: string): string => question.trim().toLowerCase();

export interface UnansweredLogOptions {
  size: number;
  /** JSON lines file (STATE_DIR/unanswered.jsonl); without it the log lives in memory only. */
  file?: string;
  now?: () => Date;
  /** A line that could not be written: the question is still listed until the next restart. */
  onError?: (err: unknown) => void;
}

export function createUnansweredLog(options: UnansweredLogOptions): LocalUnansweredLog {
  const now = options.now ?? (() => new Date());
  // A Map keeps insertion order: delete + set moves a repeated question to the end.
  const entries = new Map<string, UnansweredEntry>();
  const put = (question: string, language: Language, at: string, times: number) => {
    const key = unansweredKey(question);
    const previous = entries.get(key);
    entries.delete(key);
    entries.set(key, { question: question.trim(), language, at, count: (previous?.count ?? 0) + times });
    while (entries.size > options.size) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  };

  const lines = readLines(options.file);
  for (const line of lines) {
    const e = line as Partial<UnansweredEntry>;
    if (typeof e.question === 'string' && (e.language === 'vi' || e.language === 'en') && typeof e.at === 'string') put(e.question, e.language, e.at, e.count ?? 1);
  }
  if (options.file && lines.length > 4 * options.size) compact(options.file, [...entries.values()]);
  const write = options.file ? lineWriter(options.file) : undefined;

  return {
    record(question, language) {
      const at = now().toISOString();
      put(question, language, at, 1);
      write?.({ question: question.trim(), language, at }).catch((err: unknown) => options.onError?.(err));
    },
    list: () => [...entries.values()].reverse(),
  };
}

/** Rewrites a long log as one line per kept question (with its count), at start only. */
function compact(file: string, kept: UnansweredEntry[]): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, kept.map((e) => `${JSON.stringify(e)}\n`).join(''), { encoding: 'utf8', mode: 0o600 });
  renameSync(tmp, file);
}
