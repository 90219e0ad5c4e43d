// Coded errors of the channel adapters, and the redaction that keeps bot tokens and OA keys
// out of every message and log line.

export type ChannelErrorCode =
  | 'TELEGRAM_TOKEN_INVALID'
  | 'TELEGRAM_UNREACHABLE'
  | 'TELEGRAM_CONFIG'
  | 'ZALO_TOKEN_MISSING'
  | 'ZALO_TOKEN_EXPIRED'
  | 'ZALO_REFRESH_FAILED'
  | 'ZALO_SEND_FAILED'
  | 'ZALO_UNAVAILABLE'
  | 'ZALO_CONFIG'
  | 'STORE_CORRUPT';

/** Base of every adapter error: a stable code for logs and tests, a message free of secrets. */
export class ChannelError extends Error {
  readonly code: ChannelErrorCode;
  constructor(code: ChannelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChannelError';
    this.code = code;
  }
}

/** The Telegram bot could not start: a wrong token (getMe → 401) or an unreachable API. */
export class TelegramStartupError extends ChannelError {
  constructor(code: 'TELEGRAM_TOKEN_INVALID' | 'TELEGRAM_UNREACHABLE' | 'TELEGRAM_CONFIG', message: string) {
    super(code, message);
    this.name = 'TelegramStartupError';
  }
}

/** The Zalo OA API or its OAuth endpoint refused or failed. `zaloError` is Zalo's own code. */
export class ZaloApiError extends ChannelError {
  readonly zaloError: number | undefined;
  readonly status: number | undefined;
  constructor(
    code: 'ZALO_TOKEN_MISSING' | 'ZALO_TOKEN_EXPIRED' | 'ZALO_REFRESH_FAILED' | 'ZALO_SEND_FAILED' | 'ZALO_UNAVAILABLE' | 'ZALO_CONFIG',
    message: string,
    details: { zaloError?: number; status?: number; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ZaloApiError';
    this.zaloError = details.zaloError;
    this.status = details.status;
  }
}

const MASK = '[redacted]';

/** Replaces every occurrence of each secret (and its URL-encoded form) in `text`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would mask ordinary words; real tokens and keys are long.
    if (!secret || secret.length < 6) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}

/** A one-line, secret-free description of any thrown value, for logs. */
export function describeError(error: unknown, secrets: readonly (string | undefined)[]): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const head = typeof code === 'string' ? `${error.name} ${code}` : error.name;
    return redact(`${head}: ${error.message}`, secrets);
  }
  return redact(String(error), secrets);
}

/**
 * The logger the adapters write to: pino's shape, object first, message second
 * (`log.warn({ err, chatId }, 'telegram reply failed')`). Errors go under `err`, as Error
 * objects, so that the logger serialises them with their cause chain.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

// Deep enough for an error's cause chain and a payload inside it; deeper values are dropped.
const MAX_DEPTH = 6;

function scrubError(error: Error, secrets: readonly (string | undefined)[], depth: number, seen: WeakSet<object>): Error {
  // Same prototype: the class (the logger reports it as the error's `type`) and `instanceof` survive.
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  const hidden = (value: unknown) => ({ value, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(copy, 'message', hidden(redact(error.message, secrets)));
  if (error.stack !== undefined) Object.defineProperty(copy, 'stack', hidden(redact(error.stack, secrets)));
  for (const [key, value] of Object.entries(error)) (copy as unknown as Record<string, unknown>)[key] = scrubValue(value, secrets, depth + 1, seen);
  if (error.cause !== undefined) Object.defineProperty(copy, 'cause', hidden(scrubValue(error.cause, secrets, depth + 1, seen)));
  return copy;
}

/**
 * A copy of `value` in which no string, error message or stack carries one of `secrets`, at any
 * depth. Objects other than plain ones, arrays and errors (a grammY context, a socket) are named,
 * not walked: they may hold the token and are no use in a log line.
 */
export function scrubValue(value: unknown, secrets: readonly (string | undefined)[], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? '[function]' : value;
  if (seen.has(value)) return '[circular]';
  if (depth > MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (value instanceof Error) return scrubError(value, secrets, depth, seen);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets, depth + 1, seen));
  if (value instanceof Date) return value;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) return `[${(value as object).constructor?.name ?? 'object'}]`;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubValue(item, secrets, depth + 1, seen);
  return out;
}

/**
 * Wraps a logger so that neither the message nor any field, however nested, can carry one of
 * `secrets`. A Set is read at each call, so tokens added to it later are scrubbed too.
 */
export function redactingLogger(logger: Logger, secrets: Iterable<string | undefined>): Logger {
  const write = (level: keyof Logger) => (fields: Record<string, unknown>, message: string) => {
    const now = [...secrets];
    logger[level](scrubValue(fields, now) as Record<string, unknown>, redact(message, now));
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
