// The index on disk: immutable versions beside each other, a CURRENT pointer switched by an
// atomic rename, and a lock so two ingests cannot both write. Readers only ever see a
// complete version. The IndexStore of today; store.ts says what a PostgreSQL one would do.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileDraft } from './file-draft.js';
import { snapshotOf } from './file-snapshot.js';
import { fsyncDir, INDEX_FORMAT, readManifest, readVersion, writeFileSynced, writeVersion, type VersionContent, type VersionParts } from './file-version.js';
import { IndexBusyError, IndexFormatError, type DraftPlan, type IndexLock, type IndexSnapshot, type IndexStore, type Manifest, type VersionDraft } from './store.js';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createFileIndexStore(dir: string): IndexStore {
  const versionsDir = path.join(dir, 'versions');
  const currentFile = path.join(dir, 'CURRENT');
  const lockFile = path.join(dir, 'ingest.lock');

  async function currentVersion(): Promise<string | null> {
    try {
      const v = (await fs.readFile(currentFile, 'utf8')).trim();
      return v || null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async function parts(v: string): Promise<VersionParts> {
    try {
      return await readVersion(path.join(versionsDir, v));
    } catch (e) {
      if (e instanceof IndexFormatError) throw e;
      throw new IndexFormatError(`Index version ${v} in ${dir} cannot be read: ${(e as Error).message}`, { cause: e });
    }
  }

  async function open(version?: string): Promise<IndexSnapshot | null> {
    const v = version ?? (await currentVersion());
    return v ? snapshotOf(v, await parts(v)) : null;
  }

  async function manifest(version?: string): Promise<Manifest | null> {
    const v = version ?? (await currentVersion());
    if (!v) return null;
    try {
      return await readManifest(path.join(versionsDir, v));
    } catch (e) {
      throw new IndexFormatError(`Index version ${v} in ${dir} cannot be read: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Write a complete version beside the others, then switch CURRENT to it atomically. */
  async function publish(content: VersionContent, signal?: AbortSignal): Promise<Manifest> {
    await fs.mkdir(versionsDir, { recursive: true });
    const now = new Date();
    const version = `v${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 17)}-${randomBytes(3).toString('hex')}`;
    const tmp = path.join(versionsDir, `.tmp-${version}`);
    await fs.mkdir(tmp);
    try {
      const full: Manifest = { format: INDEX_FORMAT, version, createdAt: now.toISOString(), ...content.manifest };
      await writeVersion(tmp, { ...content, manifest: full }, signal);
      signal?.throwIfAborted();
      await fs.rename(tmp, path.join(versionsDir, version));
      await fsyncDir(versionsDir);
      const pointerTmp = `${currentFile}.${process.pid}.tmp`;
      await writeFileSynced(pointerTmp, `${version}\n`);
      await fs.rename(pointerTmp, currentFile);
      await fsyncDir(dir);
      return full;
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  async function draft(plan: DraftPlan): Promise<VersionDraft> {
    const d = createFileDraft(plan.base ? await parts(plan.base) : null, plan);
    return {
      addChunks: d.addChunks,
      addRecords: d.addRecords,
      publish: (m, signal) => publish(d.finish(m), signal),
    };
  }

  async function lock(): Promise<IndexLock> {
    await fs.mkdir(dir, { recursive: true });
    const me = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      // The lock appears with its content in one step (link of a finished file), so no
      // reader ever sees an empty lock from a live writer.
      const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await fs.writeFile(tmp, JSON.stringify(me));
      try {
        await fs.link(tmp, lockFile);
        let released = false;
        return {
          async release() {
            if (released) return;
            released = true;
            await fs.rm(lockFile, { force: true });
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let holder: typeof me | null = null;
        try {
          holder = JSON.parse(await fs.readFile(lockFile, 'utf8')) as typeof me;
        } catch {
          holder = null; // unreadable: left torn by a process that died (older versions wrote in two steps)
        }
        if (holder && holder.host !== me.host) throw new IndexBusyError(holder);
        if (holder && pidAlive(holder.pid)) throw new IndexBusyError(holder);
        // Left by a dead process: recover it.
        await fs.rm(lockFile, { force: true });
      } finally {
        await fs.rm(tmp, { force: true });
      }
    }
    throw new Error(`Could not take the ingest lock at ${lockFile}.`);
  }

  async function cleanup(keep = 2): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(versionsDir);
    } catch {
      return;
    }
    const current = await currentVersion();
    for (const n of names.filter((n) => n.startsWith('.tmp-'))) await fs.rm(path.join(versionsDir, n), { recursive: true, force: true });
    const versions = names.filter((n) => n.startsWith('v')).sort();
    const old = versions.slice(0, Math.max(0, versions.length - keep)).filter((v) => v !== current);
    for (const v of old) await fs.rm(path.join(versionsDir, v), { recursive: true, force: true });
  }

  return { dir, currentVersion, open, manifest, draft, lock, cleanup };
}
