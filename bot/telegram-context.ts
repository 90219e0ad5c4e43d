// What a Telegram update carries in this bot: grammY's context with our chat session. Apart from
// telegram.ts so that the command modules it installs can name these types without importing it.
import type { Bot, Context, SessionFlavor } from 'grammy';
import type { Language } from '../domain/records.js';

export interface ChatSession {
  /** Set by /lang; otherwise the engine detects the language of each question. */
  language?: Language;
  /** The last unit asked about (/hanchot, /theodoi). */
  unit?: string;
  /**
   * Bumped by /start. The engine keeps the conversation (last procedure, pending choices) per
   * sessionId, and this is part of it: a new number is a conversation with nothing behind it.
   */
  conversation?: number;
  /** The pages of the last long answer, sent one at a time behind a "More" button. */
  pages?: { key: string; html: string[] };
}
export type BotContext = Context & SessionFlavor<ChatSession>;
export type TelegramBot = Bot<BotContext>;
