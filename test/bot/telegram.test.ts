// The Telegram bot end to end: a real grammY bot, long polling a fake Bot API on loopback,
// answering from the engine of test/bot/setup.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, startTelegram, stopTelegram, telegramSender, type TelegramBot } from '../../bot/telegram.js';
import { runReminders } from '../../bot/reminders.js';
import { createMemorySubscriptionStore, type SubscriptionStore } from '../../bot/storage.js';
import { TelegramStartupError } from '../../bot/errors.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Update } from 'grammy/types';
import { parsePortalRecord } from '../../ingest/loaders/portal.js';
import { toProcedureAnswer } from '../../server/answer/drafts.js';
import { projectRoot } from '../helpers/engine.js';
import { loadConfig } from '../../config.js';
import { callbackUpdate, FAKE_BOT, groupCallbackUpdate, groupTextUpdate, htmlProblem, mediaUpdate, startFakeTelegram, textUpdate, type FakeTelegram } from './fakes/telegram-api.js';
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
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const requestsFor = (chatId: number) => engine.requests.filter((r) => r.sessionId === `tg:${chatId}`);
const buttons = (call: { payload: Record<string, any> }): { text: string; url?: string; callback_data?: string }[] => (call.payload.reply_markup?.inline_keyboard ?? []).flat();
/** The "Xem thêm"/"More" button's data under a message, if any. */
const moreData = (call: { payload: Record<string, any> }): string | undefined => buttons(call).find((b) => b.callback_data?.startsWith('more:'))?.callback_data;
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

  it("lists a unit's tasks with /hanchot from the engine's data (no question composed) and remembers the unit", async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, '/hanchot Sở Tư pháp'));
    const [reply] = await okReplies(chat, 1);
    const unitAsked = (c: number) => engine.unitRequests.filter((r) => r.sessionId === `tg:${c}`);
    expect(requestsFor(chat)).toEqual([]);
    const first = unitAsked(chat)[0]!;
    expect(first).toMatchObject({ unit: 'Sở Tư pháp', language: 'vi' });
    const res = engine.unitResponses[engine.unitRequests.indexOf(first)]!;
    expect(res.known).toBe(true);
    expect(res.tasks.length).toBeGreaterThan(0);
    expect(reply!.payload.text).toContain(`Nhiệm vụ và hạn chót: ${res.unit}`);
    expect(reply!.payload.text).toMatch(/[✅⏳📅🔁❔]/u);
    expect(reply!.payload.text).toContain(escape(res.tasks[0]!.text.slice(0, 40)));
    // Without an argument the remembered unit is used.
    fake.pushUpdate(textUpdate(chat, '/hanchot'));
    await okReplies(chat, 2);
    expect(unitAsked(chat)[1]!.unit).toBe(res.unit);
    // A unit the engine cannot recognise is said so, in words.
    fake.pushUpdate(textUpdate(chat, '/hanchot Bộ phận không có thật xyz'));
    const replies = await okReplies(chat, 3);
    expect(replies[2]!.payload.text).toContain('Không nhận ra đơn vị');
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

  it('subscribes with /theodoi and unsubscribes with /huytheodoi <unit>', async () => {
    const chat = nextChat++;
    fake.pushUpdate(textUpdate(chat, '/theodoi Sở Tư pháp'));
    await okReplies(chat, 1);
    expect((await subscriptions.forChat(chat)).map((s) => s.unit)).toEqual(['Sở Tư pháp']);
    fake.pushUpdate(textUpdate(chat, '/huytheodoi Sở Tư pháp'));
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

  it('pages a long answer at line boundaries, every page valid HTML, the next behind "Xem thêm"', async () => {
    const chat = nextChat++;
    const lines = Array.from({ length: 400 }, (_, i) => `Dòng ${i} <tag> & "ngoặc" — nội dung dài để vượt giới hạn của Telegram`);
    answer = lines.join('\n');
    await direct.handleUpdate({ update_id: 2, ...textUpdate(chat, 'câu hỏi dài') });
    expect(repliesTo(chat)).toHaveLength(1); // one page, not a wall of messages
    // Press "Xem thêm" until there is no more.
    for (let more = moreData(repliesTo(chat).at(-1)!); more; more = moreData(repliesTo(chat).at(-1)!)) {
      await direct.handleUpdate({ update_id: 3, ...callbackUpdate(chat, more) });
    }
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
    const line = (f: object, m: string) => lines.push(m + JSON.stringify(f));
    const logger = { info: line, warn: line, error: line };
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

// ---- issue 11: Telegram as a chat user expects ---------------------------------------------------

const portalDir = path.resolve(projectRoot, '../shared/data/tthc-portal');
/** A real catalogue record, read in place: the foreign-element birth registration. */
const foreignBirth = parsePortalRecord(JSON.parse(readFileSync(path.join(portalDir, 'bo-tu-phap/2.000528.json'), 'utf8'))).procedure;
const CONTACT = { hotline: '024 3333 4444', text: 'Trung tâm Phục vụ hành chính công Hà Nội' };

describe('Telegram as a chat user expects', () => {
  let people: TelegramBot;
  let real: RecordingEngine;
  let subs: SubscriptionStore;
  let update = 1000;
  const send = async (u: Omit<Update, 'update_id'>) => people.handleUpdate({ update_id: update++, ...u } as Update);

  beforeAll(async () => {
    const inner = await getEngine();
    // The real engine, plus the foreign-element birth registration as the full catalogue answers it.
    real = recording({
      ask: async (req) => {
        if (!/yếu tố nước ngoài/.test(req.question)) return inner.ask(req);
        const res = await inner.ask({ ...req, question: 'làm giấy khai sinh cần những gì' });
        const citation = { id: foreignBirth.code, title: foreignBirth.name, number: foreignBirth.code, url: foreignBirth.url!, section: 'papers', quote: foreignBirth.name };
        return { ...res, question: req.question, procedure: toProcedureAnswer(foreignBirth), citations: [citation], aspect: 'papers', alternatives: [] };
      },
      procedure: (code) => (code === foreignBirth.code ? foreignBirth : inner.procedure(code)),
      search: (q, limit) => inner.search(q, limit),
      tasksFor: (r) => inner.tasksFor(r),
    });
    subs = createMemorySubscriptionStore();
    people = createTelegramBot({ token: TOKEN, engine: real, apiRoot: fake.apiRoot, subscriptions: subs, throttle: false, contact: CONTACT });
    await people.init();
  });

  it('answers a long procedure with one short message and sends papers, steps and legal basis on demand', async () => {
    const chat = nextChat++;
    await send(textUpdate(chat, 'đăng ký khai sinh có yếu tố nước ngoài cần giấy tờ gì'));
    const [first, ...rest] = repliesTo(chat);
    expect(rest).toHaveLength(0);
    const text = first!.payload.text as string;
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text).toContain('<b>Thủ tục đăng ký khai sinh có yếu tố nước ngoài</b>');
    expect(text).toContain('Trực tuyến, qua bưu chính, trực tiếp: 1; Miễn phí');
    expect(urlButtons(first!)).toContain(foreignBirth.url);
    const sections = buttons(first!).filter((b) => b.callback_data?.startsWith('sec:'));
    expect(sections.map((b) => b.text)).toEqual(['📋 Thành phần hồ sơ', '🔢 Trình tự', '⚖️ Căn cứ pháp lý']);

    const firstPaper = foreignBirth.papers[0]!.papers[0]!.name;
    expect(text).not.toContain(firstPaper);
    await send(callbackUpdate(chat, sections[0]!.callback_data!));
    expect(repliesTo(chat)[1]!.payload.text).toContain(`• ${firstPaper}`);
    await send(callbackUpdate(chat, sections[1]!.callback_data!));
    expect(repliesTo(chat)[2]!.payload.text).toContain('Trình tự thực hiện');
    expect(repliesTo(chat)[2]!.payload.text).toContain(foreignBirth.steps!.trim().split('\n')[0]!.slice(0, 30));
    await send(callbackUpdate(chat, sections[2]!.callback_data!));
    expect(repliesTo(chat).at(-1)!.payload.text).toContain(foreignBirth.legalBasis[0]!.title.slice(0, 30));
  });

  it('pages a deadline list: the first page and a "Xem thêm" button for the next, no heading left at a page end', async () => {
    const tasks = Array.from({ length: 12 }, (_, i) => ({
      text: `${i < 2 ? 'Rà soát các nhiệm vụ, chỉ tiêu cải cách hành chính phải hoàn thành trong 5 tháng cuối năm 2023' : `Nhiệm vụ ${i + 1} của Sở Tư pháp về cải cách hành chính, chuyển đổi số và kiểm soát thủ tục hành chính`} (${i + 1})`,
      units: ['Các sở, ban, ngành'],
      deadline: { text: i < 2 ? '5 tháng cuối năm 2023' : `trước ngày ${i + 1}/12/2026`, kind: 'date' as const, date: `2026-12-${String(i + 1).padStart(2, '0')}` },
      status: (i < 2 ? 'past' : 'upcoming') as 'past' | 'upcoming',
      via: 'các sở, ban, ngành',
      citation: { id: 'd', title: 'Công văn 2458/UBND-SNV', number: '2458/UBND-SNV', quote: 'q' },
    }));
    const listing = createTelegramBot({ token: TOKEN, engine: scriptedEngine((req) => ({ intent: 'deadline', unit: req.unit, tasks })), apiRoot: fake.apiRoot, subscriptions: subs, throttle: false });
    await listing.init();
    const chat = nextChat++;
    await listing.handleUpdate({ update_id: 1, ...textUpdate(chat, '/hanchot Sở Tư pháp') } as Update);
    expect(repliesTo(chat)).toHaveLength(1);
    const more = moreData(repliesTo(chat)[0]!);
    expect(buttons(repliesTo(chat)[0]!).find((b) => b.callback_data === more)!.text).toMatch(/^Xem thêm/);
    for (let data = more; data; data = moreData(repliesTo(chat).at(-1)!)) await listing.handleUpdate({ update_id: 2, ...callbackUpdate(chat, data) } as Update);
    const pages = repliesTo(chat).map((c) => c.payload.text as string);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(2000);
      expect(page.split('\n').at(-1)).not.toMatch(/^<b>|^[✅📅]/u); // never a heading or a task's first line at the end
    }
    for (const task of tasks) expect(pages.join('\n')).toContain(task.text);
  });

  it('labels the alternative buttons apart, cut between words where the names differ', async () => {
    const chat = nextChat++;
    await send(textUpdate(chat, 'làm giấy khai sinh cần những gì'));
    const labels = buttons(repliesTo(chat)[0]!).filter((b) => b.callback_data?.startsWith('alt:')).map((b) => b.text);
    expect(labels.length).toBeGreaterThan(2);
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) {
      expect(Array.from(label).length).toBeLessThanOrEqual(60);
      expect(label).not.toMatch(/\p{L}…/u); // never "đăng…"
    }
  });

  it('/start clears the conversation: a follow-up no longer continues the last procedure', async () => {
    const chat = nextChat++;
    await send(textUpdate(chat, 'làm giấy khai sinh cần những gì'));
    await send(textUpdate(chat, 'còn lệ phí?'));
    const [asked, followUp] = real.requests.filter((r) => r.sessionId?.startsWith(`tg:${chat}`));
    expect(real.responses[real.requests.indexOf(followUp!)]!.procedure?.code).toBe('1.001193'); // it continues...
    await send(textUpdate(chat, '/start'));
    await send(textUpdate(chat, 'còn lệ phí?'));
    const afterStart = real.requests.filter((r) => r.sessionId?.startsWith(`tg:${chat}`)).at(-1)!;
    expect(afterStart.sessionId).not.toBe(asked!.sessionId);
    expect(real.responses[real.requests.indexOf(afterStart)]!.procedure?.code).toBeUndefined(); // ...until /start
  });

  describe('in a group', () => {
    const GROUP = -100123;
    const member = (id: number, languageCode?: string) => ({ id, ...(languageCode ? { languageCode } : {}) });
    const groupReplies = () => repliesTo(GROUP);

    it('answers only when addressed, and threads the reply to the asking message', async () => {
      const before = groupReplies().length;
      await send(groupTextUpdate(GROUP, 'làm giấy khai sinh cần những gì', { from: member(501) })); // talk among members
      await send(groupTextUpdate(GROUP, '/help@otherbot', { from: member(501) }));
      await send(groupTextUpdate(GROUP, '/start@otherbot', { from: member(501) }));
      await send(groupTextUpdate(GROUP, '/help', { from: { id: 777, is_bot: true } })); // another bot's command
      await send(groupTextUpdate(GROUP, '/foo', { from: member(501) })); // perhaps another bot's
      expect(groupReplies()).toHaveLength(before);

      const help = groupTextUpdate(GROUP, '/help@test_bot', { from: member(501) });
      await send(help);
      expect(groupReplies()).toHaveLength(before + 1);
      expect(groupReplies().at(-1)!.payload.reply_parameters.message_id).toBe(help.message!.message_id);

      const mention = groupTextUpdate(GROUP, '@test_bot làm giấy khai sinh cần những gì', { from: member(502) });
      await send(mention);
      expect(real.requests.at(-1)!.question).toBe('làm giấy khai sinh cần những gì');
      expect(groupReplies().at(-1)!.payload.reply_parameters.message_id).toBe(mention.message!.message_id);

      await send(groupTextUpdate(GROUP, 'còn lệ phí?', { from: member(502), replyTo: { message_id: 42, from: FAKE_BOT } }));
      expect(groupReplies()).toHaveLength(before + 3);
      expect(real.requests.at(-1)!.question).toBe('còn lệ phí?');
    });

    it("keeps one member's /lang to that member", async () => {
      await send(groupTextUpdate(GROUP, '/lang en', { from: member(601) }));
      await send(groupTextUpdate(GROUP, '/help', { from: member(602, 'vi') }));
      expect(groupReplies().at(-1)!.payload.text).toContain('Các lệnh');
      await send(groupTextUpdate(GROUP, '/help', { from: member(601, 'vi') }));
      expect(groupReplies().at(-1)!.payload.text).toContain('Commands');
    });

    it("a button pressed by another member continues the asker's answer", async () => {
      const listing = groupTextUpdate(GROUP, '@test_bot đăng ký khai sinh có yếu tố nước ngoài', { from: member(701) });
      await send(listing);
      const papers = buttons(groupReplies().at(-1)!).find((b) => b.callback_data?.startsWith('sec:papers'))!;
      await send(groupCallbackUpdate(GROUP, papers.callback_data!, 702, { id: 701, message_id: listing.message!.message_id }));
      expect(groupReplies().at(-1)!.payload.text).toContain('Giấy tờ phải nộp');
      expect(groupReplies().at(-1)!.payload.reply_parameters.message_id).toBe(listing.message!.message_id);
    });
  });

  it('checks /theodoi against the unit directory and offers the closest names', async () => {
    const chat = nextChat++;
    await send(textUpdate(chat, '/theodoi Sở Tư Pháo'));
    expect(await subs.forChat(chat)).toEqual([]);
    const offered = buttons(repliesTo(chat)[0]!);
    expect(repliesTo(chat)[0]!.payload.text).toContain('Không tìm thấy &quot;Sở Tư Pháo&quot;');
    expect(offered[0]!.text).toBe('Sở Tư pháp');
    await send(callbackUpdate(chat, offered[0]!.callback_data!));
    expect((await subs.forChat(chat)).map((s) => s.unit)).toEqual(['Sở Tư pháp']);
    await send(textUpdate(chat, '/theodoi so y te'));
    expect((await subs.forChat(chat)).map((s) => s.unit)).toEqual(['Sở Tư pháp', 'Sở Y tế']);
  });

  it('lists subscriptions with /dstheodoi; a bare /huytheodoi lets the person pick instead of removing all', async () => {
    const chat = nextChat++;
    for (const unit of ['Sở Tư pháp', 'Sở Y tế']) await subs.add({ chatId: chat, unit, language: 'vi', now: new Date() });
    await send(textUpdate(chat, '/dstheodoi'));
    expect(repliesTo(chat)[0]!.payload.text).toContain('• Sở Tư pháp\n• Sở Y tế');
    await send(textUpdate(chat, '/huytheodoi'));
    expect((await subs.forChat(chat)).map((s) => s.unit)).toEqual(['Sở Tư pháp', 'Sở Y tế']);
    const choices = buttons(repliesTo(chat)[1]!);
    expect(choices.map((b) => b.text)).toEqual(['Sở Tư pháp', 'Sở Y tế', 'Hủy tất cả']);
    await send(callbackUpdate(chat, choices[1]!.callback_data!));
    expect((await subs.forChat(chat)).map((s) => s.unit)).toEqual(['Sở Tư pháp']);
    expect(repliesTo(chat)[2]!.payload.text).toBe('Đã hủy nhắc hạn cho: Sở Y tế.');
  });

  it('answers photos, voice messages and stickers by saying it reads text', async () => {
    const chat = nextChat++;
    for (const kind of ['photo', 'voice', 'sticker'] as const) await send(mediaUpdate(chat, kind));
    expect(repliesTo(chat).map((c) => c.payload.text)).toEqual(Array(3).fill('Tôi chỉ đọc được tin nhắn chữ. Vui lòng gõ câu hỏi, ví dụ: &quot;Làm giấy khai sinh cần những gì?&quot;'));
  });

  it('shows the contact in /help and with "not found", and gives it when someone asks for a person', async () => {
    const chat = nextChat++;
    await send(textUpdate(chat, '/help'));
    expect(repliesTo(chat)[0]!.payload.text).toContain('024 3333 4444');
    await send(textUpdate(chat, 'xyz abc foo'));
    expect(real.responses.at(-1)!.found).toBe(false);
    expect(repliesTo(chat)[1]!.payload.text).toContain('☎️ Cần gặp cán bộ hỗ trợ: 024 3333 4444');
    const asked = real.requests.length;
    for (const text of ['gặp cán bộ', 'cho tôi số tổng đài', 'số điện thoại hỗ trợ']) await send(textUpdate(chat, text));
    expect(real.requests).toHaveLength(asked); // not the engine's business
    for (const reply of repliesTo(chat).slice(2)) expect(reply.payload.text).toContain('024 3333 4444\nTrung tâm Phục vụ hành chính công Hà Nội');
    await send(textUpdate(chat + 100_000, 'talk to a person'));
    expect(repliesTo(chat + 100_000)[0]!.payload.text).toBe('☎️ To talk to a person: 024 3333 4444\nTrung tâm Phục vụ hành chính công Hà Nội');
  });

  it('without a configured contact shows none, and points a person who asks to the portal feedback page', async () => {
    const bare = createTelegramBot({ token: TOKEN, engine: real, apiRoot: fake.apiRoot, subscriptions: subs, throttle: false });
    await bare.init();
    const chat = nextChat++;
    await bare.handleUpdate({ update_id: 1, ...textUpdate(chat, '/help') } as Update);
    expect(repliesTo(chat)[0]!.payload.text).not.toContain('☎️');
    await bare.handleUpdate({ update_id: 2, ...textUpdate(chat, 'gặp cán bộ') } as Update);
    expect(repliesTo(chat)[1]!.payload.text).toContain('https://dichvucong.gov.vn/nop-phan-anh-kien-nghi');
  });
});

describe('the contact setting', () => {
  it('is read from CONTACT_HOTLINE / CONTACT_TEXT, and absent when neither is set', () => {
    expect(loadConfig({ CONTACT_HOTLINE: '024 3333 4444', CONTACT_TEXT: 'Trung tâm Phục vụ hành chính công' }).contact).toEqual({ hotline: '024 3333 4444', text: 'Trung tâm Phục vụ hành chính công' });
    expect(loadConfig({ CONTACT_HOTLINE: '', CONTACT_TEXT: '' }).contact).toBeUndefined();
    expect(loadConfig({}).contact).toBeUndefined();
  });
});
