// The whole service from a validated configuration: the assistant over its index (built from
// the data on first run), the web app, the admin backend with its ingest runs, and the
// configured channels. `main.ts` listens; tests call this.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type pino from 'pino';
import type { Config } from './config.js';
import { createEmbeddings, createFileIndexStore, createFileQuarantine, quarantineFile, runIngest, type EmbedderConfig, type IngestProgress, type IngestSummary, type QuarantineEntry } from './ingest/index.js';
import type { Knowledge } from './server/answer/knowledge.js';
import type { LlmConfig } from './server/answer/llm.js';
import type { ProcedurePrecedence } from './server/answer/precedence.js';
import type { IngestRunner } from './server/admin-backend.js';
import { createAssistant, type Assistant as OpenAssistant, type AssistantLogger } from './server/assistant.js';
import type { buildApp } from './server/http/app.js';
import type { LogSettings } from './server/log.js';

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
  const assistant = await createAssistant({ store, embedder, llm: o.llm, logger: o.logger, now: o.now, precedence: o.precedence });
  return { ...assistant, ...(built ? { built } : {}) };
}

/** What an ingest run needs of the configuration, handed whole to the child (cli/ingest.ts --config-stdin). */
export interface IngestSettings {
  indexDir: string;
  paths: string[];
  baseDir: string;
  embedder: EmbedderConfig;
}

/** What one admin run may use before it is stopped (config.ts: INGEST_MAX_MEMORY_MB, INGEST_FILE_TIMEOUT_MS, INGEST_TIMEOUT_MS). */
export interface IngestBudget {
  /** The child's V8 heap limit (--max-old-space-size), MB. */
  maxMemoryMb: number;
  /** Longest one file may be read, ms: past it the child is killed and the file quarantined. */
  fileTimeoutMs: number;
  /** Longest a whole run may take, ms: past it the run is stopped, nothing is quarantined. */
  timeoutMs: number;
  /** Extra node flags for the child (tests preload a loader that never finishes). */
  nodeArgs?: string[] | undefined;
}

/** A run stopped after its time budget gets this long to stop cleanly (lock released, draft removed) before it is killed. */
const STOP_GRACE_MS = 5000;

type Death = 'memory' | 'file-time' | 'run-time';

/** A budget's length as people say it: seconds up to two minutes, then minutes. */
const spell = (ms: number): { en: string; vi: string } =>
  ms < 120_000 ? { en: `${Math.round(ms / 1000)} s`, vi: `${Math.round(ms / 1000)} giây` } : { en: `${Math.round(ms / 60_000)} min`, vi: `${Math.round(ms / 60_000)} phút` };

/** The reason a file is quarantined for, in English and Vietnamese, naming the file as the loaders' errors do. */
function quarantineReason(source: string, death: 'memory' | 'file-time', budget: IngestBudget): string {
  const keep = 'it is quarantined and skipped until the file changes or is removed';
  const giu = 'tệp bị cách ly và bỏ qua cho đến khi được thay đổi hoặc xoá';
  return death === 'memory'
    ? `${source}: reading this file took the ingest over its memory budget (${budget.maxMemoryMb} MB); ${keep}. / Đọc tệp này làm tiến trình nạp dữ liệu vượt giới hạn bộ nhớ (${budget.maxMemoryMb} MB): ${giu}.`
    : `${source}: reading this file took longer than ${spell(budget.fileTimeoutMs).en}, the time budget of one file; ${keep}. / Đọc tệp này quá ${spell(budget.fileTimeoutMs).vi} (giới hạn cho mỗi tệp): ${giu}.`;
}

/** Why a run died with no file to blame (or stopped as a whole), in English and Vietnamese. */
function runDeathMessage(death: Death, phase: string | undefined, file: string | undefined, budget: IngestBudget): string {
  const doing: Record<string, string> = { scan: 'scanning', load: 'reading', embed: 'embedding', index: 'indexing', write: 'writing', done: 'finishing' };
  const during = file ? ` while reading ${file}` : phase && doing[phase] ? ` while ${doing[phase]}` : '';
  const limit = spell(death === 'file-time' ? budget.fileTimeoutMs : budget.timeoutMs);
  return death !== 'memory'
    ? `The ingest took longer than its time budget (${limit.en}) and was stopped${during}; the index was left as it was. / Lần nạp dữ liệu vượt quá thời gian cho phép (${limit.vi}) nên đã dừng; chỉ mục giữ nguyên.`
    : `The ingest ran out of memory (${budget.maxMemoryMb} MB)${during}; the index was left as it was. / Tiến trình nạp dữ liệu hết bộ nhớ (${budget.maxMemoryMb} MB); chỉ mục giữ nguyên.`;
}

/**
 * Admin ingest runs in a child process (the PDF/DOCX parsers and the embedding stay out of the
 * serving process), given the service's resolved settings on its standard input: it never reads
 * the environment, so it indexes with the embedder the service serves with. The child is the
 * compiled CLI when this file is compiled, the TypeScript one under tsx otherwise.
 *
 * The child runs within a budget: a V8 heap limit, a time limit per file and one per run. It says
 * which file its loader is on; when it dies of its memory or its per-file time while on a file,
 * that file is quarantined (skipped by later runs until it changes) and the result says so, so
 * that the next run publishes everything else.
 */
export function ingestInChild(settings: IngestSettings, budget: IngestBudget): IngestRunner {
  const self = fileURLToPath(import.meta.url);
  const compiled = self.endsWith('.js');
  const cli = path.join(path.dirname(self), 'cli', compiled ? 'ingest.js' : 'ingest.ts');
  const quarantine = createFileQuarantine(quarantineFile(settings.indexDir));
  return ({ prune, onProgress }) =>
    new Promise((resolve, reject) => {
      const args = [
        `--max-old-space-size=${budget.maxMemoryMb}`,
        // tsx by its own path: the child's working folder (the base folder) need not hold node_modules.
        ...(compiled ? [] : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]),
        ...(budget.nodeArgs ?? []),
        cli,
        '--json',
        '--config-stdin',
        ...(prune ? ['--prune'] : []),
      ];
      const child = spawn(process.execPath, args, { cwd: settings.baseDir, stdio: ['pipe', 'pipe', 'pipe'] });
      // A child that dies before reading its settings (EPIPE) reports through its exit code and stderr.
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify(settings));
      let pending = '';
      let last = '';
      let err = '';
      let phase: string | undefined;
      let reading: { source: string; hash: string } | null = null;
      let killedFor: Death | null = null;
      let fileTimer: NodeJS.Timeout | undefined;
      const kill = (why: Death, signal: NodeJS.Signals) => {
        killedFor ??= why;
        child.kill(signal);
      };
      const runTimer = setTimeout(() => {
        kill('run-time', 'SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
      }, budget.timeoutMs);
      // The child prints {"progress": …} and {"reading": …} lines while it works and its summary as the last line.
      child.stdout.on('data', (d: Buffer) => {
        const lines = (pending + d.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim())) {
          last = line;
          try {
            const parsed = JSON.parse(line) as { progress?: Parameters<typeof onProgress>[0]; reading?: typeof reading };
            if (parsed.progress) {
              phase = parsed.progress.phase;
              onProgress(parsed.progress);
            }
            if (parsed.reading !== undefined) {
              reading = parsed.reading;
              clearTimeout(fileTimer);
              // A loader stuck on one file (CPU or a hung parser) is killed outright: it would not see a polite stop.
              if (reading) fileTimer = setTimeout(() => kill('file-time', 'SIGKILL'), budget.fileTimeoutMs);
            }
          } catch {
            // Not ours (a library printing to stdout): only JSON lines count.
          }
        }
      });
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.on('error', (e) => {
        clearTimeout(runTimer);
        clearTimeout(fileTimer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(runTimer);
        clearTimeout(fileTimer);
        // V8 out of its heap prints this and aborts (SIGABRT).
        const death: Death | null = killedFor ?? (/JavaScript heap out of memory/.test(err) || signal === 'SIGABRT' ? 'memory' : null);
        const exitCode = code ?? 1;
        if (death) {
          const blamed = death !== 'run-time' ? reading : null;
          if (!blamed) {
            resolve({ exitCode, error: runDeathMessage(death, phase, reading?.source, budget) });
            return;
          }
          const entry: QuarantineEntry = {
            source: blamed.source,
            hash: blamed.hash,
            code: death === 'memory' ? 'MEMORY_BUDGET' : 'TIME_BUDGET',
            reason: quarantineReason(blamed.source, death === 'memory' ? 'memory' : 'file-time', budget),
            at: new Date().toISOString(),
          };
          quarantine.add(entry).then(
            () => resolve({ exitCode, error: entry.reason, quarantined: entry }),
            (e: unknown) => reject(new Error(`${blamed.source} could not be quarantined`, { cause: e })),
          );
          return;
        }
        if (pending.trim()) last = pending;
        let out: (IngestSummary & { error?: { message?: string } }) | undefined;
        try {
          out = JSON.parse(last) as typeof out;
        } catch {
          out = undefined;
        }
        const summary = out && Array.isArray(out.added) ? out : undefined;
        resolve({ exitCode, summary, error: summary ? undefined : (out?.error?.message ?? err.split('\n').filter(Boolean).pop() ?? `exit ${exitCode}`) });
      });
    });
}

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
  // The web app, the logger and the bots load here rather than at the top: `npm run ask` opens
  // the assistant through this file and needs none of them (≈0.2 s of its start), and a bot that
  // is not configured is never loaded.
  const [{ buildApp }, { createMetrics }, { createFeedbackStore, createUnansweredLog }, { createAdminBackend }, { createLogger }, { CONFIRMATIONS_FILE, createFileConfirmationStore, uploadPrecedence }] = await Promise.all([
    import('./server/http/app.js'),
    import('./server/http/metrics.js'),
    import('./server/http/stores.js'),
    import('./server/admin-backend.js'),
    import('./server/log.js'),
    import('./server/redefinitions.js'),
  ]);
  const log = deps.log ?? createLogger(logSettings(config));
  // An upload that redefines a bundled procedure is served only once the admin confirms it.
  const uploadDir = path.join(config.dataDir, 'uploads');
  const confirmations = createFileConfirmationStore(path.join(config.stateDir, CONFIRMATIONS_FILE));
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
    connections: config.http,
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
            ingest: ingestInChild({ indexDir: config.indexDir, paths: config.ingestPaths, baseDir: config.baseDir, embedder: config.embedder }, config.ingestBudget),
            quarantine: createFileQuarantine(quarantineFile(config.indexDir)),
            uploadDir,
            baseDir: config.baseDir,
            confirmations,
            onRun: (o) => metrics.ingestRun(o),
            logger: log,
          }),
        }
      : {}),
  });

  const stops: Array<() => Promise<void> | void> = [stopWatching];
  if (config.telegram) {
    const [storage, telegram, { telegramWebhookPlugin }, { runReminders, scheduleDailyReminders }] = await Promise.all([
      import('./bot/storage.js'),
      import('./bot/telegram.js'),
      import('./bot/telegram-webhook.js'),
      import('./bot/reminders.js'),
    ]);
    const { createTelegramBot, startTelegram, stopTelegram, telegramSender } = telegram;
    const { createFileSessionStorage, createFileSubscriptionStore } = storage;
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
    const [{ createFileZaloTokenStore }, { createZaloClient }, { zaloWebhookPlugin }] = await Promise.all([
      import('./bot/storage.js'),
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
