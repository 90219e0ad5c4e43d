// The service's one logger, read from its real output: object-first JSON lines with their
// fields, errors with their cause chain, secrets scrubbed wherever they sit, readable lines in
// a terminal and JSON elsewhere.
import { describe, expect, it } from 'vitest';
import { ZaloApiError, redactingLogger } from '../../bot/errors.js';
import { loadConfig } from '../../config.js';
import { createLogger, resolveLogFormat } from '../../server/log.js';

const TOKEN = '123456:TELEGRAM-secret-token';
const OA_KEY = 'oa-secret-key-LOGTEST';

function capture() {
  const chunks: string[] = [];
  return {
    destination: { write: (line: string) => chunks.push(line) },
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>),
  };
}

describe('the service logger', () => {
  it('writes object-first JSON lines: fields kept, errors with class, code and cause chain', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json', secrets: [] }, out);
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:443');
    log.error({ err: new ZaloApiError('ZALO_UNAVAILABLE', 'Zalo message/cs did not answer', { cause, status: 503 }), chatId: 4242 }, 'zalo reply failed');
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 50, msg: 'zalo reply failed', chatId: 4242 });
    expect(line!.err).toMatchObject({ type: 'ZaloApiError', code: 'ZALO_UNAVAILABLE', status: 503, message: 'Zalo message/cs did not answer' });
    expect(line!.err.cause).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:443' });
  });

  it('scrubs secrets from the message, nested fields, error messages, stacks and causes', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json', secrets: [TOKEN, OA_KEY] }, out);
    const cause = new Error(`POST https://api.telegram.org/bot${TOKEN}/getMe failed`);
    const err = new Error(`wrapped (${encodeURIComponent(TOKEN)})`, { cause });
    log.warn({ err, request: { headers: { secret: OA_KEY }, list: [{ deep: { deeper: `key=${OA_KEY}` } }] } }, `token was ${TOKEN}`);
    const text = out.text();
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(encodeURIComponent(TOKEN));
    expect(text).not.toContain(OA_KEY);
    const [line] = out.lines();
    expect(line!.msg).toBe('token was [redacted]');
    expect(line!.request.list[0].deep.deeper).toBe('key=[redacted]');
    expect(line!.err.cause.message).toBe('POST https://api.telegram.org/bot[redacted]/getMe failed');
    expect(line!.err.cause.stack).toContain('[redacted]');
  });

  it('takes the adapters’ object-first calls through their redacting wrapper unchanged but scrubbed', () => {
    const out = capture();
    const log = redactingLogger(createLogger({ level: 'info', format: 'json', secrets: [] }, out), [OA_KEY]);
    const err = new ZaloApiError('ZALO_SEND_FAILED', `refused with ${OA_KEY}`, { zaloError: -230, cause: new Error(`inner ${OA_KEY}`) });
    log.error({ err, userId: 'zalo-user-9', payload: { nested: [OA_KEY] } }, 'zalo reply failed');
    const [line] = out.lines();
    expect(line).toMatchObject({ msg: 'zalo reply failed', userId: 'zalo-user-9', payload: { nested: ['[redacted]'] } });
    expect(line!.err).toMatchObject({ type: 'ZaloApiError', code: 'ZALO_SEND_FAILED', zaloError: -230, message: 'refused with [redacted]' });
    expect(line!.err.cause.message).toBe('inner [redacted]');
    expect(out.text()).not.toContain(OA_KEY);
  });

  it('prints readable lines in a terminal and JSON elsewhere; LOG_FORMAT forces either', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');

    const terminal = capture();
    createLogger({ level: 'info', format: 'auto', secrets: [OA_KEY] }, { ...terminal, isTTY: true }).info({ documents: 2 }, `serving 2 documents ${OA_KEY}`);
    expect(terminal.text()).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: serving 2 documents \[redacted\]/);
    expect(() => JSON.parse(terminal.text())).toThrow();

    const pipe = capture();
    createLogger({ level: 'info', format: 'auto', secrets: [] }, { ...pipe, isTTY: false }).info({ documents: 2 }, 'serving 2 documents');
    expect(pipe.lines()[0]).toMatchObject({ msg: 'serving 2 documents', documents: 2 });

    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });
});
