// Telegram reminder subscriptions in PostgreSQL: one row per chat and unit, so that every
// replica sees who subscribed where, and a subscription made twice (on two replicas at once
// too) stays one.
import type { Language } from '../domain/records.js';
import { unitKey, type Subscription, type SubscriptionStore } from '../bot/storage.js';
import type { Db } from './db.js';

interface Row {
  chat_id: string;
  unit: string;
  language: Language;
  created_at: Date;
  last_run: Date | null;
  seen: string[];
  sent: string[];
}

const COLUMNS = 'chat_id, unit, language, created_at, last_run, seen, sent';

function subscription(row: Row): Subscription {
  return {
    chatId: Number(row.chat_id),
    unit: row.unit,
    language: row.language,
    createdAt: row.created_at.toISOString(),
    ...(row.last_run ? { lastRun: row.last_run.toISOString() } : {}),
    seen: row.seen,
    sent: row.sent,
  };
}

export function createPgSubscriptionStore(db: Db): SubscriptionStore {
  return {
    list: async () => (await db.query<Row>('reading subscriptions', `SELECT ${COLUMNS} FROM subscriptions ORDER BY id`)).map(subscription),
    forChat: async (chatId) =>
      (await db.query<Row>("reading a chat's subscriptions", `SELECT ${COLUMNS} FROM subscriptions WHERE chat_id = $1 ORDER BY id`, [chatId])).map(subscription),
    async add({ chatId, unit, language, now }) {
      // An existing subscription keeps its unit as first written and takes the new language.
      const rows = await db.query<Row>(
        'subscribing',
        `INSERT INTO subscriptions (chat_id, unit, unit_key, language, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (chat_id, unit_key) DO UPDATE SET language = excluded.language
         RETURNING ${COLUMNS}`,
        [chatId, unit, unitKey(unit), language, now],
      );
      return subscription(rows[0]!);
    },
    async remove(chatId, unit) {
      const rows =
        unit === undefined
          ? await db.query('unsubscribing', 'DELETE FROM subscriptions WHERE chat_id = $1 RETURNING id', [chatId])
          : await db.query('unsubscribing', 'DELETE FROM subscriptions WHERE chat_id = $1 AND unit_key = $2 RETURNING id', [chatId, unitKey(unit)]);
      return rows.length;
    },
    async record(chatId, unit, state) {
      await db.query('recording a reminder run', 'UPDATE subscriptions SET last_run = $3, seen = $4, sent = $5 WHERE chat_id = $1 AND unit_key = $2', [
        chatId,
        unitKey(unit),
        state.lastRun,
        JSON.stringify(state.seen),
        JSON.stringify(state.sent),
      ]);
    },
  };
}
