// A fake Zalo OA API and OAuth server on loopback: /v3.0/oa/message/cs (checks the access_token
// header, answers like Zalo: HTTP 200 with { error, message }) and /v4/oa/access_token (checks
// secret_key and the single-use refresh token). Records messages; can expire the token or fail.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentZaloMessage {
  userId: string;
  text: string;
  accessToken: string;
}

export interface FakeZalo {
  base: string; // serves both apiBase and oauthBase
  messages: SentZaloMessage[];
  refreshCalls: { refreshToken: string; appId: string; grantType: string; secretKey: string }[];
  /** Every request to message/cs, accepted or not. */
  sendAttempts: number;
  /** The tokens the fake currently accepts. */
  tokens: { accessToken: string; refreshToken: string };
  /** The current access token stops working (as after its 1 h lifetime). */
  expireAccessToken(): void;
  /** The next `n` message/cs requests answer HTTP 500. */
  failNext(n: number): void;
  /** For the next `seconds`, message/cs answers 429 with a Retry-After of the time left (a rate limit). */
  limitFor(seconds: number): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeZalo(opts: { appId: string; secretKey: string; accessToken: string; refreshToken: string }): Promise<FakeZalo> {
  let generation = 0;
  let failures = 0;
  let limitedUntil = 0;
  const state: FakeZalo = {
    base: '',
    messages: [],
    refreshCalls: [],
    sendAttempts: 0,
    tokens: { accessToken: opts.accessToken, refreshToken: opts.refreshToken },
    expireAccessToken() {
      state.tokens.accessToken = `expired-${++generation}-${Math.random()}`;
    },
    failNext(n) {
      failures = n;
    },
    limitFor(seconds) {
      limitedUntil = Date.now() + seconds * 1000;
    },
    close: async () => {},
  };

  const server = createServer(async (req, res) => {
    const json = (body: unknown, status = 200): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const body = await readBody(req);
    if (req.method === 'POST' && req.url === '/v3.0/oa/message/cs') {
      state.sendAttempts++;
      if (failures > 0) {
        failures--;
        return json({ error: -32, message: 'Internal error' }, 500);
      }
      if (Date.now() < limitedUntil) {
        res.setHeader('retry-after', String(Math.ceil((limitedUntil - Date.now()) / 1000)));
        return json({ error: -32, message: 'Too many requests' }, 429);
      }
      if (req.headers['access_token'] !== state.tokens.accessToken) return json({ error: -216, message: 'Access token is invalid' });
      const parsed = JSON.parse(body) as { recipient?: { user_id?: string }; message?: { text?: string } };
      const text = parsed.message?.text ?? '';
      if (!parsed.recipient?.user_id || !text) return json({ error: -201, message: 'Parameters are invalid' });
      if (text.length > 2000) return json({ error: -201, message: 'Message text is too long' });
      state.messages.push({ userId: parsed.recipient.user_id, text, accessToken: String(req.headers['access_token']) });
      return json({ error: 0, message: 'Success', data: { message_id: `m${state.messages.length}`, user_id: parsed.recipient.user_id } });
    }
    if (req.method === 'POST' && req.url === '/v4/oa/access_token') {
      const form = new URLSearchParams(body);
      const call = {
        refreshToken: form.get('refresh_token') ?? '',
        appId: form.get('app_id') ?? '',
        grantType: form.get('grant_type') ?? '',
        secretKey: String(req.headers['secret_key'] ?? ''),
      };
      state.refreshCalls.push(call);
      if (call.secretKey !== opts.secretKey || call.appId !== opts.appId) return json({ error: -14003, error_name: 'Invalid app or secret key' });
      if (call.grantType !== 'refresh_token' || call.refreshToken !== state.tokens.refreshToken) {
        return json({ error: -14014, error_name: 'Invalid refresh token' });
      }
      generation++;
      state.tokens = { accessToken: `access-${generation}-${Math.random().toString(36).slice(2)}`, refreshToken: `refresh-${generation}-${Math.random().toString(36).slice(2)}` };
      return json({ access_token: state.tokens.accessToken, refresh_token: state.tokens.refreshToken, expires_in: '3600' });
    }
    json({ error: -404, message: 'not found' }, 404);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
