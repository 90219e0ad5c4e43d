// The Telegram bot end to end: a real grammY bot, long polling a fake Bot API on loopback,
// answering from the engine of test/bot/setup.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, startTelegram, stopTelegram, telegramSender, type TelegramBot } from '../../bot/telegram.js';
import { runReminders } from '../../bot/reminders.js';
import { createMemorySubscriptionStore, type SubscriptionStore } from '../../bot/storage.js';
import { TelegramStartupError } from '../../bot/errors.js';
import { callbackUpdate, htmlProblem, startFakeTelegram, textUpdate, type FakeTelegram } from './fakes/telegram-api.js';
import { getEngine, recording, scriptedEngine, waitFor, type RecordingEngine } from './setup.js';
import { askingBackOn } from '../helpers/ask-back.js';

const TOKEN = '123456:TEST-token-abcdefghijklmnop';
/** The engine asks back on this question with these (real) procedures. */
const ASK_BACK = 'khai sinh';
const CANDIDATES = ['1.001193', '1.004884', '1.000689'];
let fake: FakeTelegram;
let bot: TelegramBot;
let engine: RecordingEngine;
let subscriptions: SubscriptionStore;
let nextChat = 1000;

const repliesTo = (chatId: number) => fake.callsOf('sendMessage').filter((c) => c.payload.chat_id === chatId);
const okReplies = async (chatId: number, count: number) => {
  await waitFor(() => repliesTo(chatId).length >= count);
  return repliesTo(chatId);
};
const requestsFor = (chatId: number) => engine.requests.filter((r) => r.sessionId === `tg:${chatId}`);
const urlButtons = (call: { payload: Record<string, any> }): string[] =>
  (call.payload.reply_markup?.inline_keyboard ?? []).flat().flatMap((b: { url?: string }) => (b.url ? [b.url] : []));

beforeAll(async () => {
  fake = await startFakeTelegram({ token: TOKEN });
  engine = recording(askingBackOn(await getEngine(), ASK_BACK, CANDIDATES));
  subscriptions = createMemorySubscriptionStore();
  bot = createTelegramBot({ token: TOKEN, engine, apiRoot: fake.apiRoot, subscriptions, throttle: { perChatMs: 5, perSecond: 1000 } });
  await startTelegram({ bot, mode: 'polling' });
});

afterAll(async () => {
  await stopTelegram(bot);
  await fake.close();
});

describe('Telegram bot over long polling', () => {
  it('starts: checks the token, registers commands and polls', async () => {
    await waitFor(() => fake.callsOf('getUpdates').length > 0);
    expect(fake.callsOf('getMe').length).toBeGreaterThan(0);
    expect(fake.callsOf('setMyCommands').map((c) => c.payload.commands.map((x: { command: string }) => x.command))[0]).toContain('thutuc');
    expect(fake.callsOf('getUpdates').length).toBeGreaterThan(0);
  });

  it('answers a citizen question with the papers and a portal button', async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, 'làm giấy khai sinh cần những gì'));
    const [reply] = await okReplies(chat, 1);
    const res = engine.responses[engine.requests.findIndex((r) => r.sessionId === `tg:${chat}`)]!;
    expect(res.procedure?.code).toBe('1.001193');
    expect(reply!.payload.parse_mode).toBe('HTML');
    expect(reply!.payload.text).toContain('• ');
    expect(reply!.payload.text).toContain(res.procedure!.papers[0]!.papers[0]!.name);
    expect(urlButtons(reply!).some((u) => new URL(u).hostname === 'dichvucong.gov.vn')).toBe(true);
    expect(fake.callsOf('sendChatAction').some((c) => c.payload.chat_id === chat && c.payload.action === 'typing')).toBe(true);
  });

  it('greets on /start in the user language', async () => {
    const vi = nextChat++;
    const en = nextChat++;
    fake.pushUpdate(textUpdate(vi, '/start', { languageCode: 'vi' }));
    fake.pushUpdate(textUpdate(en, '/start', { languageCode: 'en' }));
    expect((await okReplies(vi, 1))[0]!.payload.text).toContain('Xin chào');
    expect((await okReplies(en, 1))[0]!.payload.text).toContain('Hello');
  });

  it('lists the commands on /help', async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, '/help'));
    const [reply] = await okReplies(chat, 1);
    for (const command of ['/thutuc', '/hanchot', '/theodoi', '/lang']) expect(reply!.payload.text).toContain(command);
  });

  it('switches to English with /lang en and then answers in English', async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, '/lang en'));
    expect((await okReplies(chat, 1))[0]!.payload.text).toContain('English');
    fake.pushUpdate(textUpdate(chat, 'birth registration papers'));
    const replies = await okReplies(chat, 2);
    expect(requestsFor(chat).at(-1)!.language).toBe('en');
    expect(replies[1]!.payload.text).toContain('Papers to submit');
  });

  it('looks a procedure up with /thutuc', async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, '/thutuc đăng ký khai sinh'));
    const [reply] = await okReplies(chat, 1);
    expect(requestsFor(chat)[0]!.question).toBe('đăng ký khai sinh');
    expect(reply!.payload.text).toContain('Thủ tục đăng ký khai sinh');
  });

  it('asks for a unit deadlines with /hanchot and remembers the unit', async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, '/hanchot Sở Tư pháp'));
    const [reply] = await okReplies(chat, 1);
    const first = requestsFor(chat)[0]!;
    expect(first.unit).toBe('Sở Tư pháp');
    const res = engine.responses[engine.requests.indexOf(first)]!;
    if (res.tasks?.length) expect(reply!.payload.text).toMatch(/[✅⏳📅🔁❔]/u);
    // Without an argument the remembered unit is used.
    fake.pushUpdate(textUpdate(chat, '/hanchot'));
    await okReplies(chat, 2);
    expect(requestsFor(chat)[1]!.unit).toBe(res.unit ?? 'Sở Tư pháp');
  });

  it('retries a message refused with 429 after retry_after', async () => {
    const chat = nextChat++;
    fake.failNext('sendMessage', 1, 429);
    fake.pushUpdate(textUpdate(chat, '/help'));
    await waitFor(() => fake.callsOf('sendMessage').filter((c) => c.payload.chat_id === chat).length >= 2);
    // One refused call, then the same message again, accepted.
    const calls = repliesTo(chat);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.payload.text).toBe(calls[0]!.payload.text);
  });

  it('answers an alternative button with the procedure code', async () => {
    const chat = nextChat++;
    fake.pushUpdate(callbackUpdate(chat, 'alt:1.002804'));
    await okReplies(chat, 1);
    expect(requestsFor(chat)[0]!.question).toBe('1.002804');
    await waitFor(() => fake.callsOf('answerCallbackQuery').length > 0);
  });

  it('asks back with one button per candidate; pressing one answers that procedure', async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, ASK_BACK));
    const [question] = await okReplies(chat, 1);
    expect(question!.payload.text).toContain('Bạn hỏi về thủ tục nào dưới đây?');
    const rows: { text: string; callback_data?: string }[][] = question!.payload.reply_markup.inline_keyboard;
    const choices = rows.filter((row) => row[0]!.callback_data);
    expect(choices.every((row) => row.length === 1)).toBe(true);
    expect(choices.map((row) => row[0]!.callback_data)).toEqual(CANDIDATES.map((code) => `alt:${code}`));
    expect(choices[1]![0]!.text).toBe('2. Thủ tục đăng ký lại khai sinh');

    const pressed = fake.callsOf('answerCallbackQuery').length;
    fake.pushUpdate(callbackUpdate(chat, choices[1]![0]!.callback_data!));
    const [, answer] = await okReplies(chat, 2);
    expect(requestsFor(chat).map((r) => r.question)).toEqual([ASK_BACK, '1.004884']);
    const res = engine.responses[engine.requests.indexOf(requestsFor(chat)[1]!)]!;
    expect(res.procedure?.code).toBe('1.004884');
    expect(answer!.payload.text).toContain('<b>Thủ tục đăng ký lại khai sinh</b>');
    await waitFor(() => fake.callsOf('answerCallbackQuery').length > pressed);
  });

  it('subscribes with /theodoi and unsubscribes with /huytheodoi', async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, '/theodoi Sở Tư pháp'));
    await okReplies(chat, 1);
    expect((await subscriptions.forChat(chat)).map((s) => s.unit)).toEqual(['Sở Tư pháp']);
    fake.pushUpdate(textUpdate(chat, '/huytheodoi'));
    await okReplies(chat, 2);
    expect(await subscriptions.forChat(chat)).toEqual([]);
  });
});

describe('Telegram rendering through the real API calls', () => {
  let direct: TelegramBot;
  let scripted: RecordingEngine;
  let answer = '';

  beforeAll(async () => {
    scripted = scriptedEngine(() => ({ answer, citations: [{ id: 'doc', title: 'Công văn <số> & "trích"', quote: 'q' }] }));
    direct = createTelegramBot({ token: TOKEN, engine: scripted, apiRoot: fake.apiRoot, subscriptions, throttle: false });
    await direct.init();
  });

  it('escapes markup coming from the engine', async () => {
    const chat = nextChat++;
    answer = 'Lưu ý <b>không</b> & "đậm"';
    await direct.handleUpdate({ update_id: 1, ...textUpdate(chat, 'câu hỏi') });
    const [reply] = repliesTo(chat);
    expect(reply!.payload.text).toContain('Lưu ý &lt;b&gt;không&lt;/b&gt; &amp; &quot;đậm&quot;');
    expect(reply!.payload.text).toContain('Công văn &lt;số&gt; &amp; &quot;trích&quot;');
    expect(htmlProblem(reply!.payload.text)).toBeUndefined();
  });

  it('splits a long answer at line boundaries, every part under 4,096 and valid HTML', async () => {
    const chat = nextChat++;
    const lines = Array.from({ length: 400 }, (_, i) => `Dòng ${i} <tag> & "ngoặc" — nội dung dài để vượt giới hạn của Telegram`);
    answer = lines.join('\n');
    await direct.handleUpdate({ update_id: 2, ...textUpdate(chat, 'câu hỏi dài') });
    const parts = repliesTo(chat).map((c) => c.payload.text as string);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(4096);
      expect(htmlProblem(part)).toBeUndefined();
    }
    const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const back = parts.join('\n').split('\n').map(unescape);
    for (const line of lines) expect(back).toContain(line);
  });
});

describe('Telegram reminders delivery', () => {
  it('sends a subscribed chat its due-soon tasks through the bot API', async () => {
    const chat = nextChat++;
    const store = createMemorySubscriptionStore();
    await store.add({ chatId: chat, unit: 'Sở Tư pháp', language: 'vi', now: new Date('2026-03-01T00:00:00Z') });
    const tasks = [
      {
        text: 'Gửi báo cáo <quý I> & kiến nghị',
        units: ['Sở Tư pháp'],
        deadline: { text: 'trước ngày 10/3/2026', kind: 'date' as const, date: '2026-03-10', due: '2026-03-10' },
        status: 'upcoming' as const,
        citation: { id: 'doc', title: 'Công văn 2458/UBND-SNV', quote: 'q' },
      },
    ];
    const report = await runReminders({
      engine: scriptedEngine((req) => ({ unit: req.unit, tasks })),
      subscriptions: store,
      send: telegramSender(bot),
      now: new Date('2026-03-05T01:00:00Z'),
    });
    expect(report.failures).toBe(0);
    const [sent] = repliesTo(chat);
    expect(sent!.payload.text).toContain('Gửi báo cáo &lt;quý I&gt; &amp; kiến nghị');
  });
});

describe('Telegram start-up', () => {
  it('refuses a wrong token with a coded error that does not show the token', async () => {
    const wrong = '999999:WRONG-secret-token-value';
    const lines: string[] = [];
    const logger = { info: (m: string, f?: object) => lines.push(m + JSON.stringify(f)), warn: (m: string, f?: object) => lines.push(m + JSON.stringify(f)), error: (m: string, f?: object) => lines.push(m + JSON.stringify(f)) };
    const badBot = createTelegramBot({ token: wrong, engine, apiRoot: fake.apiRoot, subscriptions, logger });
    const error = await startTelegram({ bot: badBot, mode: 'polling', logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramStartupError);
    expect((error as TelegramStartupError).code).toBe('TELEGRAM_TOKEN_INVALID');
    expect(String((error as Error).message)).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
    expect(lines.join('\n')).not.toContain(wrong);
  });

  it('reports an unreachable API without the token', async () => {
    const offline = createTelegramBot({ token: TOKEN, engine, apiRoot: 'http://127.0.0.1:9', subscriptions });
    const error = await startTelegram({ bot: offline, mode: 'polling', startupTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect((error as TelegramStartupError).code).toBe('TELEGRAM_UNREACHABLE');
    expect((error as Error).message).not.toContain(TOKEN);
  });
});
