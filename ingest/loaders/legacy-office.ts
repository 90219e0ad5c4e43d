// Word 97 (.doc), OpenDocument (.odt) and RTF dispatches: LibreOffice converts each to DOCX in a
// temporary folder of its own and the DOCX reader takes it from there, so a .doc yields what its
// .docx would (same lines, same metadata, same tasks). Many offices still send these formats.
import { childEnv } from '../child-env.js';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LoadError, type SourceFile, type TextExtractor } from './types.js';
import { checkZip, isZip } from './zip-guard.js';

export const LEGACY_OFFICE_EXTENSIONS: readonly string[] = ['.doc', '.odt', '.rtf'];

/** The Debian package that provides `soffice` without a desktop. */
export const LIBREOFFICE_PACKAGE = 'libreoffice-writer-nogui';

export interface LegacyOfficeDeps {
  /** Reads the converted file: the DOCX extractor. */
  extractDocx: TextExtractor;
  /** The LibreOffice binary (default: `soffice` on the PATH). */
  soffice?: string;
  /** How long one conversion may take before it is stopped (default 60 s): a hung soffice must not hold the ingest lock. */
  timeoutMs?: number;
  /** Where the temporary folders go (default: the system's). */
  tmpDir?: string;
}

const KIND: Readonly<Record<string, string>> = { '.doc': 'Word 97', '.odt': 'OpenDocument', '.rtf': 'RTF' };

/** How a soffice run ended; it exits 0 even when it could not read the file, so the output file is what tells. */
interface Conversion {
  missing: boolean;
  timedOut: boolean;
  /** Its last complaint on standard error, or how it exited. */
  detail: string;
}

/** Run soffice once, stopped (with what it started) after `timeoutMs`. */
function runSoffice(soffice: string, args: string[], work: string, timeoutMs: number): Promise<Conversion> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout stops soffice.bin as well as the launcher script; only
    // what a converter needs from the environment (no tokens of the service's).
    const child = spawn(soffice, args, {
      cwd: work,
      env: childEnv({ HOME: work, TMPDIR: work }),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone between the timer firing and the kill.
      }
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ missing: err.code === 'ENOENT', timedOut: false, detail: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ missing: false, timedOut, detail: lastLine(stderr) || `exit ${code ?? signal}` });
    });
  });
}

/** soffice's last meaningful complaint, without its noise about Java. */
function lastLine(stderr: string): string {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/javaldx|java may not/i.test(l)).pop() ?? '';
}

export function createLegacyOfficeExtractor(deps: LegacyOfficeDeps): TextExtractor {
  const soffice = deps.soffice ?? 'soffice';
  const timeoutMs = deps.timeoutMs ?? 60_000;
  return async (file: SourceFile) => {
    const ext = path.extname(file.relPath).toLowerCase();
    const kind = KIND[ext] ?? ext;
    // An .odt is a zip, and LibreOffice goes by content, not name (a ".doc" may be a zip too):
    // a zip bomb is refused from its directory before soffice unpacks it.
    if (isZip(file.bytes)) await checkZip(file);
    const work = await mkdtemp(path.join(deps.tmpDir ?? os.tmpdir(), 'tthc-legacy-office-'));
    try {
      // A fixed name on the command line: the file's own name may start with "-" or hold anything.
      const input = path.join(work, `source${ext}`);
      const outDir = path.join(work, 'out');
      await writeFile(input, file.bytes);
      // A profile of its own: soffice refuses to start beside another instance using the same one
      // (a desktop session, a test, a parallel run), and a fresh profile costs a fraction of a second.
      const profile = pathToFileURL(path.join(work, 'profile')).href;
      const args = [`-env:UserInstallation=${profile}`, '--headless', '--norestore', '--nolockcheck', '--convert-to', 'docx:MS Word 2007 XML', '--outdir', outDir, input];
      const run = await runSoffice(soffice, args, work, timeoutMs);
      if (run.missing) {
        throw new LoadError('CONVERTER_UNAVAILABLE', file.relPath,
          `${file.relPath}: ${kind} files are read through LibreOffice, and "${soffice}" was not found; install the Debian package ${LIBREOFFICE_PACKAGE} (apt-get install -y ${LIBREOFFICE_PACKAGE}). / Cần cài LibreOffice (gói ${LIBREOFFICE_PACKAGE}) để đọc tệp ${ext}.`);
      }
      if (run.timedOut) {
        throw new LoadError('UNREADABLE', file.relPath,
          `${file.relPath}: LibreOffice did not finish converting it within ${Math.round(timeoutMs / 1000)} s and was stopped. / Chuyển đổi tệp ${ext} quá thời gian cho phép.`);
      }
      const docxPath = path.join(outDir, 'source.docx');
      const bytes = await readFile(docxPath).catch(() => null);
      if (!bytes) {
        throw new LoadError('UNREADABLE', file.relPath,
          `${file.relPath}: LibreOffice could not read it as a ${kind} document (${run.detail}). / Tệp ${ext} bị hỏng hoặc không đúng định dạng.`);
      }
      return await deps.extractDocx({ path: docxPath, relPath: file.relPath, bytes });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };
}
