// `npm run ingest` (cli/ingest.ts) as a shell and the service run it: settings from the
// environment, or, for the service's admin runs, the resolved settings whole on standard input
// with the environment ignored; a summary as the last JSON line; exit codes that say what happened.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileIndexStore } from '../../ingest/index.js';
import { projectRoot } from '../helpers/engine.js';

const CLI = path.join(projectRoot, 'cli', 'ingest.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last line of standard output, parsed: the summary, or `{ error }`. */
  last: () => Record<string, any>;
}

function ingest(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: projectRoot,
      // A clean environment: only what the test gives reaches the CLI.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, last: () => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as Record<string, any> }),
    );
    child.stdin.end(stdin ?? '');
  });
}

describe('npm run ingest', () => {
  let dir: string;
  let dataDir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-cli-ingest-'));
    dataDir = path.join(dir, 'data');
    cpSync(path.join(projectRoot, 'data'), dataDir, { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes its settings from the environment, and a run with nothing changed publishes nothing', async () => {
    const env = { INDEX_DIR: path.join(dir, 'env-index'), DATA_DIR: dataDir, EMBEDDINGS_DIM: '96' };
    const first = await ingest(['--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.last()).toMatchObject({ published: true, exitCode: 0 });
    expect((await createFileIndexStore(env.INDEX_DIR).manifest())?.embedder).toEqual({ id: 'hash-ngram-v1/96', dimension: 96 });

    const again = await ingest([], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Index unchanged (nothing new to publish)');
  });

  it("with --config-stdin indexes with the settings it is given, whatever the environment says", async () => {
    const settings = { indexDir: path.join(dir, 'given-index'), paths: [dataDir], baseDir: dir, embedder: { kind: 'hashing', dimension: 64 } };
    // The environment points elsewhere and names another embedder: none of it may be used.
    const env = { INDEX_DIR: path.join(dir, 'env-elsewhere'), DATA_DIR: path.join(dir, 'nowhere'), EMBEDDINGS: 'openai' };
    const run = await ingest(['--json', '--config-stdin'], env, JSON.stringify(settings));
    expect(run.code, run.stderr).toBe(0);
    expect(run.last()).toMatchObject({ published: true });
    expect(existsSync(env.INDEX_DIR)).toBe(false);
    const manifest = await createFileIndexStore(settings.indexDir).manifest();
    expect(manifest?.embedder).toEqual({ id: 'hash-ngram-v1/64', dimension: 64 });
    // Sources are named relative to the base folder it was given.
    expect(Object.keys(manifest?.sources ?? {})).toContain('data/catalogue/procedures.json');
  });

  it('refuses settings on standard input that are not whole, with exit 1 and a JSON error naming the field', async () => {
    const run = await ingest(['--json', '--config-stdin'], {}, JSON.stringify({ indexDir: path.join(dir, 'half-index'), paths: [dataDir] }));
    expect(run.code).toBe(1);
    expect(run.last()).toMatchObject({ error: { code: 'CONFIG_INVALID' } });
    expect(run.last().error.message).toMatch(/baseDir/);
    expect(existsSync(path.join(dir, 'half-index'))).toBe(false);
  });

  it('reads a .doc dispatch, lists a file it cannot read with the reason, counts lock files, and exits 2', async () => {
    const mixed = path.join(dir, 'mixed');
    mkdirSync(mixed);
    // A Word 97 dispatch, saved by LibreOffice from our test DOCX.
    const profile = pathToFileURL(path.join(dir, 'soffice-profile')).href;
    execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', 'doc:MS Word 97', '--outdir', mixed, path.join(projectRoot, 'test/fixtures/documents/dispatch.docx')], { stdio: 'ignore' });
    writeFileSync(path.join(mixed, 'bang-tinh.xyz'), 'a format no loader reads');
    writeFileSync(path.join(mixed, '~$dispatch.docx'), 'Word owner file');
    const run = await ingest(['--json'], { INDEX_DIR: path.join(dir, 'mixed-index'), DATA_DIR: mixed, EMBEDDINGS_DIM: '64' });
    expect(run.code, run.stderr).toBe(2);
    expect(run.last()).toMatchObject({ published: true, exitCode: 2, failed: [], ignored: { hidden: 0, lockFiles: 1, readmes: 0 } });
    expect(run.last().added).toEqual([expect.stringMatching(/dispatch\.doc$/)]);
    expect(run.stderr).toContain('1 added, 0 updated, 0 unchanged, 0 removed, 0 failed, 1 skipped');
    expect(run.stderr).toMatch(/SKIPPED \S*bang-tinh\.xyz \[UNSUPPORTED_FORMAT\]: no loader for "\.xyz"/);
    expect(run.stderr).toContain('left out on purpose: 0 hidden, 1 editor lock file, 0 READMEs');
  });
});
