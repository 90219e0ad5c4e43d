// The service's state in PostgreSQL, for several replicas behind a load balancer: the door to
// the pool, the migrations and the stores. service.ts opens it when DATABASE_URL is set (else
// the stores are files under STATE_DIR, as on one machine) and hands the stores to the layers
// below, which know only their interfaces: each implements an interface defined where it is used
// (bot/storage.ts, server/http/stores.ts, server/answer/sessions.ts, server/redefinitions.ts,
// server/ingest-jobs.ts).
import { StateUnavailableError } from '../domain/state.js';
import { createDb, createPool, describeDatabase, isUnavailable, type Db, type DatabaseSettings, type StateLogger } from './db.js';
import { migrate, type MigrationResult } from './migrate.js';

export { createDb, createPool, describeDatabase, type Db, type DatabaseSettings, type StateLogger } from './db.js';
export { migrate, MIGRATIONS_DIR, SchemaError, type MigrationResult } from './migrate.js';
export { createPgSessionMemory, createPgSessionStorage } from './sessions.js';
export { createPgSubscriptionStore } from './subscriptions.js';
export { createPgFeedbackStore, createPgUnansweredLog, type PgUnansweredLog } from './feedback.js';
export { createPgZaloTokenStore } from './zalo-tokens.js';
export { createPgConfirmationStore } from './confirmations.js';
export { createPgIngestJobStore } from './ingest-jobs.js';
export { createPgLeader, createSoleLeader, leaderDuties, type Duty, type Leader } from './leader.js';
export { createFileSentReminders, createMemorySentReminders, createPgSentReminders } from './sent-reminders.js';
export { createRateLimitRedis } from './redis.js';

export interface State {
  db: Db;
  /** The database, for log lines: without its password. */
  where: string;
  migration: MigrationResult;
  /** Ends the pool once the queries in flight are done. */
  close(): Promise<void>;
}

/**
 * The process's pool over `settings.url`, with the schema migrated to this release's version. An
 * unreachable server, or a schema newer than this release, stops the start with a message
 * saying so (never DATABASE_URL itself: it may carry a password).
 */
export async function openState(settings: DatabaseSettings, logger: StateLogger): Promise<State> {
  const where = describeDatabase(settings.url);
  const pool = createPool(settings, logger);
  const db = createDb(pool);
  let migration: MigrationResult;
  try {
    migration = await migrate(db);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (isUnavailable(error)) {
      throw new StateUnavailableError(`PostgreSQL at ${where} cannot be reached (${(error as Error).message}): start it, or correct DATABASE_URL (unset, the state is kept in files under STATE_DIR).`, {
        cause: error,
      });
    }
    throw error;
  }
  if (migration.applied.length) logger.info({ db: where, from: migration.from, to: migration.to, applied: migration.applied }, 'state schema migrated');
  logger.info({ db: where, schema: migration.to }, 'state kept in PostgreSQL');
  return { db, where, migration, close: () => pool.end() };
}
