// How the bot tests get an answer engine, in one place: the real engine over the bundled data/
// (test/helpers/engine.ts). Plus small helpers the bot tests share.
import type { AnswerEngine, AskRequest, AskResponse, UnitTasks, UnitTasksRequest } from '../../domain/contract.js';
import { AskResponse as AskResponseSchema, UnitTasks as UnitTasksSchema } from '../../domain/contract.js';
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
  /** What was asked of `tasksFor`, and what it gave. */
  unitRequests: UnitTasksRequest[];
  unitResponses: UnitTasks[];
}

/** Wraps an engine to see what the bot asked and what it got back. */
export function recording(engine: AnswerEngine): RecordingEngine {
  const requests: AskRequest[] = [];
  const responses: AskResponse[] = [];
  const unitRequests: UnitTasksRequest[] = [];
  const unitResponses: UnitTasks[] = [];
  return {
    requests,
    responses,
    unitRequests,
    unitResponses,
    async ask(request) {
      requests.push(request);
      const res = await engine.ask(request);
      responses.push(res);
      return res;
    },
    procedure: (code) => engine.procedure(code),
    search: (q, limit) => engine.search(q, limit),
    async tasksFor(request) {
      unitRequests.push(request);
      const res = await engine.tasksFor(request);
      unitResponses.push(res);
      return res;
    },
  };
}

/**
 * An engine whose answers a test writes by hand (edge cases the data does not hold). A unit's
 * tasks are the tasks `respond` gives for that unit, unless `unitTasks` says otherwise.
 */
export function scriptedEngine(respond: (request: AskRequest) => Partial<AskResponse>, unitTasks?: (request: UnitTasksRequest) => Partial<UnitTasks>): RecordingEngine {
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
    async tasksFor(request) {
      const language = request.language ?? 'vi';
      const fromAsk = (): Partial<UnitTasks> => {
        const res = respond({ question: request.unit, unit: request.unit, language });
        return { tasks: res.tasks ?? [], notes: res.notes ?? [], links: res.links ?? [], ...(res.unit ? { unit: res.unit } : {}) };
      };
      return UnitTasksSchema.parse({ unit: request.unit, known: true, language, tasks: [], notes: [], links: [], ...(unitTasks ? unitTasks(request) : fromAsk()) });
    },
  });
}

/** The one wait of the test suite (test/helpers/wait.ts), here under the name the bot tests use. */
export { waitFor } from '../helpers/wait.js';
