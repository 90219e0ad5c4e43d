// Small persistent stores of the bots: chat sessions (a grammY StorageAdapter), reminder
// subscriptions and Zalo OA tokens. One JSON file each, rewritten atomically (temp + rename),
// readable by the service's user only: tokens are secrets, sessions and chat ids personal data.
// The interfaces are the bots' own; state/ implements them on PostgreSQL for several replicas.
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { StorageAdapter } from 'grammy';
import type { Language } from '../domain/records.js';
import { ChannelError } from './errors.js';

/** Files 0600 in a folder 0700: no other user of the host reads the bots' state. */
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/**
 * Takes group and world access away from `path` if it has any (a folder or file from before).
 * Only what the service's user owns: a shared folder such as /tmp is not ours to change.
 */
async function restrict(path: string, mode: number): Promise<void> {
  try {
    const { mode: current, uid } = await stat(path);
    if ((current & 0o077) !== 0 && uid === process.getuid?.()) await chmod(path, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * A JSON object on disk, read once, written whole and atomically, writes serialised. One instance
 * per file and process: it caches what it read. Its folder and the file are private to the
 * service's user, also when an earlier version left them readable by all.
 */
export class JsonFile<T> {
  private cache: T | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly empty: () => T,
  ) {}

  async read(): Promise<T> {
    if (this.cache === undefined) {
      try {
        await restrict(this.path, PRIVATE_FILE);
        this.cache = JSON.parse(await readFile(this.path, 'utf8')) as T;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new ChannelError('STORE_CORRUPT', `Không đọc được tệp lưu trữ ${this.path}`, { cause: error });
        }
        this.cache = this.empty();
      }
    }
    return this.cache;
  }

  /** Applies `change` to the current value and persists it; concurrent updates run one after another. */
  update<R>(change: (value: T) => R): Promise<R> {
    const run = this.queue.then(async () => {
      const value = await this.read();
      const result = change(value);
      // The folder may predate us (created 0755 by another store): tighten it, not only new ones.
      await mkdir(dirname(this.path), { recursive: true, mode: PRIVATE_DIR });
      await restrict(dirname(this.path), PRIVATE_DIR);
      const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      // Created 0600 (flag wx: never through a file someone placed there), then renamed over the old one.
      await writeFile(temp, JSON.stringify(value, null, 2), { encoding: 'utf8', mode: PRIVATE_FILE, flag: 'wx' });
      await rename(temp, this.path);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

// ---- chat sessions ----------------------------------------------------------------------

/** grammY session storage in one JSON file (key → value). */
export function createFileSessionStorage<T>(path: string): StorageAdapter<T> {
  const file = new JsonFile<Record<string, T>>(path, () => ({}));
  return {
    async read(key) {
      return (await file.read())[key];
    },
    async write(key, value) {
      await file.update((all) => {
        all[key] = value;
      });
    },
    async delete(key) {
      await file.update((all) => {
        delete all[key];
      });
    },
  };
}

/**
 * grammY session storage in memory (tests, development, short-lived state). With `maxEntries`
 * the least recently written keys go first once it is full, so many users cannot grow it without end.
 */
export function createMemorySessionStorage<T>(options: { maxEntries?: number } = {}): StorageAdapter<T> {
  const map = new Map<string, T>();
  const max = options.maxEntries ?? Infinity;
  return {
    read: (key) => map.get(key),
    write: (key, value) => {
      map.delete(key); // re-inserted last: the Map's order is the write order
      map.set(key, value);
      for (const oldest of map.keys()) {
        if (map.size <= max) break;
        map.delete(oldest);
      }
    },
    delete: (key) => void map.delete(key),
  };
}

// ---- reminder subscriptions -------------------------------------------------------------

export interface Subscription {
  chatId: number;
  unit: string;
  language: Language;
  createdAt: string; // ISO
  /** Last reminder run for this subscription (ISO); absent before the first one. */
  lastRun?: string;
  /** Ids of the tasks seen at the last run, to tell new tasks apart. */
  seen: string[];
  /** Ids of the tasks already sent, so that each is sent once. */
  sent: string[];
}

export interface SubscriptionStore {
  list(): Promise<Subscription[]>;
  forChat(chatId: number): Promise<Subscription[]>;
  /** Subscribes a chat to a unit; an existing subscription to the same unit is kept. */
  add(input: { chatId: number; unit: string; language: Language; now: Date }): Promise<Subscription>;
  /** Removes the chat's subscription to `unit`, or all of them; returns how many went. */
  remove(chatId: number, unit?: string): Promise<number>;
  /** Records a reminder run. */
  record(chatId: number, unit: string, state: { lastRun: string; seen: string[]; sent: string[] }): Promise<void>;
}

/** How units are compared: "Sở Tư pháp" and "sở tư pháp" (composed or not) are one unit. */
export const unitKey = (unit: string): string => unit.normalize('NFC').toLowerCase();
const sameUnit = (a: string, b: string): boolean => unitKey(a) === unitKey(b);

function subscriptionOps(load: () => Promise<Subscription[]>, save: <R>(f: (all: Subscription[]) => R) => Promise<R>): SubscriptionStore {
  return {
    list: async () => structuredClone(await load()),
    forChat: async (chatId) => structuredClone((await load()).filter((s) => s.chatId === chatId)),
    add: ({ chatId, unit, language, now }) =>
      save((all) => {
        const existing = all.find((s) => s.chatId === chatId && sameUnit(s.unit, unit));
        if (existing) {
          existing.language = language;
          return structuredClone(existing);
        }
        const created: Subscription = { chatId, unit, language, createdAt: now.toISOString(), seen: [], sent: [] };
        all.push(created);
        return structuredClone(created);
      }),
    remove: (chatId, unit) =>
      save((all) => {
        let removed = 0;
        for (let i = all.length - 1; i >= 0; i--) {
          const s = all[i]!;
          if (s.chatId === chatId && (unit === undefined || sameUnit(s.unit, unit))) {
            all.splice(i, 1);
            removed++;
          }
        }
        return removed;
      }),
    record: (chatId, unit, state) =>
      save((all) => {
        const s = all.find((x) => x.chatId === chatId && sameUnit(x.unit, unit));
        if (s) Object.assign(s, state);
      }),
  };
}

export function createFileSubscriptionStore(path: string): SubscriptionStore {
  const file = new JsonFile<{ subscriptions: Subscription[] }>(path, () => ({ subscriptions: [] }));
  return subscriptionOps(
    async () => (await file.read()).subscriptions,
    (f) => file.update((v) => f(v.subscriptions)),
  );
}

export function createMemorySubscriptionStore(): SubscriptionStore {
  const all: Subscription[] = [];
  return subscriptionOps(
    async () => all,
    async (f) => f(all),
  );
}

// ---- Zalo OA tokens ---------------------------------------------------------------------

export interface ZaloTokens {
  accessToken: string;
  /**
   * Single use: every refresh returns a new one, which must be stored before the next. Absent
   * when the operator gave only an access token (it then works until it expires).
   */
  refreshToken?: string;
}

export interface ZaloTokenStore {
  get(): Promise<ZaloTokens | undefined>;
  set(tokens: ZaloTokens): Promise<void>;
  /**
   * Replaces the pair whose access token is `expired` by what `exchange` makes of it (Zalo's
   * refresh), once for all who share the store: refreshes run one at a time, and one that finds
   * the stored access token already changed returns the stored pair without calling `exchange`
   * (its single-use refresh token was spent by the refresh that changed it). Resolves to the
   * stored pair; undefined when there is none.
   */
  refresh(expired: string, exchange: (current: ZaloTokens) => Promise<ZaloTokens>): Promise<ZaloTokens | undefined>;
}

/**
 * `refresh` for stores used by one process (file, memory): a queue in this process. Stores shared
 * by processes lock where they keep the pair (state/zalo-tokens.ts: a row lock).
 */
function serialisedRefresh(get: () => Promise<ZaloTokens | undefined>, set: (tokens: ZaloTokens) => Promise<void>): ZaloTokenStore['refresh'] {
  let queue: Promise<unknown> = Promise.resolve();
  return (expired, exchange) => {
    const run = queue.then(async () => {
      const current = await get();
      if (!current || current.accessToken !== expired) return current;
      const next = await exchange(current);
      await set(next);
      return { ...next };
    });
    queue = run.catch(() => undefined);
    return run;
  };
}

/** On disk: the current pair and a fingerprint of the configured pair it was refreshed from. */
interface StoredZaloTokens extends Partial<ZaloTokens> {
  from?: string;
}

/** Tokens are secrets: the file keeps a hash of the configured ones, never a second copy. */
const fingerprint = (tokens: ZaloTokens): string =>
  createHash('sha256').update(`${tokens.accessToken}\n${tokens.refreshToken ?? ''}`).digest('hex');

/**
 * Zalo tokens in a JSON file, so that a refreshed pair survives a restart. `configured` is the
 * pair given in the environment: it wins over the file unless the file holds a pair refreshed
 * from this very configured pair. An operator who rotates the token in the environment gets it
 * used; a restart with the same environment keeps the newer refreshed pair (the configured
 * refresh token was spent by that refresh).
 */
export function createFileZaloTokenStore(path: string, configured?: ZaloTokens): ZaloTokenStore {
  const file = new JsonFile<StoredZaloTokens>(path, () => ({}));
  const from = configured ? fingerprint(configured) : undefined;
  const get = async (): Promise<ZaloTokens | undefined> => {
    const t = await file.read();
    return effectiveZaloTokens(t.accessToken ? { accessToken: t.accessToken, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}), from: t.from } : undefined, configured);
  };
  const set = (tokens: ZaloTokens): Promise<void> =>
    file.update((t) => {
      t.accessToken = tokens.accessToken;
      if (tokens.refreshToken) t.refreshToken = tokens.refreshToken;
      else delete t.refreshToken;
      if (from) t.from = from;
      else delete t.from;
    });
  return { get, set, refresh: serialisedRefresh(get, set) };
}

/**
 * The pair in use: the stored one when it was refreshed from the configured pair (or nothing is
 * configured), else the configured one. Shared by every store that keeps refreshed pairs.
 */
export function effectiveZaloTokens(stored: (ZaloTokens & { from?: string | undefined }) | undefined, configured: ZaloTokens | undefined): ZaloTokens | undefined {
  if (stored?.accessToken && (!configured || stored.from === fingerprint(configured))) {
    return stored.refreshToken ? { accessToken: stored.accessToken, refreshToken: stored.refreshToken } : { accessToken: stored.accessToken };
  }
  return configured ? { ...configured } : undefined;
}

/** The fingerprint a store keeps beside a pair refreshed from `configured` (a hash, never the tokens). */
export const configuredFrom = (configured: ZaloTokens | undefined): string | undefined => (configured ? fingerprint(configured) : undefined);

export function createMemoryZaloTokenStore(initial?: ZaloTokens): ZaloTokenStore {
  let current = initial ? { ...initial } : undefined;
  const get = async (): Promise<ZaloTokens | undefined> => (current ? { ...current } : undefined);
  const set = async (tokens: ZaloTokens): Promise<void> => {
    current = { ...tokens };
  };
  return { get, set, refresh: serialisedRefresh(get, set) };
}
