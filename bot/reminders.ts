// Daily deadline reminders for subscribed chats: the engine lists a unit's tasks, we send the ones
// due within a week and the ones new since the last run, each once, and remember what was sent.
// With several replicas, a shared record of sent reminders (SentReminders) makes "once" hold
// across processes and across a leader that died mid-run.
import { createHash } from 'node:crypto';
import type { AnswerEngine, TaskAnswer } from '../domain/contract.js';
import type { Language } from '../domain/records.js';
import { silentLogger, type Logger } from './errors.js';
import { splitHtml, taskLines, type Line } from './format.js';
import { messages } from './messages.js';
import { unitKey, type Subscription, type SubscriptionStore } from './storage.js';

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

/** One reminder: to this subscription, about this task, for this occurrence of its deadline. */
export interface ReminderKey {
  chatId: number;
  /** The unit as subscriptions compare it (NFC, lower case). */
  unit: string;
  taskId: string;
  /** The day the reminded deadline falls due (a recurring task's next one), '' when undated. */
  occasion: string;
}

/**
 * The record of reminders sent, shared by every process that may send them (state/sent-reminders.ts
 * keeps it in memory, a file or PostgreSQL). `sendOnce` claims the keys nobody has sent, calls
 * `send` with them (nothing is called when none is left), and records them as sent when `send`
 * resolves; a key another caller is sending is waited for, then counts as sent or is claimed.
 * When `send` throws, nothing is recorded and the error is rethrown. Returns the keys it sent.
 */
export interface SentReminders {
  sendOnce(keys: readonly ReminderKey[], send: (claimed: ReminderKey[]) => Promise<void>): Promise<ReminderKey[]>;
  /** Forgets reminders recorded before `before`, so the record does not grow without end. */
  prune?(before: Date): Promise<void>;
}

/** No shared record: every key is sent (one process, the subscription store remembers). */
const unrecorded: SentReminders = {
  async sendOnce(keys, send) {
    await send([...keys]);
    return [...keys];
  },
};

export const keyOf = (k: ReminderKey): string => `${k.chatId}\u0000${k.unit}\u0000${k.taskId}\u0000${k.occasion}`;

export function reminderKey(sub: Pick<Subscription, 'chatId' | 'unit'>, task: TaskAnswer): ReminderKey {
  const occasion = task.next ?? task.deadline.due ?? task.deadline.date ?? '';
  return { chatId: sub.chatId, unit: unitKey(sub.unit), taskId: taskId(task), occasion };
}

export interface ReminderReport {
  subscriptions: number;
  messages: number;
  tasksSent: number;
  /** Tasks due a reminder that the record says were sent already (by another replica or an earlier leader). */
  alreadySent: number;
  failures: number;
  /** Set when the run was stopped (this process stopped leading) before it went through every subscription. */
  stopped?: true;
}

export interface RunRemindersDeps {
  engine: AnswerEngine;
  subscriptions: SubscriptionStore;
  send: (chatId: number, html: string) => Promise<void>;
  now: Date;
  logger?: Logger;
  windowDays?: number;
  /** The shared record that makes each reminder go out once across replicas (default: none). */
  sentReminders?: SentReminders;
  /** Stops the run between messages (the leader stepped down); what is left goes to the next leader. */
  signal?: AbortSignal;
}

/** Records older than this are forgotten: a deadline that far back is never reminded again. */
const KEEP_RECORD_DAYS = 400;

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

interface Batch {
  dueSoon: TaskAnswer[];
  fresh: TaskAnswer[];
}

/**
 * The reminder cut into batches of tasks that each fit one message, so that each message is one
 * claim in the record: a process that dies after some of them leaves only the rest to send.
 */
function batches(unit: string, dueSoon: TaskAnswer[], fresh: TaskAnswer[], lang: Language): Batch[] {
  const out: Batch[] = [];
  let current: Batch = { dueSoon: [], fresh: [] };
  const items = [...dueSoon.map((t) => ['dueSoon', t] as const), ...fresh.map((t) => ['fresh', t] as const)];
  for (const [kind, task] of items) {
    const next: Batch = { ...current, [kind]: [...current[kind], task] };
    const empty = !current.dueSoon.length && !current.fresh.length;
    if (!empty && splitHtml(reminderLines(unit, next.dueSoon, next.fresh, lang)).length > 1) {
      out.push(current);
      current = { dueSoon: [], fresh: [] };
      current[kind].push(task);
    } else current = next;
  }
  if (current.dueSoon.length || current.fresh.length) out.push(current);
  return out;
}

async function remindOne(sub: Subscription, deps: RunRemindersDeps, report: ReminderReport): Promise<void> {
  const record = deps.sentReminders ?? unrecorded;
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
  for (const batch of batches(sub.unit, dueSoon, fresh, sub.language)) {
    deps.signal?.throwIfAborted();
    const all = [...batch.dueSoon, ...batch.fresh];
    const keys = all.map((task) => reminderKey(sub, task));
    const claimed = await record.sendOnce(keys, async (mine) => {
      const wanted = new Set(mine.map(keyOf));
      const pick = (list: TaskAnswer[]) => list.filter((task) => wanted.has(keyOf(reminderKey(sub, task))));
      for (const html of splitHtml(reminderLines(sub.unit, pick(batch.dueSoon), pick(batch.fresh), sub.language))) {
        await deps.send(sub.chatId, html);
        report.messages++;
      }
    });
    report.tasksSent += claimed.length;
    report.alreadySent += keys.length - claimed.length;
    // Sent now or sent before (the record says so): either way, not to be sent again.
    for (const task of all) sent.add(taskId(task));
  }
  const current = new Set(tasks.map(taskId));
  await deps.subscriptions.record(sub.chatId, sub.unit, {
    lastRun: deps.now.toISOString(),
    seen: [...current],
    // Forget tasks that left the answer, so the file does not grow without end.
    sent: [...sent].filter((id) => current.has(id)),
  });
}

/**
 * One reminder run over every subscription. A failing subscription is logged and retried next run.
 * Stopped through `signal`, it ends between messages and leaves the rest to the next run.
 */
export async function runReminders(deps: RunRemindersDeps): Promise<ReminderReport> {
  const logger = deps.logger ?? silentLogger;
  const subs = await deps.subscriptions.list();
  const report: ReminderReport = { subscriptions: subs.length, messages: 0, tasksSent: 0, alreadySent: 0, failures: 0 };
  for (const sub of subs) {
    if (deps.signal?.aborted) break;
    try {
      await remindOne(sub, deps, report);
    } catch (error) {
      if (deps.signal?.aborted) break;
      report.failures++;
      logger.error({ err: error, chatId: sub.chatId, unit: sub.unit }, 'reminder failed');
    }
  }
  if (deps.signal?.aborted) report.stopped = true;
  else await deps.sentReminders?.prune?.(new Date(deps.now.getTime() - KEEP_RECORD_DAYS * DAY_MS));
  return report;
}

/** The latest `hour`:00 in Hanoi at or before `now`: when today's run was due. */
export function lastRunTime(now: Date, hour: number): Date {
  return new Date(now.getTime() + msUntilNextRun(now, hour) - DAY_MS);
}

/**
 * Whether the last scheduled run did not reach every subscription that existed then: the process
 * that ran it died, or none was leading at `hour`:00. A new leader runs it at once.
 */
export function missedLastRun(subs: readonly Subscription[], now: Date, hour: number): boolean {
  const due = lastRunTime(now, hour).toISOString();
  return subs.some((s) => s.createdAt < due && (s.lastRun ?? '') < due);
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
 * afresh from the clock, so a slow run or a clock change does not make the schedule drift. With
 * `catchUp`, a run the schedule missed (it says so) happens at once, first. Stopping aborts the
 * run in progress (its signal) and resolves once it has ended.
 */
export function scheduleDailyReminders(opts: {
  hour?: number;
  now: () => Date;
  run: (signal: AbortSignal) => Promise<unknown>;
  /** Whether the last run was missed (missedLastRun): asked once, at the start. */
  catchUp?: (hour: number) => Promise<boolean> | boolean;
  timers?: Timers;
  logger?: Logger;
}): () => Promise<void> {
  const hour = opts.hour ?? 8;
  const timers = opts.timers ?? realTimers;
  const logger = opts.logger ?? silentLogger;
  const abort = new AbortController();
  let handle: unknown;
  let running: Promise<void> = Promise.resolve();
  const runOnce = (): Promise<void> =>
    (running = Promise.resolve()
      .then(() => opts.run(abort.signal))
      .then(
        () => undefined,
        (error: unknown) => logger.error({ err: error }, 'reminder run failed'),
      ));
  const arm = (): void => {
    if (abort.signal.aborted) return;
    handle = timers.setTimeout(() => void runOnce().finally(arm), msUntilNextRun(opts.now(), hour));
  };
  const catchUp = async (ask: NonNullable<typeof opts.catchUp>): Promise<void> => {
    try {
      if (!(await ask(hour)) || abort.signal.aborted) return;
    } catch (error) {
      logger.error({ err: error }, 'reminders: could not tell whether a run was missed');
      return;
    }
    logger.info({ hour }, 'reminders: catching up on a missed run');
    await runOnce();
  };
  if (opts.catchUp) running = catchUp(opts.catchUp).finally(arm);
  else arm();
  return () => {
    abort.abort(new Error('reminders stopped'));
    if (handle !== undefined) timers.clearTimeout(handle);
    return running;
  };
}

/**
 * The daily reminders as a leader's duty (state/leader.ts Duty): on election, a run the schedule
 * missed happens at once (the last leader died mid-run, or none led at `hour`:00), then every day
 * at `hour`:00; on demotion the schedule stops and the run in progress ends between messages.
 */
export function dailyRemindersDuty(
  o: Omit<RunRemindersDeps, 'now' | 'signal'> & { hour?: number; now?: () => Date; onRun?: (report: ReminderReport) => void },
): { name: string; start(): () => Promise<void> } {
  const { hour, now = () => new Date(), onRun, ...deps } = o;
  const run = async (signal: AbortSignal): Promise<void> => {
    const report = await runReminders({ ...deps, now: now(), signal });
    deps.logger?.info({ ...report }, report.stopped ? 'reminder run stopped: no longer the leader' : 'reminder run done');
    onRun?.(report);
  };
  return {
    name: 'telegram reminders',
    start: () =>
      scheduleDailyReminders({
        ...(hour === undefined ? {} : { hour }),
        now,
        run,
        catchUp: async (h) => missedLastRun(await deps.subscriptions.list(), now(), h),
        ...(deps.logger ? { logger: deps.logger } : {}),
      }),
  };
}
