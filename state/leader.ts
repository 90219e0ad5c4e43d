// One leader among the replicas for the work that must run once (reminders, Telegram long
// polling): a PostgreSQL session-level advisory lock held on a dedicated connection, kept as a
// lease. On a single machine the sole leader is always the leader.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { silentLogger, type Logger } from '../bot/errors.js';

export interface Leader {
  /**
   * True while this process holds the lease. Read from the lease clock, not only a flag: a
   * process that was frozen past its lease reads false at once, before any timer of its runs.
   */
  isLeader(): boolean;
  /** Stops campaigning; a leader steps down first (its duties stop), then lets the lock go. */
  close(): Promise<void>;
}

export interface LeaderCallbacks {
  /** This process became the leader: start the duties. */
  onElected: () => Promise<void> | void;
  /** This process is no longer the leader (or is closing): stop the duties. */
  onDemoted: (reason: string) => Promise<void> | void;
}

export interface PgLeaderOptions extends LeaderCallbacks {
  /** DATABASE_URL or a pg client configuration; one connection of its own is kept open. */
  connection: string | pg.ClientConfig;
  /** What is led ("tthc:telegram"): replicas that share a name elect one leader. */
  name: string;
  /** How often a replica that is not the leader tries the lock (default 2 s). */
  retryMs?: number;
  /** How often the leader confirms it still holds the lock (default 1.5 s). */
  heartbeatMs?: number;
  /**
   * The lease (default 6 s): PostgreSQL ends the leader's session after this long without a
   * heartbeat (idle_session_timeout), which frees the lock even when the leader's host died with
   * its socket open. The leader steps down a second before that, counted from when it sent its
   * last confirmed heartbeat, so two leaders never overlap.
   */
  leaseMs?: number;
  logger?: Logger;
}

/** The advisory lock key of a name: the first 64 bits of its SHA-256, as PostgreSQL's bigint. */
export function lockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

const timeout = <T>(work: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });

/**
 * Campaigns for `name` until closed. Takeover after the leader dies: at once when PostgreSQL sees
 * the socket close (a killed process, a crashed service), at most the lease plus one retry when it
 * does not (a host gone, a partition): the session is ended by idle_session_timeout (PostgreSQL
 * 14+) and by TCP keepalives set on it. The lock lives on a plain connection, never behind a
 * transaction-mode pooler (pgbouncer would hand the session to someone else).
 */
export function createPgLeader(o: PgLeaderOptions): Leader {
  const log = o.logger ?? silentLogger;
  const key = lockKey(o.name);
  const retryMs = o.retryMs ?? 2000;
  const heartbeatMs = o.heartbeatMs ?? 1500;
  const leaseMs = o.leaseMs ?? 6000;
  const stepDownMs = leaseMs - 1000;
  // The lease must outlast a missed heartbeat, and a waiting replica must talk often enough for
  // its own session to stay open.
  if (stepDownMs <= heartbeatMs || retryMs >= leaseMs) throw new RangeError(`leaseMs (${leaseMs}) must exceed heartbeatMs (${heartbeatMs}) by more than a second, and retryMs (${retryMs})`);
  const base: pg.ClientConfig = typeof o.connection === 'string' ? { connectionString: o.connection } : o.connection;

  let client: pg.Client | undefined;
  let leading = false;
  let leaseEnd = 0; // performance.now() until which the lease is ours
  let closed = false;
  let tickTimer: NodeJS.Timeout | undefined;
  let leaseTimer: NodeJS.Timeout | undefined;
  // Elections and demotions run one after another: a demotion waits for the duties to have started.
  let transitions: Promise<void> = Promise.resolve();

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ ...base, keepAlive: true, keepAliveInitialDelayMillis: 1000, connectionTimeoutMillis: 3000, application_name: `leader:${o.name}`.slice(0, 63) });
    // A connection that breaks while idle emits 'error'; unheard, it would end the process.
    c.on('error', (error) => void lost(c, error));
    c.on('end', () => void lost(c, new Error('connection closed')));
    try {
      await timeout(c.connect(), 4000, 'connect');
      // Server side, on this session only: end it when the leader stops talking (the lease), and
      // probe a silent peer (a host gone without closing its socket).
      await timeout(
        c.query(`SET idle_session_timeout = ${Math.round(leaseMs)}; SET tcp_keepalives_idle = 3; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3`),
        heartbeatMs,
        'session settings',
      );
      return c;
    } catch (error) {
      drop(c);
      throw error;
    }
  };

  const drop = (c: pg.Client | undefined): void => {
    if (!c) return;
    if (client === c) client = undefined;
    c.removeAllListeners('end');
    // Ending the session frees the lock on the server if it still holds it. Not awaited: on a dead
    // socket the goodbye never completes.
    c.end().catch(() => undefined);
  };

  const demote = (reason: string): Promise<void> => {
    if (!leading) return transitions;
    leading = false; // isLeader() is false from here on, before the duties have stopped
    clearTimeout(leaseTimer);
    const holder = client;
    (reason === 'closing' ? log.info : log.warn).call(log, { lock: o.name, reason }, 'leader: stepping down');
    transitions = transitions.then(async () => {
      try {
        await o.onDemoted(reason);
      } catch (error) {
        log.error({ err: error, lock: o.name }, 'leader: stopping the duties failed');
      }
      // Only once the duties stopped may the lock go, or the next leader would overlap them.
      drop(holder);
    });
    return transitions;
  };

  const lost = (c: pg.Client, error: unknown): void => {
    if (client !== c) return;
    log.warn({ err: error, lock: o.name }, 'leader: lost the connection to PostgreSQL');
    if (leading) void demote('connection lost');
    else drop(c);
  };

  const extendLease = (sentAt: number): void => {
    leaseEnd = sentAt + stepDownMs;
    clearTimeout(leaseTimer);
    leaseTimer = setTimeout(() => void demote('lease expired'), Math.max(0, leaseEnd - performance.now()));
  };

  const elect = (sentAt: number): Promise<void> => {
    leading = true;
    extendLease(sentAt);
    log.info({ lock: o.name }, 'leader: elected');
    transitions = transitions.then(async () => {
      if (!leading) return;
      try {
        await o.onElected();
      } catch (error) {
        // The duties restart on their own schedule; another replica would fare no better.
        log.error({ err: error, lock: o.name }, 'leader: starting the duties failed');
      }
    });
    return transitions;
  };

  const tick = async (): Promise<void> => {
    try {
      if (!client) {
        const fresh = await connect();
        if (closed) return drop(fresh);
        client = fresh;
      }
      const c = client;
      const sentAt = performance.now();
      if (leading) {
        // Still ours? (Someone may have called pg_advisory_unlock_all on this session.)
        const held = await timeout(
          c.query<{ held: boolean }>(
            `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
               AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1::bigint) AS held`,
            [key],
          ),
          heartbeatMs,
          'heartbeat',
        );
        if (!leading) return;
        if (held.rows[0]?.held) extendLease(sentAt);
        else void demote('lock lost');
      } else {
        const got = await timeout(c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]), heartbeatMs, 'lock');
        // Not awaited: the heartbeat goes on while the duties start.
        if (got.rows[0]?.ok && !closed) void elect(sentAt);
      }
    } catch (error) {
      log.warn({ err: error, lock: o.name }, 'leader: PostgreSQL did not answer');
      if (leading) void demote('no heartbeat');
      else drop(client);
    }
  };

  let ticking: Promise<void> = Promise.resolve();
  const loop = async (): Promise<void> => {
    // A demotion in progress finishes (its duties stopped, its connection gone) before the next try.
    if (!leading) await transitions;
    if (closed) return;
    await tick();
    if (!closed) tickTimer = setTimeout(() => void (ticking = loop()), leading ? heartbeatMs : retryMs);
  };
  ticking = loop();

  return {
    isLeader: () => leading && performance.now() < leaseEnd,
    async close() {
      closed = true;
      clearTimeout(tickTimer);
      await ticking;
      await demote('closing');
      drop(client);
    },
  };
}

/** File mode, one machine: the leader from the start until closed. */
export function createSoleLeader(callbacks: LeaderCallbacks, logger: Logger = silentLogger): Leader {
  let leading = true;
  const started = Promise.resolve()
    .then(() => callbacks.onElected())
    .catch((error: unknown) => logger.error({ err: error }, 'leader: starting the duties failed'));
  return {
    isLeader: () => leading,
    async close() {
      if (!leading) return;
      leading = false;
      await started;
      await callbacks.onDemoted('closing');
    },
  };
}

/** Something only the leader runs: started on election; what `start` returns stops it. */
export interface Duty {
  name: string;
  start(): Promise<() => Promise<void> | void> | (() => Promise<void> | void);
}

/** The callbacks that start `duties` in order when elected and stop them in reverse when demoted. */
export function leaderDuties(duties: readonly Duty[], logger: Logger = silentLogger): LeaderCallbacks {
  let running: { name: string; stop: () => Promise<void> | void }[] = [];
  return {
    async onElected() {
      for (const duty of duties) {
        try {
          running.push({ name: duty.name, stop: await duty.start() });
          logger.info({ duty: duty.name }, 'leader duty started');
        } catch (error) {
          logger.error({ err: error, duty: duty.name }, 'leader duty failed to start');
        }
      }
    },
    async onDemoted(reason) {
      const stopping = running.reverse();
      running = [];
      for (const duty of stopping) {
        try {
          await duty.stop();
          logger.info({ duty: duty.name, reason }, 'leader duty stopped');
        } catch (error) {
          logger.error({ err: error, duty: duty.name }, 'leader duty failed to stop');
        }
      }
    },
  };
}
