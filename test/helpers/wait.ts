// Waiting for something that happens on its own time (a reply on a fake server, a log line, a
// closed connection): poll the condition until it holds or a deadline passes, then fail saying
// what was awaited. Never sleep and then check: a sleep either wastes time or is too short, and a
// check after it passes whether or not the thing happened in between.
// (For "until this value equals", vitest's own `expect.poll(() => value).toBe(…)` reads better.)

export interface WaitOptions {
  /** The deadline: a guard against hanging, not a speed requirement. */
  timeoutMs?: number;
  /** How often to look again. */
  intervalMs?: number;
  /** What is awaited, for the failure message. */
  what?: string;
  /** What to add to the failure message, read when the deadline passes (e.g. a process's output). */
  detail?: () => string;
}

export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, detail?: string) {
    super(`${what}: not met within ${timeoutMs} ms${detail ? `\n${detail}` : ''}`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Resolves once `check` returns true (or a promise of true); rejects at the deadline. A check
 * that throws ends the wait at once with its error: the way to say "this will never happen"
 * (a process that exited) without waiting for the deadline.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, options: WaitOptions | number = {}): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 20, what = 'condition', detail } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new WaitTimeoutError(what, timeoutMs, detail?.());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
