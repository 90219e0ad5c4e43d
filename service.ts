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
import { createAdminBackend } from './server/admin-backend.js';
import { openAssistant } from './server/assistant.js';
import { buildApp } from './server/http/app.js';
import { createMetrics } from './server/http/metrics.js';
import { createFeedbackStore, createUnansweredLog } from './server/http/stores.js';

export interface Service {
  app: Awaited<ReturnType<typeof buildApp>>;
  assistant: Awaited<ReturnType<typeof openAssistant>>;
  log: pino.Logger;
  /** Stop the channels and the index watcher, then let requests in flight finish. */
  close(): Promise<void>;
}

export async function createService(config: Config): Promise<Service> {
  const secrets = [config.adminToken, config.telegram?.token, config.telegram?.webhookSecret, config.zalo?.oaSecretKey, config.zalo?.appSecret, config.zalo?.accessToken, config.zalo?.refreshToken, config.llm?.apiKey].filter(
    (s): s is string => !!s,
  );
  const logOptions = {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["x-telegram-bot-api-secret-token"]', 'req.headers["x-zevent-signature"]'],
    // Secrets must never reach a log line, whatever a library puts in a message.
    hooks: {
      logMethod(args, method) {
        const scrub = (v: unknown) => (typeof v === 'string' ? secrets.reduce((s, x) => s.split(x).join('[secret]'), v) : v);
        method.apply(this, args.map(scrub) as Parameters<typeof method>);
      },
    },
  } satisfies pino.LoggerOptions;
  const log = pino(logOptions);

  let lastPct = -1;
  const assistant = await openAssistant({
    indexDir: config.indexDir,
    embedder: config.embedder,
    ingestPaths: config.ingestPaths,
    llm: config.llm,
    logger: log,
    onBuildProgress: (p) => {
      const pct = p.total ? Math.floor((100 * p.done) / p.total / 10) * 10 : 0;
      if (p.phase === 'load' && pct !== lastPct) {
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
    unanswered: createUnansweredLog({ size: 200 }),
    metrics,
    logger: logOptions,
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
  if (!config.adminToken) log.info({}, 'admin routes are off (ADMIN_TOKEN is not set)');

  const stops: Array<() => Promise<void> | void> = [stopWatching];
  if (config.telegram) {
    const t = config.telegram;
    const subscriptions = createFileSubscriptionStore(path.join(config.stateDir, 'telegram-subscriptions.json'));
    const bot = createTelegramBot({
      token: t.token,
      engine: assistant.engine,
      subscriptions,
      sessionStorage: createFileSessionStorage(path.join(config.stateDir, 'telegram-sessions.json')),
      logger: log,
      ...(t.apiRoot ? { apiRoot: t.apiRoot } : {}),
    });
    if (t.mode === 'webhook') await app.register(telegramWebhookPlugin, { bot, secret: t.webhookSecret! });
    await startTelegram({ bot, mode: t.mode, logger: log, ...(t.webhookUrl ? { webhookUrl: t.webhookUrl } : {}), ...(t.webhookSecret ? { secret: t.webhookSecret } : {}) });
    const stopReminders = scheduleDailyReminders({
      now: () => new Date(),
      run: () => runReminders({ engine: assistant.engine, subscriptions, send: telegramSender(bot), now: new Date(), logger: log }),
      logger: log,
    });
    stops.push(stopReminders, () => stopTelegram(bot));
    log.info({ mode: t.mode }, 'Telegram bot on');
  } else {
    log.info({}, 'Telegram bot off (TELEGRAM_BOT_TOKEN is not set)');
  }
  if (config.zalo) {
    const z = config.zalo;
    const client = createZaloClient({
      appId: z.appId,
      secretKey: z.appSecret ?? '',
      apiBase: z.apiBase,
      oauthBase: z.oauthBase,
      tokens: createFileZaloTokenStore(path.join(config.stateDir, 'zalo-tokens.json'), { accessToken: z.accessToken, refreshToken: z.refreshToken ?? '' }),
      logger: log,
    });
    await app.register(zaloWebhookPlugin, { appId: z.appId, oaSecretKey: z.oaSecretKey, client, engine: assistant.engine, logger: log });
    log.info({}, 'Zalo OA webhook on at /webhooks/zalo');
  } else {
    log.info({}, 'Zalo OA off (ZALO_APP_ID, ZALO_OA_SECRET_KEY, ZALO_OA_ACCESS_TOKEN are not set)');
  }

  return {
    app,
    assistant,
    log,
    async close() {
      for (const stop of stops) await stop();
      await app.close();
    },
  };
}
