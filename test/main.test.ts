// `npm start` as an operator runs it: the compiled JavaScript (`npm run build`, which `npm ci`
// runs), built here into a folder of its own exactly as the build script does. In a terminal (a
// real pseudo-terminal, through script(1)) it prints readable lines, piped it prints JSON lines,
// LOG_FORMAT forces either; its first lines say what is served and where; no configured secret is
// printed. From dist/ it finds its static files and data, builds the index on a first start, runs
// the admin's ingest with the compiled CLI, and the compiled CLIs answer.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, testIndexDir } from './helpers/engine.js';
import { waitFor } from './helpers/wait.js';

const ADMIN = 'main-admin-token-0123456789';
// Inside the project, as dist/ is: the compiled files find node_modules by walking up.
const BUILD = path.join(projectRoot, '.scratch', `build-${process.pid}`);
const MAIN = path.join(BUILD, 'main.js');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Runs `npm start`'s command until its start-up lines are out, then stops it with SIGTERM. */
async function npmStart(env: Record<string, string>, terminal: boolean): Promise<string[]> {
  const command = terminal ? ['script', ['-qfec', `${process.execPath} ${MAIN}`, '/dev/null']] : [process.execPath, [MAIN]];
  const child = spawn(command[0] as string, command[1] as string[], {
    cwd: projectRoot,
    // A clean environment: nothing of the test runner's own settings leaks in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ADMIN_TOKEN: ADMIN, ...env },
    detached: true, // its own process group, so that the stop reaches node under script
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A guard, not a timing check: a start that never says it is ready fails instead of hanging.
  try {
    await waitFor(
      () => {
        if (/to add it/.test(output)) return true;
        if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
        return false;
      },
      { timeoutMs: 60_000, intervalMs: 50, what: 'npm start to say what it serves', detail: () => output },
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }
  return output
    .replace(ANSI, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() && !line.startsWith('Session terminated')); // script(1)'s own farewell
}

/** Runs a command to its end: its exit code and output. */
function run(command: string, args: string[], options: { env?: Record<string, string> } = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

// `npm run build`'s two steps (package.json), into the test's own folder.
beforeAll(async () => {
  const tsc = await run(process.execPath, [path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', BUILD, '--tsBuildInfoFile', path.join(BUILD, '.tsbuildinfo')]);
  expect(tsc.code, tsc.out).toBe(0);
  const assets = await run(process.execPath, [path.join(BUILD, 'cli', 'copy-assets.js')]);
  expect(assets.code, assets.out).toBe(0);
}, 300_000);
afterAll(() => rmSync(BUILD, { recursive: true, force: true }));

describe('npm start', () => {
  let env: Record<string, string>;
  let state: string;
  beforeAll(() => {
    // An index built beforehand: the start is the everyday one, not the first build.
    // The shared test index is read-only: the state (feedback, sessions) goes to a folder of its own.
    state = mkdtempSync(path.join(os.tmpdir(), 'tthc-main-state-'));
    env = { INDEX_DIR: testIndexDir(), STATE_DIR: state, DATA_DIR: path.join(projectRoot, 'data') };
  }, 120_000);
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  it('prints readable lines in a terminal, and says first what it serves and how to add the catalogue', async () => {
    const lines = await npmStart(env, true);
    const serving = lines.findIndex((l) => /INFO: serving 2 documents/.test(l));
    expect(serving).toBeGreaterThanOrEqual(0);
    expect(serving).toBeLessThan(6);
    for (const line of lines.slice(0, serving + 4)) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] (INFO|WARN): /);
    const text = lines.join('\n');
    expect(text).toMatch(/widget demo http:\/\/127\.0\.0\.1:\d+\/ · API docs http:\/\/127\.0\.0\.1:\d+\/docs · admin http:\/\/127\.0\.0\.1:\d+\/admin/);
    expect(text).toContain('no national catalogue loaded');
    expect(text).toContain('npm run ingest');
    expect(text).not.toContain(ADMIN);
  }, 120_000);

  it('prints JSON lines when its output is not a terminal', async () => {
    const lines = await npmStart(env, false);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.find((l) => String(l.msg).startsWith('serving'))).toMatchObject({ documents: 2, catalogue: false });
    expect(lines.join('\n')).not.toContain(ADMIN);
  }, 120_000);

  it('follows LOG_FORMAT over the terminal guess', async () => {
    const json = await npmStart({ ...env, LOG_FORMAT: 'json' }, true);
    expect(() => json.map((l) => JSON.parse(l) as unknown)).not.toThrow();
    const pretty = await npmStart({ ...env, LOG_FORMAT: 'pretty' }, false);
    expect(pretty.find((l) => l.includes('serving 2 documents'))).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: serving 2 documents/);
  }, 120_000);
});

describe('the compiled service on a fresh machine', () => {
  let dir: string;
  let dataDir: string;
  let child: ReturnType<typeof spawn>;
  let output = '';
  let base: string;
  const auth = { authorization: `Bearer ${ADMIN}` };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-main-fresh-'));
    dataDir = path.join(dir, 'data');
    cpSync(path.join(projectRoot, 'data'), dataDir, { recursive: true });
    // No index yet: the compiled service builds it on its first start, with the parsers from dist/.
    const env = { PORT: '0', ADMIN_TOKEN: ADMIN, LOG_FORMAT: 'json', INDEX_DIR: path.join(dir, 'index'), STATE_DIR: path.join(dir, 'state'), DATA_DIR: dataDir };
    child = spawn(process.execPath, [MAIN], { cwd: projectRoot, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    let port = '';
    await waitFor(
      () => {
        port = /widget demo http:\/\/127\.0\.0\.1:(\d+)\//.exec(output)?.[1] ?? '';
        if (child.exitCode !== null) throw new Error(`the compiled service exited:\n${output}`);
        return port !== '';
      },
      { timeoutMs: 120_000, what: 'the compiled service to listen', detail: () => output },
    );
    base = `http://127.0.0.1:${port}`;
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the demo page and the widget from its static files', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('widget.js');
    const widget = await fetch(`${base}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
  });

  it('answers with the shipped rank model and unit data', async () => {
    const res = await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'làm giấy khai sinh cần gì' }) });
    expect(res.status).toBe(200);
    expect((await res.json()).procedure?.code).toBe('1.001193');
    const deadlines = await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Sở Tư pháp có hạn chót nào?' }) });
    expect(deadlines.status).toBe(200);
    expect((await deadlines.json()).intent).toBe('deadline');
  });

  it("runs the admin's ingest with the compiled CLI, and knows the upload as one", async () => {
    const record = { code: '9.000088', name: 'Thủ tục thử nghiệm cấp giấy xác nhận nuôi tằm', level: ['Cấp xã'], origin: 'portal' };
    const form = new FormData();
    form.append('file', new Blob([JSON.stringify({ format: 'tthc-catalogue/v1', procedures: [record] })], { type: 'application/json' }), 'nuoi-tam.json');
    expect((await fetch(`${base}/admin/documents`, { method: 'POST', headers: auth, body: form })).status).toBe(201);
    const started = await fetch(`${base}/admin/ingest`, { method: 'POST', headers: auth });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    let job: Record<string, any> = {};
    await waitFor(
      async () => {
        job = (await (await fetch(`${base}/admin/ingest/${jobId}`, { headers: auth })).json()) as Record<string, any>;
        return job.status !== 'running';
      },
      { timeoutMs: 120_000, what: 'the ingest run to finish', detail: () => output },
    );
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', summary: { added: ['nuoi-tam.json'] } });
    const { documents } = (await (await fetch(`${base}/admin/documents`, { headers: auth })).json()) as { documents: Array<Record<string, unknown>> };
    expect(documents.find((d) => d.file === 'nuoi-tam.json')).toMatchObject({ kind: 'catalogue', removable: true });
  });

  it('has compiled CLIs that answer and ingest', async () => {
    const asked = await run(process.execPath, [path.join(BUILD, 'cli', 'ask.js'), '--json', 'làm giấy khai sinh cần gì'], { env: { INDEX_DIR: testIndexDir() } });
    expect(asked.code, asked.out).toBe(0);
    expect(JSON.parse(asked.out).procedure.code).toBe('1.001193');
    const ingested = await run(process.execPath, [path.join(BUILD, 'cli', 'ingest.js'), '--json'], { env: { INDEX_DIR: path.join(dir, 'cli-index'), DATA_DIR: dataDir } });
    expect(ingested.code, ingested.out).toBe(0);
    expect(ingested.out).toContain('Published index version');
  });
});
