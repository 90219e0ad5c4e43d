// The whole service from a validated configuration: the assistant over its index, the web
// app, the admin backend and the configured channels. `main.ts` listens; tests call this.
import path from 'node:path';
import pino from 'pino';
import { createFileSessionStorage, createFileSubscriptionStore, createFileZaloTokenStore } from './bot/storage.js';
import { createTelegramBot, startTelegram, stopTelegram, telegramSender } from './bot/telegram.js';
import { telegramWebhookPlugin } from './bot/telegram-webhook.js';
import { runReminders, scheduleDailyReminders } from './bot/reminders.js';
import { createZaloClient } from './bot/zalo-client.js';
import { zaloWebhookPlugin } from './bot/zalo.js';
import type { Config } from './config.js';
import type { Knowledge } from './server/answer/knowledge.js';
import { createAdminBackend } from './server/admin-backend.js';
import { openAssistant } from './server/assistant.js';
import { buildApp } from './server/http/app.js';
import { createMetrics } from './server/http/metrics.js';
import { createFeedbackStore, createUnansweredLog } from './server/http/stores.js';
import { createLogger, type LogSettings } from './server/log.js';

export interface Service {
  app: Awaited<ReturnType<typeof buildApp>>;
  assistant: Awaited<ReturnType<typeof openAssistant>>;
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
    config.telegram?.token,
    config.telegram?.webhookSecret,
    config.zalo?.oaSecretKey,
    config.zalo?.appSecret,
    config.zalo?.accessToken,
    config.zalo?.refreshToken,
    config.llm?.apiKey,
    config.embedder.kind === 'openai' ? config.embedder.apiKey : undefined,
  ];
  return { level: config.logLevel, format: config.logFormat, secrets };
}

export async function createService(config: Config, deps: ServiceDeps = {}): Promise<Service> {
  const log = deps.log ?? createLogger(logSettings(config));

  let lastPct = -1;
  // Progress only for a build long enough to wonder about (the national catalogue): a small one
  // would push the lines that say what is served out of the first screen.
  const buildStarted = Date.now();
  const assistant = await openAssistant({
    indexDir: config.indexDir,
    embedder: config.embedder,
    ingestPaths: config.ingestPaths,
    llm: config.llm,
    logger: log,
    onBuildProgress: (p) => {
      const pct = p.total ? Math.floor((100 * p.done) / p.total / 10) * 10 : 0;
      if (p.phase === 'load' && pct !== lastPct && Date.now() - buildStarted > 2000) {
        lastPct = pct;
        log.info({ phase: p.phase, done: p.done, total: p.total }, `building the index: ${pct}%`);
      }
    },
  });
  const stopWatching = assistant.live.watch(2000);
  const metrics = createMetrics();
  const app = await buildApp({
    engine: assistant.engine,
    isReady: () => assistant.live.current() !== null,
    widgetOrigins: config.widgetOrigins,
    rateLimit: config.rateLimit,
    uploadLimitBytes: config.uploadMaxBytes,
    feedback: createFeedbackStore({ file: path.join(config.stateDir, 'feedback.jsonl') }),
    unanswered: createUnansweredLog({ size: 200, file: path.join(config.stateDir, 'unanswered.jsonl'), onError: (err) => log.warn({ err }, 'unanswered question not saved') }),
    metrics,
    loggerInstance: log,
    trustProxy: config.trustProxy,
    ...(config.adminToken
      ? {
          adminToken: config.adminToken,
          admin: createAdminBackend({
            store: assistant.store,
            live: assistant.live,
            ingestPaths: config.ingestPaths,
            uploadDir: path.join(config.dataDir, 'uploads'),
            onRun: (o) => metrics.ingestRun(o),
            logger: log,
          }),
        }
      : {}),
  });

  const stops: Array<() => Promise<void> | void> = [stopWatching];
  if (config.telegram) {
    const t = config.telegram;
    const telegramLog = log.child({ channel: 'telegram' });
    const subscriptions = createFileSubscriptionStore(path.join(config.stateDir, 'telegram-subscriptions.json'));
    const bot = createTelegramBot({
      token: t.token,
      engine: assistant.engine,
      subscriptions,
      sessionStorage: createFileSessionStorage(path.join(config.stateDir, 'telegram-sessions.json')),
      logger: telegramLog,
      ...(t.apiRoot ? { apiRoot: t.apiRoot } : {}),
      ...(config.contact ? { contact: config.contact } : {}),
    });
    if (t.mode === 'webhook') await app.register(telegramWebhookPlugin, { bot, secret: t.webhookSecret! });
    await startTelegram({ bot, mode: t.mode, logger: telegramLog, ...(t.webhookUrl ? { webhookUrl: t.webhookUrl } : {}), ...(t.webhookSecret ? { secret: t.webhookSecret } : {}) });
    const stopReminders = scheduleDailyReminders({
      now: () => new Date(),
      run: () => runReminders({ engine: assistant.engine, subscriptions, send: telegramSender(bot), now: new Date(), logger: telegramLog }),
      logger: telegramLog,
    });
    stops.push(stopReminders, () => stopTelegram(bot));
    log.info({ mode: t.mode }, 'Telegram bot on');
  } else {
    log.info({}, 'Telegram bot off (TELEGRAM_BOT_TOKEN is not set)');
  }
  if (config.zalo) {
    const z = config.zalo;
    const zaloLog = log.child({ channel: 'zalo' });
    // The environment's tokens are the starting pair; the store keeps the refreshed ones.
    const configured = { accessToken: z.accessToken, ...(z.refreshToken ? { refreshToken: z.refreshToken } : {}) };
    const client = createZaloClient({
      appId: z.appId,
      secretKey: z.appSecret,
      apiBase: z.apiBase,
      oauthBase: z.oauthBase,
      tokens: createFileZaloTokenStore(path.join(config.stateDir, 'zalo-tokens.json'), configured),
      logger: zaloLog,
    });
    await app.register(zaloWebhookPlugin, { appId: z.appId, oaSecretKey: z.oaSecretKey, client, engine: assistant.engine, logger: zaloLog, ...(config.contact ? { contact: config.contact } : {}) });
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
    },
  };
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
