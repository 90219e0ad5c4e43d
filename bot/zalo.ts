// POST /webhooks/zalo: verify the Zalo OA event signature over the raw body, drop replays, answer
// 200 at once, and reply asynchronously with the engine's answer as plain text. Zalo has no
// buttons: an ask-back is answered with a number, mapped through the user's last choices.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { StorageAdapter } from 'grammy';
import type { Language } from '../domain/records.js';
import type { AnswerEngine } from '../domain/contract.js';
import { askBackChoices, pickedNumber } from './choices.js';
import { describeError, redactingLogger, silentLogger, type Logger } from './errors.js';
import { asksForPerson, contactLines, contactReply, requestLanguage, type Contact } from './contact.js';
import { renderZalo, splitPlain, textLines } from './format.js';
import { messages, ZALO_GREETING } from './messages.js';
import { createMemorySessionStorage } from './storage.js';
import type { ZaloClient } from './zalo-client.js';

/** What is kept of a user between messages: the codes of the last ask-back, in the order shown. */
export interface ZaloSession {
  choices: string[];
  language: Language;
  /** When they were offered (ISO); older than `choicesTtlMs`, a number is a question again. */
  at: string;
}

export interface ZaloWebhookOptions {
  appId: string;
  oaSecretKey: string;
  client: ZaloClient;
  engine: AnswerEngine;
  now?: () => Date;
  /** Events whose timestamp is further than this from now are refused as replays. */
  maxSkewMs?: number;
  logger?: Logger;
  path?: string;
  /** Per-user last choices, keyed by the Zalo user id (default: in memory, at most 10,000 users). */
  sessions?: StorageAdapter<ZaloSession>;
  /** How long the last choices can be picked by number (default 30 minutes). */
  choicesTtlMs?: number;
  /** How people reach a person: with every "not found" answer, and when asked for. */
  contact?: Contact;
  /**
   * Where the event keys of the replay window are kept (default: in this process). Behind a load
   * balancer, Zalo's retry of an event may reach another replica: a shared guard (Redis,
   * state/redis.ts) makes every replica refuse what one has taken.
   */
  replays?: ReplayGuard;
}

/** Remembers the keys of events taken within the replay window. */
export interface ReplayGuard {
  /** True the first time a key is offered within `ttlMs`; false for a replay. */
  firstTime(key: string, ttlMs: number, at: number): Promise<boolean>;
}

interface ZaloEvent {
  app_id?: string;
  event_name?: string;
  timestamp?: string | number;
  sender?: { id?: string };
  follower?: { id?: string };
  message?: { text?: string; msg_id?: string };
}

/** The replay window of one process, for one replica or as the fallback of a shared guard. */
export function memoryReplayGuard(): ReplayGuard {
  const windows = new Map<number, RecentIds>();
  return {
    async firstTime(key, ttlMs, at) {
      let recent = windows.get(ttlMs);
      if (!recent) windows.set(ttlMs, (recent = new RecentIds(ttlMs)));
      return !recent.check(key, at);
    },
  };
}

/**
 * Message ids and body hashes seen within the replay window; bounded so a flood cannot grow it
 * without end (past `max`, the oldest go first: only a replay older than 10,000 newer keys, some
 * 5,000 texts at two keys each, could get through, and the timestamp window refuses it soon after).
 */
class RecentIds {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}
  /** True if `id` was already seen (and not expired); records it otherwise. */
  check(id: string, at: number): boolean {
    for (const [key, time] of this.seen) {
      if (at - time <= this.ttlMs && this.seen.size < this.max) break; // oldest first: the rest are fresh
      this.seen.delete(key);
    }
    if (this.seen.has(id)) return true;
    this.seen.set(id, at);
    return false;
  }
}

const sha256 = (...parts: (string | Buffer)[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** `mac=` + sha256_hex(app_id + raw body + timestamp + OA secret key), compared in constant time. */
export function verifyZaloSignature(header: string | undefined, appId: string, rawBody: Buffer, timestamp: string, oaSecretKey: string): boolean {
  if (!header) return false;
  const expected = `mac=${sha256(appId, rawBody, timestamp, oaSecretKey).toString('hex')}`;
  // Hash both sides so that the comparison has equal lengths whatever the header holds.
  return timingSafeEqual(sha256(header.trim().toLowerCase()), sha256(expected));
}

const okSchema = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, ignored: { type: 'string' } },
  required: ['ok'],
} as const;
const errorSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;

export async function zaloWebhookPlugin(app: FastifyInstance, opts: ZaloWebhookOptions): Promise<void> {
  const now = opts.now ?? (() => new Date());
  const maxSkewMs = opts.maxSkewMs ?? 5 * 60_000;
  const log = redactingLogger(opts.logger ?? silentLogger, [opts.oaSecretKey]);
  const replays = opts.replays ?? memoryReplayGuard();
  const windowMs = 2 * maxSkewMs;
  const pending = new Set<Promise<void>>();

  // The signature covers the exact bytes, so this (encapsulated) scope keeps JSON bodies raw.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Let in-flight replies finish before the server closes.
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pending]);
  });

  const send = async (userId: string, parts: string[]): Promise<void> => {
    for (const part of parts) await opts.client.sendText(userId, part);
  };

  // A store that fails costs the pick by number, not the answer: it is logged and the message goes on.
  const sessions = opts.sessions ?? createMemorySessionStorage<ZaloSession>({ maxEntries: 10_000 });
  const choicesTtlMs = opts.choicesTtlMs ?? 30 * 60_000;
  const lastChoices = async (userId: string): Promise<ZaloSession | undefined> => {
    try {
      const session = await sessions.read(userId);
      if (session && now().getTime() - Date.parse(session.at) <= choicesTtlMs) return session;
      if (session) await sessions.delete(userId); // expired
    } catch (error) {
      log.error({ err: error }, 'zalo session read failed');
    }
    return undefined;
  };
  const keepChoices = async (userId: string, session: ZaloSession | undefined, had: boolean): Promise<void> => {
    try {
      if (session) await sessions.write(userId, session);
      else if (had) await sessions.delete(userId);
    } catch (error) {
      log.error({ err: error }, 'zalo session write failed');
    }
  };

  const answerText = async (userId: string, text: string): Promise<string[]> => {
    const last = await lastChoices(userId);
    const picked = last ? pickedNumber(text) : undefined;
    // "gặp cán bộ", "tổng đài": a person is wanted, not the engine.
    if (asksForPerson(text)) return [contactReply(opts.contact, requestLanguage(text, last?.language ?? 'vi'))];
    let question = text.slice(0, 1000);
    if (last && picked !== undefined) {
      const code = last.choices[picked - 1];
      if (!code) return [messages(last.language).pickByNumber(last.choices.length)];
      question = code; // the engine answers a bare procedure code with that procedure
    }
    try {
      const res = await opts.engine.ask({ question, sessionId: `zalo:${userId}`.slice(0, 128) });
      const choices = askBackChoices(res).map((c) => c.code);
      const next = choices.length ? { choices, language: res.language, at: now().toISOString() } : undefined;
      await keepChoices(userId, next, last !== undefined);
      // One message: each reply spends one of the few free replies Zalo allows.
      return [renderZalo(res, res.language, { contact: (lang) => contactLines(opts.contact, lang) })];
    } catch (error) {
      log.error({ err: error, userId }, 'engine failed');
      return [messages('vi').thinkingFailed];
    }
  };

  const handle = async (event: ZaloEvent): Promise<void> => {
    if (event.event_name === 'user_send_text') {
      const userId = event.sender?.id;
      const text = event.message?.text?.trim();
      if (!userId || !text) return;
      await send(userId, await answerText(userId, text));
    } else if (event.event_name === 'follow') {
      const userId = event.follower?.id ?? event.sender?.id;
      if (userId) await send(userId, splitPlain(textLines(ZALO_GREETING)));
    }
  };

  app.post(
    opts.path ?? '/webhooks/zalo',
    { schema: { response: { 200: okSchema, 400: errorSchema, 401: errorSchema } } },
    async (request, reply) => {
      const raw = request.body;
      if (!Buffer.isBuffer(raw)) return reply.code(400).send({ code: 'ZALO_BAD_EVENT', message: 'expected a JSON body' });
      let event: ZaloEvent;
      try {
        event = JSON.parse(raw.toString('utf8')) as ZaloEvent;
      } catch {
        return reply.code(400).send({ code: 'ZALO_BAD_EVENT', message: 'invalid JSON' });
      }
      if (typeof event !== 'object' || event === null) return reply.code(400).send({ code: 'ZALO_BAD_EVENT', message: 'expected an event' });
      const timestamp = event.timestamp === undefined ? '' : String(event.timestamp);
      const signature = request.headers['x-zevent-signature'];
      if (!verifyZaloSignature(typeof signature === 'string' ? signature : undefined, opts.appId, raw, timestamp, opts.oaSecretKey)) {
        log.warn({ event: event.event_name }, 'zalo event with a bad signature refused');
        return reply.code(401).send({ code: 'ZALO_BAD_SIGNATURE', message: 'invalid signature' });
      }
      const at = now().getTime();
      const sentAt = Number(timestamp);
      if (!Number.isFinite(sentAt) || Math.abs(at - sentAt) > maxSkewMs) {
        log.warn({ event: event.event_name, timestamp }, 'zalo event outside the time window refused');
        return reply.code(401).send({ code: 'ZALO_STALE_EVENT', message: 'timestamp outside the accepted window' });
      }
      // A replay is the same signed bytes sent again. Events without a msg_id (follow, some texts)
      // are known by a hash of their body; the timestamp inside it ties a hash to the window.
      const msgId = event.message?.msg_id;
      // One key at a time: a replica that finds the body taken must not take the message id as
      // well, or two replicas racing over the same event would each refuse it for the other.
      const fresh = (await replays.firstTime(`body:${sha256(raw).toString('hex')}`, windowMs, at)) && (!msgId || (await replays.firstTime(`msg:${msgId}`, windowMs, at)));
      if (!fresh) return { ok: true, ignored: 'duplicate' };
      if (event.event_name !== 'user_send_text' && event.event_name !== 'follow') return { ok: true, ignored: 'event' };

      // Zalo wants its 200 within about 2 s: the answer goes out on its own.
      const job = handle(event)
        .catch((error: unknown) => log.error({ err: error, event: event.event_name, userId: event.sender?.id ?? event.follower?.id }, 'zalo reply failed'))
        .finally(() => pending.delete(job));
      pending.add(job);
      return { ok: true };
    },
  );
}
