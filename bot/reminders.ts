// Daily deadline reminders for subscribed chats: the engine lists a unit's tasks, we send the ones
// due within a week and the ones new since the last run, each once, and remember what was sent.
import { createHash } from 'node:crypto';
import type { AnswerEngine, TaskAnswer } from '../domain/contract.js';
import type { Language } from '../domain/records.js';
import { silentLogger, type Logger } from './errors.js';
import { splitHtml, taskLines, type Line } from './format.js';
import { messages } from './messages.js';
import type { Subscription, SubscriptionStore } from './storage.js';

const DAY_MS = 86_400_000;
/** Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving). */
const HCM_OFFSET_MS = 7 * 3_600_000;

/** A task's identity across runs: the cited source and the task's text. */
export function taskId(task: TaskAnswer): string {
  return createHash('sha256').update(`${task.citation.id}\u0000${task.text}`).digest('hex').slice(0, 16);
}

const hcmDay = (now: Date): string => new Date(now.getTime() + HCM_OFFSET_MS).toISOString().slice(0, 10);

/**
 * Whether a task falls due within `days` days of `now` (Hanoi calendar days). The day it falls
 * due is the engine's (`next`: a recurring deadline's next occurrence is computed there, once).
 */
export function isDueSoon(task: TaskAnswer, now: Date, days = 7): boolean {
  if (task.status === 'past') return false;
  if (task.status === 'due-soon') return true;
  const due = task.next ?? task.deadline.due ?? task.deadline.date;
  if (!due) return false;
  const diff = (Date.parse(due) - Date.parse(hcmDay(now))) / DAY_MS;
  return diff >= 0 && diff <= days;
}

export interface ReminderReport {
  subscriptions: number;
  messages: number;
  tasksSent: number;
  failures: number;
}

export interface RunRemindersDeps {
  engine: AnswerEngine;
  subscriptions: SubscriptionStore;
  send: (chatId: number, html: string) => Promise<void>;
  now: Date;
  logger?: Logger;
  windowDays?: number;
}

function reminderLines(unit: string, dueSoon: TaskAnswer[], fresh: TaskAnswer[], lang: Language): Line[] {
  const t = messages(lang);
  const lines: Line[] = [{ text: `🔔 ${t.reminderTitle(unit)}`, style: 'bold' }];
  for (const [title, tasks] of [
    [t.reminderDueSoon, dueSoon],
    [t.reminderNew, fresh],
  ] as const) {
    if (!tasks.length) continue;
    lines.push({ text: '' }, { text: `${title}:`, style: 'bold' });
    for (const task of tasks) lines.push({ text: '' }, ...taskLines(task, lang));
  }
  return lines;
}

async function remindOne(sub: Subscription, deps: RunRemindersDeps, report: ReminderReport): Promise<void> {
  const { tasks } = await deps.engine.tasksFor({ unit: sub.unit, language: sub.language });
  const sent = new Set(sub.sent);
  const seen = new Set(sub.seen);
  const firstRun = sub.lastRun === undefined;
  const dueSoon: TaskAnswer[] = [];
  const fresh: TaskAnswer[] = [];
  for (const task of tasks) {
    const id = taskId(task);
    if (sent.has(id)) continue;
    if (isDueSoon(task, deps.now, deps.windowDays)) dueSoon.push(task);
    // The first run only sets the baseline: everything would be "new" then.
    else if (!firstRun && !seen.has(id) && task.status !== 'past') fresh.push(task);
  }
  if (dueSoon.length || fresh.length) {
    for (const html of splitHtml(reminderLines(sub.unit, dueSoon, fresh, sub.language))) {
      await deps.send(sub.chatId, html);
      report.messages++;
    }
    report.tasksSent += dueSoon.length + fresh.length;
  }
  const current = new Set(tasks.map(taskId));
  for (const task of [...dueSoon, ...fresh]) sent.add(taskId(task));
  await deps.subscriptions.record(sub.chatId, sub.unit, {
    lastRun: deps.now.toISOString(),
    seen: [...current],
    // Forget tasks that left the answer, so the file does not grow without end.
    sent: [...sent].filter((id) => current.has(id)),
  });
}

/** One reminder run over every subscription. A failing subscription is logged and retried next run. */
export async function runReminders(deps: RunRemindersDeps): Promise<ReminderReport> {
  const logger = deps.logger ?? silentLogger;
  const subs = await deps.subscriptions.list();
  const report: ReminderReport = { subscriptions: subs.length, messages: 0, tasksSent: 0, failures: 0 };
  for (const sub of subs) {
    try {
      await remindOne(sub, deps, report);
    } catch (error) {
      report.failures++;
      logger.error({ err: error, chatId: sub.chatId, unit: sub.unit }, 'reminder failed');
    }
  }
  return report;
}

/** Milliseconds from `now` to the next `hour`:00 in Hanoi (strictly in the future). */
export function msUntilNextRun(now: Date, hour: number): number {
  const local = now.getTime() + HCM_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  let next = dayStart + hour * 3_600_000;
  if (next <= local) next += DAY_MS;
  return next - local;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Runs `run` every day at `hour`:00 Hanoi time; returns a stop function. Each wait is computed
 * afresh from the clock, so a slow run or a clock change does not make the schedule drift.
 */
export function scheduleDailyReminders(opts: {
  hour?: number;
  now: () => Date;
  run: () => Promise<unknown>;
  timers?: Timers;
  logger?: Logger;
}): () => void {
  const hour = opts.hour ?? 8;
  const timers = opts.timers ?? realTimers;
  const logger = opts.logger ?? silentLogger;
  let stopped = false;
  let handle: unknown;
  const arm = (): void => {
    if (stopped) return;
    handle = timers.setTimeout(() => {
      void opts
        .run()
        .catch((error: unknown) => logger.error({ err: error }, 'reminder run failed'))
        .finally(arm);
    }, msUntilNextRun(opts.now(), hour));
  };
  arm();
  return () => {
    stopped = true;
    if (handle !== undefined) timers.clearTimeout(handle);
  };
}
