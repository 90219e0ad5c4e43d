// The admin's confirmations of uploads that redefine a bundled procedure, kept in one JSON file
// under STATE_DIR or in PostgreSQL (state/), not in the index, so they survive re-ingestion and
// --rebuild; and the precedence the knowledge is built with: which sources are uploads, and which
// of their versions the admin confirmed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ProcedurePrecedence } from './answer/precedence.js';

/** An upload's version of a code (by its fingerprint) that the admin chose over the bundled one. */
export const Confirmation = z.object({
  code: z.string().min(1),
  /** The upload's file name (uploads lie flat in the upload folder). */
  file: z.string().min(1),
  fingerprint: z.string().min(1),
  at: z.string(),
});
export type Confirmation = z.infer<typeof Confirmation>;

/** The file under STATE_DIR that holds them. */
export const CONFIRMATIONS_FILE = 'confirmed-redefinitions.json';

const ConfirmationFile = z.object({ confirmations: z.array(Confirmation) });

/**
 * Read at once (the knowledge's precedence asks while it builds), written through to where the
 * confirmations are kept. A store shared by replicas (state/: PostgreSQL) also reloads, to see
 * what the admin confirmed on another replica.
 */
export interface ConfirmationStore {
  isConfirmed(code: string, file: string, fingerprint: string): boolean;
  confirm(c: Omit<Confirmation, 'at'>, at?: Date): Promise<void>;
  list(): Confirmation[];
  /** Reads the kept confirmations again; true when they changed (the knowledge is then rebuilt). */
  reload?(): Promise<boolean>;
}

const key = (code: string, file: string, fingerprint: string): string => JSON.stringify([code, file, fingerprint]);

/**
 * Confirmations kept in `file` (JSON, written whole beside and renamed over, 0600). A file that
 * cannot be read is an error at start: silently forgetting confirmations would hide the admin's
 * choices, and forgetting them the other way round would serve what was never confirmed.
 */
export function createFileConfirmationStore(file: string): ConfirmationStore {
  let entries: Confirmation[] = [];
  try {
    entries = ConfirmationFile.parse(JSON.parse(readFileSync(file, 'utf8'))).confirmations;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path.basename(file)}: the confirmed redefinitions cannot be read`, { cause: err });
  }
  return createConfirmationStore(entries, async (all) => {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify({ confirmations: all }, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(tmp, file);
  });
}

/**
 * Confirmations in memory, saved through `save` after each change (given the whole list and the
 * one confirmed). With `load`, `reload()` replaces them with what it reads.
 */
export function createConfirmationStore(
  initial: Confirmation[] = [],
  save: (all: Confirmation[], confirmed: Confirmation) => Promise<void> = async () => {},
  load?: () => Promise<Confirmation[]>,
): ConfirmationStore {
  const entries: Confirmation[] = [];
  const keys = new Set<string>();
  const replace = (next: Confirmation[]) => {
    entries.splice(0, entries.length, ...next);
    keys.clear();
    for (const e of entries) keys.add(key(e.code, e.file, e.fingerprint));
  };
  replace(initial);
  return {
    isConfirmed: (code, file, fingerprint) => keys.has(key(code, file, fingerprint)),
    async confirm(c, at = new Date()) {
      const k = key(c.code, c.file, c.fingerprint);
      if (keys.has(k)) return;
      // Only the latest confirmed version of a code in a file is kept: an older one no longer applies.
      const kept = entries.filter((e) => !(e.code === c.code && e.file === c.file));
      const confirmed = { ...c, at: at.toISOString() };
      const next = [...kept, confirmed];
      await save(next, confirmed);
      replace(next);
    },
    list: () => [...entries],
    ...(load
      ? {
          async reload() {
            const next = await load();
            const changed = JSON.stringify(next) !== JSON.stringify(entries);
            if (changed) replace(next);
            return changed;
          },
        }
      : {}),
  };
}

/** Sources under `uploadDir` are uploads; a confirmation names the upload by its file name. */
export function uploadPrecedence(deps: { uploadDir: string; baseDir: string; confirmations: ConfirmationStore }): ProcedurePrecedence {
  const root = path.resolve(deps.uploadDir) + path.sep;
  return {
    isUpload: (source) => path.resolve(deps.baseDir, source).startsWith(root),
    isConfirmed: (code, source, fingerprint) => deps.confirmations.isConfirmed(code, path.basename(source), fingerprint),
  };
}
