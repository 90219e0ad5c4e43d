// The one place HTTP and widget tests get their engine and app. Swap the engine here only.
import type { FastifyInstance } from 'fastify';
import type { AnswerEngine } from '../../../domain/contract.js';
import { buildApp } from '../../../server/http/app.js';
import type { AppDeps } from '../../../server/http/app.js';
import { createMetrics } from '../../../server/http/metrics.js';
import { createFeedbackStore, createUnansweredLog } from '../../../server/http/stores.js';
import { buildTestEngine } from '../../helpers/engine.js';

let engine: Promise<AnswerEngine> | undefined;

/** The answer engine every test uses: the real one over data/ (built once per test file). */
export function testEngine(): Promise<AnswerEngine> {
  engine ??= buildTestEngine().then((built) => built.engine);
  return engine;
}

export const WIDGET_ORIGIN = 'https://cong-thong-tin.hanoi.example';

export async function buildTestApp(overrides: Partial<AppDeps> = {}): Promise<FastifyInstance> {
  return buildApp({
    engine: await testEngine(),
    isReady: () => true,
    widgetOrigins: [WIDGET_ORIGIN],
    rateLimit: { max: 10_000, timeWindowMs: 60_000 },
    feedback: createFeedbackStore(),
    unanswered: createUnansweredLog({ size: 50 }),
    metrics: createMetrics(),
    ...overrides,
  });
}
