// Shared pieces of the reliability suite: temp copies of data/, in-process and child-process
// ingests with the offline hashing embedder, and the URL collector used by the link checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddings } from '../../ingest/embeddings.js';
import { runIngest, type IngestSummary } from '../../ingest/pipeline.js';
import { createFileIndexStore } from '../../ingest/index.js';
import { FEEDBACK_PORTAL, HANOI_PORTAL, PORTAL_SEARCH } from '../../server/answer/compose.js';
import type { AskResponse } from '../../domain/contract.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The national portal crawl, read in place (never copied into the project). */
export const PORTAL = path.resolve(projectRoot, '../shared/data/tthc-portal');
export const ARTIFACTS = path.join(projectRoot, 'test-artifacts/reliability');
/** The day the tests run "on" (deadline statuses depend on it). */
export const TODAY = new Date('2026-11-27T03:00:00Z');
export const BIRTH_QUESTION = 'Làm giấy khai sinh cần gì?';
export const BIRTH_CODE = '1.001193';

export const tempDir = (prefix: string): Promise<string> => mkdtemp(path.join(os.tmpdir(), `tthc-rel-${prefix}-`));

/** Copies data/ to `<dir>/data` and returns that path. */
export async function copyData(dir: string): Promise<string> {
  const dest = path.join(dir, 'data');
  await cp(path.join(projectRoot, 'data'), dest, { recursive: true });
  return dest;
}

/** An in-process ingest with the same embedder the CLI uses by default (hashing). */
export async function ingestInProcess(indexDir: string, paths: string[], opts: { rebuild?: boolean; prune?: boolean } = {}): Promise<IngestSummary> {
  const embedder = await createEmbeddings({ kind: 'hashing' });
  return runIngest({ store: createFileIndexStore(indexDir), embedder, paths, ...opts });
}

/** The CLI as a single child process (node + the tsx loader), so its pid is the lock holder's. */
export function spawnIngest(args: string[]): ChildProcess & { output: { stdout: string; stderr: string }; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'cli/ingest.ts'), '--in-process', ...args], {
    cwd: projectRoot,
    env: { ...process.env, EMBEDDINGS: 'hashing', EMBEDDINGS_DIM: '', LLM_PROVIDER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (b: Buffer) => (output.stdout += b.toString('utf8')));
  child.stderr?.on('data', (b: Buffer) => (output.stderr += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return Object.assign(child, { output, exited });
}

/** Resolves true when the ingest lock at `file` is held by process `pid` (a stale lock of another does not count). */
export async function waitForLock(file: string, pid: number | undefined, timeoutMs: number, stopEarly?: () => boolean): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const holder = await readFile(file, 'utf8').then(
      (t) => {
        try {
          return (JSON.parse(t) as { pid?: number }).pid;
        } catch {
          return undefined; // torn: being written, or left empty by a dead writer
        }
      },
      () => undefined,
    );
    if (holder !== undefined && holder === pid) return true;
    if (stopEarly?.()) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

/** The last JSON line the CLI printed with --json. */
export function lastJson(stdout: string): Record<string, any> | null {
  const line = stdout.trim().split('\n').pop();
  try {
    return line ? (JSON.parse(line) as Record<string, any>) : null;
  } catch {
    return null;
  }
}

/** Resolves when `file` exists (polled; fs.watch is unreliable across filesystems). */
export async function waitForFile(file: string, timeoutMs: number, stopEarly?: () => boolean): Promise<boolean> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await stat(file).then(() => true, () => false)) return true;
    if (stopEarly?.()) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

const URL_RE = /\bhttps?:\/\/[^\s<>"'`)\]]+/gi;

export function urlsIn(text: string): string[] {
  return [...text.matchAll(URL_RE)].map((m) => m[0].replace(/[.,;:]+$/, ''));
}

/** Every URL an answer shows or carries: links, citations, the procedure, tasks, and the text. */
export function collectUrls(r: AskResponse): string[] {
  const urls = [...r.links.map((l) => l.url), ...urlsIn(r.answer)];
  for (const c of r.citations) {
    if (c.url) urls.push(c.url);
    urls.push(...urlsIn(c.quote));
  }
  if (r.procedure?.url) urls.push(r.procedure.url);
  for (const t of r.tasks ?? []) if (t.citation.url) urls.push(t.citation.url);
  return urls;
}

/** URLs that exist in the bundled data (every text file under data/) plus the portal roots the composer adds. */
export async function dataUrls(): Promise<Set<string>> {
  const urls = new Set<string>([PORTAL_SEARCH, HANOI_PORTAL, FEEDBACK_PORTAL]);
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else for (const u of urlsIn(await readFile(p, 'utf8'))) urls.add(u);
    }
  };
  await walk(path.join(projectRoot, 'data'));
  return urls;
}

/** Seeded PRNG (mulberry32): the same seed gives the same kill points on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
