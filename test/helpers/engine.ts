// A real engine over a real index of the bundled data/. The index is built once per `vitest run`
// by test/global-setup.ts; each test file opens it read-only (a test that writes to an index
// builds its own). Channels and HTTP tests use it instead of any stand-in.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import type { AnswerEngine } from '../../domain/contract.js';
import { openAssistant, type Assistant } from '../../service.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the shared index of data/, built by test/global-setup.ts. */
    testIndexDir: string;
  }
}

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The day tests run "on": deadline statuses are computed against it. */
export const TEST_TODAY = new Date('2026-11-27T03:00:00Z');

/** The shared index of data/: open it, never write to it (the run fails if a test does). */
export function testIndexDir(): string {
  const dir = inject('testIndexDir');
  if (!dir) throw new Error('no shared test index: run the tests through vitest.config.ts, whose globalSetup (test/global-setup.ts) builds it');
  return dir;
}

let cached: Promise<Assistant & { indexDir: string }> | null = null;

export async function buildTestAssistant(): Promise<Assistant & { indexDir: string }> {
  cached ??= (async () => {
    const indexDir = testIndexDir();
    // No ingest paths: an index that is missing is an error here, never quietly built again.
    const a = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [], now: () => TEST_TODAY });
    if (a.built) throw new Error(`the shared test index at ${indexDir} had no version`);
    return { ...a, indexDir };
  })();
  return cached;
}

export async function buildTestEngine(): Promise<{ engine: AnswerEngine; indexDir: string }> {
  const a = await buildTestAssistant();
  return { engine: a.engine, indexDir: a.indexDir };
}
