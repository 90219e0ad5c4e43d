// The Zalo token refresh across replicas: three processes, each with its own pool on one
// database, send 20 replies that all meet the expired access token at the same moment (a proxy
// holds them until the 20th arrives). Zalo's refresh tokens are single use, so exactly one
// refresh may reach the OAuth endpoint; the other replies wait for it and use the new token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgZaloTokenStore, type State } from '../../state/index.js';
import { startFakeZalo, type FakeZalo } from '../bot/fakes/zalo-api.js';
import { waitFor } from '../helpers/wait.js';
import { startBarrierProxy, type BarrierProxy } from './fixtures/barrier-proxy.js';
import { freshSchema, openTestState, type TestSchema } from './fixtures/schema.js';
import { killAll, postgresMissing, sayWhySkipped, startChild, type Child, type ChildEvent } from './fixtures/services.js';

const missing = await postgresMissing();
sayWhySkipped('test/state/zalo-refresh.test.ts', missing);

const APP_ID = '4291763606161179100';
const APP_SECRET = 'app-secret-for-the-race';
const FIRST = { accessToken: 'access-first-000', refreshToken: 'refresh-first-000' };
const REPLICAS = [
  { id: 'replica-a', sends: 7 },
  { id: 'replica-b', sends: 7 },
  { id: 'replica-c', sends: 6 },
];
const REPLIES = REPLICAS.reduce((n, r) => n + r.sends, 0);

describe.skipIf(missing !== undefined)('Zalo token refresh with 3 replicas on PostgreSQL', () => {
  let schema: TestSchema;
  let state: State;
  let zalo: FakeZalo;
  let proxy: BarrierProxy;
  const children: Child[] = [];
  const events: ChildEvent[] = [];

  beforeAll(async () => {
    schema = await freshSchema('zalo_race');
    state = await openTestState(schema.url);
    zalo = await startFakeZalo({ appId: APP_ID, secretKey: APP_SECRET, ...FIRST });
  });
  afterAll(async () => {
    await killAll(children);
    await proxy?.close();
    await zalo?.close();
    await state?.close();
    await schema?.drop();
  });

  it(`refreshes once for ${REPLIES} replies that find the token expired at once, and all of them go out with the new token`, async () => {
    // The pair the environment configured is in use (as after a start), then it expires.
    expect(await createPgZaloTokenStore(state.db, FIRST).get()).toEqual(FIRST);
    zalo.expireAccessToken();
    proxy = await startBarrierProxy(zalo.base, FIRST.accessToken, REPLIES);
    for (const r of REPLICAS) {
      children.push(
        startChild(
          'zalo-replica',
          r.id,
          {
            DATABASE_URL: schema.url,
            ZALO_API_BASE: proxy.url,
            ZALO_OAUTH_BASE: zalo.base,
            ZALO_APP_ID: APP_ID,
            ZALO_APP_SECRET: APP_SECRET,
            ZALO_OA_ACCESS_TOKEN: FIRST.accessToken,
            ZALO_OA_REFRESH_TOKEN: FIRST.refreshToken,
            SENDS: String(r.sends),
          },
          events,
        ),
      );
    }
    const said = (ev: string) => events.filter((e) => e.ev === ev);
    const detail = () => children.map((c) => `${c.id}: ${c.stderr()}`).join('\n');
    await waitFor(() => said('ready').length === REPLICAS.length, { timeoutMs: 60_000, what: 'the replicas to start', detail });
    for (const c of children) c.process.kill('SIGUSR2');
    await waitFor(() => said('sent').length === REPLICAS.length, { timeoutMs: 60_000, what: 'the replicas to send', detail });

    // Every reply met the expired token, at the same moment.
    expect(proxy.held()).toBe(REPLIES);
    // Exactly one refresh reached Zalo, spending the configured refresh token once.
    expect(zalo.refreshCalls).toEqual([{ refreshToken: FIRST.refreshToken, appId: APP_ID, grantType: 'refresh_token', secretKey: APP_SECRET }]);
    expect(said('log').filter((e) => e.msg === 'zalo access token refreshed')).toHaveLength(1);
    // All replies went out, each with the new token.
    expect(said('sent').map((e) => [e.id, e.ok, e.errors])).toEqual(expect.arrayContaining(REPLICAS.map((r) => [r.id, r.sends, []])));
    expect(zalo.messages).toHaveLength(REPLIES);
    expect(new Set(zalo.messages.map((m) => m.accessToken))).toEqual(new Set([zalo.tokens.accessToken]));
    // The new pair is what the database holds, for the next start and the other replicas.
    expect(await createPgZaloTokenStore(state.db, FIRST).get()).toEqual(zalo.tokens);
    const { rows } = await schema.admin('SELECT access_token, refresh_token FROM zalo_tokens');
    expect(rows).toEqual([{ access_token: zalo.tokens.accessToken, refresh_token: zalo.tokens.refreshToken }]);
  });
});
