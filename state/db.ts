// The one PostgreSQL pool of a process and the two ways the stores use it: a query, and a
// transaction on one connection. A lost connection or an unreachable server becomes a
// StateUnavailableError (the HTTP layer answers 503 in the user's language); any other error is
// a bug and is passed on as it is. The pool drops broken connections and opens new ones by
// itself once the server is back, as long as idle connections' errors are handled (here).
import pg from 'pg';
import { StateUnavailableError } from '../domain/state.js';

export interface StateLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DatabaseSettings {
  /** postgres://user:password@host:port/database (DATABASE_URL). Never logged: it may hold a password. */
  url: string;
  /** Connections this process may hold at once (DATABASE_POOL_MAX). */
  poolMax: number;
  /** How long a request waits for a connection before it fails (DATABASE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
}

/** The pool and the query helpers over it. */
export interface Db {
  readonly pool: pg.Pool;
  query<R extends object = Record<string, unknown>>(what: string, text: string, values?: unknown[]): Promise<R[]>;
  /** Runs `work` inside BEGIN … COMMIT on one connection; any error rolls back. */
  transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

/** Where the database is, without the password: for log lines and error messages. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `postgres://${user}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(an address that cannot be parsed)';
  }
}

/** Node's socket errors that mean the server is not there (or went away). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);
/** PostgreSQL's own: shutting down, starting, too many connections. (Class 08 is checked apart.) */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What node-postgres says, without a code, when a connection ends or never comes. */
const LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

/** Whether `error` says the database cannot be reached now (as opposed to a wrong query). */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof StateUnavailableError) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return LOST.test(error.message);
}

/** The error a store throws: unavailability named with what was being done; anything else unchanged. */
export function stateError(what: string, error: unknown): unknown {
  if (error instanceof StateUnavailableError || !isUnavailable(error)) return error;
  const reason = (error as { code?: string }).code ?? (error as Error).message;
  return new StateUnavailableError(`PostgreSQL is not reachable (${what}: ${reason})`, { cause: error });
}

/** What of a pg error goes into a log line: its code and message (never the connection's settings). */
export function errorFields(error: unknown): { code?: string; message: string } {
  const e = error as { code?: unknown; message?: unknown };
  return { ...(typeof e.code === 'string' ? { code: e.code } : {}), message: typeof e.message === 'string' ? e.message : String(error) };
}

/**
 * The process's pool. Idle connections that the server drops (a restart, a network cut) emit
 * 'error' on the pool: unhandled, that would end the process; here it is logged and the pool
 * opens a new connection for the next query.
 */
export function createPool(settings: DatabaseSettings, logger: StateLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // A server that vanishes without closing its connections (a network cut) is noticed by TCP.
    keepAlive: true,
    // DATABASE_URL's ?application_name= wins over this one.
    application_name: 'tthc-assistant',
  });
  pool.on('error', (error) => {
    logger.warn({ db: errorFields(error) }, 'PostgreSQL dropped an idle connection; a new one is opened when needed');
  });
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return {
    pool,
    async query<R extends object>(what: string, text: string, values: unknown[] = []): Promise<R[]> {
      try {
        return (await pool.query<R>(text, values)).rows;
      } catch (error) {
        throw stateError(what, error);
      }
    },
    async transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw stateError(what, error);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is not given back to the pool.
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw stateError(what, error);
      } finally {
        client.release(broken);
      }
    },
  };
}
