// A real engine over a real index of the bundled data/, built once per test process in a
// temporary folder. Channels and HTTP tests use it instead of any stand-in.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnswerEngine } from '../../domain/contract.js';
import { openAssistant, type Assistant } from '../../server/assistant.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The day tests run "on": deadline statuses are computed against it. */
export const TEST_TODAY = new Date('2026-11-27T03:00:00Z');

let cached: Promise<Assistant & { indexDir: string }> | null = null;

export async function buildTestAssistant(): Promise<Assistant & { indexDir: string }> {
  cached ??= (async () => {
    const indexDir = mkdtempSync(path.join(os.tmpdir(), 'tthc-test-index-'));
    const a = await openAssistant({
      indexDir,
      embedder: { kind: 'hashing' },
      ingestPaths: [path.join(projectRoot, 'data')],
      now: () => TEST_TODAY,
    });
    return { ...a, indexDir };
  })();
  return cached;
}

export async function buildTestEngine(): Promise<{ engine: AnswerEngine; indexDir: string }> {
  const a = await buildTestAssistant();
  return { engine: a.engine, indexDir: a.indexDir };
}
