// The service as `npm start` wires it with DATABASE_URL set: the schema is migrated at start,
// and conversations, feedback, the unanswered log and confirmations go to PostgreSQL, not to
// files under STATE_DIR; closing the service ends its pool. (Unset, test/service.test.ts covers
// the files, as on one machine.)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { createService, type Service } from '../../service.js';
import { testIndexDir } from '../helpers/engine.js';
import { freshSchema, type TestSchema } from './fixtures/schema.js';
import { postgresMissing, sayWhySkipped } from './fixtures/services.js';

const missing = await postgresMissing();
sayWhySkipped('test/state/service.test.ts', missing);

const ADMIN = 'state-admin-token-0123456789';

describe.skipIf(missing !== undefined)('the service with DATABASE_URL', () => {
  let schema: TestSchema;
  let stateDir: string;
  let service: Service;
  let url: URL;
  const connections = async () => (await schema.admin('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [schema.name])).rows[0].n as number;
  const admin = { authorization: `Bearer ${ADMIN}` };

  beforeAll(async () => {
    schema = await freshSchema('service');
    // Its connections named after the schema, to count them apart from other tests' (the URL's name wins).
    url = new URL(schema.url);
    url.searchParams.set('application_name', schema.name);
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'state-dir-'));
    const config = loadConfig({ DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '4', LOG_LEVEL: 'silent', INDEX_DIR: testIndexDir(), STATE_DIR: stateDir, ADMIN_TOKEN: ADMIN });
    service = await createService(config);
  });
  afterAll(async () => {
    await service?.close();
    await schema?.drop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('migrated the schema at start', async () => {
    expect((await schema.admin('SELECT max(version)::int AS v FROM state_schema_version')).rows[0].v).toBeGreaterThanOrEqual(1);
  });

  it('keeps conversations, feedback and unanswered questions in PostgreSQL, and none in STATE_DIR', async () => {
    const ask = (question: string) => service.app.inject({ method: 'POST', url: '/api/ask', payload: { question, sessionId: 'service-session-0123456789' } });
    const answered = await ask('làm giấy khai sinh cần gì');
    expect(answered.statusCode).toBe(200);
    expect(answered.json().procedure?.code).toBeDefined();
    // A follow-up without a subject goes on with the conversation kept in the database.
    expect((await ask('lệ phí bao nhiêu?')).json().procedure?.code).toBe(answered.json().procedure.code);
    await service.app.inject({ method: 'POST', url: '/api/feedback', payload: { answerId: answered.json().id, helpful: false, comment: 'Thiếu mẫu' } });
    await service.app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'Giá vé máy bay đi Đà Nẵng tháng sau là bao nhiêu?' } });

    const listed = await service.app.inject({ method: 'GET', url: '/admin/feedback', headers: admin });
    expect(listed.json()).toMatchObject({ total: 1, helpful: 0, notHelpful: 1, recent: [{ question: 'làm giấy khai sinh cần gì', comment: 'Thiếu mẫu' }] });
    await expect
      .poll(async () => (await service.app.inject({ method: 'GET', url: '/admin/unanswered', headers: admin })).json().questions.map((q: { question: string }) => q.question))
      .toContain('Giá vé máy bay đi Đà Nẵng tháng sau là bao nhiêu?');

    const count = async (table: string) => (await schema.admin(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
    expect([await count('conversation_turns'), await count('feedback'), await count('unanswered')]).toEqual([1, 1, 1]);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('ends its pool on close', async () => {
    expect(await connections()).toBeGreaterThan(0);
    await service.close();
    await expect.poll(connections).toBe(0);
    service = undefined as unknown as Service;
  });
});

describe('DATABASE_URL in the configuration', () => {
  it('is optional: unset or empty, the state stays in files', () => {
    expect(loadConfig({}).database).toBeNull();
    expect(loadConfig({ DATABASE_URL: '' }).database).toBeNull();
  });

  it('takes a postgres URL with the pool settings, and refuses anything else naming the variable, never its value', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://tthc:pw@db:5432/tthc', DATABASE_POOL_MAX: '20' }).database).toEqual({
      url: 'postgresql://tthc:pw@db:5432/tthc',
      poolMax: 20,
      connectTimeoutMs: 5000,
    });
    const error = (() => {
      try {
        loadConfig({ DATABASE_URL: 'mysql://tthc:s3cret-pw@db/tthc' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect((error as Error).message).not.toContain('s3cret-pw');
  });
});
