// Reminder subscriptions on Telegram: /theodoi checks the unit against the unit directory,
// /dstheodoi lists the chat's subscriptions, /huytheodoi without a unit lets the person pick.
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Language } from '../domain/records.js';
import { checkUnit } from './choices.js';
import { escapeHtml } from './format.js';
import { messages } from './messages.js';
import type { SubscriptionStore } from './storage.js';
import type { BotContext, TelegramBot } from './telegram-context.js';

const CALLBACK_DATA_LIMIT = 64;
const fitsCallback = (data: string): boolean => Buffer.byteLength(data, 'utf8') <= CALLBACK_DATA_LIMIT;

export interface SubscriptionHelpers {
  subscriptions: SubscriptionStore;
  now: () => Date;
  uiLanguage: (ctx: BotContext) => Language;
  sendText: (ctx: BotContext, text: string) => Promise<void>;
  say: (ctx: BotContext, html: string, keyboard?: InlineKeyboardMarkup) => Promise<void>;
}

/**
 * /theodoi checks the unit against the directory (a typo would subscribe to reminders that never
 * come) and offers the closest names; /huytheodoi without a unit lets the person pick; /dstheodoi
 * lists what the chat follows.
 */
export function installSubscriptionCommands(bot: TelegramBot, h: SubscriptionHelpers): void {
  const subscribe = async (ctx: BotContext, unit: string): Promise<void> => {
    const lang = h.uiLanguage(ctx);
    ctx.session.unit = unit;
    await h.subscriptions.add({ chatId: ctx.chat!.id, unit, language: lang, now: h.now() });
    await h.sendText(ctx, messages(lang).subscribed(unit));
  };
  const buttons = (items: { text: string; data: string }[]): InlineKeyboardMarkup => ({
    inline_keyboard: items.filter((i) => fitsCallback(i.data)).map((i) => [{ text: i.text, callback_data: i.data }]),
  });

  bot.command('theodoi', async (ctx) => {
    const typed = (typeof ctx.match === 'string' ? ctx.match.trim() : '').slice(0, 200) || ctx.session.unit;
    const lang = h.uiLanguage(ctx);
    if (!typed) return h.sendText(ctx, messages(lang).askUnit('theodoi'));
    const check = checkUnit(typed);
    if (check.unit) return subscribe(ctx, check.unit);
    const offered = buttons(check.suggestions.map((name) => ({ text: name, data: `sub:${name}` })));
    await h.say(ctx, escapeHtml(messages(lang).unitUnknown(typed, offered.inline_keyboard.length > 0)), offered.inline_keyboard.length ? offered : undefined);
  });
  bot.callbackQuery(/^sub:(.+)$/, async (ctx) => {
    try {
      const unit = checkUnit(ctx.match[1] ?? '').unit;
      if (unit) await subscribe(ctx, unit);
    } finally {
      await ctx.answerCallbackQuery();
    }
  });

  bot.command('dstheodoi', async (ctx) => {
    const units = (await h.subscriptions.forChat(ctx.chat.id)).map((s) => s.unit);
    await h.sendText(ctx, messages(h.uiLanguage(ctx)).subscriptionList(units));
  });

  bot.command('huytheodoi', async (ctx) => {
    const lang = h.uiLanguage(ctx);
    const typed = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (typed) {
      const removed = (await h.subscriptions.remove(ctx.chat.id, typed)) || (await h.subscriptions.remove(ctx.chat.id, checkUnit(typed).unit ?? typed));
      return h.sendText(ctx, removed ? messages(lang).unsubscribedUnit(typed) : messages(lang).unsubscribed(0));
    }
    const units = (await h.subscriptions.forChat(ctx.chat.id)).map((s) => s.unit);
    if (!units.length) return h.sendText(ctx, messages(lang).unsubscribed(0));
    // Removing everything on a bare command surprised people following several units: they pick.
    const items = units.map((unit, i) => ({ text: unit, data: fitsCallback(`unsub:${unit}`) ? `unsub:${unit}` : `unsub#${i}` }));
    if (units.length > 1) items.push({ text: messages(lang).unsubscribeAll, data: 'unsub*' });
    await h.say(ctx, escapeHtml(messages(lang).unsubscribePick), buttons(items));
  });
  bot.callbackQuery(/^unsub(?::(.+)|#(\d+)|(\*))$/, async (ctx) => {
    try {
      const lang = h.uiLanguage(ctx);
      const chatId = ctx.chat!.id;
      if (ctx.match[3]) {
        await h.subscriptions.remove(chatId);
        return await h.sendText(ctx, messages(lang).unsubscribed(1));
      }
      const unit = ctx.match[1] ?? (await h.subscriptions.forChat(chatId))[Number(ctx.match[2])]?.unit;
      const removed = unit ? await h.subscriptions.remove(chatId, unit) : 0;
      await h.sendText(ctx, removed && unit ? messages(lang).unsubscribedUnit(unit) : messages(lang).unsubscribed(0));
    } finally {
      await ctx.answerCallbackQuery();
    }
  });
}
