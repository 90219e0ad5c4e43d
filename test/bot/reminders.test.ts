// Daily reminders with an injected clock: subscriptions persist in a file, tasks due within a week
// and tasks new since the last run are sent, each once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDueSoon, msUntilNextRun, runReminders, scheduleDailyReminders, type Timers } from '../../bot/reminders.js';
import { createFileSubscriptionStore } from '../../bot/storage.js';
import type { TaskAnswer } from '../../domain/contract.js';
import { htmlProblem } from './fakes/telegram-api.js';
import { scriptedEngine } from './setup.js';
import { waitFor } from '../helpers/wait.js';

const citation = { id: '2458-ubnd-snv-2023#2', title: 'Công văn 2458/UBND-SNV', number: '2458/UBND-SNV', quote: '…' };
const task = (text: string, deadline: TaskAnswer['deadline'], status: TaskAnswer['status'] = 'upcoming'): TaskAnswer => ({
  text,
  units: ['Các sở, ban, ngành'],
  deadline,
  status,
  via: 'các sở, ban, ngành',
  citation,
});

const SOON = task('Báo cáo kết quả cải cách hành chính quý I', { text: 'trước ngày 10/3/2026', kind: 'date', date: '2026-03-10', due: '2026-03-10' });
const LATER = task('Rà soát thủ tục hành chính nội bộ', { text: 'trong tháng 6/2026', kind: 'month', month: '2026-06', due: '2026-06-30' });
const PAST = task('Rà soát nhiệm vụ 5 tháng cuối năm 2023', { text: '5 tháng cuối năm 2023', kind: 'period', due: '2023-12-31' }, 'past');
const NEW = task('Tổng kết chỉ số PAR Index <2025> & SIPAS', { text: 'trong tháng 9/2026', kind: 'month', month: '2026-09', due: '2026-09-30' });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reminders-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('runReminders', () => {
  it('sends due-soon and new tasks once, across restarts of the store', async () => {
    const path = join(dir, 'subscriptions.json');
    let tasks = [SOON, LATER, PAST];
    const engine = scriptedEngine((req) => ({ intent: 'deadline', unit: req.unit, tasks, answer: 'nhiệm vụ' }));
    await createFileSubscriptionStore(path).add({ chatId: 42, unit: 'Sở Tư pháp', language: 'vi', now: new Date('2026-03-01T00:00:00Z') });

    const sent: { chatId: number; html: string }[] = [];
    const send = async (chatId: number, html: string) => void sent.push({ chatId, html });
    const run = (now: string) => runReminders({ engine, subscriptions: createFileSubscriptionStore(path), send, now: new Date(now) });

    // Day 1, 08:00 Hanoi: SOON is 5 days away; the rest is the baseline.
    const first = await run('2026-03-05T01:00:00Z');
    expect(first).toMatchObject({ subscriptions: 1, tasksSent: 1, failures: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chatId).toBe(42);
    expect(sent[0]!.html).toContain(SOON.text);
    expect(sent[0]!.html).not.toContain(LATER.text);
    // The unit's tasks are asked for as data, not through a question.
    expect(engine.unitRequests[0]).toEqual({ unit: 'Sở Tư pháp', language: 'vi' });
    expect(engine.requests).toEqual([]);

    // Day 2: nothing new, SOON already sent.
    expect((await run('2026-03-06T01:00:00Z')).tasksSent).toBe(0);

    // Day 3: a new dispatch adds a task.
    tasks = [SOON, LATER, PAST, NEW];
    await run('2026-03-07T01:00:00Z');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.html).toContain('Tổng kết chỉ số PAR Index &lt;2025&gt; &amp; SIPAS');
    expect(htmlProblem(sent[1]!.html)).toBeUndefined();

    // Day 4: all quiet.
    expect((await run('2026-03-08T01:00:00Z')).tasksSent).toBe(0);
    expect(sent).toHaveLength(2);
  });

  it('keeps going when one subscription fails, and retries it next time', async () => {
    const store = createFileSubscriptionStore(join(dir, 's.json'));
    await store.add({ chatId: 1, unit: 'Sở Y tế', language: 'vi', now: new Date() });
    await store.add({ chatId: 2, unit: 'Sở Tư pháp', language: 'en', now: new Date() });
    const engine = scriptedEngine((req) => ({ unit: req.unit, tasks: [SOON] }));
    const sent: number[] = [];
    const report = await runReminders({
      engine,
      subscriptions: store,
      now: new Date('2026-03-05T01:00:00Z'),
      send: async (chatId) => {
        if (chatId === 1) throw new Error('blocked by user');
        sent.push(chatId);
      },
    });
    expect(report).toMatchObject({ subscriptions: 2, failures: 1 });
    expect(sent).toEqual([2]);
    expect(engine.unitRequests.find((r) => r.unit === 'Sở Tư pháp')!.language).toBe('en');
    expect((await store.forChat(1))[0]!.sent).toEqual([]);
  });
});

describe('deadlines and the daily schedule', () => {
  it('tells due-soon tasks from the deadline and the Hanoi calendar', () => {
    const now = new Date('2026-03-05T20:00:00Z'); // already 6 March in Hanoi
    expect(isDueSoon(SOON, now)).toBe(true);
    expect(isDueSoon(task('x', { text: '', kind: 'date', date: '2026-03-05' }), now)).toBe(false);
    expect(isDueSoon(task('x', { text: '', kind: 'date', date: '2026-03-13' }), now)).toBe(true);
    expect(isDueSoon(task('x', { text: '', kind: 'date', date: '2026-03-14' }), now)).toBe(false);
    // A recurring deadline falls due on the day the engine computed (`next`), not on one derived here.
    const monthly = (day: number, next?: string) => ({ ...task('x', { text: `trước ngày ${day} hằng tháng`, kind: 'recurring', recurring: { day, every: 'month' } }, 'recurring'), ...(next ? { next } : {}) });
    expect(isDueSoon(monthly(10, '2026-03-10'), now)).toBe(true);
    expect(isDueSoon(monthly(25, '2026-03-25'), now)).toBe(false);
    // A quarterly "ngày 10 hằng quý" falls in the quarter's last month: the engine says 10 March.
    const quarterly = { ...task('x', { text: 'trước ngày 10 hằng quý', kind: 'recurring', recurring: { day: 10, every: 'quarter' } }, 'recurring'), next: '2026-03-10' };
    expect(isDueSoon(quarterly, now)).toBe(true);
    // Without the engine's date there is nothing to compute from here.
    expect(isDueSoon(monthly(10), now)).toBe(false);
    expect(isDueSoon(task('x', { text: '', kind: 'none' }, 'due-soon'), now)).toBe(true);
    expect(isDueSoon(PAST, now)).toBe(false);
  });

  it('waits until the next 08:00 in Hanoi', () => {
    const hour = 3_600_000;
    expect(msUntilNextRun(new Date('2026-03-05T00:30:00Z'), 8)).toBe(hour / 2); // 07:30 Hanoi
    expect(msUntilNextRun(new Date('2026-03-05T01:00:00Z'), 8)).toBe(24 * hour); // exactly 08:00
    expect(msUntilNextRun(new Date('2026-03-05T02:00:00Z'), 8)).toBe(23 * hour);
    expect(msUntilNextRun(new Date('2026-03-05T17:00:00Z'), 8)).toBe(8 * hour); // midnight Hanoi
  });

  it('runs at 08:00, re-arms for the next day and stops', async () => {
    let clock = new Date('2026-03-04T18:00:00Z'); // 01:00 in Hanoi
    const armed: { fn: () => void; ms: number }[] = [];
    let cleared = 0;
    const timers: Timers = {
      setTimeout: (fn, ms) => armed.push({ fn, ms }),
      clearTimeout: () => void cleared++,
    };
    let runs = 0;
    const stop = scheduleDailyReminders({ hour: 8, now: () => clock, run: async () => void runs++, timers });
    expect(armed.map((a) => a.ms)).toEqual([7 * 3_600_000]);
    clock = new Date('2026-03-05T01:00:00.000Z');
    armed[0]!.fn();
    // The run is asynchronous: wait until it re-armed, rather than for one turn of the event loop.
    await waitFor(() => armed.length === 2, { what: 'the schedule to re-arm after the run' });
    expect(runs).toBe(1);
    expect(armed.map((a) => a.ms)).toEqual([7 * 3_600_000, 24 * 3_600_000]);
    stop();
    expect(cleared).toBe(1);
  });
});
