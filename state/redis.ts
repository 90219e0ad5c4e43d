// The Redis client the replicas share their per-client rate-limit counters through (REDIS_URL),
// and the Zalo replay window they share on it. Tuned for work that must never hold a request
// up: a command fails fast rather than waits.
import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../bot/errors.js';
import { memoryReplayGuard, type ReplayGuard } from '../bot/zalo.js';

export interface RateLimitRedisOptions {
  /** A lost Redis is retried in the background at this pace at most (default 2 s). */
  maxReconnectDelayMs?: number;
  /**
   * A command Redis does not answer within this long fails (default 1 s). The timer runs on the
   * replica's own event loop, which a burst of answers keeps busy for hundreds of milliseconds:
   * at 300 ms busy replicas timed out against a healthy Redis and let requests past the limit.
   */
  commandTimeoutMs?: number;
  logger?: Logger;
}

/**
 * A client for @fastify/rate-limit's Redis store. Commands are never queued while Redis is away
 * (enableOfflineQueue off, no retries per request): a request would otherwise wait for a Redis
 * that may not come back. The outage is logged once when it starts and once when it ends.
 */
export function createRateLimitRedis(url: string, o: RateLimitRedisOptions = {}): Redis {
  const log = o.logger ?? silentLogger;
  const redis = new Redis(url, {
    connectTimeout: 2000,
    commandTimeout: o.commandTimeoutMs ?? 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 200, o.maxReconnectDelayMs ?? 2000),
    connectionName: 'tthc-rate-limit',
  });
  let down = false;
  // Without a listener ioredis prints every failed reconnect; one line per outage is enough.
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    log.warn({ err: error }, 'Redis unreachable: requests are not rate-limited until it is back');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({}, 'Redis is back: the rate limit holds again, shared by every replica');
  });
  return redis;
}

/**
 * Zalo's replay window shared by the replicas: an event key is taken with one SET NX PX, so of two
 * replicas offered the same event only one gets "OK". While Redis is away each replica keeps its
 * own window (a retry reaching another replica may then be answered twice; one log line says so).
 */
export function redisReplayGuard(redis: Redis, prefix: string, logger: Logger = silentLogger): ReplayGuard {
  const local = memoryReplayGuard();
  let warned = false;
  return {
    async firstTime(key, ttlMs, at) {
      try {
        const taken = await redis.set(`${prefix}zalo-event:${key}`, '1', 'PX', ttlMs, 'NX');
        warned = false;
        return taken === 'OK';
      } catch (error) {
        if (!warned) logger.warn({ err: error }, 'Redis unreachable: Zalo replays are refused per replica until it is back');
        warned = true;
        return local.firstTime(key, ttlMs, at);
      }
    },
  };
}
