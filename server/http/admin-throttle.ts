// Wrong admin tokens counted per client in a fixed window, in this process or, with REDIS_URL,
// in Redis across the replicas (a guesser spreading over N replicas would otherwise get N times
// the allowance). Once a client has sent `maxFailures`, it is refused until its window ends,
// whatever token it sends (a right one included, or the answer would tell a guesser that this
// guess was right). Other clients are not affected.
import type { Redis } from 'ioredis';

export interface TokenThrottleOptions {
  maxFailures: number;
  windowMs: number;
  /** Clients remembered at once (in memory); past it the oldest are forgotten, so a flood cannot grow it. */
  maxClients: number;
}

export interface TokenThrottle {
  /** Seconds the client must still wait, or 0 when it may try. */
  waitSeconds(client: string): Promise<number>;
  /** Counts a wrong token; true when this one uses up the client's allowance. */
  failed(client: string): Promise<boolean>;
  succeeded(client: string): Promise<void>;
}

const defaults = (o: Partial<TokenThrottleOptions>): TokenThrottleOptions => ({ maxFailures: 10, windowMs: 60_000, maxClients: 10_000, ...o });

/** The count in this process (synchronous: the tests drive it with their own clock). */
export function tokenThrottle(options: Partial<TokenThrottleOptions> = {}, now: () => number = Date.now) {
  const { maxFailures, windowMs, maxClients } = defaults(options);
  const failures = new Map<string, { count: number; since: number }>();
  const current = (client: string) => {
    const entry = failures.get(client);
    if (entry && now() - entry.since >= windowMs) failures.delete(client);
    return failures.get(client);
  };
  return {
    waitSeconds(client: string): number {
      const entry = current(client);
      return entry && entry.count >= maxFailures ? Math.max(1, Math.ceil((entry.since + windowMs - now()) / 1000)) : 0;
    },
    failed(client: string): boolean {
      const entry = current(client) ?? { count: 0, since: now() };
      entry.count++;
      failures.delete(client); // re-inserted last: the Map's order is the order of last failure
      failures.set(client, entry);
      for (const oldest of failures.keys()) {
        if (failures.size <= maxClients) break;
        failures.delete(oldest);
      }
      return entry.count === maxFailures;
    },
    succeeded(client: string): void {
      failures.delete(client);
    },
  };
}

export function memoryTokenThrottle(options: Partial<TokenThrottleOptions> = {}): TokenThrottle {
  const t = tokenThrottle(options);
  return {
    waitSeconds: async (client) => t.waitSeconds(client),
    failed: async (client) => t.failed(client),
    succeeded: async (client) => t.succeeded(client),
  };
}

interface ThrottleLogger {
  warn(obj: object, msg: string): void;
}

/**
 * The count in Redis: one key per client, INCR'd, its expiry set by the first failure of the
 * window. While Redis is away each replica counts alone (one log line says so): the admin
 * surface stays usable, and guarded as a single replica is.
 */
export function redisTokenThrottle(redis: Redis, nameSpace: string, options: Partial<TokenThrottleOptions> = {}, log?: ThrottleLogger): TokenThrottle {
  const { maxFailures, windowMs } = defaults(options);
  const local = memoryTokenThrottle(options);
  const key = (client: string) => `${nameSpace}admin-token:${client}`;
  let warned = false;
  async function shared<T>(work: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    try {
      const out = await work();
      warned = false;
      return out;
    } catch (error) {
      if (!warned) log?.warn({ err: error }, 'Redis unreachable: wrong admin tokens are counted per replica until it is back');
      warned = true;
      return fallback();
    }
  }
  return {
    waitSeconds: (client) =>
      shared(
        async () => {
          const [count, ttl] = await Promise.all([redis.get(key(client)), redis.pttl(key(client))]);
          return Number(count ?? 0) >= maxFailures && ttl > 0 ? Math.max(1, Math.ceil(ttl / 1000)) : 0;
        },
        () => local.waitSeconds(client),
      ),
    failed: (client) =>
      shared(
        async () => {
          const res = await redis.multi().incr(key(client)).pexpire(key(client), windowMs, 'NX').exec();
          const count = Number(res?.[0]?.[1] ?? 0);
          return count === maxFailures;
        },
        () => local.failed(client),
      ),
    succeeded: (client) =>
      shared(
        async () => void (await redis.del(key(client))),
        () => local.succeeded(client),
      ),
  };
}
