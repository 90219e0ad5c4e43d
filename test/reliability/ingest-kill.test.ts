// Faults in ingestion: the CLI killed with SIGKILL at seeded random points of its run, stopped
// with SIGTERM, run twice at once, and started over a lock left by a dead process. The served
// index must always load and answer as before, and the next run must complete.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileIndexStore } from '../../ingest/index.js';
import { openAssistant, type Assistant } from '../../service.js';
import { BIRTH_CODE, BIRTH_QUESTION, copyData, lastJson, PORTAL, seeded, spawnIngest, tempDir, TODAY, waitForLock } from './helpers.js';
import { waitFor } from '../helpers/wait.js';

const KILLS = 20;
let dir: string;
let src: string;
let indexDir: string;
let lockFile: string;
let args: string[];
let assistant: Assistant;
/** How long an uninterrupted run's work takes (from taking the lock to exit), per kind. */
const workMs = { rebuild: 0, incremental: 0 };
let probeRun = 0;

/** A small test-fixture document rewritten before each run, so that every run has work to do. */
async function touchProbe(): Promise<void> {
  probeRun++;
  await writeFile(
    path.join(src, 'documents', 'kill-probe.md'),
    `---\nid: kill-probe\ntitle: Tài liệu thử nghiệm (test fixture) lần ${probeRun}\n---\n\nTÀI LIỆU THỬ NGHIỆM — không phải văn bản thật.\n\nLần chạy ${probeRun}: kiểm tra độ bền khi tiến trình nạp dữ liệu bị dừng đột ngột.\n`,
  );
}

async function expectIndexServes(label: string): Promise<string> {
  const fresh = createFileIndexStore(indexDir);
  const version = await fresh.currentVersion();
  expect(version, label).toBeTruthy();
  const snapshot = await fresh.open();
  expect(snapshot?.manifest.version, label).toBe(version);
  expect(snapshot!.records.procedures.some((p) => p.code === BIRTH_CODE), label).toBe(true);
  await assistant.live.refresh();
  expect(assistant.live.version(), label).toBe(version);
  const answer = await assistant.engine.ask({ question: BIRTH_QUESTION });
  expect(answer.found, label).toBe(true);
  expect(answer.procedure?.code, label).toBe(BIRTH_CODE);
  return version!;
}

async function runToEnd(extra: string[] = []) {
  const child = spawnIngest([...extra, ...args]);
  const lockedAt = (await waitForLock(lockFile, child.pid, 60_000, () => child.exitCode !== null)) ? Date.now() : null;
  const exit = await child.exited;
  return { exit, ms: lockedAt ? Date.now() - lockedAt : 0, json: lastJson(child.output.stdout), stderr: child.output.stderr };
}

beforeAll(async () => {
  dir = await tempDir('kill');
  src = await copyData(dir);
  indexDir = path.join(dir, 'index');
  lockFile = path.join(indexDir, 'ingest.lock');
  // The project's data plus one ministry of the portal crawl: big enough that a run has phases.
  args = ['--index', indexDir, '--json', src, path.join(PORTAL, 'bo-tu-phap')];
  await touchProbe();
  const first = await runToEnd();
  expect(first.exit.code, first.stderr).toBe(0);
  workMs.rebuild = first.ms;
  await touchProbe();
  const second = await runToEnd();
  expect(second.exit.code, second.stderr).toBe(0);
  expect(second.json?.published).toBe(true);
  workMs.incremental = second.ms;
  assistant = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [src], now: () => TODAY });
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('ingest killed with SIGKILL', () => {
  it(`leaves a served index that loads and answers, ${KILLS} times, and the next run completes`, async () => {
    const random = seeded(20261127);
    let kills = 0;
    let finishedFirst = 0;
    let staleLocks = 0;
    const versions = new Set<string>([await expectIndexServes('before any kill')]);
    for (let run = 0; kills < KILLS && run < KILLS * 2; run++) {
      await touchProbe();
      const rebuild = run % 3 === 0;
      const before = await createFileIndexStore(indexDir).currentVersion();
      const child = spawnIngest([...(rebuild ? ['--rebuild'] : []), ...args]);
      // One run in five is killed while starting up; the others at a random point of their work.
      if (run % 5 === 4) {
        await new Promise((r) => setTimeout(r, random() * 1500));
      } else {
        await waitForLock(lockFile, child.pid, 60_000, () => child.exitCode !== null);
        await new Promise((r) => setTimeout(r, random() * (rebuild ? workMs.rebuild : workMs.incremental)));
      }
      child.kill('SIGKILL');
      const exit = await child.exited;
      if (exit.signal === 'SIGKILL') kills++;
      else finishedFirst++;
      const after = await expectIndexServes(`after run ${run} (${rebuild ? 'rebuild' : 'incremental'}, ${exit.signal ?? `exit ${exit.code}`})`);
      // Either the old version is still served or the new one is complete; never anything else.
      if (after !== before) expect(exit.signal === null || (await readdir(path.join(indexDir, 'versions'))).includes(after)).toBe(true);
      versions.add(after);
      if (await readFile(lockFile, 'utf8').then(() => true, () => false)) staleLocks++;
    }
    expect(kills).toBeGreaterThanOrEqual(KILLS);

    // The next run recovers the stale lock, sweeps unfinished versions and publishes.
    await touchProbe();
    const final = await runToEnd();
    expect(final.exit.code, final.stderr).toBe(0);
    expect(final.json?.published).toBe(true);
    expect((await readdir(path.join(indexDir, 'versions'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    expect(await readFile(lockFile).then(() => true, () => false)).toBe(false);
    await expectIndexServes('after the final run');
    const served = await createFileIndexStore(indexDir).open();
    expect(served!.records.documents.find((d) => d.id === 'kill-probe')?.title).toContain(`lần ${probeRun}`);
    console.log(`[reliability] SIGKILL: ${kills} kills survived (${finishedFirst} runs finished before their kill point), ${staleLocks} stale locks left and recovered, ${versions.size} index versions served; work time per run: rebuild ${workMs.rebuild} ms, incremental ${workMs.incremental} ms`);
  }, 420_000);
});

describe('ingest stopped with SIGTERM', () => {
  it('exits 130, leaves the index as it was and releases the lock', async () => {
    const before = await createFileIndexStore(indexDir).currentVersion();
    await touchProbe();
    const child = spawnIngest(['--rebuild', ...args]);
    expect(await waitForLock(lockFile, child.pid, 60_000, () => child.exitCode !== null)).toBe(true);
    // Stopped while it works (reading or embedding): not before it starts, nor as it publishes.
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`the ingest ended before it could be stopped:\n${child.output.stderr}`);
        return /"phase":"(load|embed)"/.test(child.output.stdout);
      },
      { timeoutMs: 60_000, intervalMs: 5, what: 'the ingest to be reading or embedding', detail: () => child.output.stdout },
    );
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit.code, child.output.stderr).toBe(130);
    expect(lastJson(child.output.stdout)?.error?.code).toBe('INGEST_ABORTED');
    expect(child.output.stderr).toContain('Ingest stopped');
    expect(await createFileIndexStore(indexDir).currentVersion()).toBe(before);
    expect(await readFile(lockFile).then(() => true, () => false)).toBe(false);
    expect((await readdir(path.join(indexDir, 'versions'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
    await expectIndexServes('after SIGTERM');
  }, 120_000);
});

describe('the ingest lock', () => {
  it('refuses a second ingest while one runs, with exit 3 and a clear message', async () => {
    await touchProbe();
    const first = spawnIngest(['--rebuild', ...args]);
    expect(await waitForLock(lockFile, first.pid, 60_000, () => first.exitCode !== null)).toBe(true);
    const holder = JSON.parse(await readFile(lockFile, 'utf8')) as { pid: number; host: string };
    expect(holder.pid).toBe(first.pid);
    const second = spawnIngest(args);
    const refused = await second.exited;
    expect(refused.code, second.output.stderr).toBe(3);
    expect(second.output.stderr).toMatch(/Another ingest is running \(pid \d+/);
    expect(lastJson(second.output.stdout)?.error?.code).toBe('INGEST_BUSY');
    expect((await first.exited).code, first.output.stderr).toBe(0);
    await expectIndexServes('after two ingests at once');
  }, 180_000);

  it('recovers a lock left by a dead process, and a torn lock file', async () => {
    const dead = spawnIngest(['--help']);
    await dead.exited;
    for (const content of [JSON.stringify({ pid: dead.pid, host: os.hostname(), startedAt: new Date(0).toISOString() }), '']) {
      await writeFile(lockFile, content);
      await touchProbe();
      const run = await runToEnd();
      expect(run.exit.code, run.stderr).toBe(0);
      expect(run.json?.published).toBe(true);
      expect(await readFile(lockFile).then(() => true, () => false)).toBe(false);
    }
    await expectIndexServes('after recovering stale locks');
  }, 180_000);
});
