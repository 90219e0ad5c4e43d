// Before any index version is loaded (the first build still running, or a version that failed
// to load) the real engine refuses with EngineNotReadyError: over real HTTP a client sees
// 503 NOT_READY in its language, so it knows to retry, not a 500 "something went wrong".
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddings, createFileIndexStore } from '../../../ingest/index.js';
import { createAssistant } from '../../../server/assistant.js';
import { buildTestApp } from './setup.js';

let dir: string;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-not-ready-'));
  // An index folder with no published version: what a service sees while its first build runs.
  const { engine } = await createAssistant({ store: createFileIndexStore(dir), embedder: await createEmbeddings({ kind: 'hashing' }) });
  app = await buildTestApp({ engine, isReady: () => false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('an engine with no index loaded yet', () => {
  it('answers POST /api/ask with 503 NOT_READY, in Vietnamese by default', async () => {
    const res = await post('/api/ask', { question: 'làm giấy khai sinh cần gì' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ code: 'NOT_READY', message: 'Dịch vụ đang khởi động, vui lòng thử lại sau.' });
  });

  it('in English when the client asks in English', async () => {
    const res = await post('/api/ask', { question: 'birth registration papers', language: 'en' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ code: 'NOT_READY', message: 'The service is starting; please try again shortly.' });
  });

  it('ends a streamed answer with an error event carrying NOT_READY', async () => {
    const res = await post('/api/ask/stream', { question: 'làm giấy khai sinh cần gì' });
    const body = await res.text();
    const error = body.split('\n\n').find((block) => block.startsWith('event: error'));
    expect(error, body).toBeDefined();
    expect(JSON.parse(error!.split('\n').find((l) => l.startsWith('data: '))!.slice(6))).toEqual({ code: 'NOT_READY', message: 'Dịch vụ đang khởi động, vui lòng thử lại sau.' });
  });

  it('answers GET /api/search with 503 NOT_READY', async () => {
    const res = await fetch(`${base}/api/search?q=khai%20sinh`);
    expect(res.status).toBe(503);
    expect((await res.json()).code).toBe('NOT_READY');
  });
});
