// Once per `vitest run`, before any test file: the index of the bundled data/ that channel, HTTP
// and engine tests share (test/helpers/engine.ts opens it), built the way the assistant builds it
// on its first start. Building it in every test file cost a full ingest each time. Shared means
// read-only: the teardown fails the run when a test wrote into it, since a file that did would
// change what the files after it see, depending on the order they ran in.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { openAssistant } from '../service.js';
import { postgresMissing, redisMissing } from './state/fixtures/services.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every file under `dir` with its size and modification time: what a write would change. */
function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const s = statSync(path.join(dir, name));
    out.set(name, s.isDirectory() ? 'dir' : `${s.size} bytes, modified ${s.mtimeMs}`);
  }
  return out;
}

function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [name, was] of before) {
    const now = after.get(name);
    if (now === undefined) out.push(`${name} removed`);
    else if (now !== was) out.push(`${name} changed (${was} → ${now})`);
  }
  for (const name of after.keys()) if (!before.has(name)) out.push(`${name} added`);
  return out;
}

/**
 * Without PostgreSQL or Redis (a laptop), the suites that need them skip: one line for the whole
 * run says so and how to run them, instead of one per file (the workers see SERVICES_NOTED).
 */
async function sayWhichSuitesSkip(): Promise<void> {
  const missing = [await postgresMissing(), await redisMissing()].filter((m): m is string => m !== undefined);
  if (!missing.length) return;
  process.stderr.write(`PostgreSQL/Redis suites (test/state, test/cluster) not run: ${missing.join('; ')}. The file-backend suites ran.\n`);
  process.env.TTHC_TEST_SERVICES_NOTED = '1';
}

export default async function setup(project: TestProject): Promise<() => void> {
  await sayWhichSuitesSkip();
  const indexDir = mkdtempSync(path.join(os.tmpdir(), 'tthc-test-index-'));
  await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [path.join(projectRoot, 'data')] });
  const built = fingerprint(indexDir);
  project.provide('testIndexDir', indexDir);
  return () => {
    const changed = changes(built, fingerprint(indexDir));
    rmSync(indexDir, { recursive: true, force: true });
    if (changed.length) {
      // vitest reports an error thrown here but exits 0 all the same: the exit code says it too.
      process.exitCode = 1;
      throw new Error(`a test wrote into the shared test index (open your own for that):\n${changed.join('\n')}`);
    }
  };
}
