// Finding the sources of a run: the supported files under the given paths, each with a cheap
// stamp (size and mtime, its sidecars' too) that tells an untouched file without reading it.
// Nothing found is dropped silently: a file no loader reads is listed as skipped with the reason,
// and what is left out on purpose (hidden files, editor lock files, READMEs) is counted.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { correctionPathFor, isCorrection } from './corrections.js';
import { IngestInputError, type IgnoredCounts, type IngestSkip } from './ingest-types.js';
import { CATALOGUE_EXTENSIONS, DOCUMENT_EXTENSIONS, isSidecar, isSupported, sidecarPathFor } from './loaders/index.js';

export interface FoundFile {
  abs: string;
  rel: string;
  /** Its `<name>.meta.json` sidecar, when there is one. */
  sidecar?: string;
  /** Its `<name>.ocr-corrected.json`: a person's text for a scan (ingest/corrections.ts), when there is one. */
  correction?: string;
  /** Size and modification time (with the sidecars'): equal to the manifest's → unchanged, not even read. */
  stamp: string;
}

/** What a scan found: the sources to read, the files it will not read and why, what it left out on purpose. */
export interface Scan {
  files: FoundFile[];
  skipped: IngestSkip[];
  ignored: IgnoredCounts;
}

/** Markdown READMEs describe folders; they are not documents to answer from. */
function isReadme(file: string): boolean {
  return /^readme(\.[a-z]+)?$/i.test(path.basename(file));
}

/** Word's owner file "~$name.docx" and LibreOffice's ".~lock.name.docx#": present while someone has the file open. */
function isLockFile(name: string): boolean {
  return name.startsWith('~$') || /^\.~lock\..*#$/.test(name);
}

const SIDECAR_SUFFIX = sidecarPathFor('').length;
const CORRECTION_SUFFIX = correctionPathFor('').length;

function unsupported(rel: string, abs: string): IngestSkip {
  const ext = path.extname(abs).toLowerCase();
  return {
    source: rel,
    code: 'UNSUPPORTED_FORMAT',
    reason: `no loader for "${ext || '(no extension)'}"; supported: ${[...DOCUMENT_EXTENSIONS, ...CATALOGUE_EXTENSIONS].join(', ')}. / Định dạng tệp chưa được hỗ trợ.`,
  };
}

/**
 * The files under `paths`, keyed by their path relative to `baseDir`. A named path that is missing
 * or unsupported is an error; inside a folder, what is not read is reported in `skipped`.
 */
export async function findSources(paths: string[], baseDir: string): Promise<Scan> {
  const out = new Map<string, FoundFile>();
  const skipped: IngestSkip[] = [];
  const ignored: IgnoredCounts = { hidden: 0, lockFiles: 0, readmes: 0 };
  const sidecars: { abs: string; rel: string; doc: string; what: string }[] = [];
  const relOf = (abs: string) => path.relative(baseDir, abs).split(path.sep).join('/');

  const visit = async (abs: string, explicit: boolean): Promise<void> => {
    const st = await fs.stat(abs).catch(() => null);
    if (!st) {
      if (explicit) throw new IngestInputError(`Path not found: ${abs}`);
      // Listed by its folder yet not there to read: a link to nothing, unless it was removed meanwhile.
      const link = await fs.lstat(abs).catch(() => null);
      if (link?.isSymbolicLink()) {
        skipped.push({ source: relOf(abs), code: 'BROKEN_LINK', reason: 'a link to a file that does not exist. / Liên kết tới tệp không tồn tại.' });
      }
      return;
    }
    if (st.isDirectory()) {
      const names = await fs.readdir(abs);
      for (const n of names.sort()) {
        if (isLockFile(n)) ignored.lockFiles++;
        else if (n.startsWith('.') || n === 'node_modules') ignored.hidden++;
        else await visit(path.join(abs, n), false);
      }
      return;
    }
    const rel = relOf(abs);
    if (!st.isFile()) {
      if (explicit) throw new IngestInputError(`Not a file: ${abs}`);
      skipped.push({ source: rel, code: 'NOT_A_FILE', reason: 'not a regular file (a socket, a pipe or a device). / Không phải tệp thông thường.' });
    } else if (isSidecar(abs) || isCorrection(abs)) {
      if (explicit) throw new IngestInputError(`A sidecar is read with its document, not on its own: ${abs}`);
      // Whether its document is read is known once the whole walk is done. A correction is
      // recognised before the formats: as a .json it would otherwise be read as a catalogue.
      const correction = isCorrection(abs);
      sidecars.push({ abs, rel, doc: abs.slice(0, -(correction ? CORRECTION_SUFFIX : SIDECAR_SUFFIX)), what: correction ? 'OCR correction' : 'metadata' });
    } else if (isSupported(abs) && !isReadme(abs)) {
      out.set(rel, { abs, rel, stamp: `${st.size}:${st.mtimeMs}` });
    } else if (explicit) {
      throw new IngestInputError(`Unsupported file type: ${abs}`);
    } else if (isReadme(abs)) {
      ignored.readmes++;
    } else {
      skipped.push(unsupported(rel, abs));
    }
  };
  for (const p of paths) await visit(path.resolve(baseDir, p), true);

  const files = [...out.values()];
  const found = new Set(files.map((f) => f.abs));
  for (const side of sidecars) {
    if (found.has(side.doc)) continue;
    skipped.push({
      source: side.rel,
      code: 'ORPHAN_SIDECAR',
      reason: `${side.what} for "${path.basename(side.doc)}", which is not read in this run (missing or not a supported document). / Tệp ${side.what === 'metadata' ? 'siêu dữ liệu' : 'hiệu đính'} không có văn bản đi kèm.`,
    });
  }
  await Promise.all(
    files.map(async (f) => {
      const side = sidecarPathFor(f.abs);
      const correction = correctionPathFor(f.abs);
      const [st, ct] = await Promise.all([fs.stat(side).catch(() => null), fs.stat(correction).catch(() => null)]);
      if (st?.isFile()) {
        f.sidecar = side;
        f.stamp += `+${st.size}:${st.mtimeMs}`;
      }
      // A correction saved (or removed) changes the stamp: the file is read again.
      if (ct?.isFile()) {
        f.correction = correction;
        f.stamp += `+c${ct.size}:${ct.mtimeMs}`;
      }
    }),
  );
  skipped.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return { files, skipped, ignored };
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
