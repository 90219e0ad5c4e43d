// A fake Telegram Bot API on loopback: `/bot<token>/<method>` with the real envelope
// ({ ok, result } / { ok: false, error_code, description, parameters }). Records every call,
// serves queued updates to getUpdates, checks message length and HTML, and can be told to fail.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';

export interface RecordedCall {
  method: string;
  payload: Record<string, any>;
}

export interface FakeTelegram {
  apiRoot: string;
  calls: RecordedCall[];
  callsOf(method: string): RecordedCall[];
  /** Queues an update for getUpdates; its update_id is assigned here. */
  pushUpdate(update: Omit<Update, 'update_id'>): number;
  /** The next `n` calls of `method` fail with 429 (retry_after 1 s) or 500. */
  failNext(method: string, n: number, kind: 429 | 500): void;
  close(): Promise<void>;
}

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'blockquote', 'span']);

/** What Telegram's HTML parse mode rejects: unknown or unbalanced tags, bare `<`/`&`. */
export function htmlProblem(text: string): string | undefined {
  const stack: string[] = [];
  const re = /<(\/?)([a-z-]+)(?:\s[^<>]*)?>|&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);|[<>&]/gi;
  for (const m of text.matchAll(re)) {
    const [all, closing, tag, entity] = m;
    if (entity) continue;
    if (!tag) return `unexpected '${all}'`;
    const name = tag.toLowerCase();
    if (!ALLOWED_TAGS.has(name)) return `unsupported tag <${name}>`;
    if (closing) {
      if (stack.pop() !== name) return `unbalanced </${name}>`;
    } else stack.push(name);
  }
  return stack.length ? `unclosed <${stack[stack.length - 1]}>` : undefined;
}

const plainLength = (html: string): number =>
  html.replace(/<[^>]+>/g, '').replace(/&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot);/gi, '_').length;

async function readBody(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(text) as Record<string, any>;
  return Object.fromEntries(new URLSearchParams(text));
}

export async function startFakeTelegram(opts: { token: string }): Promise<FakeTelegram> {
  const calls: RecordedCall[] = [];
  const queue: Update[] = [];
  const failures = new Map<string, { n: number; kind: 429 | 500 }>();
  const waiters = new Set<() => void>();
  let nextUpdateId = 1;
  let nextMessageId = 1;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const ok = (res: ServerResponse, result: unknown): void => send(res, 200, { ok: true, result });
  const bad = (res: ServerResponse, description: string): void => send(res, 400, { ok: false, error_code: 400, description });

  const message = (payload: Record<string, any>) => ({
    message_id: nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: Number(payload.chat_id), type: 'private', first_name: 'Test' },
    from: { id: 1, is_bot: true, first_name: 'Test bot', username: 'test_bot' },
    text: String(payload.text ?? ''),
  });

  const server = createServer(async (req, res) => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    if (!match) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    const payload = await readBody(req);
    if (token !== opts.token) return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    calls.push({ method, payload });

    const failure = failures.get(method);
    if (failure && failure.n > 0) {
      failure.n--;
      if (failure.kind === 429) {
        return send(res, 429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
      }
      return send(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }

    switch (method) {
      case 'getMe':
        return ok(res, { id: 1, is_bot: true, first_name: 'Test bot', username: 'test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'getUpdates': {
        const offset = Number(payload.offset ?? 0);
        while (queue.length && queue[0]!.update_id < offset) queue.shift();
        if (!queue.length && Number(payload.timeout ?? 0) > 0) {
          // Long polling, kept short so that tests and stop() stay quick.
          await new Promise<void>((resolve) => {
            const done = (): void => {
              waiters.delete(done);
              resolve();
            };
            waiters.add(done);
            setTimeout(done, 200);
          });
        }
        return ok(res, queue.filter((u) => u.update_id >= offset));
      }
      case 'sendMessage':
      case 'editMessageText': {
        const text = String(payload.text ?? '');
        if (!text.trim()) return bad(res, 'Bad Request: message text is empty');
        if (payload.parse_mode === 'HTML') {
          const problem = htmlProblem(text);
          if (problem) return bad(res, `Bad Request: can't parse entities: ${problem}`);
          if (plainLength(text) > 4096) return bad(res, 'Bad Request: message is too long');
        } else if (text.length > 4096) return bad(res, 'Bad Request: message is too long');
        const markup = typeof payload.reply_markup === 'string' ? JSON.parse(payload.reply_markup) : payload.reply_markup;
        for (const button of (markup?.inline_keyboard ?? []).flat() as { text?: string; callback_data?: string }[]) {
          if (!button.text) return bad(res, 'Bad Request: text buttons are unallowed in the inline keyboard');
          if (button.callback_data !== undefined && Buffer.byteLength(button.callback_data, 'utf8') > 64) return bad(res, 'Bad Request: BUTTON_DATA_INVALID');
        }
        return ok(res, message(payload));
      }
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'setWebhook':
      case 'deleteWebhook':
      case 'setMyCommands':
        return ok(res, true);
      default:
        return send(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    callsOf: (method) => calls.filter((c) => c.method === method),
    pushUpdate(update) {
      const update_id = nextUpdateId++;
      queue.push({ ...update, update_id } as Update);
      for (const wake of [...waiters]) wake();
      return update_id;
    },
    failNext(method, n, kind) {
      failures.set(method, { n, kind });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const wake of [...waiters]) wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- update builders ----------------------------------------------------------------------

let nextFakeMessageId = 1000;

export function textUpdate(chatId: number, text: string, opts: { languageCode?: string } = {}): Omit<Update, 'update_id'> {
  const command = /^\/\w+/.exec(text);
  const from = { id: chatId, is_bot: false, first_name: 'Dân', ...(opts.languageCode ? { language_code: opts.languageCode } : {}) };
  return {
    message: {
      message_id: nextFakeMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Dân' },
      from,
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
    },
  } as Omit<Update, 'update_id'>;
}

export function callbackUpdate(chatId: number, data: string): Omit<Update, 'update_id'> {
  return {
    callback_query: {
      id: `cb-${nextFakeMessageId++}`,
      chat_instance: 'ci',
      from: { id: chatId, is_bot: false, first_name: 'Dân' },
      data,
      message: {
        message_id: nextFakeMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', first_name: 'Dân' },
        text: 'previous answer',
      },
    },
  } as Omit<Update, 'update_id'>;
}

// ---- groups and messages that are not text ------------------------------------------------

/** The bot as the fake's getMe describes it; a reply to one of its messages names it as sender. */
export const FAKE_BOT = { id: 1, is_bot: true, first_name: 'Test bot', username: 'test_bot' } as const;

export interface GroupMessageOptions {
  /** The member who writes (a bot, for other bots' messages). */
  from: { id: number; is_bot?: boolean; languageCode?: string };
  /** The message replied to: by default none. */
  replyTo?: { message_id: number; from: { id: number; is_bot: boolean; first_name: string; username?: string }; text?: string };
}

/** A text message in a supergroup, with the entities Telegram would mark (commands, @mentions). */
export function groupTextUpdate(chatId: number, text: string, opts: GroupMessageOptions): Omit<Update, 'update_id'> {
  const entities: { type: string; offset: number; length: number }[] = [];
  const command = /^\/[\w@]+/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(/@\w+/g)) if (!(command && m.index === 0)) entities.push({ type: 'mention', offset: m.index, length: m[0].length });
  const { languageCode, ...from } = opts.from;
  return {
    message: {
      message_id: nextFakeMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'supergroup', title: 'Nhóm cán bộ' },
      from: { is_bot: false, first_name: 'Thành viên', ...from, ...(languageCode ? { language_code: languageCode } : {}) },
      text,
      ...(entities.length ? { entities } : {}),
      ...(opts.replyTo ? { reply_to_message: { date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'supergroup', title: 'Nhóm cán bộ' }, text: 'x', ...opts.replyTo } } : {}),
    },
  } as Omit<Update, 'update_id'>;
}

/** A button pressed under the bot's message in a group; that message answers `askerMessage`. */
export function groupCallbackUpdate(chatId: number, data: string, presser: number, asker: { id: number; message_id: number }): Omit<Update, 'update_id'> {
  const chat = { id: chatId, type: 'supergroup', title: 'Nhóm cán bộ' };
  return {
    callback_query: {
      id: `cb-${nextFakeMessageId++}`,
      chat_instance: 'ci',
      from: { id: presser, is_bot: false, first_name: 'Thành viên' },
      data,
      message: {
        message_id: nextFakeMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat,
        from: FAKE_BOT,
        text: 'previous answer',
        reply_to_message: { message_id: asker.message_id, date: Math.floor(Date.now() / 1000), chat, from: { id: asker.id, is_bot: false, first_name: 'Thành viên' }, text: 'question' },
      },
    },
  } as Omit<Update, 'update_id'>;
}

/** A photo, voice message or sticker, as Telegram sends them (no text). */
export function mediaUpdate(chatId: number, kind: 'photo' | 'voice' | 'sticker'): Omit<Update, 'update_id'> {
  const file = { file_id: `f-${nextFakeMessageId}`, file_unique_id: `u-${nextFakeMessageId}` };
  const media = {
    photo: { photo: [{ ...file, width: 90, height: 90 }] },
    voice: { voice: { ...file, duration: 3 } },
    sticker: { sticker: { ...file, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } },
  }[kind];
  return {
    message: {
      message_id: nextFakeMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Dân' },
      from: { id: chatId, is_bot: false, first_name: 'Dân' },
      ...media,
    },
  } as Omit<Update, 'update_id'>;
}
