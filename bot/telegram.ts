// The Telegram bot (grammY): commands and questions in, engine answers out as HTML with buttons:
// a short first answer with the rest on demand (sections, "More" pages). It translates and
// delivers only; every answer comes from the AnswerEngine.
import { Bot, GrammyError, HttpError, session, type Context, type FilterQuery, type SessionFlavor, type StorageAdapter } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Language } from '../domain/records.js';
import type { AnswerEngine, AskRequest } from '../domain/contract.js';
import { describeError, redact, redactingLogger, silentLogger, TelegramStartupError, type Logger } from './errors.js';
import { asksForPerson, contactLines, contactReply, requestLanguage, type Contact } from './contact.js';
import { moreButton, renderSection, renderTelegram, renderUnitTasks, splitHtml, textLines, type Line, type ProcedureSection } from './format.js';
import { languageFromCode, messages } from './messages.js';
import { addressedToBot, isGroup, sessionKey, threadTo, withoutMention } from './telegram-groups.js';
import { installSubscriptionCommands } from './telegram-subscriptions.js';
import { createMemorySessionStorage, type SubscriptionStore } from './storage.js';
import type { BotContext, ChatSession, TelegramBot } from './telegram-context.js';

export type { BotContext, ChatSession, TelegramBot } from './telegram-context.js';

export interface ThrottleOptions {
  /** Minimum gap between two calls to one private chat (Telegram allows about 1 message/s). */
  perChatMs?: number;
  /** Calls per second over all chats (Telegram allows about 30). */
  perSecond?: number;
}

export interface TelegramDeps {
  token: string;
  engine: AnswerEngine;
  apiRoot?: string;
  sessionStorage?: StorageAdapter<ChatSession>;
  subscriptions: SubscriptionStore;
  logger?: Logger;
  now?: () => Date;
  /** Flood control; `false` turns the throttler off (auto-retry stays). */
  throttle?: ThrottleOptions | false;
  retry?: { maxRetryAttempts?: number; maxDelaySeconds?: number };
  /** How people reach a person: shown in /help, with "not found" answers, and when asked for. */
  contact?: Contact;
}

const TYPING_EVERY_MS = 4_000; // "typing" lasts 5 s on the client
/** What is not text: answered with a short note that the bot reads text. */
const NOT_TEXT = ['message:photo', 'message:voice', 'message:sticker', 'message:audio', 'message:video', 'message:video_note', 'message:document', 'message:animation', 'message:location', 'message:contact', 'message:venue', 'message:poll', 'message:dice'] satisfies FilterQuery[];

export function createTelegramBot(deps: TelegramDeps): TelegramBot {
  const log = redactingLogger(deps.logger ?? silentLogger, [deps.token]);
  const now = deps.now ?? (() => new Date());
  // Updates are handled one at a time while polling, so one hanging Bot API call must not hold
  // every chat: calls time out after 10 s (grammY's default is 500 s). getUpdates long-polls
  // for less than that.
  const bot = new Bot<BotContext>(deps.token, { client: { timeoutSeconds: 10, ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}) } });

  // The throttler spaces calls out; auto-retry, installed last, wraps it so that a retried call
  // queues again. Both are bounded: a flood wait beyond maxDelaySeconds fails the call.
  if (deps.throttle !== false) {
    const perChatMs = deps.throttle?.perChatMs ?? 1000;
    const perSecond = deps.throttle?.perSecond ?? 30;
    bot.api.config.use(
      apiThrottler({
        global: { reservoir: perSecond, reservoirRefreshAmount: perSecond, reservoirRefreshInterval: 1000 },
        out: { maxConcurrent: 1, minTime: perChatMs },
        group: { maxConcurrent: 1, minTime: Math.max(perChatMs, 3000) },
      }),
    );
  }
  // auto-retry would retry network errors (HttpError) without bound; those fail at once instead
  // (bot.catch logs them, and long polling has its own back-off).
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: deps.retry?.maxRetryAttempts ?? 3,
      maxDelaySeconds: deps.retry?.maxDelaySeconds ?? 30,
      rethrowHttpErrors: true,
    }),
  );

  // In groups the bot hears only what is addressed to it (before a session is even read).
  bot.use(async (ctx, next) => {
    if (!isGroup(ctx) || ctx.callbackQuery) return next();
    if (ctx.message && addressedToBot(ctx.message, ctx.me)) return next();
  });
  bot.use(session({ initial: (): ChatSession => ({}), getSessionKey: sessionKey, storage: deps.sessionStorage ?? createMemorySessionStorage<ChatSession>() }));

  const uiLanguage = (ctx: BotContext): Language => ctx.session.language ?? languageFromCode(ctx.from?.language_code);
  const contact = (lang: Language): Line[] => contactLines(deps.contact, lang);
  /** The engine's conversation: one per private chat, one per member of a group, renewed by /start. */
  const conversationId = (ctx: BotContext): string => `tg:${sessionKey(ctx)}${ctx.session.conversation ? `#${ctx.session.conversation}` : ''}`;

  const say = async (ctx: BotContext, html: string, keyboard?: InlineKeyboardMarkup): Promise<void> => {
    await ctx.reply(html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...threadTo(ctx), ...(keyboard ? { reply_markup: keyboard } : {}) });
  };
  const sendText = async (ctx: BotContext, text: string, extra: Line[] = []): Promise<void> => {
    for (const part of splitHtml([...textLines(text), ...extra])) await say(ctx, part);
  };

  /** The first page, with a "More" button when there are others (kept in the session until asked for). */
  const sendPages = async (ctx: BotContext, pages: string[], keyboard: InlineKeyboardMarkup | undefined, lang: Language): Promise<void> => {
    if (!pages.length) return;
    const rows = [...(keyboard?.inline_keyboard ?? [])];
    if (pages.length > 1) {
      const key = Math.random().toString(36).slice(2, 8);
      ctx.session.pages = { key, html: pages };
      rows.push([moreButton(key, 1, pages.length, lang)]);
    }
    await say(ctx, pages[0]!, rows.length ? { inline_keyboard: rows } : undefined);
  };

  /** Shows "typing" while the engine works. */
  const withTyping = async <T>(ctx: BotContext, work: () => Promise<T>): Promise<T> => {
    const typing = (): void => {
      ctx.replyWithChatAction('typing').catch((error: unknown) => log.warn({ err: error, chatId: ctx.chat?.id }, 'chat action failed'));
    };
    typing();
    const timer = setInterval(typing, TYPING_EVERY_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  };

  /** Asks the engine and delivers the answer. */
  const answer = async (ctx: BotContext, request: Omit<AskRequest, 'sessionId'>): Promise<void> => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    let rendering;
    let lang: Language;
    try {
      const res = await withTyping(ctx, () => deps.engine.ask({ ...request, sessionId: conversationId(ctx) }));
      if (res.unit) ctx.session.unit = res.unit;
      lang = ctx.session.language ?? res.language;
      const record = res.procedure ? deps.engine.procedure(res.procedure.code) : undefined;
      rendering = renderTelegram(res, lang, { record, contact });
    } catch (error) {
      log.error({ err: error, chatId }, 'engine failed');
      await sendText(ctx, messages(request.language ?? uiLanguage(ctx)).thinkingFailed);
      return;
    }
    await sendPages(ctx, rendering.pages, rendering.keyboard, lang);
  };

  const language = (ctx: BotContext): Language | undefined => ctx.session.language;
  const args = (ctx: BotContext): string => (typeof ctx.match === 'string' ? ctx.match.trim() : '');

  bot.command('start', async (ctx) => {
    // A fresh start: the engine forgets the last procedure and the pending choices.
    ctx.session.conversation = (ctx.session.conversation ?? 0) + 1;
    delete ctx.session.unit;
    delete ctx.session.pages;
    await sendText(ctx, messages(uiLanguage(ctx)).greeting);
  });
  bot.command('help', (ctx) => sendText(ctx, messages(uiLanguage(ctx)).help, contact(uiLanguage(ctx))));

  bot.command('lang', async (ctx) => {
    const wanted = args(ctx).toLowerCase();
    if (wanted !== 'vi' && wanted !== 'en') return sendText(ctx, messages(uiLanguage(ctx)).languageUsage);
    ctx.session.language = wanted;
    await sendText(ctx, messages(wanted).languageSet);
  });

  bot.command('thutuc', async (ctx) => {
    const name = args(ctx);
    if (!name) return sendText(ctx, messages(uiLanguage(ctx)).askProcedureName);
    await answer(ctx, { question: name.slice(0, 1000), language: language(ctx) });
  });

  // A unit's deadlines are data the engine lists for the unit: no question is composed for it.
  bot.command('hanchot', async (ctx) => {
    const unit = args(ctx).slice(0, 200) || ctx.session.unit;
    const lang = uiLanguage(ctx);
    if (!unit) return sendText(ctx, messages(lang).askUnit('hanchot'));
    ctx.session.unit = unit;
    let rendering;
    try {
      const list = await withTyping(ctx, () => deps.engine.tasksFor({ unit, language: lang, sessionId: conversationId(ctx) }));
      if (!list.known) return await sendText(ctx, messages(lang).unitNotFound(unit));
      ctx.session.unit = list.unit;
      rendering = renderUnitTasks(list, lang);
    } catch (error) {
      log.error({ err: error, chatId: ctx.chat.id }, 'engine failed');
      return await sendText(ctx, messages(lang).thinkingFailed);
    }
    await sendPages(ctx, rendering.pages, rendering.keyboard, lang);
  });

  installSubscriptionCommands(bot, { subscriptions: deps.subscriptions, now, uiLanguage, sendText, say });

  // Ask-back and "did you mean" buttons carry a procedure code; the engine answers a bare code.
  bot.callbackQuery(/^alt:(.+)$/, async (ctx) => {
    try {
      await answer(ctx, { question: ctx.match[1] ?? '', language: language(ctx) });
    } finally {
      await ctx.answerCallbackQuery();
    }
  });
  // A section of a procedure (papers, steps, legal basis), read from its record.
  bot.callbackQuery(/^sec:(papers|steps|legal):(.+)$/, async (ctx) => {
    try {
      const lang = uiLanguage(ctx);
      const record = deps.engine.procedure(ctx.match[2] ?? '');
      const pages = record ? renderSection(record.name, record, ctx.match[1] as ProcedureSection, lang) : [];
      if (!pages.length) await sendText(ctx, messages(lang).sectionMissing);
      else await sendPages(ctx, pages, undefined, lang);
    } finally {
      await ctx.answerCallbackQuery();
    }
  });
  bot.callbackQuery(/^more:(\w+):(\d+)$/, async (ctx) => {
    try {
      const lang = uiLanguage(ctx);
      const kept = ctx.session.pages;
      const n = Number(ctx.match[2]);
      const page = kept && kept.key === ctx.match[1] ? kept.html[n] : undefined;
      if (!kept || page === undefined) {
        await sendText(ctx, messages(lang).expired);
        return;
      }
      const next = n + 1 < kept.html.length ? { inline_keyboard: [[moreButton(kept.key, n + 1, kept.html.length, lang)]] } : undefined;
      await say(ctx, page, next);
    } finally {
      await ctx.answerCallbackQuery();
    }
  });
  bot.on('callback_query:data', (ctx) => ctx.answerCallbackQuery());

  bot.on('message:text', async (ctx) => {
    const text = isGroup(ctx) ? withoutMention(ctx.message.text, ctx.me) : ctx.message.text.trim();
    const lang = uiLanguage(ctx);
    if (text.startsWith('/')) {
      // An unknown command: in a group it may be another bot's, so only a private chat gets help.
      if (!isGroup(ctx)) await sendText(ctx, messages(lang).help, contact(lang));
      return;
    }
    if (!text) return sendText(ctx, messages(lang).askProcedureName);
    if (asksForPerson(text)) return sendText(ctx, contactReply(deps.contact, ctx.session.language ?? requestLanguage(text, lang)));
    await answer(ctx, { question: text.slice(0, 1000), language: language(ctx) });
  });
  bot.on(NOT_TEXT, (ctx) => sendText(ctx, messages(uiLanguage(ctx)).textOnly));

  bot.catch((err) => {
    log.error({ err: err.error, updateId: err.ctx.update.update_id, chatId: err.ctx.chat?.id }, 'telegram update failed');
  });
  return bot;
}

// ---- start and stop -----------------------------------------------------------------------

const COMMANDS = {
  vi: [
    { command: 'thutuc', description: 'Tra cứu thủ tục: giấy tờ, lệ phí, thời hạn' },
    { command: 'hanchot', description: 'Nhiệm vụ và hạn chót của một đơn vị' },
    { command: 'theodoi', description: 'Nhận nhắc hạn hằng ngày' },
    { command: 'dstheodoi', description: 'Các đơn vị đang theo dõi' },
    { command: 'huytheodoi', description: 'Thôi nhận nhắc hạn' },
    { command: 'lang', description: 'Ngôn ngữ: vi hoặc en' },
    { command: 'help', description: 'Hướng dẫn' },
  ],
  en: [
    { command: 'thutuc', description: 'Look up a procedure: papers, fee, time' },
    { command: 'hanchot', description: "A unit's tasks and deadlines" },
    { command: 'theodoi', description: 'Daily deadline reminders' },
    { command: 'dstheodoi', description: 'Units you follow' },
    { command: 'huytheodoi', description: 'Stop reminders' },
    { command: 'lang', description: 'Language: vi or en' },
    { command: 'help', description: 'Help' },
  ],
};

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * getMe, mapped to a coded error whose message never carries the token. grammY retries network
 * failures here without end, so the attempt is bounded by a deadline.
 */
async function initBot(bot: Bot<BotContext>, timeoutMs: number): Promise<void> {
  try {
    // grammY types its signal with the abort-controller polyfill; the runtime takes Node's own.
    await bot.init(AbortSignal.timeout(timeoutMs) as unknown as Parameters<typeof bot.init>[0]);
  } catch (error) {
    if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
      throw new TelegramStartupError('TELEGRAM_TOKEN_INVALID', 'Telegram từ chối mã bot (getMe: 401 Unauthorized): kiểm tra TELEGRAM_BOT_TOKEN.');
    }
    const detail = error instanceof HttpError || error instanceof GrammyError ? error.message : `no answer within ${timeoutMs} ms`;
    throw new TelegramStartupError('TELEGRAM_UNREACHABLE', redact(`Không kết nối được Telegram Bot API: ${detail}`, [bot.token]));
  }
}

export interface StartTelegramOptions {
  bot: TelegramBot;
  mode: 'polling' | 'webhook';
  /** Public HTTPS URL of POST /webhooks/telegram (webhook mode). */
  webhookUrl?: string;
  /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token (webhook mode). */
  secret?: string;
  logger?: Logger;
  /** How long to keep trying getMe before giving up (default 30 s). */
  startupTimeoutMs?: number;
  /**
   * Polling mode: start polling here (default). With several replicas pass false and let the
   * leader poll (startPolling as one of its duties): two pollers take updates from each other.
   */
  poll?: boolean;
}

/** Polling for development, webhook for production. Resolves once the bot is receiving updates. */
export async function startTelegram(opts: StartTelegramOptions): Promise<void> {
  const { bot } = opts;
  const log = redactingLogger(opts.logger ?? silentLogger, [bot.token, opts.secret]);
  await initBot(bot, opts.startupTimeoutMs ?? 30_000);
  for (const [lang, commands] of Object.entries(COMMANDS)) {
    await bot.api
      .setMyCommands(commands, lang === 'en' ? { language_code: 'en' } : {})
      .catch((error: unknown) => log.warn({ err: error }, 'setMyCommands failed'));
  }
  if (opts.mode === 'webhook') {
    if (!opts.webhookUrl || !/^https:\/\//.test(opts.webhookUrl)) {
      throw new TelegramStartupError('TELEGRAM_CONFIG', 'Chế độ webhook cần một địa chỉ HTTPS công khai (webhookUrl).');
    }
    if (!opts.secret || !/^[A-Za-z0-9_-]{1,256}$/.test(opts.secret)) {
      throw new TelegramStartupError('TELEGRAM_CONFIG', 'Chế độ webhook cần secret gồm 1–256 ký tự A-Z, a-z, 0-9, _ hoặc -.');
    }
    await bot.api.setWebhook(opts.webhookUrl, { secret_token: opts.secret, allowed_updates: [...ALLOWED_UPDATES] });
    log.info({ username: bot.botInfo.username }, 'telegram webhook set');
    return;
  }
  if (opts.poll !== false) await startPolling(bot, opts.logger);
}

/**
 * Long polling, for an initialised bot (startTelegram); resolves once it receives updates. Stopped
 * by stopTelegram and startable again, so a replica that stops leading hands polling over.
 * Updates the last poller took but had not confirmed are delivered again to the next one.
 *
 * With `signal` (the leader's duty), polling that Telegram ends with 409 Conflict (another poller:
 * the previous leader's last call during a handover) starts again after `conflictRetryMs`, until
 * the signal aborts; grammY itself gives up on a 409. Without it, a 409 ends polling (logged).
 */
export async function startPolling(bot: TelegramBot, logger?: Logger, opts: { signal?: AbortSignal; conflictRetryMs?: number } = {}): Promise<void> {
  const log = redactingLogger(logger ?? silentLogger, [bot.token]);
  const poll = (onStart: () => void, onFailure: (error: unknown) => void): void => {
    bot.start({ drop_pending_updates: false, timeout: 8, allowed_updates: [...ALLOWED_UPDATES], onStart }).catch((error: unknown) => {
      if (opts.signal?.aborted) return;
      if (opts.signal && error instanceof GrammyError && error.error_code === 409) {
        log.warn({ err: error }, 'telegram polling: another poller took the updates, polling again shortly');
        const retry = setTimeout(() => poll(() => log.info({}, 'telegram polling resumed'), onFailure), opts.conflictRetryMs ?? 3000);
        opts.signal.addEventListener('abort', () => clearTimeout(retry), { once: true });
        return;
      }
      onFailure(error);
    });
  };
  await new Promise<void>((resolve, reject) =>
    poll(resolve, (error) => {
      log.error({ err: error }, 'telegram polling stopped');
      reject(new TelegramStartupError('TELEGRAM_UNREACHABLE', redact(`Telegram polling dừng: ${describeError(error, [bot.token])}`, [bot.token])));
    }),
  );
  log.info({ username: bot.botInfo.username }, 'telegram polling started');
}

/**
 * Long polling as a leader's duty (state/leader.ts Duty): polls while leading, stops when not.
 * Starting does not wait for Telegram (grammY retries an unreachable API without end), so a
 * leader that must step down is never held by it; a failure to start is logged.
 */
export function pollingDuty(bot: TelegramBot, logger?: Logger): { name: string; start(): () => Promise<void> } {
  return {
    name: 'telegram polling',
    start() {
      const leading = new AbortController();
      const started = startPolling(bot, logger, { signal: leading.signal }).catch(() => undefined); // logged by startPolling
      return async () => {
        leading.abort();
        await stopTelegram(bot);
        await started;
      };
    },
  };
}

export async function stopTelegram(bot: TelegramBot): Promise<void> {
  if (bot.isRunning()) await bot.stop();
}

/** Delivery for runReminders: one HTML message to a chat, through the bot's throttled, retrying API. */
export function telegramSender(bot: TelegramBot): (chatId: number, html: string) => Promise<void> {
  return async (chatId, html) => {
    await bot.api.sendMessage(chatId, html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  };
}
