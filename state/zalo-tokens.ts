// The Zalo OA token pair in PostgreSQL, shared by replicas. A refresh spends the single-use
// refresh token, so it runs inside a transaction holding the row's lock (SELECT … FOR UPDATE):
// replicas that meet the same expired token at once queue on the lock, and each one after the
// first finds the access token changed and takes the stored pair without calling Zalo.
import type pg from 'pg';
import { configuredFrom, effectiveZaloTokens, type ZaloTokens, type ZaloTokenStore } from '../bot/storage.js';
import type { Db } from './db.js';

interface Row {
  access_token: string | null;
  refresh_token: string | null;
  configured_from: string | null;
}

const stored = (row: Row | undefined): (ZaloTokens & { from?: string }) | undefined =>
  row?.access_token
    ? { accessToken: row.access_token, ...(row.refresh_token ? { refreshToken: row.refresh_token } : {}), ...(row.configured_from ? { from: row.configured_from } : {}) }
    : undefined;

/**
 * `configured` is the pair in the environment; as with the file store, it wins over the stored
 * pair unless that pair was refreshed from this very configured pair.
 */
export function createPgZaloTokenStore(db: Db, configured?: ZaloTokens): ZaloTokenStore {
  const from = configuredFrom(configured) ?? null;
  const write = async (q: Pick<pg.PoolClient, 'query'>, tokens: ZaloTokens): Promise<void> => {
    await q.query('UPDATE zalo_tokens SET access_token = $1, refresh_token = $2, configured_from = $3, updated_at = now() WHERE id = 1', [
      tokens.accessToken,
      tokens.refreshToken ?? null,
      from,
    ]);
  };
  return {
    async get() {
      const rows = await db.query<Row>('reading the Zalo tokens', 'SELECT access_token, refresh_token, configured_from FROM zalo_tokens WHERE id = 1');
      return effectiveZaloTokens(stored(rows[0]), configured);
    },
    set: (tokens) => db.transaction('saving the Zalo tokens', (client) => write(client, tokens)),
    refresh: (expired, exchange) =>
      db.transaction('refreshing the Zalo tokens', async (client) => {
        // Waits here while another replica refreshes; then reads the pair it stored.
        const { rows } = await client.query<Row>('SELECT access_token, refresh_token, configured_from FROM zalo_tokens WHERE id = 1 FOR UPDATE');
        const current = effectiveZaloTokens(stored(rows[0]), configured);
        if (!current || current.accessToken !== expired) return current;
        const next = await exchange(current);
        await write(client, next);
        return { ...next };
      }),
  };
}
