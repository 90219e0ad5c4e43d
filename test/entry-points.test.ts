// Entry points stand at the top: main.ts, service.ts and config.ts read the environment and wire
// the layers; cli/ holds the other commands. The layers below (domain/, ingest/, server/, bot/)
// never import them, never read the environment or the command line, and the npm scripts that
// production runs start compiled entry points from dist/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/engine.js';

const LAYERS = ['domain', 'ingest', 'server', 'bot'];
/** Developer tools run by hand with tsx (`npx tsx ingest/tools/…`): commands of their own, not the service's. */
const TOOLS = /^ingest\/tools\//;
/** The one module of a layer allowed to read process.env: the PATH helper programs are found in (ingest/child-env.ts). */
const CHILD_ENV = 'ingest/child-env.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) return name === 'static' ? [] : sources(abs);
    return name.endsWith('.ts') ? [abs] : [];
  });
}

const layerFiles = () =>
  LAYERS.flatMap((d) => sources(path.join(projectRoot, d)))
    .map((abs) => ({ abs, rel: path.relative(projectRoot, abs).split(path.sep).join('/') }))
    .filter((f) => !TOOLS.test(f.rel));

/** Where a source reads `process.env` / `process.argv` or calls `parseArgs`, from its syntax tree (comments and strings do not count). */
function readsEnvironment(file: string): string[] {
  const tree = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'process' && ['env', 'argv'].includes(node.name.text)) {
      found.push(`process.${node.name.text}`);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'parseArgs') found.push('parseArgs()');
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

describe('entry points at the top', () => {
  it('no file of a layer imports main.ts, service.ts, config.ts or cli/', () => {
    const top = new Set(['main.ts', 'service.ts', 'config.ts'].map((f) => path.join(projectRoot, f)));
    const offending = layerFiles().flatMap(({ abs, rel }) =>
      ts
        .preProcessFile(readFileSync(abs, 'utf8'), true, true)
        .importedFiles.map((f) => f.fileName)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => path.resolve(path.dirname(abs), spec).replace(/\.js$/, '.ts'))
        .filter((target) => top.has(target) || target.startsWith(path.join(projectRoot, 'cli') + path.sep))
        .map((target) => `${rel} → ${path.relative(projectRoot, target)}`),
    );
    expect(offending).toEqual([]);
  });

  it('no file of a layer reads the environment or the command line', () => {
    const offending = layerFiles()
      .filter(({ rel }) => rel !== CHILD_ENV)
      .flatMap(({ abs, rel }) => readsEnvironment(abs).map((what) => `${rel}: ${what}`));
    // And that one reads PATH only.
    expect(readFileSync(path.join(projectRoot, CHILD_ENV), 'utf8').match(/process\.env\.\w+/g)).toEqual(['process.env.PATH']);
    expect(offending).toEqual([]);
  });

  it('npm start and the CLIs run compiled entry points from dist/, built from the top-level sources', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const expected = { start: 'main', ask: 'cli/ask', ingest: 'cli/ingest' };
    for (const [script, entry] of Object.entries(expected)) {
      expect(scripts[script]).toBe(`node dist/${entry}.js`);
      expect(statSync(path.join(projectRoot, `${entry}.ts`)).isFile()).toBe(true);
    }
    // `npm ci` builds them.
    expect(scripts.prepare).toBe('npm run build');
    expect(scripts.build).toMatch(/^tsc -p tsconfig\.build\.json && /);
  });
});
