// One ingest at a time across replicas: a PostgreSQL session-level advisory lock, held on a
// connection of its own for the length of a run, so that an admin starting a run on a second
// replica is told at once that one is going (the index folder's file lock still guards the
// writing itself). The lock is named per schema: deployments sharing a database stay apart.
import pg from 'pg';
import { silentLogger, type Logger } from '../bot/errors.js';
import { errorFields, stateError } from './db.js';

export interface IngestLockHold {
  release(): Promise<void>;
}

/** Null from `tryTake`: another replica (or process) is running an ingest. */
export interface ClusterIngestLock {
  tryTake(): Promise<IngestLockHold | null>;
}

/** The lock's key: the first 64 bits of md5(schema:name), as PostgreSQL's bigint. */
const KEY = `('x' || substr(md5(current_schema() || ':' || $1::text), 1, 16))::bit(64)::bigint`;

export function createPgIngestLock(o: { connection: string | pg.ClientConfig; name?: string; logger?: Logger }): ClusterIngestLock {
  const log = o.logger ?? silentLogger;
  const name = o.name ?? 'tthc:ingest';
  const base: pg.ClientConfig = typeof o.connection === 'string' ? { connectionString: o.connection } : o.connection;
  return {
    async tryTake() {
      const client = new pg.Client({ ...base, keepAlive: true, keepAliveInitialDelayMillis: 5000, connectionTimeoutMillis: 5000, application_name: 'tthc-ingest-lock' });
      let released = false;
      client.on('error', (error) => {
        if (!released) log.warn({ db: errorFields(error) }, 'ingest lock: connection to PostgreSQL lost; the run goes on under the index folder’s file lock');
      });
      try {
        await client.connect();
        // The server probes this session (its socket stays idle for the whole run): a replica whose
        // host vanished lets the lock go within about half a minute, when PostgreSQL notices.
        await client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3');
        const got = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${KEY}) AS ok`, [name]);
        if (!got.rows[0]?.ok) {
          released = true;
          await client.end().catch(() => undefined);
          return null;
        }
      } catch (error) {
        released = true;
        await client.end().catch(() => undefined);
        throw stateError('taking the ingest lock', error);
      }
      return {
        async release() {
          if (released) return;
          released = true;
          // Ending the session alone would free it too; the unlock says so before the goodbye. A
          // connection gone silent (a network cut) must not hold the run's end up: neither waits long.
          const unlocked = client.query(`SELECT pg_advisory_unlock(${KEY})`, [name]).catch(() => undefined);
          await Promise.race([unlocked, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
          await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        },
      };
    },
  };
}
