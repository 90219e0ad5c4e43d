// Where the service keeps what it must remember, chosen by DATABASE_URL: unset, the files under
// STATE_DIR that one machine has always used (and this process's memory where it keeps none);
// set, PostgreSQL, shared by replicas, its schema migrated first. PostgreSQL's modules are loaded
// only then, the bots' stores only when a bot is configured.
import path from 'node:path';
import type { StorageAdapter } from 'grammy';
import type { SentReminders } from '../bot/reminders.js';
import type { SubscriptionStore, ZaloTokens, ZaloTokenStore } from '../bot/storage.js';
import type { SessionMemory } from '../server/answer/sessions.js';
import { createFeedbackStore, createUnansweredLog, type FeedbackStore, type UnansweredLog } from '../server/http/stores.js';
import type { IngestJobStore } from '../server/ingest-jobs.js';
import { CONFIRMATIONS_FILE, createFileConfirmationStore, type ConfirmationStore } from '../server/redefinitions.js';
import type { DatabaseSettings, StateLogger } from './db.js';

export interface Stores {
  confirmations: ConfirmationStore;
  feedback: FeedbackStore;
  unanswered: UnansweredLog;
  /** Absent: the engine remembers conversations in this process. */
  conversations?: SessionMemory;
  /** Absent: the admin backend keeps its runs in this process. */
  ingestJobs?: IngestJobStore;
  /** The bots' stores, loaded when a bot is configured. */
  bots(): Promise<BotStores>;
  /** After the app has closed: writes still queued are finished, the pool ended. */
  close(): Promise<void>;
}

export interface BotStores {
  telegramSessions<T>(): StorageAdapter<T>;
  /** Absent: Zalo's pending choices are kept in this process. */
  zaloSessions?<T>(): StorageAdapter<T>;
  subscriptions(): SubscriptionStore;
  /** What reminders went out, so that each goes once (across replicas, and a leader that died mid-run). */
  sentReminders(): Promise<SentReminders>;
  /** `configured`: the pair in the environment, which wins over a kept pair not refreshed from it. */
  zaloTokens(configured: ZaloTokens): ZaloTokenStore;
}

export async function openStores(settings: { stateDir: string; database: DatabaseSettings | null }, log: StateLogger & { child(b: object): StateLogger }): Promise<Stores> {
  const notSaved = (err: unknown) => log.warn({ err }, 'unanswered question not saved');
  if (!settings.database) {
    const file = (name: string) => path.join(settings.stateDir, name);
    return {
      confirmations: createFileConfirmationStore(file(CONFIRMATIONS_FILE)),
      feedback: createFeedbackStore({ file: file('feedback.jsonl') }),
      unanswered: createUnansweredLog({ size: 200, file: file('unanswered.jsonl'), onError: notSaved }),
      async bots() {
        const s = await import('../bot/storage.js');
        return {
          telegramSessions: () => s.createFileSessionStorage(file('telegram-sessions.json')),
          subscriptions: () => s.createFileSubscriptionStore(file('telegram-subscriptions.json')),
          sentReminders: async () => (await import('./sent-reminders.js')).createFileSentReminders(file('telegram-sent-reminders.json')),
          zaloTokens: (configured) => s.createFileZaloTokenStore(file('zalo-tokens.json'), configured),
        };
      },
      close: async () => {},
    };
  }
  const pg = await import('./index.js');
  const state = await pg.openState(settings.database, log.child({ component: 'state' }));
  const { db } = state;
  try {
    const unanswered = pg.createPgUnansweredLog(db, { size: 200, onError: notSaved });
    return {
      confirmations: await pg.createPgConfirmationStore(db),
      feedback: pg.createPgFeedbackStore(db, { onError: (err) => log.warn({ err }, 'old answered questions not swept') }),
      unanswered,
      conversations: pg.createPgSessionMemory(db),
      ingestJobs: pg.createPgIngestJobStore(db),
      bots: async () => ({
        telegramSessions: () => pg.createPgSessionStorage(db, 'telegram'),
        zaloSessions: () => pg.createPgSessionStorage(db, 'zalo'),
        subscriptions: () => pg.createPgSubscriptionStore(db),
        sentReminders: () => pg.createPgSentReminders({ pool: db.pool }), // its table: migration 002
        zaloTokens: (configured) => pg.createPgZaloTokenStore(db, configured),
      }),
      async close() {
        await unanswered.settled();
        await state.close();
      },
    };
  } catch (error) {
    await state.close();
    throw error;
  }
}

/**
 * Confirmations made on another replica: read them again every few seconds and rebuild the
 * knowledge when they changed. Only stores shared by replicas reload; files need nothing.
 */
export function reloadConfirmations(confirmations: ConfirmationStore, rebuild: () => void, log: StateLogger, everyMs = 5000): () => void {
  const reload = confirmations.reload?.bind(confirmations);
  if (!reload) return () => {};
  let busy = false;
  let failing = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    reload()
      .then((changed) => {
        if (failing) log.info({}, 'confirmed redefinitions readable again');
        failing = false;
        if (changed) {
          log.info({}, 'confirmed redefinitions changed on another replica: rebuilding the knowledge');
          rebuild();
        }
      })
      .catch((err: unknown) => {
        // Once per outage, not every few seconds.
        if (!failing) log.warn({ err }, 'confirmed redefinitions could not be reloaded; the ones read before are used');
        failing = true;
      })
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
