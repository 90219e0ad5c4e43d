// Zalo Official Account API client: send a customer-service text, refresh the OA access token
// once when Zalo says it expired (refresh tokens are single use: once across the replicas that
// share the token store, which serialises refreshes), retry 429/5xx, network failures
// and timeouts through ky, waiting as long as a Retry-After asks.
// An access token alone is enough to send; refreshing also needs the app secret and a refresh token.
import ky, { HTTPError, TimeoutError } from 'ky';
import type { Options as KyOptions } from 'ky';
import { describeError, redactingLogger, silentLogger, ZaloApiError, type Logger } from './errors.js';
import type { ZaloTokens, ZaloTokenStore } from './storage.js';

/**
 * Zalo answers HTTP 200 with `{ error: <non-zero>, message }`. These codes mean the access token
 * is no longer accepted: -216 "Access token is invalid" (what an expired token gets on the OA v3
 * API), -124 "Access token expired", -201 "Invalid access token".
 */
export const ZALO_TOKEN_ERRORS: ReadonlySet<number> = new Set([-216, -124, -201]);

export interface ZaloClient {
  sendText(userId: string, text: string): Promise<{ messageId?: string }>;
  /** Exchanges the stored refresh token for new tokens and stores both (needs the app secret and a refresh token). */
  refreshTokens(): Promise<void>;
}

export interface ZaloClientOptions {
  apiBase?: string;
  oauthBase?: string;
  appId: string;
  /** The app's secret key (OAuth header `secret_key`); without it the access token is never refreshed. */
  secretKey?: string | undefined;
  tokens: ZaloTokenStore;
  fetch?: typeof fetch;
  logger?: Logger;
  timeoutMs?: number;
  /** Attempts per HTTP call on 429, 5xx, network errors and timeouts. */
  maxAttempts?: number;
  /** First wait between attempts (doubling after each), when Zalo does not say how long. */
  backoffMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails at once. Default 30 s. */
  maxRetryAfterMs?: number;
}

interface ZaloReply {
  error?: number;
  message?: string;
  data?: { message_id?: string };
}

interface TokenReply {
  access_token?: string;
  refresh_token?: string;
  error?: number;
  error_name?: string;
  error_description?: string;
}

/** Statuses worth another attempt: 429 and every 5xx. */
const RETRY_STATUSES = [429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];
/** Statuses whose Retry-After is obeyed (ky waits until it has passed). */
const RETRY_AFTER_STATUSES = [429, 503];

/** The wait a refused response asks for, in ms (Retry-After in seconds or as a date), if any. */
function askedWaitMs(error: unknown): number | undefined {
  if (!(error instanceof HTTPError) || !RETRY_AFTER_STATUSES.includes(error.response.status)) return undefined;
  const header = error.response.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isNaN(seconds) ? Date.parse(header) - Date.now() : seconds * 1000;
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

/** What went wrong with one attempt, for the log line and the final error. */
function problemOf(error: unknown): string {
  if (error instanceof HTTPError) return `HTTP ${error.response.status}`;
  if (error instanceof TimeoutError) return 'timeout';
  return 'network error';
}

export function createZaloClient(opts: ZaloClientOptions): ZaloClient {
  const apiBase = (opts.apiBase ?? 'https://openapi.zalo.me').replace(/\/+$/, '');
  const oauthBase = (opts.oauthBase ?? 'https://oauth.zaloapp.com').replace(/\/+$/, '');
  const maxAttempts = opts.maxAttempts ?? 3;
  const backoffMs = opts.backoffMs ?? 300;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 30_000;
  // A blank secret (an unset variable written as spaces) is no secret: Zalo would be sent an empty
  // secret_key with a single-use refresh token, so such a refresh is never tried.
  const appSecret = opts.secretKey?.trim() ? opts.secretKey : undefined;
  // Tokens are read at each call and go into the redaction list as they change.
  const secrets = new Set<string>(appSecret ? [appSecret] : []);
  const log = redactingLogger(opts.logger ?? silentLogger, secrets);
  const clean = (text: string): string => describeError(new Error(text), [...secrets]).replace(/^Error: /, '');
  const http = ky.create({
    fetch: opts.fetch ?? globalThis.fetch,
    timeout: opts.timeoutMs ?? 10_000,
    retry: {
      limit: maxAttempts - 1,
      // The sends are POSTs, retried as before: a lost reply costs more than a rare duplicate.
      methods: ['post'],
      statusCodes: RETRY_STATUSES,
      afterStatusCodes: RETRY_AFTER_STATUSES,
      retryOnTimeout: true,
      delay: (retry) => backoffMs * 2 ** (retry - 1),
      // Zalo asks for a longer wait than a chat reply can afford: fail now rather than retry early.
      shouldRetry: ({ error }) => ((askedWaitMs(error) ?? 0) > maxRetryAfterMs ? false : undefined),
    },
  });

  /** One HTTP call, retried by ky on 429/5xx, network failures and timeouts; returns parsed JSON. */
  async function call<T>(what: string, url: string, init: { headers: Record<string, string>; body: string | URLSearchParams }): Promise<T> {
    let attempts = 0;
    const options: KyOptions = {
      ...init,
      hooks: {
        beforeRequest: [() => void attempts++],
        beforeRetry: [
          ({ error, retryCount }) => {
            // Only a network failure's error goes to the log: ky's own errors carry the request and its headers.
            const detail = error instanceof HTTPError ? { status: error.response.status } : error instanceof TimeoutError ? {} : { err: error };
            log.warn({ ...detail, what, attempt: retryCount, problem: problemOf(error) }, 'zalo call failed, retrying');
          },
        ],
      },
    };
    let res: Response;
    try {
      res = await http.post(url, options);
    } catch (error) {
      if (error instanceof HTTPError && !RETRY_STATUSES.includes(error.response.status)) {
        throw new ZaloApiError('ZALO_SEND_FAILED', `Zalo ${what}: HTTP ${error.response.status}`, { status: error.response.status });
      }
      const wait = askedWaitMs(error);
      if (wait !== undefined && wait > maxRetryAfterMs) {
        throw new ZaloApiError('ZALO_UNAVAILABLE', `Zalo ${what} yêu cầu chờ ${Math.ceil(wait / 1000)} giây trước khi thử lại (${problemOf(error)}); không gửi lại`, {
          status: (error as HTTPError).response.status,
        });
      }
      throw new ZaloApiError('ZALO_UNAVAILABLE', `Zalo ${what} không phản hồi sau ${attempts} lần thử (${problemOf(error)})`, {
        ...(error instanceof HTTPError || error instanceof TimeoutError ? {} : { cause: error }),
      });
    }
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ZaloApiError('ZALO_SEND_FAILED', `Zalo ${what}: câu trả lời không phải JSON`, { status: res.status });
    }
  }

  async function currentTokens(): Promise<ZaloTokens> {
    const tokens = await opts.tokens.get();
    if (!tokens) throw new ZaloApiError('ZALO_TOKEN_MISSING', 'Chưa có access token của Zalo OA: cấp quyền cho ứng dụng rồi đặt ZALO_OA_ACCESS_TOKEN.');
    secrets.add(tokens.accessToken);
    if (tokens.refreshToken) secrets.add(tokens.refreshToken);
    return tokens;
  }

  /** What refreshing lacks, named as the operator sets it; empty when a refresh can be tried. */
  const missingForRefresh = (tokens: ZaloTokens): string[] => [
    ...(appSecret ? [] : ['ZALO_APP_SECRET']),
    ...(tokens.refreshToken ? [] : ['ZALO_OA_REFRESH_TOKEN']),
  ];

  /** Zalo's refresh: the pair's single-use refresh token for a new pair (nothing is stored here). */
  async function exchange(tokens: ZaloTokens): Promise<ZaloTokens> {
    secrets.add(tokens.accessToken);
    if (tokens.refreshToken) secrets.add(tokens.refreshToken);
    const secretKey = appSecret;
    const { refreshToken } = tokens;
    if (!secretKey || !refreshToken) {
      throw new ZaloApiError('ZALO_CONFIG', `Không làm mới được access token Zalo OA: thiếu ${missingForRefresh(tokens).join(' và ')}.`);
    }
    const body = new URLSearchParams({ refresh_token: refreshToken, app_id: opts.appId, grant_type: 'refresh_token' });
    const reply = await call<TokenReply>('OAuth refresh', `${oauthBase}/v4/oa/access_token`, {
      headers: { secret_key: secretKey, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    if (!reply.access_token || !reply.refresh_token) {
      throw new ZaloApiError(
        'ZALO_REFRESH_FAILED',
        clean(
          `Không làm mới được access token Zalo OA (mã ${reply.error ?? '?'}: ${reply.error_name ?? reply.error_description ?? 'no token'}): ` +
            'cấp lại quyền cho ứng dụng rồi đặt ZALO_OA_ACCESS_TOKEN và ZALO_OA_REFRESH_TOKEN mới.',
        ),
        reply.error === undefined ? {} : { zaloError: reply.error },
      );
    }
    secrets.add(reply.access_token).add(reply.refresh_token);
    log.info({}, 'zalo access token refreshed');
    return { accessToken: reply.access_token, refreshToken: reply.refresh_token };
  }

  // Refresh tokens are single use: two refreshes of one pair would spend the same one. Sends in
  // this process that meet the same expired token share one refresh; the store makes processes
  // sharing it (replicas on one database) take turns, and a later one reuses the new pair.
  let refreshing: { expired: string; done: Promise<void> } | undefined;
  function refreshFrom(expired: string): Promise<void> {
    if (refreshing?.expired === expired) return refreshing.done;
    const done = opts.tokens
      .refresh(expired, exchange)
      .then((tokens) => {
        if (!tokens) throw new ZaloApiError('ZALO_TOKEN_MISSING', 'Chưa có access token của Zalo OA: cấp quyền cho ứng dụng rồi đặt ZALO_OA_ACCESS_TOKEN.');
        secrets.add(tokens.accessToken);
        if (tokens.refreshToken) secrets.add(tokens.refreshToken);
      })
      .finally(() => {
        if (refreshing?.done === done) refreshing = undefined;
      });
    refreshing = { expired, done };
    return done;
  }

  async function refreshTokens(): Promise<void> {
    await refreshFrom((await currentTokens()).accessToken);
  }

  async function sendText(userId: string, text: string): Promise<{ messageId?: string }> {
    const payload = JSON.stringify({ recipient: { user_id: userId }, message: { text } });
    for (let round = 0; ; round++) {
      const { accessToken } = await currentTokens();
      const reply = await call<ZaloReply>('message/cs', `${apiBase}/v3.0/oa/message/cs`, {
        headers: { access_token: accessToken, 'content-type': 'application/json' },
        body: payload,
      });
      if (!reply.error) return reply.data?.message_id ? { messageId: reply.data.message_id } : {};
      if (ZALO_TOKEN_ERRORS.has(reply.error) && round === 0) {
        // Another send may already have refreshed: only refresh if the token we used is still stored.
        const stored = await currentTokens();
        if (stored.accessToken === accessToken) {
          const missing = missingForRefresh(stored);
          if (missing.length) {
            throw new ZaloApiError(
              'ZALO_TOKEN_EXPIRED',
              clean(
                `Zalo từ chối access token (mã ${reply.error}: ${reply.message ?? ''}) và không tự làm mới được: ` +
                  `đặt ${missing.join(' và ')} để làm mới tự động, hoặc một ZALO_OA_ACCESS_TOKEN mới, rồi khởi động lại.`,
              ),
              { zaloError: reply.error },
            );
          }
          await refreshFrom(accessToken);
        }
        continue;
      }
      throw new ZaloApiError('ZALO_SEND_FAILED', clean(`Zalo từ chối tin nhắn (mã ${reply.error}: ${reply.message ?? ''})`), {
        zaloError: reply.error,
      });
    }
  }

  return { sendText, refreshTokens };
}
