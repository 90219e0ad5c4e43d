// The record of reminders sent (bot/reminders.ts SentReminders), so that each goes out once: in
// memory, in a file (one machine), or in PostgreSQL, shared by every replica.
//
// Exactly once is not on offer: Telegram's sendMessage has no idempotency key, so a process that
// dies after Telegram took a message and before the record says so leaves it unknown whether it
// went. We choose AT LEAST ONCE for that window: a deadline reminder that is lost costs more than
// one that arrives twice. The window is one round trip (Telegram's answer, then COMMIT); a leader
// killed anywhere else — between messages, while reading tasks — leaves no double and no gap.
import os from 'node:os';
import pg from 'pg';
import { keyOf, type ReminderKey, type SentReminders } from '../bot/reminders.js';
import { JsonFile } from '../bot/storage.js';

export type ReminderRecordErrorCode = 'REMINDER_BUSY' | 'REMINDER_UNRECORDED';

/** The record could not say whether a reminder was sent: it is left for the next run. */
export class ReminderRecordError extends Error {
  readonly code: ReminderRecordErrorCode;
  constructor(code: ReminderRecordErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReminderRecordError';
    this.code = code;
  }
}

const unique = (keys: readonly ReminderKey[]): ReminderKey[] => [...new Map(keys.map((k) => [keyOf(k), k])).values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));

/**
 * One process's record over `load`/`save`: callers in this process that share a key wait for one
 * another, so a key is sent by one of them.
 */
function inProcess(load: () => Promise<Record<string, string>>, save: (sent: readonly ReminderKey[], at: string) => Promise<void>, prune: (before: string) => Promise<void>): SentReminders {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    async sendOnce(keys, send) {
      for (;;) {
        const sent = await load();
        const busy = keys.map((k) => inFlight.get(keyOf(k))).filter((p) => p !== undefined);
        if (busy.length) {
          await Promise.allSettled(busy);
          continue;
        }
        // From here to the claim nothing awaits: no other caller can slip in between.
        const mine = unique(keys).filter((k) => sent[keyOf(k)] === undefined);
        if (!mine.length) return [];
        const work = send(mine).then(() => save(mine, new Date().toISOString()));
        for (const k of mine) inFlight.set(keyOf(k), work);
        try {
          await work;
          return mine;
        } finally {
          for (const k of mine) if (inFlight.get(keyOf(k)) === work) inFlight.delete(keyOf(k));
        }
      }
    },
    prune: (before) => prune(before.toISOString()),
  };
}

export function createMemorySentReminders(): SentReminders {
  const sent: Record<string, string> = {};
  return inProcess(
    async () => sent,
    async (keys, at) => {
      for (const k of keys) sent[keyOf(k)] = at;
    },
    async (before) => {
      for (const [key, at] of Object.entries(sent)) if (at < before) delete sent[key];
    },
  );
}

/** One machine: the record in a JSON file (0600, rewritten atomically), so a restart keeps it. */
export function createFileSentReminders(path: string): SentReminders {
  const file = new JsonFile<{ sent: Record<string, string> }>(path, () => ({ sent: {} }));
  return inProcess(
    async () => (await file.read()).sent,
    (keys, at) =>
      file.update((v) => {
        for (const k of keys) v.sent[keyOf(k)] = at;
      }),
    (before) =>
      file.update((v) => {
        for (const [key, at] of Object.entries(v.sent)) if (at < before) delete v.sent[key];
      }),
  );
}

export interface PgSentRemindersOptions {
  pool: pg.Pool;
  /** The schema of the table, created by migration 002 (default: the connection's search_path, usually public). */
  schema?: string;
  /** Who sent, for the record (default host:pid). */
  replica?: string;
  /**
   * How long one claim may stay open while its messages are sent (default 120 s: grammY's
   * timeouts and retries end well before). Past it PostgreSQL ends the session, the claim is
   * dropped and the reminder goes to the next run.
   */
  holdMs?: number;
}

/**
 * The record in PostgreSQL. A claim is a transaction: INSERT … ON CONFLICT DO NOTHING of the keys,
 * the messages sent, COMMIT. Nobody else ever sees a claim half done: a replica inserting the same
 * key waits on the open insert, then finds it committed (sent: skipped) or rolled back (its sender
 * failed or died: it sends). A leader killed mid-send loses its connection, PostgreSQL rolls its
 * claim back, and the next leader sends those messages. A status column ("sending", then "sent")
 * would never be seen by anyone but its own transaction, so there is none.
 */
export async function createPgSentReminders(o: PgSentRemindersOptions): Promise<SentReminders> {
  const table = o.schema ? `${pg.escapeIdentifier(o.schema)}.sent_reminders` : 'sent_reminders';
  const replica = o.replica ?? `${os.hostname()}:${process.pid}`;
  const holdMs = o.holdMs ?? 120_000;

  return {
    async sendOnce(keys, send) {
      const wanted = unique(keys);
      if (!wanted.length) return [];
      const client = await o.pool.connect();
      let sent = false;
      let broken: Error | undefined;
      // The session may die while a message is on its way (a restart, a cut): the pool does not
      // listen on a client it lent out, and an unheard 'error' would end the process.
      const onError = (error: Error): void => void (broken = error);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        // Waits for another replica's claim on the same keys a little longer than a claim may last.
        await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${holdMs}; SET LOCAL lock_timeout = ${holdMs + 10_000}`);
        const { rows } = await client.query<{ chat_id: string; unit: string; task_id: string; occasion: string }>(
          `INSERT INTO ${table} (chat_id, unit, task_id, occasion, sent_by)
           SELECT k.chat_id, k.unit, k.task_id, k.occasion, $5 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS k(chat_id, unit, task_id, occasion)
           ON CONFLICT DO NOTHING
           RETURNING chat_id::text, unit, task_id, occasion`,
          [wanted.map((k) => k.chatId), wanted.map((k) => k.unit), wanted.map((k) => k.taskId), wanted.map((k) => k.occasion), replica],
        );
        const claimed = new Set(rows.map((r) => keyOf({ chatId: Number(r.chat_id), unit: r.unit, taskId: r.task_id, occasion: r.occasion })));
        const mine = wanted.filter((k) => claimed.has(keyOf(k)));
        if (mine.length) {
          await send(mine);
          sent = true;
        }
        await client.query(mine.length ? 'COMMIT' : 'ROLLBACK');
        return mine;
      } catch (error) {
        await client.query('ROLLBACK').catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
        if (sent) throw new ReminderRecordError('REMINDER_UNRECORDED', 'reminder sent but not recorded: the next run sends it again', { cause: error });
        if ((error as { code?: string }).code === '55P03') throw new ReminderRecordError('REMINDER_BUSY', 'another replica is still sending this reminder', { cause: error });
        throw error;
      } finally {
        client.off('error', onError);
        // A broken connection is not handed to anyone else.
        client.release(broken);
      }
    },
    async prune(before) {
      await o.pool.query(`DELETE FROM ${table} WHERE sent_at < $1`, [before]);
    },
  };
}
