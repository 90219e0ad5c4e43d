// Conversations in PostgreSQL, shared by replicas: the bots' chat sessions (a grammY
// StorageAdapter per channel) and the answer engine's memory of each conversation's last turn.
import type { StorageAdapter } from 'grammy';
import { SESSION_TTL_MS, type SessionMemory, type Turn } from '../server/answer/sessions.js';
import type { Db } from './db.js';

/** grammY session storage: one JSON value per key, in the rows of `channel` ('telegram', 'zalo'). */
export function createPgSessionStorage<T>(db: Db, channel: string): StorageAdapter<T> {
  return {
    async read(key) {
      const rows = await db.query<{ value: T }>('reading a chat session', 'SELECT value FROM chat_sessions WHERE channel = $1 AND key = $2', [channel, key]);
      return rows[0]?.value;
    },
    async write(key, value) {
      await db.query(
        'saving a chat session',
        `INSERT INTO chat_sessions (channel, key, value, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (channel, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
        [channel, key, JSON.stringify(value)],
      );
    },
    async delete(key) {
      await db.query('deleting a chat session', 'DELETE FROM chat_sessions WHERE channel = $1 AND key = $2', [channel, key]);
    },
  };
}

/** Writes between two sweeps of expired turns. */
const SWEEP_EVERY = 500;

/**
 * The engine's conversation memory: the last turn per session, forgotten `ttlMs` after it was
 * taken, as the in-memory one does (its size is bounded by the sweep of expired turns instead).
 */
export function createPgSessionMemory(db: Db, options: { ttlMs?: number; now?: () => number } = {}): SessionMemory {
  const ttl = options.ttlMs ?? SESSION_TTL_MS;
  const now = options.now ?? Date.now;
  let writes = 0;
  return {
    async last(sessionId) {
      const rows = await db.query<{ turn: Turn; at: string }>('reading a conversation', 'SELECT turn, at FROM conversation_turns WHERE session_id = $1', [sessionId]);
      const row = rows[0];
      return row && now() - Number(row.at) <= ttl ? row.turn : undefined;
    },
    async remember(sessionId, turn) {
      await db.query(
        'saving a conversation',
        `INSERT INTO conversation_turns (session_id, turn, at) VALUES ($1, $2, $3)
         ON CONFLICT (session_id) DO UPDATE SET turn = excluded.turn, at = excluded.at`,
        [sessionId, JSON.stringify(turn), turn.at],
      );
      if (++writes % SWEEP_EVERY === 0) await db.query('forgetting old conversations', 'DELETE FROM conversation_turns WHERE at < $1', [now() - ttl]);
    },
  };
}
