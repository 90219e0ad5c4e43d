// The service's one logger: pino, object first, errors with their cause chain, readable lines
// in a terminal and JSON elsewhere, and every configured secret scrubbed from each finished
// line, whatever field, nested object, error message or stack it came in.
import pino from 'pino';
import { prettyFactory } from 'pino-pretty';

/** `auto`: readable lines when the output is a terminal, JSON lines otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LogSettings {
  level: pino.LevelWithSilent;
  format: LogFormat;
  /** Values that must never appear in a line: bot tokens, OA keys, the admin token, API keys. */
  secrets: readonly (string | undefined)[];
}

export interface LogOutput {
  /** Where lines go (default: standard output). Tests read the lines from here. */
  destination?: { write(line: string): unknown };
  /** Whether the output is a terminal (default: whether standard output is one). */
  isTTY?: boolean;
}

const MASK = '[redacted]';
// Shorter values would mask ordinary words; real tokens and keys are long.
const MIN_SECRET_LENGTH = 6;

export function resolveLogFormat(format: LogFormat, isTTY: boolean): 'json' | 'pretty' {
  return format === 'auto' ? (isTTY ? 'pretty' : 'json') : format;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces each secret in a serialised line: as written, as JSON escapes it (a quote or a
 * backslash inside a token) and URL-encoded (a token inside a logged URL).
 */
export function secretScrubber(secrets: readonly (string | undefined)[]): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) forms.add(form);
  }
  if (forms.size === 0) return (line) => line;
  // Longest first, so that a secret containing another is masked whole.
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (line) => line.replace(pattern, MASK);
}

export function createLogger(settings: LogSettings, output: LogOutput = {}): pino.Logger {
  const isTTY = output.isTTY ?? process.stdout.isTTY === true;
  const format = resolveLogFormat(settings.format, isTTY);
  const options: pino.LoggerOptions = {
    level: settings.level,
    // `err` (and `error`, which some libraries use) keep their class, code, fields and causes.
    serializers: { err: pino.stdSerializers.errWithCause, error: pino.stdSerializers.errWithCause },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-telegram-bot-api-secret-token"]', 'req.headers["x-zevent-signature"]', 'headers.authorization'],
      censor: MASK,
    },
    // The finished line is scrubbed: nothing a library puts anywhere in it can carry a secret.
    hooks: { streamWrite: secretScrubber(settings.secrets) },
  };
  const out = output.destination ?? pino.destination({ dest: 1, sync: true });
  if (format === 'json') return pino(options, out as pino.DestinationStream);
  // Prettified in this thread and written synchronously: a line logged just before exit is not lost.
  const prettify = prettyFactory({ colorize: isTTY && !output.destination, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss', singleLine: true });
  return pino(options, { write: (line: string) => void out.write(prettify(line)) });
}
