// Coded errors of the channel adapters, and the redaction that keeps bot tokens and OA keys
// out of every message and log line.

export type ChannelErrorCode =
  | 'TELEGRAM_TOKEN_INVALID'
  | 'TELEGRAM_UNREACHABLE'
  | 'TELEGRAM_CONFIG'
  | 'ZALO_TOKEN_MISSING'
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
    code: 'ZALO_TOKEN_MISSING' | 'ZALO_REFRESH_FAILED' | 'ZALO_SEND_FAILED' | 'ZALO_UNAVAILABLE' | 'ZALO_CONFIG',
    message: string,
    details: { zaloError?: number; status?: number } = {},
  ) {
    super(code, message);
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

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Wraps a logger so that no message or string field can carry one of `secrets`. */
export function redactingLogger(logger: Logger, secrets: readonly (string | undefined)[]): Logger {
  const clean = (fields?: Record<string, unknown>): Record<string, unknown> | undefined => {
    if (!fields) return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      out[key] =
        value instanceof Error
          ? describeError(value, secrets)
          : typeof value === 'string'
            ? redact(value, secrets)
            : value === undefined || typeof value === 'number' || typeof value === 'boolean'
              ? value
              : redact(JSON.stringify(value) ?? '', secrets);
    }
    return out;
  };
  return {
    info: (m, f) => logger.info(redact(m, secrets), clean(f)),
    warn: (m, f) => logger.warn(redact(m, secrets), clean(f)),
    error: (m, f) => logger.error(redact(m, secrets), clean(f)),
  };
}
