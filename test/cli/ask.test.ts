// `npm run ask` (cli/ask.ts): one question from a shell over an existing index, the answer as
// text with its sources, or the whole contract with --json; exit 0 when found, 1 on bad usage.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AskResponse } from '../../domain/contract.js';
import { buildTestAssistant, projectRoot } from '../helpers/engine.js';

function ask(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'cli', 'ask.ts'), ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run ask', () => {
  let indexDir: string;
  beforeAll(async () => {
    ({ indexDir } = await buildTestAssistant());
  });

  it('prints the answer with its sources and the portal link', async () => {
    const r = await ask(['--index', indexDir, 'làm giấy khai sinh cần gì']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Nguồn:');
    expect(r.stdout).toMatch(/→ .+: https:\/\/dichvucong\.gov\.vn\//);
  });

  it('prints the whole answer contract with --json', async () => {
    const r = await ask(['--json', 'làm giấy khai sinh cần gì'], { INDEX_DIR: indexDir });
    expect(r.code, r.stderr).toBe(0);
    const answer = AskResponse.parse(JSON.parse(r.stdout));
    expect(answer.procedure?.code).toBe('1.001193');
  });

  it('says how to use it when no question is given', async () => {
    const r = await ask(['--index', indexDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Usage: npm run ask');
  });
});
