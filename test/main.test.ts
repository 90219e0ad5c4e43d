// `npm start` as an operator runs it: in a terminal (a real pseudo-terminal, through script(1))
// it prints readable lines, piped it prints JSON lines, LOG_FORMAT forces either; its first lines
// say what is served and where; no configured secret is printed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestAssistant, projectRoot } from './helpers/engine.js';

const ADMIN = 'main-admin-token-0123456789';
const TSX = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Runs `npm start`'s command until its start-up lines are out, then stops it with SIGTERM. */
async function npmStart(env: Record<string, string>, terminal: boolean): Promise<string[]> {
  const command = terminal ? ['script', ['-qfec', `${TSX} main.ts`, '/dev/null']] : [TSX, ['main.ts']];
  const child = spawn(command[0] as string, command[1] as string[], {
    cwd: projectRoot,
    // A clean environment: nothing of the test runner's own settings leaks in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ADMIN_TOKEN: ADMIN, ...env },
    detached: true, // its own process group, so that the stop reaches tsx and node under script
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A guard, not a timing check: a start that never says it is ready fails instead of hanging.
  const giveUpAt = Date.now() + 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (/to add it/.test(output)) resolve();
        else if (child.exitCode !== null) reject(new Error(`npm start exited early:\n${output}`));
        else if (Date.now() > giveUpAt) reject(new Error(`npm start did not say what it serves:\n${output}`));
        else setTimeout(check, 50);
      };
      check();
    });
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

describe('npm start', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    // An index built beforehand: the start is the everyday one, not the first build.
    const { indexDir } = await buildTestAssistant();
    env = { INDEX_DIR: indexDir, STATE_DIR: path.join(indexDir, 'state'), DATA_DIR: path.join(projectRoot, 'data') };
  }, 120_000);

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
