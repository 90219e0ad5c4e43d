// The state schema at start (state/migrate.ts): a fresh database is migrated, an older one is
// brought up to date, replicas starting together migrate once, and a database migrated by a
// newer release, or whose applied migration was edited, is refused with a message saying what
// to do, and left as it was. An unreachable server is named without DATABASE_URL's password.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createService } from '../../service.js';
import { createDb, createPool, migrate, MIGRATIONS_DIR, openState, SchemaError } from '../../state/index.js';
import { testIndexDir } from '../helpers/engine.js';
import { freshSchema, openTestState, recordingLogger, type TestSchema } from './fixtures/schema.js';
import { postgresMissing, sayWhySkipped } from './fixtures/services.js';

const missing = await postgresMissing();
sayWhySkipped('test/state/migrate.test.ts', missing);

/** The newest version this release knows: its last migration's. */
const KNOWN = Math.max(...readdirSync(MIGRATIONS_DIR).map((f) => Number(f.split('.')[0])));
/** This release's migrations, in the order they apply. */
const ALL = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.do.sql') || /\.do\.[^.]+\.sql$/.test(f)).sort();

describe.skipIf(missing !== undefined)('migrations at start', () => {
  const schemas: TestSchema[] = [];
  const dirs: string[] = [];
  const schema = async () => {
    const s = await freshSchema('migrate');
    schemas.push(s);
    return s;
  };
  /** A migrations folder of our own: the release's files, plus or minus. */
  const folder = (files: Record<string, string> = {}, take: string[] = ['001.do.init.sql']) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
    dirs.push(dir);
    for (const f of take) copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    for (const [f, sql] of Object.entries(files)) writeFileSync(path.join(dir, f), sql);
    return dir;
  };
  const version = async (s: TestSchema) => (await s.admin('SELECT max(version)::int AS v FROM state_schema_version')).rows[0].v as number;
  afterAll(async () => {
    for (const s of schemas) await s.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("migrates a fresh database to this release's version, then finds nothing to do", async () => {
    const s = await schema();
    const logger = recordingLogger();
    const state = await openTestState(s.url, logger);
    expect(state.migration).toEqual({ from: 0, to: KNOWN, applied: ALL });
    expect(logger.lines.map((l) => l.msg)).toEqual(['state schema migrated', 'state kept in PostgreSQL']);
    const { rows } = await s.admin("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [s.name]);
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['chat_sessions', 'conversation_turns', 'feedback', 'ingest_jobs', 'redefinition_confirmations', 'sent_reminders', 'subscriptions', 'unanswered', 'zalo_tokens']),
    );
    await state.close();
    const again = await openTestState(s.url);
    expect(again.migration).toEqual({ from: KNOWN, to: KNOWN, applied: [] });
    await again.close();
  });

  it('replicas starting together migrate once', async () => {
    const s = await schema();
    const states = await Promise.all(Array.from({ length: 3 }, () => openTestState(s.url)));
    expect(states.map((st) => st.migration.applied.length).sort()).toEqual([0, 0, ALL.length]);
    expect((await s.admin('SELECT count(*)::int AS n FROM state_schema_version WHERE version > 0')).rows[0].n).toBe(ALL.length);
    await Promise.all(states.map((st) => st.close()));
  });

  it('brings an older schema up to date', async () => {
    const s = await schema();
    const db = createDb(createPool({ url: s.url, poolMax: 2, connectTimeoutMs: 2000 }, recordingLogger()));
    try {
      expect((await migrate(db, { dir: folder() })).to).toBe(1);
      await db.query('test', "INSERT INTO feedback (answer_id, helpful, at) VALUES ('kept', true, now())");
      const newer = folder({ '002.do.feedback-channel.sql': "ALTER TABLE feedback ADD COLUMN channel text NOT NULL DEFAULT 'web';\n" });
      expect(await migrate(db, { dir: newer })).toEqual({ from: 1, to: 2, applied: ['002.do.feedback-channel.sql'] });
      expect(await db.query('test', 'SELECT answer_id, channel FROM feedback')).toEqual([{ answer_id: 'kept', channel: 'web' }]);
    } finally {
      await db.pool.end();
    }
  });

  it('refuses a database a newer release migrated, saying so, and changes nothing', async () => {
    const s = await schema();
    await (await openTestState(s.url)).close();
    await s.admin("INSERT INTO state_schema_version (version, name, md5, run_at) VALUES ($1, 'from-the-future', 'x', now())", [KNOWN + 1]);
    const error = await openTestState(s.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect(error).toMatchObject({ code: 'STATE_SCHEMA_NEWER' });
    expect((error as Error).message).toBe(
      `The database's state schema is at version ${KNOWN + 1}, newer than this release knows (${KNOWN}): a newer release has migrated it. ` +
        'Start that release (or a newer one) against this database, or point DATABASE_URL at another; nothing was changed.',
    );
    expect(await version(s)).toBe(KNOWN + 1);
    expect((await s.admin("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'feedback' AND table_schema = $1", [s.name])).rows[0].n).toBe(1);
  });

  it('refuses a database whose applied migration was edited since', async () => {
    const s = await schema();
    const db = createDb(createPool({ url: s.url, poolMax: 2, connectTimeoutMs: 2000 }, recordingLogger()));
    try {
      const dir = folder();
      await migrate(db, { dir });
      writeFileSync(path.join(dir, '001.do.init.sql'), `${readFileSync(path.join(dir, '001.do.init.sql'), 'utf8')}\n-- edited after release\n`);
      await expect(migrate(db, { dir })).rejects.toMatchObject({ code: 'STATE_SCHEMA_CHANGED', message: expect.stringContaining('add a new one instead') });
    } finally {
      await db.pool.end();
    }
  });

  it('the service does not start against a newer schema, before it reads any index', async () => {
    const s = await schema();
    await (await openTestState(s.url)).close();
    await s.admin("INSERT INTO state_schema_version (version, name, md5, run_at) VALUES ($1, 'from-the-future', 'x', now())", [KNOWN + 7]);
    const state = mkdtempSync(path.join(os.tmpdir(), 'state-dir-'));
    dirs.push(state);
    const config = loadConfig({ DATABASE_URL: s.url, LOG_LEVEL: 'silent', INDEX_DIR: testIndexDir(), STATE_DIR: state });
    await expect(createService(config)).rejects.toThrow(`state schema is at version ${KNOWN + 7}, newer than this release knows (${KNOWN})`);
  });
});

describe('an unreachable PostgreSQL at start', () => {
  let port: number;
  beforeAll(async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  it('is named, with what to do, and without the password', async () => {
    const error = await openState({ url: `postgres://tthc:s3cret-pass-word@127.0.0.1:${port}/tthc`, poolMax: 2, connectTimeoutMs: 1000 }, recordingLogger()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STATE_UNAVAILABLE' });
    const message = (error as Error).message;
    expect(message).toContain(`PostgreSQL at postgres://tthc@127.0.0.1:${port}/tthc cannot be reached (`);
    expect(message).toContain('start it, or correct DATABASE_URL');
    expect(message).not.toContain('s3cret-pass-word');
  });
});
