// The whole service from a validated configuration: the assistant over its index (built from
// the data on first run), the web app, the admin backend with its ingest runs, and the
// configured channels. `main.ts` listens; tests call this.
import path from 'node:path';
import type pino from 'pino';
import type { Config } from './config.js';
import { createEmbeddings, createFileIndexStore, createFileQuarantine, quarantineFile, runIngest, type EmbedderConfig, type IngestProgress, type IngestSummary } from './ingest/index.js';
import { ingestInChild } from './cli/ingest-child.js';
import type { IngestRunner } from './server/admin-backend.js';
import type { Knowledge } from './server/answer/knowledge.js';
import type { LiveKnowledge } from './server/answer/live-knowledge.js';
import type { LlmConfig } from './server/answer/llm.js';
import type { ProcedurePrecedence } from './server/answer/precedence.js';
import { createAssistant, type Assistant as OpenAssistant, type AssistantLogger } from './server/assistant.js';
import type { buildApp } from './server/http/app.js';
import type { LogSettings } from './server/log.js';
import type { SessionMemory } from './server/answer/sessions.js';
import type { ZaloSession } from './bot/zalo.js';

export interface AssistantOptions {
  indexDir: string;
  embedder: EmbedderConfig;
  /** Ingested when the index folder has no version yet. */
  ingestPaths: string[];
  /** The folder the index names its sources relative to (default: the working folder). */
  baseDir?: string | undefined;
  llm?: LlmConfig | null | undefined;
  logger?: AssistantLogger | undefined;
  /** The clock: deadline status is relative to it. */
  now?: (() => Date) | undefined;
  onBuildProgress?: ((p: IngestProgress) => void) | undefined;
  /** Which record of a code is served when an upload redefines it (server/redefinitions.ts). */
  precedence?: ProcedurePrecedence | undefined;
  /** Where conversations are remembered (default: this process's memory). */
  sessions?: SessionMemory | undefined;
}

export interface Assistant extends OpenAssistant {
  /** Set when this start built the index. */
  built?: IngestSummary;
}

/** The assistant over `indexDir`, building the index from `ingestPaths` when it has no version yet. */
export async function openAssistant(o: AssistantOptions): Promise<Assistant> {
  const store = createFileIndexStore(o.indexDir);
  const embedder = await createEmbeddings(o.embedder);
  let built: IngestSummary | undefined;
  if (!(await store.currentVersion())) {
    o.logger?.info({ paths: o.ingestPaths, indexDir: o.indexDir }, 'no index yet: building it from the bundled data');
    built = await runIngest({ store, embedder, paths: o.ingestPaths, ...(o.baseDir ? { baseDir: o.baseDir } : {}), ...(o.onBuildProgress ? { onProgress: o.onBuildProgress } : {}) });
    o.logger?.info({ version: built.version, chunks: built.chunks, failed: built.failed.length, ms: built.elapsedMs }, 'index built');
  }
  const assistant = await createAssistant({ store, embedder, llm: o.llm, logger: o.logger, now: o.now, precedence: o.precedence, sessions: o.sessions });
  return { ...assistant, ...(built ? { built } : {}) };
}

export { ingestInChild, type IngestBudget, type IngestSettings } from './cli/ingest-child.js';

export interface Service {
  app: Awaited<ReturnType<typeof buildApp>>;
  assistant: Assistant;
  log: pino.Logger;
  /** Logs, in a few lines, what is served at `url` and, without the national catalogue, how to add it. */
  announce(url: string): void;
  /** Stop the channels and the index watcher, then let requests in flight finish. */
  close(): Promise<void>;
}

export interface ServiceDeps {
  /** The one logger of the whole service (default: `createLogger(logSettings(config))` to standard output). */
  log?: pino.Logger;
}

/** The logger's settings from the configuration: level, format, and every secret it holds. */
export function logSettings(config: Config): LogSettings {
  const secrets = [
    config.adminToken,
    config.metricsToken,
    config.telegram?.token,
    config.telegram?.webhookSecret,
    config.zalo?.oaSecretKey,
    config.zalo?.appSecret,
    config.zalo?.accessToken,
    config.zalo?.refreshToken,
    config.llm?.apiKey,
    config.embedder.kind === 'openai' ? config.embedder.apiKey : undefined,
    config.database?.url,
    databasePassword(config.database?.url),
    config.redis?.url,
    databasePassword(config.redis?.url),
  ];
  return { level: config.logLevel, format: config.logFormat, secrets };
}

export async function createService(config: Config, deps: ServiceDeps = {}): Promise<Service> {
  // The web app, the logger and the bots load here rather than at the top: `npm run ask` opens
  // the assistant through this file and needs none of them (≈0.2 s of its start), and a bot that
  // is not configured is never loaded.
  const [{ buildApp }, { createMetrics }, { createAdminBackend }, { createLogger }, { uploadPrecedence }, { openStores, reloadConfirmations }] = await Promise.all([
    import('./server/http/app.js'),
    import('./server/http/metrics.js'),
    import('./server/admin-backend.js'),
    import('./server/log.js'),
    import('./server/redefinitions.js'),
    import('./state/stores.js'),
  ]);
  const log = deps.log ?? createLogger(logSettings(config));
  // DATABASE_URL chooses: unset, the files under STATE_DIR; set, PostgreSQL (migrated first).
  const stores = await openStores({ stateDir: config.stateDir, database: config.database }, log);
  // An upload that redefines a bundled procedure is served only once the admin confirms it.
  const uploadDir = path.join(config.dataDir, 'uploads');
  const { confirmations } = stores;
  const precedence = uploadPrecedence({ uploadDir, baseDir: config.baseDir, confirmations });

  let lastPct = -1;
  // Progress only for a build long enough to wonder about (the national catalogue): a small one
  // would push the lines that say what is served out of the first screen.
  const buildStarted = Date.now();
  const assistant = await openAssistant({
    indexDir: config.indexDir,
    embedder: config.embedder,
    ingestPaths: config.ingestPaths,
    baseDir: config.baseDir,
    llm: config.llm,
    logger: log,
    precedence,
    sessions: stores.conversations,
    onBuildProgress: (p) => {
      const pct = p.total ? Math.floor((100 * p.done) / p.total / 10) * 10 : 0;
      if (p.phase === 'load' && pct !== lastPct && Date.now() - buildStarted > 2000) {
        lastPct = pct;
        log.info({ phase: p.phase, done: p.done, total: p.total }, `building the index: ${pct}%`);
      }
    },
  });
  // Replicas (DATABASE_URL) share the index folder: each hears of a new version from the one that
  // published it, and one admin run goes at a time among them. One process alone watches its folder.
  const replicas = config.database ? await shareIndex(config.database.url, config.indexPollMs, assistant.live, log) : null;
  const stopWatching = replicas ? () => replicas.listener.close() : assistant.live.watch(2000);
  const ingestRun = ingestInChild({ indexDir: config.indexDir, paths: config.ingestPaths, baseDir: config.baseDir, embedder: config.embedder }, config.ingestBudget);
  const stopReloading = reloadConfirmations(confirmations, () => assistant.live.rebuild(), log);
  const metrics = createMetrics();
  // Replicas share the per-client rate limit through Redis (REDIS_URL); without it each counts alone.
  const rateLimitRedis = config.redis ? (await import('./state/redis.js')).createRateLimitRedis(config.redis.url, { logger: log.child({ component: 'rate-limit' }) }) : undefined;
  const { createDocumentFiles } = await import('./server/document-files.js');
  const app = await buildApp({
    engine: assistant.engine,
    documents: createDocumentFiles({ knowledge: () => assistant.live.current(), baseDir: config.baseDir }),
    isReady: () => assistant.live.current() !== null,
    widgetOrigins: config.widgetOrigins,
    rateLimit: config.rateLimit,
    ...(rateLimitRedis && config.redis ? { rateLimitRedis: { client: rateLimitRedis, nameSpace: config.redis.rateLimitPrefix } } : {}),
    connections: config.http,
    uploadLimitBytes: config.uploadMaxBytes,
    feedback: stores.feedback,
    unanswered: stores.unanswered,
    metrics,
    metricsToken: config.metricsToken,
    loggerInstance: log,
    trustProxy: config.trustProxy,
    ...(config.adminToken
      ? {
          adminToken: config.adminToken,
          admin: createAdminBackend({
            store: assistant.store,
            live: assistant.live,
            ingest: replicas ? replicas.announcing(ingestRun) : ingestRun,
            ...(replicas ? { ingestLock: replicas.lock } : {}),
            quarantine: createFileQuarantine(quarantineFile(config.indexDir)),
            uploadDir,
            baseDir: config.baseDir,
            confirmations,
            ...(stores.ingestJobs ? { jobs: stores.ingestJobs } : {}),
            onRun: (o) => metrics.ingestRun(o),
            logger: log,
          }),
        }
      : {}),
  });

  const stops: Array<() => Promise<void> | void> = [stopWatching, stopReloading];
  if (config.telegram) {
    const [botStores, telegram, { telegramWebhookPlugin }, { dailyRemindersDuty }, { createPgLeader, createSoleLeader, leaderDuties }] = await Promise.all([
      stores.bots(),
      import('./bot/telegram.js'),
      import('./bot/telegram-webhook.js'),
      import('./bot/reminders.js'),
      import('./state/leader.js'),
    ]);
    const { createTelegramBot, pollingDuty, startTelegram, stopTelegram, telegramSender } = telegram;
    const t = config.telegram;
    const telegramLog = log.child({ channel: 'telegram' });
    const subscriptions = botStores.subscriptions();
    const bot = createTelegramBot({
      token: t.token,
      engine: assistant.engine,
      subscriptions,
      sessionStorage: botStores.telegramSessions(),
      logger: telegramLog,
      ...(t.apiRoot ? { apiRoot: t.apiRoot } : {}),
      ...(config.contact ? { contact: config.contact } : {}),
    });
    if (t.mode === 'webhook') await app.register(telegramWebhookPlugin, { bot, secret: t.webhookSecret! });
    // Every replica: getMe, the command menu and, in webhook mode, the webhook (any replica handles its updates).
    await startTelegram({ bot, mode: t.mode, poll: false, logger: telegramLog, ...(t.webhookUrl ? { webhookUrl: t.webhookUrl } : {}), ...(t.webhookSecret ? { secret: t.webhookSecret } : {}) });
    // The leader only (one of the replicas; on one machine, this process): the daily reminders, each
    // sent once through the shared record, and in polling mode the long polling.
    const reminders = dailyRemindersDuty({ engine: assistant.engine, subscriptions, send: telegramSender(bot), sentReminders: await botStores.sentReminders(), logger: telegramLog });
    const leadership = leaderDuties(t.mode === 'polling' ? [reminders, pollingDuty(bot, telegramLog)] : [reminders], telegramLog);
    const leader = config.database
      ? createPgLeader({ connection: config.database.url, name: 'tthc:telegram', ...leadership, logger: telegramLog })
      : createSoleLeader(leadership, telegramLog);
    stops.push(() => leader.close(), () => stopTelegram(bot));
    log.info({ mode: t.mode }, 'Telegram bot on');
  } else {
    log.info({}, 'Telegram bot off (TELEGRAM_BOT_TOKEN is not set)');
  }
  if (config.zalo) {
    const [botStores, { createZaloClient }, { zaloWebhookPlugin }] = await Promise.all([
      stores.bots(),
      import('./bot/zalo-client.js'),
      import('./bot/zalo.js'),
    ]);
    const z = config.zalo;
    const zaloLog = log.child({ channel: 'zalo' });
    // The environment's tokens are the starting pair; the store keeps the refreshed ones.
    const configured = { accessToken: z.accessToken, ...(z.refreshToken ? { refreshToken: z.refreshToken } : {}) };
    const client = createZaloClient({
      appId: z.appId,
      secretKey: z.appSecret,
      apiBase: z.apiBase,
      oauthBase: z.oauthBase,
      tokens: botStores.zaloTokens(configured),
      logger: zaloLog,
    });
    const sessions = botStores.zaloSessions?.<ZaloSession>();
    await app.register(zaloWebhookPlugin, {
      appId: z.appId,
      oaSecretKey: z.oaSecretKey,
      client,
      engine: assistant.engine,
      logger: zaloLog,
      ...(sessions ? { sessions } : {}),
      ...(config.contact ? { contact: config.contact } : {}),
      ...(rateLimitRedis && config.redis
        ? { replays: (await import('./state/redis.js')).redisReplayGuard(rateLimitRedis, config.redis.rateLimitPrefix, zaloLog) }
        : {}),
    });
    const refreshes = Boolean(z.appSecret && z.refreshToken);
    zaloLog.info(
      { path: '/webhooks/zalo', tokenRefresh: refreshes },
      refreshes
        ? 'Zalo OA webhook on at /webhooks/zalo'
        : 'Zalo OA webhook on at /webhooks/zalo, with the access token as given: it is not refreshed when it expires (that needs ZALO_APP_SECRET and ZALO_OA_REFRESH_TOKEN)',
    );
  } else {
    log.info({}, 'Zalo OA off (ZALO_APP_ID, ZALO_OA_SECRET_KEY, ZALO_OA_ACCESS_TOKEN are not set)');
  }

  return {
    app,
    assistant,
    log,
    announce: (url) => announce(log, config, assistant.live.current(), url),
    async close() {
      for (const stop of stops) await stop();
      await app.close();
      rateLimitRedis?.disconnect();
      await stores.close();
    },
  };
}

/**
 * Several replicas over one index folder (DATABASE_URL set): a listener that loads each version
 * another replica announces, the lock that lets one admin run go at a time among them, and the
 * runner wrapped to announce what it published.
 */
async function shareIndex(url: string, pollMs: number, live: LiveKnowledge, log: pino.Logger) {
  const [{ announceIndexVersion, createIndexListener }, { createPgIngestLock }] = await Promise.all([import('./state/index-announcer.js'), import('./state/ingest-lock.js')]);
  const indexLog = log.child({ component: 'index' });
  const listener = createIndexListener({ connection: url, served: live, pollMs, logger: indexLog });
  await listener.ready;
  const announcing =
    (run: IngestRunner): IngestRunner =>
    async (o) => {
      const result = await run(o);
      const version = result.summary?.published ? result.summary.version : null;
      if (version) {
        await announceIndexVersion(url, version).catch((err: unknown) =>
          indexLog.error({ err, version }, 'new index version not announced: the other replicas load it at their next check'),
        );
      }
      return result;
    };
  return { listener, lock: createPgIngestLock({ connection: url, logger: indexLog }), announcing };
}

/** `npm run ingest` with DATABASE_URL: the replicas' ingest lock, and the announcement of a version it published. */
export async function replicaIngest(url: string) {
  const [{ announceIndexVersion }, { createPgIngestLock }] = await Promise.all([import('./state/index-announcer.js'), import('./state/ingest-lock.js')]);
  return { lock: createPgIngestLock({ connection: url }), announce: (version: string) => announceIndexVersion(url, version) };
}

/** The password in a database URL, so that the logger masks it wherever it appears. */
function databasePassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first lines a newcomer reads: what is served and where, and, when only the curated
 * procedures are loaded, where the national catalogue comes from and how to add it.
 */
function announce(log: pino.Logger, config: Config, knowledge: Knowledge | null, url: string): void {
  const base = url.replace(/\/+$/, '');
  const documents = knowledge ? [...knowledge.documents.values()].filter((d) => !d.summaryOnly).length : 0;
  const cited = knowledge ? knowledge.documents.size - documents : 0;
  const procedures = knowledge?.procedures.size ?? 0;
  log.info(
    { documents, citedOnly: cited, procedures, catalogue: knowledge?.catalogueLoaded ?? false },
    `serving ${documents} documents (+${cited} cited by number only) and ${procedures} procedures`,
  );
  const admin = config.adminToken ? `${base}/admin` : 'off (set ADMIN_TOKEN, 16+ characters)';
  log.info({}, `widget demo ${base}/ · API docs ${base}/docs · admin ${admin}`);
  if (knowledge && !knowledge.catalogueLoaded) {
    log.info({ catalogue: false }, `no national catalogue loaded: only the ${procedures} curated procedures of data/catalogue are answered`);
    const where = config.adminToken ? `upload the file at ${base}/admin` : 'upload the file at /admin (with ADMIN_TOKEN set)';
    log.info(
      {},
      "to add it: take the national portal's records (dichvucong.gov.vn) as portal JSON records (ma_thu_tuc …), " +
        `a tthc-catalogue/v1 JSON or the catalogue CSV (data/README.md), then ${where} or run \`npm run ingest -- PATH\``,
    );
  }
}
