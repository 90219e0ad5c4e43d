// The service under change: a new index version published while requests keep coming (none may
// fail, answers switch to the new content), and a graceful close that lets in-flight requests end.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerEngine } from '../../domain/contract.js';
import { openAssistant, type Assistant } from '../../service.js';
import { buildApp } from '../../server/http/app.js';
import { createFeedbackStore, createUnansweredLog } from '../../server/http/stores.js';
import { BIRTH_CODE, BIRTH_QUESTION, copyData, ingestInProcess, tempDir, TODAY } from './helpers.js';
import { waitFor } from '../helpers/wait.js';

const NEW_CODE = '9.999901';
const NEW_QUESTION = 'Đăng ký nuôi ong mật trong khu dân cư cần giấy tờ gì?';

let dir: string;
let src: string;
let indexDir: string;
let assistant: Assistant;

const appFor = (engine: AnswerEngine) =>
  buildApp({
    engine,
    isReady: () => true,
    widgetOrigins: [],
    rateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
    feedback: createFeedbackStore(),
    unanswered: createUnansweredLog({ size: 50 }),
  });

beforeAll(async () => {
  dir = await tempDir('reload');
  src = await copyData(dir);
  indexDir = path.join(dir, 'index');
  await ingestInProcess(indexDir, [src]);
  assistant = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [src], now: () => TODAY });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A test-fixture catalogue with one made-up procedure, cloned from the birth registration record. */
async function writeNewProcedure(): Promise<void> {
  const catalogue = JSON.parse(await readFile(path.join(src, 'catalogue', 'procedures.json'), 'utf8')) as { format: string; procedures: Array<Record<string, unknown>> };
  const base = catalogue.procedures.find((p) => p.code === BIRTH_CODE)!;
  const made = {
    ...base,
    code: NEW_CODE,
    name: 'Thủ tục đăng ký nuôi ong mật trong khu dân cư (dữ liệu thử nghiệm)',
    nameEn: 'Registering beekeeping in a residential area (test fixture)',
    field: 'Nông nghiệp',
  };
  delete (made as Record<string, unknown>).url;
  await writeFile(path.join(src, 'catalogue', 'test-fixture-new-procedure.json'), JSON.stringify({ format: catalogue.format, procedures: [made] }));
}

describe('publishing a new index version while serving', () => {
  it('fails no request and switches answers to the new content', async () => {
    const app = await appFor(assistant.engine);
    const before = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: NEW_QUESTION } });
    expect(before.statusCode).toBe(200);
    expect(before.json().procedure?.code).not.toBe(NEW_CODE);
    const oldVersion = assistant.live.version();

    const stopWatching = assistant.live.watch(50);
    let running = true;
    const failures: string[] = [];
    const seenNew: boolean[] = [];
    let served = 0;
    const worker = async (n: number) => {
      while (running) {
        const question = n % 2 ? NEW_QUESTION : BIRTH_QUESTION;
        const res = await app.inject({ method: 'POST', url: '/api/ask', payload: { question } });
        served++;
        if (res.statusCode !== 200) failures.push(`${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (n % 2) seenNew.push(res.json().procedure?.code === NEW_CODE);
        else if (res.json().procedure?.code !== BIRTH_CODE) failures.push(`birth question answered with ${res.json().procedure?.code}`);
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    try {
      await writeNewProcedure();
      const summary = await ingestInProcess(indexDir, [src]);
      expect(summary.published).toBe(true);
      await expect.poll(() => assistant.live.version(), { timeout: 30_000, interval: 50 }).toBe(summary.version);
      // Keep the load on a little after the switch.
      const switchedAt = seenNew.length;
      await expect.poll(() => seenNew.length - switchedAt, { timeout: 30_000 }).toBeGreaterThan(20);
    } finally {
      running = false;
      await Promise.all(workers);
      stopWatching();
      await app.close();
    }
    expect(failures).toEqual([]);
    expect(assistant.live.version()).not.toBe(oldVersion);
    // Once an answer came from the new version, no later one came from the old.
    const first = seenNew.indexOf(true);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(seenNew.slice(first).every(Boolean)).toBe(true);
    console.log(`[reliability] reload: ${served} requests during the switch, ${failures.length} failed`);
  }, 180_000);
});

function post(port: number, question: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ question });
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/api/ask', method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('graceful shutdown', () => {
  it('lets requests in flight finish with 200, then refuses new connections', async () => {
    let entered = 0;
    // The answers wait until the server has stopped listening: they are surely in flight then.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: AnswerEngine = {
      async ask(request) {
        entered++;
        await gate;
        return assistant.engine.ask(request);
      },
      procedure: (code) => assistant.engine.procedure(code),
      search: (q, limit) => assistant.engine.search(q, limit),
      tasksFor: (r) => assistant.engine.tasksFor(r),
    };
    const app = await appFor(slow);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const inFlight = Array.from({ length: 20 }, () => post(port, BIRTH_QUESTION));
    await expect.poll(() => entered, { timeout: 10_000, interval: 10 }).toBe(20);
    const closed = app.close();
    await waitFor(() => !app.server.listening, { what: 'the server to stop listening' });
    release();
    const results = await Promise.all(inFlight);
    await closed;
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const r of results) expect((JSON.parse(r.body) as { procedure?: { code: string } }).procedure?.code).toBe(BIRTH_CODE);
    await expect(post(port, BIRTH_QUESTION)).rejects.toThrow(/ECONNREFUSED/);
  }, 60_000);
});
