// Feedback on answers and the log of unanswered questions in PostgreSQL: the admin's totals and
// lists over every replica's answers. The question an answer answered is stored with the answer
// id, so feedback sent to another replica than the one that answered still shows it.
import type { Language } from '../domain/records.js';
import { RECENT_FEEDBACK, unansweredKey, type FeedbackStore, type UnansweredLog } from '../server/http/stores.js';
import type { FeedbackEntry, UnansweredEntry } from '../server/http/schemas.js';
import type { Db } from './db.js';

/** Answers whose question is kept for feedback: a day is longer than anyone waits to click. */
const QUESTION_KEPT_MS = 24 * 3600_000;
/** Answers between two sweeps of the questions kept. */
const SWEEP_EVERY = 1000;

interface FeedbackRow {
  answer_id: string;
  helpful: boolean;
  comment: string | null;
  question: string | null;
  at: Date;
}

const entry = (r: FeedbackRow): FeedbackEntry => ({
  answerId: r.answer_id,
  ...(r.question !== null ? { question: r.question } : {}),
  helpful: r.helpful,
  ...(r.comment !== null ? { comment: r.comment } : {}),
  at: r.at.toISOString(),
});

export function createPgFeedbackStore(db: Db, options: { now?: () => Date; onError?: (err: unknown) => void } = {}): FeedbackStore {
  const now = options.now ?? (() => new Date());
  let remembered = 0;
  return {
    async add(feedback) {
      const rows = await db.query<FeedbackRow>(
        'saving feedback',
        `INSERT INTO feedback (answer_id, helpful, comment, question, at)
         VALUES ($1, $2, $3, (SELECT question FROM answered_questions WHERE answer_id = $1), $4)
         RETURNING answer_id, helpful, comment, question, at`,
        [feedback.answerId, feedback.helpful, feedback.comment ?? null, now()],
      );
      return entry(rows[0]!);
    },
    async rememberQuestion(answerId, question) {
      // The database's clock: these rows only age, nobody reads their time.
      await db.query(
        "remembering an answer's question",
        'INSERT INTO answered_questions (answer_id, question) VALUES ($1, $2) ON CONFLICT (answer_id) DO UPDATE SET question = excluded.question, at = now()',
        [answerId, question],
      );
      if (++remembered % SWEEP_EVERY === 0) {
        await db
          .query('forgetting old questions', 'DELETE FROM answered_questions WHERE at < now() - make_interval(secs => $1)', [QUESTION_KEPT_MS / 1000])
          .catch((err: unknown) => options.onError?.(err));
      }
    },
    recent: async (limit = RECENT_FEEDBACK) =>
      (await db.query<FeedbackRow>('reading feedback', 'SELECT answer_id, helpful, comment, question, at FROM feedback ORDER BY id DESC LIMIT $1', [limit])).map(entry),
    async totals() {
      const rows = await db.query<{ total: number; helpful: number }>(
        'counting feedback',
        'SELECT count(*)::int AS total, (count(*) FILTER (WHERE helpful))::int AS helpful FROM feedback',
      );
      const { total = 0, helpful = 0 } = rows[0] ?? {};
      return { total, helpful, notHelpful: total - helpful };
    },
  };
}

export interface PgUnansweredLogOptions {
  /** How many questions are listed (and kept). */
  size: number;
  now?: () => Date;
  /** A question that could not be saved (the database is away): the caller's answer goes on. */
  onError?: (err: unknown) => void;
}

interface UnansweredRow {
  question: string;
  language: Language;
  at: Date;
  count: number;
}

export interface PgUnansweredLog extends UnansweredLog {
  /** Settles when the questions recorded so far are saved (or failed): for shutdown and tests. */
  settled(): Promise<void>;
}

export function createPgUnansweredLog(db: Db, options: PgUnansweredLogOptions): PgUnansweredLog {
  const now = options.now ?? (() => new Date());
  let queue: Promise<void> = Promise.resolve();
  const save = async (question: string, language: Language, at: Date): Promise<void> => {
    await db.query(
      'recording an unanswered question',
      `INSERT INTO unanswered (key, question, language, at, count) VALUES ($1, $2, $3, $4, 1)
       ON CONFLICT (key) DO UPDATE SET question = excluded.question, language = excluded.language, at = excluded.at,
         count = unanswered.count + 1, seq = nextval(pg_get_serial_sequence('unanswered', 'seq'))`,
      [unansweredKey(question), question.trim(), language, at],
    );
    // Beyond its size the least recently asked go, as in the file's log (a question asked again later counts from one).
    await db.query('trimming the unanswered questions', 'DELETE FROM unanswered WHERE seq <= (SELECT seq FROM unanswered ORDER BY seq DESC OFFSET $1 LIMIT 1)', [options.size]);
  };
  return {
    record(question, language) {
      const at = now();
      // In order, so that the last asked is the newest; a failure does not stop the ones after it.
      queue = queue.then(() => save(question, language, at)).catch((err: unknown) => options.onError?.(err));
    },
    list: async () =>
      (
        await db.query<UnansweredRow>('reading the unanswered questions', 'SELECT question, language, at, count FROM unanswered ORDER BY seq DESC LIMIT $1', [options.size])
      ).map((r): UnansweredEntry => ({ question: r.question, language: r.language, at: r.at.toISOString(), count: r.count })),
    settled: () => queue,
  };
}
