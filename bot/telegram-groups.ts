// Telegram in groups: the bot speaks only when addressed (a mention, a reply to one of its
// messages, a command for it), threads its replies to the asking message, and keeps each
// member's own session (language, unit, conversation) rather than one for the whole group.
import type { Context } from 'grammy';
import type { Message, ReplyParameters, UserFromGetMe } from 'grammy/types';

export const isGroup = (ctx: Context): boolean => ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';

/** Whether a group message is for this bot. Private chats are always for it. */
export function addressedToBot(message: Message, me: UserFromGetMe): boolean {
  if (message.from?.is_bot) return false; // other bots' messages and commands
  if (message.reply_to_message?.from?.id === me.id) return true;
  const text = message.text ?? message.caption ?? '';
  const entities = message.entities ?? message.caption_entities ?? [];
  const name = me.username.toLowerCase();
  for (const e of entities) {
    const written = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === 'bot_command' && e.offset === 0) {
      const at = written.split('@')[1];
      return at === undefined || at === name; // "/help" (bare) or "/help@this_bot", never "/help@otherbot"
    }
    if (e.type === 'mention' && written === `@${name}`) return true;
    if (e.type === 'text_mention' && e.user.id === me.id) return true;
  }
  return false;
}

/** The question without the bot's @mention ("@hanoi_bot làm giấy khai sinh" → "làm giấy khai sinh"). */
export function withoutMention(text: string, me: UserFromGetMe): string {
  const mention = new RegExp(`@${me.username.replace(/[^\w]/g, '')}\\b`, 'giu');
  return text.replace(mention, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Whose session an update belongs to. In a group, each member has their own; a button belongs
 * to the conversation of the member it answered (the message it hangs under replies to them).
 */
export function sessionKey(ctx: Context): string | undefined {
  const chat = ctx.chat?.id;
  if (chat === undefined) return undefined;
  if (!isGroup(ctx)) return String(chat);
  const asker = ctx.callbackQuery?.message && 'reply_to_message' in ctx.callbackQuery.message ? ctx.callbackQuery.message.reply_to_message?.from?.id : undefined;
  const member = asker ?? ctx.from?.id;
  return member === undefined ? String(chat) : `${chat}:${member}`;
}

/** In a group, a reply hangs under the message it answers; in a private chat that is only noise. */
export function threadTo(ctx: Context): { reply_parameters?: ReplyParameters } {
  if (!isGroup(ctx)) return {};
  // A button's answer hangs under the member's question, so that later buttons still know whose it is.
  const under = ctx.callbackQuery?.message && 'reply_to_message' in ctx.callbackQuery.message ? ctx.callbackQuery.message.reply_to_message?.message_id : undefined;
  const id = ctx.message?.message_id ?? under ?? ctx.callbackQuery?.message?.message_id;
  return id === undefined ? {} : { reply_parameters: { message_id: id, allow_sending_without_reply: true } };
}
