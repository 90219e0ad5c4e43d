// POST /webhooks/telegram: grammY's fastify adapter behind Telegram's secret header. A wrong or
// missing X-Telegram-Bot-Api-Secret-Token gets 401 and the update is not processed.
import type { FastifyInstance } from 'fastify';
import { webhookCallback } from 'grammy';
import { TelegramStartupError } from './errors.js';
import type { TelegramBot } from './telegram.js';

export interface TelegramWebhookOptions {
  bot: TelegramBot;
  secret: string;
  path?: string;
  /** Answer Telegram after this long even if the update is still being handled (it would retry). */
  timeoutMs?: number;
}

export async function telegramWebhookPlugin(app: FastifyInstance, opts: TelegramWebhookOptions): Promise<void> {
  if (!opts.secret) throw new TelegramStartupError('TELEGRAM_CONFIG', 'Webhook Telegram cần một secret.');
  const handle = webhookCallback(opts.bot, 'fastify', {
    secretToken: opts.secret,
    onTimeout: 'return',
    timeoutMilliseconds: opts.timeoutMs ?? 9_000,
  });
  app.post(opts.path ?? '/webhooks/telegram', async (request, reply) => {
    await handle(request, reply);
    return reply;
  });
}
