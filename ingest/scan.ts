// Finding the sources of a run: the supported files under the given paths, each with a cheap
// stamp (size and mtime, its sidecar's too) that tells an untouched file without reading it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { IngestInputError } from './ingest-types.js';
import { isSidecar, isSupported, sidecarPathFor } from './loaders/index.js';

export interface FoundFile {
  abs: string;
  rel: string;
  /** Its `<name>.meta.json` sidecar, when there is one. */
  sidecar?: string;
  /** Size and modification time (with the sidecar's): equal to the manifest's → unchanged, not even read. */
  stamp: string;
}

/** Markdown READMEs describe folders; they are not documents to answer from. */
function isReadme(file: string): boolean {
  return /^readme(\.[a-z]+)?$/i.test(path.basename(file));
}

/** Supported files under `paths`, keyed by their path relative to `baseDir`; a named path that is missing or unsupported is an error. */
export async function findSources(paths: string[], baseDir: string): Promise<FoundFile[]> {
  const out = new Map<string, FoundFile>();
  const visit = async (abs: string, explicit: boolean): Promise<void> => {
    const st = await fs.stat(abs).catch(() => null);
    if (!st) {
      if (explicit) throw new IngestInputError(`Path not found: ${abs}`);
      return;
    }
    if (st.isDirectory()) {
      const names = await fs.readdir(abs);
      for (const n of names.sort()) {
        if (n.startsWith('.') || n === 'node_modules') continue;
        await visit(path.join(abs, n), false);
      }
    } else if (st.isFile() && isSupported(abs) && !isSidecar(abs) && !isReadme(abs)) {
      const rel = path.relative(baseDir, abs).split(path.sep).join('/');
      out.set(rel, { abs, rel, stamp: `${st.size}:${st.mtimeMs}` });
    } else if (explicit && st.isFile()) {
      throw new IngestInputError(`Unsupported file type: ${abs}`);
    }
  };
  for (const p of paths) await visit(path.resolve(baseDir, p), true);
  const files = [...out.values()];
  await Promise.all(
    files.map(async (f) => {
      const side = sidecarPathFor(f.abs);
      const st = await fs.stat(side).catch(() => null);
      if (st?.isFile()) {
        f.sidecar = side;
        f.stamp += `+${st.size}:${st.mtimeMs}`;
      }
    }),
  );
  return files;
}

/** Sources of the previous version that were not seen in this run and whose file is gone (--prune). */
export async function vanishedSources(prevSources: Record<string, unknown>, seen: ReadonlySet<string>, baseDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const rel of Object.keys(prevSources)) {
    if (seen.has(rel)) continue;
    const exists = await fs.stat(path.resolve(baseDir, rel)).then(() => true, () => false);
    if (!exists) out.push(rel);
  }
  return out;
}
