// Zalo Official Account API client: send a customer-service text, refresh the OA access token
// once when Zalo says it expired (refresh tokens are single use), retry 5xx/network failures.
// An access token alone is enough to send; refreshing also needs the app secret and a refresh token.
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
  /** Attempts per HTTP call on 5xx, network errors and timeouts. */
  maxAttempts?: number;
  backoffMs?: number;
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createZaloClient(opts: ZaloClientOptions): ZaloClient {
  const apiBase = (opts.apiBase ?? 'https://openapi.zalo.me').replace(/\/+$/, '');
  const oauthBase = (opts.oauthBase ?? 'https://oauth.zaloapp.com').replace(/\/+$/, '');
  const doFetch = opts.fetch ?? globalThis.fetch;
  const maxAttempts = opts.maxAttempts ?? 3;
  const backoffMs = opts.backoffMs ?? 300;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  // Tokens are read at each call and go into the redaction list as they change.
  const secrets = new Set<string>(opts.secretKey ? [opts.secretKey] : []);
  const log = redactingLogger(opts.logger ?? silentLogger, secrets);
  const clean = (text: string): string => describeError(new Error(text), [...secrets]).replace(/^Error: /, '');

  /** One HTTP call with bounded retries on 5xx, network failures and timeouts; returns parsed JSON. */
  async function call<T>(what: string, url: string, init: RequestInit): Promise<T> {
    let lastProblem = '';
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      let res: Response;
      try {
        res = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        lastProblem = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error';
        lastError = error;
        log.warn({ err: error, what, attempt, problem: lastProblem }, 'zalo call failed, retrying');
        continue;
      }
      if (res.status >= 500 || res.status === 429) {
        lastProblem = `HTTP ${res.status}`;
        lastError = undefined;
        await res.body?.cancel();
        log.warn({ what, attempt, problem: lastProblem, status: res.status }, 'zalo call failed, retrying');
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new ZaloApiError('ZALO_SEND_FAILED', `Zalo ${what}: HTTP ${res.status}`, { status: res.status });
      }
      try {
        return (await res.json()) as T;
      } catch {
        throw new ZaloApiError('ZALO_SEND_FAILED', `Zalo ${what}: câu trả lời không phải JSON`, { status: res.status });
      }
    }
    throw new ZaloApiError('ZALO_UNAVAILABLE', `Zalo ${what} không phản hồi sau ${maxAttempts} lần thử (${lastProblem})`, { cause: lastError });
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
    ...(opts.secretKey ? [] : ['ZALO_APP_SECRET']),
    ...(tokens.refreshToken ? [] : ['ZALO_OA_REFRESH_TOKEN']),
  ];

  // One refresh at a time: two concurrent refreshes would spend the same single-use refresh token.
  let refreshing: Promise<void> | undefined;
  function refreshTokens(): Promise<void> {
    refreshing ??= (async () => {
      const tokens = await currentTokens();
      const { secretKey } = opts;
      const { refreshToken } = tokens;
      if (!secretKey || !refreshToken) {
        throw new ZaloApiError('ZALO_CONFIG', `Không làm mới được access token Zalo OA: thiếu ${missingForRefresh(tokens).join(' và ')}.`);
      }
      const body = new URLSearchParams({ refresh_token: refreshToken, app_id: opts.appId, grant_type: 'refresh_token' });
      const reply = await call<TokenReply>('OAuth refresh', `${oauthBase}/v4/oa/access_token`, {
        method: 'POST',
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
      await opts.tokens.set({ accessToken: reply.access_token, refreshToken: reply.refresh_token });
      log.info({}, 'zalo access token refreshed');
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  async function sendText(userId: string, text: string): Promise<{ messageId?: string }> {
    const payload = JSON.stringify({ recipient: { user_id: userId }, message: { text } });
    for (let round = 0; ; round++) {
      const { accessToken } = await currentTokens();
      const reply = await call<ZaloReply>('message/cs', `${apiBase}/v3.0/oa/message/cs`, {
        method: 'POST',
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
          await refreshTokens();
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
