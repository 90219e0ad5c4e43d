// The import rule of the house: server/ and bot/ reach the index only through its public entry
// (ingest/index.ts), domain/ stands on nothing above it, state/ (the shared stores) is reached
// only by the wiring, and no project files import each other in a circle. Imports are read with TypeScript's own pre-processor (static imports, export-from,
// `import type` and dynamic `import()` alike), so a comment or a string that looks like an
// import does not count, and a type-only import still does.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/engine.js';

const SKIP = new Set(['node_modules', 'dist', 'test-artifacts', 'static']);

function projectFiles(dir = projectRoot): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.') || SKIP.has(name)) continue;
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) out.push(...projectFiles(abs));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(abs);
  }
  return out;
}

/** The module specifiers a source imports or re-exports, in order. */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The project file a relative specifier names ('./x.js' is ./x.ts under NodeNext), or null. */
function resolve(from: string, spec: string, files: ReadonlySet<string>): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  const stem = base.replace(/\.(js|ts|mjs)$/, '');
  for (const c of [`${stem}.ts`, base, path.join(base, 'index.ts')]) if (files.has(c)) return c;
  return null;
}

/** Project-relative path → the project files it imports. */
function importGraph(): Map<string, string[]> {
  const files = projectFiles();
  const known = new Set(files);
  const rel = (f: string) => path.relative(projectRoot, f).split(path.sep).join('/');
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const targets = importSpecifiers(readFileSync(f, 'utf8'))
      .map((s) => resolve(f, s, known))
      .filter((t): t is string => t !== null)
      .map(rel);
    graph.set(rel(f), [...new Set(targets)]);
  }
  return graph;
}

/** Every import circle, each as the path of files that closes it (Tarjan's strongly connected components). */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

describe('import parser', () => {
  it('reads static, type-only, re-exported and dynamic imports, and nothing in comments or strings', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './e.js';",
      "const f = await import('./f.js');",
      "// import { g } from './g.js';",
      "const h = \"import { h } from './h.js'\";",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', './f.js']);
  });

  it('finds a circle of three files and of a file with itself, and none in a chain', () => {
    expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(circles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(circles(new Map([['a', ['b']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });
});

describe('the import rule', () => {
  const graph = importGraph();

  it('sees the project', () => {
    expect(graph.get('ingest/pipeline.ts')?.length).toBeGreaterThan(0);
    expect(graph.has('server/answer/retrieve.ts')).toBe(true);
  });

  it('lets server/ and bot/ into ingest/ only through ingest/index.ts', () => {
    const breaches = [...graph]
      .filter(([f]) => f.startsWith('server/') || f.startsWith('bot/'))
      .flatMap(([f, targets]) => targets.filter((t) => t.startsWith('ingest/') && t !== 'ingest/index.ts').map((t) => `${f} → ${t}`));
    expect(breaches).toEqual([]);
  });

  it('keeps domain/ free of ingest/, server/, bot/ and state/', () => {
    const breaches = [...graph]
      .filter(([f]) => f.startsWith('domain/'))
      .flatMap(([f, targets]) => targets.filter((t) => /^(ingest|server|bot|state)\//.test(t)).map((t) => `${f} → ${t}`));
    expect(breaches).toEqual([]);
  });

  // state/ holds the stores replicas share (PostgreSQL, Redis). It implements interfaces that
  // server/ and bot/ define where they use them, so it stands above them, beside the wiring:
  // only the wiring (service.ts, main.ts) and the tests reach it, and it reaches neither the
  // wiring nor the index.
  it('lets only the wiring reach state/', () => {
    const breaches = [...graph]
      .filter(([f]) => !f.startsWith('state/') && !f.startsWith('test/') && f !== 'service.ts' && f !== 'main.ts')
      .flatMap(([f, targets]) => targets.filter((t) => t.startsWith('state/')).map((t) => `${f} → ${t}`));
    expect(breaches).toEqual([]);
  });

  it('keeps state/ to the interfaces it implements: domain/, server/ and bot/, never ingest/, cli/ or the wiring', () => {
    const breaches = [...graph]
      .filter(([f]) => f.startsWith('state/'))
      .flatMap(([f, targets]) => targets.filter((t) => /^(ingest|cli|test|bench)\//.test(t) || !t.includes('/')).map((t) => `${f} → ${t}`));
    expect(breaches).toEqual([]);
  });

  it('has no import circle among project files', () => {
    expect(circles(graph)).toEqual([]);
  });
});
