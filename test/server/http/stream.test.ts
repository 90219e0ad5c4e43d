// POST /api/ask/stream: Server-Sent Events in order, the same answer as /api/ask, and a client
// that leaves early does not hurt the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AskResponse } from '../../../domain/contract.js';
import type { AnswerEngine } from '../../../domain/contract.js';
import { pieces } from '../../../server/http/routes/ask.js';
import { createLogger } from '../../../server/log.js';
import { waitFor } from '../../helpers/wait.js';
import { buildTestApp, testEngine, WIDGET_ORIGIN } from './setup.js';

const QUESTION = 'Làm giấy khai sinh cần những giấy tờ gì?';

function parseEvents(body: string): Array<{ event: string; data: unknown }> {
  return body
    .split('\n\n')
    .filter((block) => block.split('\n').some((l) => l.startsWith('data: ')))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return { event, data: JSON.parse(data) as unknown };
    });
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

describe('POST /api/ask/stream', () => {
  it('emits meta, deltas, citations, links and done, in that order', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/ask/stream', payload: { question: QUESTION }, headers: { origin: WIDGET_ORIGIN } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['access-control-allow-origin']).toBe(WIDGET_ORIGIN);
    const events = parseEvents(res.body);
    const names = events.map((e) => e.event);
    const deltas = names.filter((n) => n === 'delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(names).toEqual(['meta', ...Array(deltas).fill('delta'), 'citations', 'links', 'done']);

    const done = AskResponse.parse(events.at(-1)?.data);
    const meta = events[0]?.data as Record<string, unknown>;
    expect(meta).toMatchObject({ id: done.id, intent: 'procedure', found: true, language: 'vi' });
    expect((meta.procedure as { code: string }).code).toBe('1.001193');
    const text = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text).join('');
    expect(text).toBe(done.answer);
    expect(events.find((e) => e.event === 'citations')?.data).toEqual(done.citations);
    expect(events.find((e) => e.event === 'links')?.data).toEqual(done.links);
  });

  it('ends with the same answer as /api/ask, apart from the id', async () => {
    const streamed = await app.inject({ method: 'POST', url: '/api/ask/stream', payload: { question: QUESTION } });
    const plain = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: QUESTION } });
    const done = parseEvents(streamed.body).at(-1)?.data as AskResponse;
    expect({ ...done, id: 'x' }).toEqual({ ...plain.json(), id: 'x' });
  });

  it('validates like /api/ask, with a JSON error', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/ask/stream', payload: { question: '' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json().code).toBe('BAD_REQUEST');
  });

  it('reports an engine failure as an error event, without internals', async () => {
    const failing = await buildTestApp({
      engine: { ...(await testEngine()), ask: async () => Promise.reject(new Error('db password=hunter2')) },
    });
    const res = await failing.inject({ method: 'POST', url: '/api/ask/stream', payload: { question: QUESTION, language: 'en' } });
    await failing.close();
    const events = parseEvents(res.body);
    expect(events).toEqual([{ event: 'error', data: { code: 'INTERNAL', message: 'Something went wrong on our side; please try again later.' } }]);
  });

  it('survives a client that disconnects before the answer is ready', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const real = await testEngine();
    const abandoned: Array<Promise<unknown>> = [];
    const slow: AnswerEngine = {
      ...real,
      ask: (r) => {
        const answer = gate.then(() => real.ask(r));
        abandoned.push(answer);
        return answer;
      },
    };
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'json', secrets: [] }, { destination: { write: (line: string) => lines.push(line) } });
    const server = await buildTestApp({ engine: slow, loggerInstance: log });
    // The server's side of the response: the test waits until the server has seen the client go.
    let cut = 0;
    server.server.on('request', (_req: IncomingMessage, raw: ServerResponse) => raw.once('close', () => void (raw.writableFinished || cut++)));
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/ask/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: QUESTION }),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    await waitFor(() => abandoned.length === 1, { what: 'the question to reach the engine' });
    controller.abort();
    await waitFor(() => cut === 1, { what: 'the server to see the client leave' });
    // Only now the answer is ready, for nobody: composing it must not fail or log an error.
    release();
    await abandoned[0];
    // The server keeps serving after the abandoned stream: a whole answer, to the end.
    const next = await fetch(`http://127.0.0.1:${port}/api/ask/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) });
    expect(parseEvents(await next.text()).at(-1)?.event).toBe('done');
    await server.close();
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50);
    expect(errors).toEqual([]);
  });
});

describe('pieces', () => {
  it('splits by line, and long lines by sentence, losing nothing', () => {
    const long = 'Câu thứ nhất khá dài để vượt giới hạn một dòng. '.repeat(5).trim();
    const text = `Dòng một\n- mục a\n${long}`;
    const parts = pieces(text);
    expect(parts.join('')).toBe(text);
    expect(parts.length).toBeGreaterThan(3);
  });
});
