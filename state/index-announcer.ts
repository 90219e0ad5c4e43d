// Every replica serves the index version an ingest just published, within a second or so: the
// process that published says so on a PostgreSQL channel (NOTIFY), and each replica LISTENs on a
// connection of its own and loads the new version from the index folder they share. A notice
// missed while the connection was down is made up for on reconnecting and by a slow poll.
import pg from 'pg';
import { silentLogger, type Logger } from '../bot/errors.js';
import { errorFields } from './db.js';

/** The channel versions are announced on; the payload is the version's id. */
export const INDEX_CHANNEL = 'tthc_index';

/** What a replica serves (server/answer/live-knowledge.ts): the version, and a reload of the published one. */
export interface ServedIndex {
  version(): string | null;
  /** Loads the published version if it differs from the one served (requests in flight keep the old one). */
  refresh(): Promise<boolean>;
}

export interface IndexListenerOptions {
  /** DATABASE_URL or a pg client configuration; one connection of its own is kept open. */
  connection: string | pg.ClientConfig;
  served: ServedIndex;
  /** The safety net: how often the published version is checked without a notice (default 30 s). */
  pollMs?: number;
  /** The first wait before reconnecting, doubled up to `maxRetryMs` (defaults 500 ms, 10 s). */
  retryMs?: number;
  maxRetryMs?: number;
  logger?: Logger;
}

export interface IndexListener {
  /** Settles once the first LISTEN is in place, or the first attempt failed (it goes on retrying). */
  readonly ready: Promise<void>;
  /** True while the LISTEN connection is up. */
  listening(): boolean;
  close(): Promise<void>;
}

const clientConfig = (connection: string | pg.ClientConfig): pg.ClientConfig => (typeof connection === 'string' ? { connectionString: connection } : connection);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Tells the replicas that `version` is published (one short connection: an ingest publishes rarely). */
export async function announceIndexVersion(connection: string | pg.ClientConfig, version: string): Promise<void> {
  const client = new pg.Client({ ...clientConfig(connection), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // the query's own rejection carries the failure
  await client.connect();
  try {
    await client.query('SELECT pg_notify($1, $2)', [INDEX_CHANNEL, version]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function createIndexListener(o: IndexListenerOptions): IndexListener {
  const log = o.logger ?? silentLogger;
  const pollMs = o.pollMs ?? 30_000;
  const firstRetryMs = o.retryMs ?? 500;
  const maxRetryMs = o.maxRetryMs ?? 10_000;
  let client: pg.Client | undefined;
  let closed = false;
  let up = false;
  let retryMs = firstRetryMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  /**
   * Loads the published version; told which one, tries again for a few seconds while the shared
   * folder does not show it yet (a network file system may show the new pointer a moment after
   * PostgreSQL delivered the notice).
   */
  const catchUp = async (announced?: string): Promise<void> => {
    for (let attempt = 0; !closed; attempt++) {
      try {
        if (await o.served.refresh()) log.info({ version: o.served.version(), announced: announced ?? null }, 'index: new version served');
      } catch (error) {
        log.error({ err: error, announced: announced ?? null }, 'index: the new version could not be loaded; still serving the previous one');
        return;
      }
      if (!announced || o.served.version() === announced || attempt >= 10) return;
      await sleep(300);
    }
  };

  const lost = (c: pg.Client, error: unknown): void => {
    if (client !== c) return;
    client = undefined;
    up = false;
    c.removeAllListeners('end');
    c.end().catch(() => undefined);
    if (closed) return;
    log.warn({ db: errorFields(error), retryMs }, 'index: lost the PostgreSQL connection that hears new versions; reconnecting');
    schedule();
  };

  const schedule = (): void => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void connect(), retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, maxRetryMs);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ ...clientConfig(o.connection), keepAlive: true, keepAliveInitialDelayMillis: 5000, connectionTimeoutMillis: 5000 });
    c.on('error', (error) => lost(c, error));
    c.on('end', () => lost(c, new Error('connection closed')));
    c.on('notification', (n) => {
      if (n.channel !== INDEX_CHANNEL || !n.payload || n.payload === o.served.version()) return;
      void catchUp(n.payload);
    });
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${INDEX_CHANNEL}`);
    } catch (error) {
      lost(c, error);
      markReady();
      return;
    }
    if (closed) return void c.end().catch(() => undefined);
    up = true;
    if (retryMs !== firstRetryMs) log.info({}, 'index: hearing new versions again');
    retryMs = firstRetryMs;
    markReady();
    // A version published while this replica was not listening is not announced again.
    void catchUp();
  };

  const poll = setInterval(() => void catchUp(), pollMs);
  poll.unref();
  void connect();

  return {
    ready,
    listening: () => up,
    async close() {
      closed = true;
      up = false;
      clearInterval(poll);
      clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      if (!c) return;
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
    },
  };
}
