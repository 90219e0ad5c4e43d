// `npm run build`'s second step: tsc emits JavaScript only, but the compiled code reads files
// beside itself (the widget's static files, the fitted rank model, the unit succession table,
// the state's SQL migrations), so mirror them into the output folder where those relative paths point.
// Usage: node dist/cli/copy-assets.js   (from the project root; the output folder is its own)
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled folders: every file in them that is not TypeScript is read at run time. */
const COMPILED = ['bot', 'domain', 'ingest', 'server', 'state'];
/** Files outside the compiled folders that compiled code reads relative to itself. */
const READ_BESIDE = ['data/units/succession.json'];

function nonTypeScript(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return nonTypeScript(file);
    return name.endsWith('.ts') ? [] : [file];
  });
}

const root = process.cwd();
const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const files = [...COMPILED.flatMap((d) => nonTypeScript(path.join(root, d)).map((f) => path.relative(root, f))), ...READ_BESIDE];
for (const rel of files) {
  if (!existsSync(path.join(root, rel))) throw new Error(`asset not found: ${rel}`);
  cpSync(path.join(root, rel), path.join(outDir, rel));
}
process.stdout.write(`copied ${files.length} files read at run time into ${path.relative(root, outDir) || '.'}/\n`);
