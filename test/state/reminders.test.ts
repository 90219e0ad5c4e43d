// Reminders sent once across replicas (state/sent-reminders.ts): two replicas racing over the same
// due reminders, and a leader killed mid-run whose successor sends the rest, through a fake Telegram
// Bot API on loopback. In one process, the memory and file records keep the same promise.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lastRunTime, missedLastRun, runReminders, scheduleDailyReminders, type ReminderReport, type SentReminders } from '../../bot/reminders.js';
import { createMemorySubscriptionStore } from '../../bot/storage.js';
import { createTelegramBot, telegramSender } from '../../bot/telegram.js';
import { createDb } from '../../state/db.js';
import { migrate } from '../../state/migrate.js';
import { createFileSentReminders, createMemorySentReminders, createPgSentReminders, ReminderRecordError } from '../../state/sent-reminders.js';
import { startFakeTelegram, type FakeTelegram } from '../bot/fakes/telegram-api.js';
import { waitFor } from '../helpers/wait.js';
import { startHoldingProxy } from './fixtures/holding-proxy.js';
import { withSearchPath } from './fixtures/schema.js';
import { seededSubscriptions, worldEngine } from './fixtures/reminder-world.js';
import { killAll, PG_URL, postgresMissing, sayWhySkipped, startChild, unique, type Child, type ChildEvent } from './fixtures/services.js';

const missing = await postgresMissing();
sayWhySkipped('test/state/reminders.test.ts', missing);

const TOKEN = '424242:reminder-test-token';
const chatsFrom = (n: number): number[] => Array.from({ length: n }, (_, i) => 1001 + i);

/** sendMessage calls per chat, as the fake Telegram received them. */
const deliveries = (telegram: FakeTelegram): Map<number, number> => {
  const out = new Map<number, number>();
  for (const c of telegram.callsOf('sendMessage')) out.set(Number(c.payload.chat_id), (out.get(Number(c.payload.chat_id)) ?? 0) + 1);
  return out;
};
const each = (chats: readonly number[], n: number): Map<number, number> => new Map(chats.map((c) => [c, n]));

/** A replica's sending side: its own grammY bot against the fake, a little slow to widen races. */
function sender(telegram: { apiRoot: string }, delayMs = 0): (chatId: number, html: string) => Promise<void> {
  const bot = createTelegramBot({ token: TOKEN, engine: worldEngine(), subscriptions: createMemorySubscriptionStore(), apiRoot: telegram.apiRoot, throttle: false });
  const send = telegramSender(bot);
  return async (chatId, html) => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    await send(chatId, html);
  };
}

async function race(records: [SentReminders, SentReminders], chats: number[], telegram: FakeTelegram): Promise<ReminderReport[]> {
  return Promise.all(
    records.map(async (sentReminders) =>
      runReminders({ engine: worldEngine(), subscriptions: await seededSubscriptions(chats), send: sender(telegram, 15), now: new Date(), sentReminders }),
    ),
  );
}

describe('the record of sent reminders in one process', () => {
  let telegram: FakeTelegram;
  let dir: string;
  beforeAll(async () => {
    telegram = await startFakeTelegram({ token: TOKEN });
  });
  afterAll(() => telegram.close());
  afterEach(async () => {
    telegram.calls.length = 0;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lets two concurrent runs sharing a memory record send each reminder once', async () => {
    const chats = chatsFrom(6);
    const record = createMemorySentReminders();
    const reports = await race([record, record], chats, telegram);
    expect(deliveries(telegram)).toEqual(each(chats, 1));
    expect(reports.reduce((n, r) => n + r.tasksSent, 0)).toBe(2 * chats.length);
    expect(reports.reduce((n, r) => n + r.alreadySent, 0)).toBe(2 * chats.length);
  });

  it('remembers in its file what was sent, when the subscriptions did not get to record it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sent-reminders-'));
    const chats = chatsFrom(3);
    const file = join(dir, 'sent.json');
    const run = async () =>
      runReminders({ engine: worldEngine(), subscriptions: await seededSubscriptions(chats), send: sender(telegram), now: new Date(), sentReminders: createFileSentReminders(file) });
    expect((await run()).tasksSent).toBe(6);
    // A restart whose subscription store lost the run (fresh seeds): the file says it was sent.
    expect(await run()).toMatchObject({ tasksSent: 0, alreadySent: 6, messages: 0 });
    expect(deliveries(telegram)).toEqual(each(chats, 1));
  });

  it('records nothing when sending fails, so the next run sends it', async () => {
    const chats = chatsFrom(2);
    const record = createMemorySentReminders();
    const subscriptions = await seededSubscriptions(chats);
    const failing = async (chatId: number) => {
      if (chatId === chats[0]) throw new Error('Forbidden: bot was blocked by the user');
    };
    const first = await runReminders({ engine: worldEngine(), subscriptions, send: failing, now: new Date(), sentReminders: record });
    expect(first).toMatchObject({ failures: 1, tasksSent: 2 });
    const second = await runReminders({ engine: worldEngine(), subscriptions, send: sender(telegram), now: new Date(), sentReminders: record });
    expect(second).toMatchObject({ failures: 0, tasksSent: 2, alreadySent: 0 });
    expect(deliveries(telegram)).toEqual(new Map([[chats[0]!, 1]]));
  });

  it('stops between messages when the leader steps down, leaving the rest to the next run', async () => {
    const chats = chatsFrom(4);
    const record = createMemorySentReminders();
    const abort = new AbortController();
    const send = sender(telegram);
    let sent = 0;
    const report = await runReminders({
      engine: worldEngine(),
      subscriptions: await seededSubscriptions(chats),
      send: async (chatId, html) => {
        await send(chatId, html);
        if (++sent === 2) abort.abort();
      },
      now: new Date(),
      sentReminders: record,
      signal: abort.signal,
    });
    expect(report).toMatchObject({ messages: 2, stopped: true, failures: 0 });
    const rest = await runReminders({ engine: worldEngine(), subscriptions: await seededSubscriptions(chats), send, now: new Date(), sentReminders: record });
    expect(rest).toMatchObject({ messages: 2, tasksSent: 4, alreadySent: 4 });
    expect(deliveries(telegram)).toEqual(each(chats, 1));
  });
});

describe('catching up on a missed run', () => {
  it('knows a run was missed when a subscription older than the last 08:00 was not reached by it', async () => {
    const now = new Date('2026-03-05T03:00:00Z'); // 10:00 in Hanoi
    expect(lastRunTime(now, 8).toISOString()).toBe('2026-03-05T01:00:00.000Z');
    const sub = { chatId: 1, unit: 'Sở Y tế', language: 'vi' as const, createdAt: '2026-03-01T00:00:00.000Z', seen: [], sent: [] };
    expect(missedLastRun([{ ...sub, lastRun: '2026-03-04T01:00:05.000Z' }], now, 8)).toBe(true);
    expect(missedLastRun([{ ...sub, lastRun: '2026-03-05T01:00:05.000Z' }], now, 8)).toBe(false);
    // Subscribed after this morning's run: nothing was owed to it then.
    expect(missedLastRun([{ ...sub, createdAt: '2026-03-05T02:00:00.000Z' }], now, 8)).toBe(false);
  });

  it('runs at once when told a run was missed, then waits for the next 08:00; stopping aborts the run', async () => {
    const armed: number[] = [];
    let signal: AbortSignal | undefined;
    let release = (): void => undefined;
    const stop = scheduleDailyReminders({
      now: () => new Date('2026-03-05T03:00:00Z'),
      catchUp: () => true,
      run: (s) => {
        signal = s;
        return new Promise<void>((resolve) => (release = resolve));
      },
      timers: { setTimeout: (_fn, ms) => armed.push(ms), clearTimeout: () => undefined },
    });
    await waitFor(() => signal !== undefined, { what: 'the catch-up run' });
    expect(armed).toEqual([]);
    const stopped = stop();
    expect(signal!.aborted).toBe(true);
    release();
    await stopped;
    expect(armed).toEqual([]); // stopped: not re-armed
  });
});

describe.skipIf(missing !== undefined)('reminders sent once across replicas (PostgreSQL)', () => {
  const schema = unique('reminders');
  let admin: pg.Pool;
  let telegram: FakeTelegram;
  const pools: pg.Pool[] = [];
  const children: Child[] = [];
  const pool = (name = 'reminders-test'): pg.Pool => {
    const p = new pg.Pool({ connectionString: PG_URL, max: 3, application_name: name });
    // A connection ended by the server while idle in the pool is reported here, not thrown.
    p.on('error', () => undefined);
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
    await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    // The table as a deployment has it: made by the migrations, as the service runs them at start.
    const migrating = new pg.Pool({ connectionString: withSearchPath(PG_URL, schema), max: 1 });
    await migrate(createDb(migrating));
    await migrating.end();
    telegram = await startFakeTelegram({ token: TOKEN });
  });
  afterEach(async () => {
    await killAll(children.splice(0));
    await Promise.all(pools.splice(0).map((p) => p.end()));
    telegram.calls.length = 0;
    await admin.query(`TRUNCATE ${pg.escapeIdentifier(schema)}.sent_reminders`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await admin.end();
    await telegram.close();
  });

  it('two replicas racing over the same due reminders send each exactly once', async () => {
    const chats = chatsFrom(10);
    const records = (await Promise.all([createPgSentReminders({ pool: pool(), schema, replica: 'a' }), createPgSentReminders({ pool: pool(), schema, replica: 'b' })])) as [SentReminders, SentReminders];
    const reports = await race(records, chats, telegram);
    expect(deliveries(telegram)).toEqual(each(chats, 1));
    expect(reports.map((r) => r.failures)).toEqual([0, 0]);
    expect(reports.reduce((n, r) => n + r.tasksSent, 0)).toBe(2 * chats.length);
    const { rows } = await admin.query<{ n: string; by: string[] }>(`SELECT count(*) AS n, array_agg(DISTINCT sent_by) AS by FROM ${pg.escapeIdentifier(schema)}.sent_reminders`);
    expect(Number(rows[0]!.n)).toBe(2 * chats.length);
    // And a third run, days later for all it knows, finds nothing left to send.
    const again = await runReminders({ engine: worldEngine(), subscriptions: await seededSubscriptions(chats), send: sender(telegram), now: new Date(), sentReminders: records[0] });
    expect(again).toMatchObject({ tasksSent: 0, alreadySent: 2 * chats.length });
    expect(telegram.callsOf('sendMessage')).toHaveLength(chats.length);
  });

  it('rolls a failed send back: nothing is recorded and the next run sends it', async () => {
    const record = await createPgSentReminders({ pool: pool(), schema });
    const chats = chatsFrom(1);
    const failing = async () => {
      throw new Error('Bad Gateway');
    };
    expect(await runReminders({ engine: worldEngine(), subscriptions: await seededSubscriptions(chats), send: failing, now: new Date(), sentReminders: record })).toMatchObject({ failures: 1 });
    expect((await admin.query(`SELECT 1 FROM ${pg.escapeIdentifier(schema)}.sent_reminders`)).rowCount).toBe(0);
    expect(await runReminders({ engine: worldEngine(), subscriptions: await seededSubscriptions(chats), send: sender(telegram), now: new Date(), sentReminders: record })).toMatchObject({ tasksSent: 2 });
    expect(deliveries(telegram)).toEqual(each(chats, 1));
  });

  it('says so when a message went out but its record could not be written', async () => {
    const name = unique('unrecorded');
    const record = await createPgSentReminders({ pool: pool(name), schema });
    const key = { chatId: 1, unit: 'sở y tế', taskId: 't', occasion: '2026-03-10' };
    // The session dies while the message is on its way: COMMIT cannot happen.
    const outcome = record.sendOnce([key], async () => {
      const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'`, [name]);
      expect(rowCount).toBe(1);
    });
    await expect(outcome).rejects.toBeInstanceOf(ReminderRecordError);
    await expect(outcome).rejects.toMatchObject({ code: 'REMINDER_UNRECORDED' });
  });

  const fleet = (n: number, env: Record<string, string>, events: ChildEvent[]): Child[] => {
    const started = Array.from({ length: n }, (_, i) => startChild('reminder-child', `r${i + 1}`, { DATABASE_URL: PG_URL, TOKEN, SCHEMA: schema, ...env }, events));
    children.push(...started);
    return started;
  };
  const detail = (events: readonly ChildEvent[]) => () => `${events.map((e) => JSON.stringify(e)).join('\n')}\n${children.map((c) => c.stderr()).join('\n')}`;

  it('a leader killed mid-run: the next leader sends the rest, none twice', async () => {
    const chats = chatsFrom(12);
    const events: ChildEvent[] = [];
    const replicas = fleet(3, { LOCK_NAME: unique('reminders_leader'), API_ROOT: telegram.apiRoot, CHATS: String(chats.length), WORK_MS: '400' }, events);
    await waitFor(() => events.some((e) => e.ev === 'elected'), { timeoutMs: 20_000, what: 'a leader', detail: detail(events) });
    const first = events.find((e) => e.ev === 'elected')!.id;
    // Four chats done and recorded, the fifth's tasks being read (for 400 ms): the leader dies there.
    await waitFor(() => events.filter((e) => e.ev === 'working' && e.id === first).length >= 5, { timeoutMs: 20_000, what: 'the leader to be mid-run', detail: detail(events) });
    const killedAt = Date.now();
    replicas.find((c) => c.id === first)!.process.kill('SIGKILL');
    const sentByFirst = telegram.callsOf('sendMessage').length;

    await waitFor(() => events.some((e) => e.ev === 'run' && e.at > killedAt), { timeoutMs: 30_000, what: 'the next leader to finish the run', detail: detail(events) });
    const run = events.find((e) => e.ev === 'run' && e.at > killedAt)!;
    const took = events.find((e) => e.ev === 'elected' && e.at > killedAt)!.at - killedAt;
    process.stderr.write(`reminders: leader killed after ${sentByFirst} messages; the next took over after ${took} ms\n`);
    expect(sentByFirst).toBe(4);
    expect(deliveries(telegram)).toEqual(each(chats, 1));
    expect(run.report).toMatchObject({ messages: chats.length - 4, tasksSent: 2 * (chats.length - 4), alreadySent: 2 * 4, failures: 0 });
    // Every message is whole: both of a chat's tasks in one.
    for (const call of telegram.callsOf('sendMessage')) expect(String(call.payload.text)).toMatch(/Báo cáo kết quả[\s\S]*Rà soát thủ tục/);
  });

  it('a leader killed while Telegram takes a message: that one message is sent again (at least once), no other', async () => {
    const chats = chatsFrom(6);
    const victim = chats[2]!;
    const proxy = await startHoldingProxy(telegram.apiRoot, (path, body) => path.endsWith('/sendMessage') && JSON.parse(body).chat_id === victim);
    try {
      const events: ChildEvent[] = [];
      const replicas = fleet(2, { LOCK_NAME: unique('reminders_inflight'), API_ROOT: proxy.url, CHATS: String(chats.length), WORK_MS: '0' }, events);
      await proxy.held;
      await waitFor(() => events.some((e) => e.ev === 'elected'), { what: 'the leader to have said so', detail: detail(events) });
      const first = events.find((e) => e.ev === 'elected')!.id;
      const killedAt = Date.now();
      replicas.find((c) => c.id === first)!.process.kill('SIGKILL');
      await waitFor(() => events.some((e) => e.ev === 'run' && e.at > killedAt), { timeoutMs: 30_000, what: 'the next leader to finish the run', detail: detail(events) });
      expect(deliveries(telegram)).toEqual(new Map(chats.map((c) => [c, c === victim ? 2 : 1])));
    } finally {
      await proxy.close();
    }
  });
});
