// The Redis client the replicas share their per-client rate-limit counters through (REDIS_URL).
// Tuned for a limiter that must never hold a request up: a command fails fast rather than waits.
import { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../bot/errors.js';

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
