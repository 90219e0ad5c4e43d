// Files set aside because reading them took an ingest down (out of memory, out of time): the
// process that watched the run records the file with its content hash, and every later run skips
// it, reporting it as failed with the reason, until the file changes or is removed. Without this
// one hostile upload would stop every run, and nothing beside it would ever be published.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface QuarantineEntry {
  /** The source key (path relative to the run's base folder). */
  source: string;
  /** The source's content hash as the run computed it (file and sidecar): a changed file is read again. */
  hash: string;
  code: 'MEMORY_BUDGET' | 'TIME_BUDGET';
  /** Why, for the admin, in Vietnamese and English, naming the file. */
  reason: string;
  at: string;
}

export interface Quarantine {
  list(): Promise<QuarantineEntry[]>;
  add(entry: QuarantineEntry): Promise<void>;
  /** Release these sources (changed, or gone). */
  release(sources: readonly string[]): Promise<void>;
}

/** The quarantine kept as one JSON file (beside the index: `INDEX_DIR/quarantine.json`). */
export function createFileQuarantine(file: string): Quarantine {
  async function list(): Promise<QuarantineEntry[]> {
    const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (text === null) return [];
    const parsed = JSON.parse(text) as { files?: QuarantineEntry[] };
    return Array.isArray(parsed.files) ? parsed.files : [];
  }
  async function write(files: QuarantineEntry[]): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Written beside, then renamed: a reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, `${JSON.stringify({ files }, null, 2)}\n`);
    await fs.rename(tmp, file);
  }
  return {
    list,
    async add(entry) {
      await write([...(await list()).filter((e) => e.source !== entry.source), entry]);
    },
    async release(sources) {
      if (!sources.length) return;
      const gone = new Set(sources);
      const files = await list();
      const kept = files.filter((e) => !gone.has(e.source));
      if (kept.length !== files.length) await write(kept);
    },
  };
}

export const quarantineFile = (indexDir: string): string => path.join(indexDir, 'quarantine.json');
