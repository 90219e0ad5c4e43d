// Configuration, read from the environment in this one place and validated: a bad value
// is a clear start-up error naming the variable, never a silent default.
import path from 'node:path';
import { z } from 'zod';
import type { EmbedderConfig } from './ingest/index.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyToUndefined, z.string().url().optional());

const Env = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** auto: readable lines in a terminal, JSON lines otherwise (a file, a pipe, a log collector). */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  TRUST_PROXY: bool.default(false),
  INDEX_DIR: z.string().default('.index'),
  DATA_DIR: z.string().default('data'),
  /** Extra paths ingested with DATA_DIR when the index is first built (e.g. a catalogue export). */
  INGEST_PATHS: list.default([]),
  STATE_DIR: z.string().default('.state'),
  /**
   * PostgreSQL for the state several replicas share (conversations, subscriptions, feedback, Zalo
   * tokens, ingest jobs); unset, the state is files under STATE_DIR, as on one machine.
   */
  DATABASE_URL: z.preprocess(emptyToUndefined, z.string().regex(/^postgres(ql)?:\/\/./, 'must be a postgres:// or postgresql:// URL').optional()),
  /** Connections one process holds at most, and how long a request waits for one. */
  DATABASE_POOL_MAX: int(1, 1000).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5000),
  /**
   * Redis shared by replicas for the per-client rate limit; unset, each process counts its
   * clients' requests alone (one machine).
   */
  REDIS_URL: z.preprocess(emptyToUndefined, z.string().regex(/^rediss?:\/\/./, 'must be a redis:// or rediss:// URL').optional()),
  /**
   * With DATABASE_URL, replicas hear of a new index version at once (PostgreSQL NOTIFY) and also
   * check the shared index folder this often, for a notice missed; without it, one process checks
   * its folder every 2 s.
   */
  INDEX_POLL_MS: int(1000, 3_600_000).default(30_000),
  /** The prefix of the rate-limit keys in Redis: deployments sharing one Redis stay apart by it. */
  REDIS_RATE_LIMIT_PREFIX: z.string().min(1).max(100).default('tthc-rl:'),

  EMBEDDINGS: z.enum(['hashing', 'openai', 'transformers']).default('hashing'),
  EMBEDDINGS_DIM: z.preprocess(emptyToUndefined, int(16, 4096).optional()),
  EMBEDDINGS_BASE_URL: optionalUrl,
  EMBEDDINGS_MODEL: optionalString,
  EMBEDDINGS_API_KEY: optionalString,
  EMBEDDINGS_MODEL_DIR: optionalString,

  LLM_PROVIDER: z.enum(['none', 'openai', 'ollama']).default('none'),
  LLM_BASE_URL: optionalUrl,
  LLM_MODEL: optionalString,
  LLM_API_KEY: optionalString,
  LLM_TIMEOUT_MS: int(100, 120_000).default(8000),

  ADMIN_TOKEN: optionalString,
  /** Bearer token a Prometheus scraper sends for /metrics; /metrics is open without it. */
  METRICS_TOKEN: optionalString,
  WIDGET_ORIGINS: list.default([]),
  RATE_LIMIT_MAX: int(1, 1_000_000).default(60),
  RATE_LIMIT_WINDOW_MS: int(1000, 3_600_000).default(60_000),
  /** Slow clients (server/http/connections.ts): headers, a JSON body, a whole request (uploads), idle keep-alive. */
  HTTP_HEADERS_TIMEOUT_MS: int(100, 600_000).default(10_000),
  HTTP_BODY_TIMEOUT_MS: int(100, 600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: int(1000, 3_600_000).default(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 600_000).default(72_000),
  /** Requests one client may have still arriving at once (bodies that trickle in). */
  HTTP_SLOW_REQUESTS_PER_CLIENT: int(1, 100_000).default(10),
  UPLOAD_MAX_BYTES: int(1024, 200 * 1024 * 1024).default(20 * 1024 * 1024),
  /** The admin's ingest runs (a child process): its heap, the time one file may take, the time a run may take. */
  INGEST_MAX_MEMORY_MB: int(128, 65_536).default(2048),
  INGEST_FILE_TIMEOUT_MS: int(1000, 86_400_000).default(10 * 60_000),
  INGEST_TIMEOUT_MS: int(10_000, 86_400_000).default(60 * 60_000),

  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_MODE: z.enum(['polling', 'webhook']).default('polling'),
  TELEGRAM_WEBHOOK_SECRET: optionalString,
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_API_ROOT: optionalUrl,

  ZALO_APP_ID: optionalString,
  ZALO_APP_SECRET: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_OA_ACCESS_TOKEN: optionalString,
  ZALO_OA_REFRESH_TOKEN: optionalString,
  ZALO_API_BASE: z.string().url().default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: z.string().url().default('https://oauth.zaloapp.com'),

  /** How people reach a person (bots: /help, "not found", "gặp cán bộ"); nothing is shown when unset. */
  CONTACT_HOTLINE: optionalString,
  CONTACT_TEXT: optionalString,
});

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()) {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    // Name the variable and the rule, never the value: it may be a secret.
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.EMBEDDINGS === 'openai' && (!e.EMBEDDINGS_BASE_URL || !e.EMBEDDINGS_MODEL || !e.EMBEDDINGS_DIM))
    problems.push('EMBEDDINGS=openai needs EMBEDDINGS_BASE_URL, EMBEDDINGS_MODEL and EMBEDDINGS_DIM');
  if (e.EMBEDDINGS === 'transformers' && (!e.EMBEDDINGS_MODEL_DIR || !e.EMBEDDINGS_DIM))
    problems.push('EMBEDDINGS=transformers needs EMBEDDINGS_MODEL_DIR and EMBEDDINGS_DIM');
  if (e.LLM_PROVIDER !== 'none' && (!e.LLM_BASE_URL || !e.LLM_MODEL))
    problems.push(`LLM_PROVIDER=${e.LLM_PROVIDER} needs LLM_BASE_URL and LLM_MODEL`);
  if (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_MODE === 'webhook' && (!e.TELEGRAM_WEBHOOK_SECRET || !e.TELEGRAM_WEBHOOK_URL))
    problems.push('TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET');
  const zaloSet = [e.ZALO_APP_ID, e.ZALO_OA_SECRET_KEY, e.ZALO_OA_ACCESS_TOKEN].filter(Boolean).length;
  if (zaloSet > 0 && zaloSet < 3) problems.push('Zalo needs ZALO_APP_ID, ZALO_OA_SECRET_KEY and ZALO_OA_ACCESS_TOKEN together');
  if (e.ADMIN_TOKEN && e.ADMIN_TOKEN.length < 16) problems.push('ADMIN_TOKEN must be at least 16 characters');
  if (e.METRICS_TOKEN && e.METRICS_TOKEN.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');
  for (const name of ['HTTP_HEADERS_TIMEOUT_MS', 'HTTP_BODY_TIMEOUT_MS'] as const)
    if (e[name] > e.HTTP_REQUEST_TIMEOUT_MS) problems.push(`${name} must not exceed HTTP_REQUEST_TIMEOUT_MS (the whole request)`);
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);

  const abs = (p: string) => path.resolve(cwd, p);
  const embedder: EmbedderConfig =
    e.EMBEDDINGS === 'openai'
      ? { kind: 'openai', baseUrl: e.EMBEDDINGS_BASE_URL!, model: e.EMBEDDINGS_MODEL!, apiKey: e.EMBEDDINGS_API_KEY, dimension: e.EMBEDDINGS_DIM! }
      : e.EMBEDDINGS === 'transformers'
        ? { kind: 'transformers', modelDir: abs(e.EMBEDDINGS_MODEL_DIR!), dimension: e.EMBEDDINGS_DIM! }
        : { kind: 'hashing', dimension: e.EMBEDDINGS_DIM };
  return {
    /** The folder relative paths are resolved against; the index names its sources relative to it. */
    baseDir: path.resolve(cwd),
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    contact: e.CONTACT_HOTLINE || e.CONTACT_TEXT ? { hotline: e.CONTACT_HOTLINE, text: e.CONTACT_TEXT } : undefined,
    trustProxy: e.TRUST_PROXY,
    indexDir: abs(e.INDEX_DIR),
    dataDir: abs(e.DATA_DIR),
    ingestPaths: [abs(e.DATA_DIR), ...e.INGEST_PATHS.map(abs)],
    stateDir: abs(e.STATE_DIR),
    /** Where the state is shared by replicas; null: files under stateDir. */
    database: e.DATABASE_URL ? { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS } : null,
    /** With a database: how often each replica checks the shared index folder besides hearing of new versions. */
    indexPollMs: e.INDEX_POLL_MS,
    embedder,
    llm:
      e.LLM_PROVIDER === 'none'
        ? null
        : { provider: e.LLM_PROVIDER, baseUrl: e.LLM_BASE_URL!, model: e.LLM_MODEL!, apiKey: e.LLM_API_KEY, timeoutMs: e.LLM_TIMEOUT_MS },
    adminToken: e.ADMIN_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    widgetOrigins: e.WIDGET_ORIGINS,
    rateLimit: { max: e.RATE_LIMIT_MAX, timeWindowMs: e.RATE_LIMIT_WINDOW_MS },
    /** Where replicas share the rate limit's counts; null: each process counts alone. */
    redis: e.REDIS_URL ? { url: e.REDIS_URL, rateLimitPrefix: e.REDIS_RATE_LIMIT_PREFIX } : null,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: e.HTTP_BODY_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      slowRequestsPerClient: e.HTTP_SLOW_REQUESTS_PER_CLIENT,
    },
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    ingestBudget: { maxMemoryMb: e.INGEST_MAX_MEMORY_MB, fileTimeoutMs: e.INGEST_FILE_TIMEOUT_MS, timeoutMs: e.INGEST_TIMEOUT_MS },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? { token: e.TELEGRAM_BOT_TOKEN, mode: e.TELEGRAM_MODE, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET, webhookUrl: e.TELEGRAM_WEBHOOK_URL, apiRoot: e.TELEGRAM_API_ROOT }
      : null,
    zalo:
      e.ZALO_APP_ID && e.ZALO_OA_SECRET_KEY && e.ZALO_OA_ACCESS_TOKEN
        ? {
            appId: e.ZALO_APP_ID,
            appSecret: e.ZALO_APP_SECRET,
            oaSecretKey: e.ZALO_OA_SECRET_KEY,
            accessToken: e.ZALO_OA_ACCESS_TOKEN,
            refreshToken: e.ZALO_OA_REFRESH_TOKEN,
            apiBase: e.ZALO_API_BASE,
            oauthBase: e.ZALO_OAUTH_BASE,
          }
        : null,
  };
}
