// How the bot tests get an answer engine, in one place: the real engine over the bundled data/
// (test/helpers/engine.ts). Plus small helpers the bot tests share.
import type { AnswerEngine, AskRequest, AskResponse } from '../../domain/contract.js';
import { AskResponse as AskResponseSchema } from '../../domain/contract.js';
import { buildTestEngine } from '../helpers/engine.js';

let shared: Promise<AnswerEngine> | undefined;

/** The engine the end-to-end bot tests talk to (built once per test file). */
export function getEngine(): Promise<AnswerEngine> {
  shared ??= buildTestEngine().then(({ engine }) => engine);
  return shared;
}

export interface RecordingEngine extends AnswerEngine {
  requests: AskRequest[];
  responses: AskResponse[];
}

/** Wraps an engine to see what the bot asked and what it got back. */
export function recording(engine: AnswerEngine): RecordingEngine {
  const requests: AskRequest[] = [];
  const responses: AskResponse[] = [];
  return {
    requests,
    responses,
    async ask(request) {
      requests.push(request);
      const res = await engine.ask(request);
      responses.push(res);
      return res;
    },
    procedure: (code) => engine.procedure(code),
    search: (q, limit) => engine.search(q, limit),
  };
}

/** An engine whose answers a test writes by hand (edge cases the data does not hold). */
export function scriptedEngine(respond: (request: AskRequest) => Partial<AskResponse>): RecordingEngine {
  let n = 0;
  return recording({
    async ask(request) {
      return AskResponseSchema.parse({
        id: `scripted-${++n}`,
        question: request.question,
        language: request.language ?? 'vi',
        intent: 'general',
        found: true,
        answer: '',
        citations: [],
        links: [],
        ...respond(request),
      });
    },
    procedure: () => undefined,
    search: async () => [],
  });
}

export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
