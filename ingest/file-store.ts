// The index on disk: immutable segments, versions that list them, a CURRENT pointer switched
// by an atomic rename, and a lock so two ingests cannot both write. Readers only ever see a
// complete version. Publishing writes one new segment (the new sources' chunks) and a small
// manifest, so adding a dispatch to a large index costs what the dispatch costs; a store that
// has served the previous version reads only the new segment. Compaction (file-compaction.ts)
// merges segments later.
//
//   <dir>/CURRENT                      the served version's name
//   <dir>/versions/<version>/manifest.json
//   <dir>/segments/<id>/               segment.json, chunks, records, BM25, vectors (file-segment.ts)
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compactionRun } from './file-compaction.js';
import { createSegmentBuilder, type SegmentBuilder } from './file-draft.js';
import { fsyncDir, readSegment, readSegmentMeta, sourceStats, writeFileSynced, writeSegment, type LoadedSegment, type SegmentMeta, type SegmentParts } from './file-segment.js';
import { snapshotOf } from './file-snapshot.js';
import {
  IndexBusyError,
  IndexFormatError,
  type DraftPlan,
  type IndexCounts,
  type IndexLock,
  type IndexSnapshot,
  type IndexStore,
  type Manifest,
  type ManifestDraft,
  type SegmentRef,
  type SourceEntry,
  type VersionDraft,
} from './store.js';

/** 2: a version lists segments. 1: a version was one folder holding everything (read, and converted by the next ingest). */
export const INDEX_FORMAT = 2;

/** A format 1 manifest: the graph's labels were the version's own. */
type LegacyManifest = Manifest & { nextLabel?: number; deletedLabels?: number };

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function newName(prefix: string, now: Date): string {
  return `${prefix}${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 17)}-${randomBytes(3).toString('hex')}`;
}

/** The segment meta a format 1 version folder implies (it has no segment.json). */
function legacyMeta(m: LegacyManifest): SegmentMeta {
  return { id: `legacy-${m.version}`, createdAt: m.createdAt, dimension: m.embedder.dimension, nextLabel: m.nextLabel ?? 0, deletedLabels: m.deletedLabels ?? 0, chunks: m.counts.chunks, sources: {} };
}

/** Counts and segment refs of a version: what each segment holds for the sources the version serves from it. */
function tally(sources: Record<string, SourceEntry>, metas: readonly SegmentMeta[]): { counts: IndexCounts; segments: SegmentRef[]; deadChunks: number } {
  const codes = new Set<string>();
  const counts: IndexCounts = { sources: Object.keys(sources).length, chunks: 0, procedures: 0, documents: 0, tasks: 0 };
  const segments: SegmentRef[] = [];
  let deadChunks = 0;
  for (const meta of metas) {
    let live = 0;
    let serves = false;
    for (const [source, s] of Object.entries(meta.sources)) {
      if (sources[source]?.segment !== meta.id) continue;
      serves = true;
      live += s.chunks;
      counts.documents += s.documents;
      counts.tasks += s.tasks;
      for (const c of s.procedures) codes.add(c);
    }
    // A segment that serves nothing leaves the version (cleanup deletes it once no kept version lists it).
    if (!serves) continue;
    counts.chunks += live;
    deadChunks += meta.chunks - live;
    segments.push({ id: meta.id, chunks: meta.chunks, live });
  }
  counts.procedures = codes.size;
  return { counts, segments, deadChunks };
}

export interface FileStoreOptions {
  /** How often the ingest holding the lock touches it (ms). */
  lockHeartbeatMs?: number;
  /**
   * A lock from another host untouched this long (ms) is stale: its holder died with the host.
   * Generous against clock skew between the hosts that share the folder.
   */
  lockStaleMs?: number;
}

export function createFileIndexStore(dir: string, options: FileStoreOptions = {}): IndexStore {
  const heartbeatMs = options.lockHeartbeatMs ?? 10_000;
  const staleMs = options.lockStaleMs ?? 60_000;
  const versionsDir = path.join(dir, 'versions');
  const segmentsDir = path.join(dir, 'segments');
  const currentFile = path.join(dir, 'CURRENT');
  const lockFile = path.join(dir, 'ingest.lock');
  /**
   * Segments already read, shared by the snapshots that use them: opening the next version reads
   * only the segments it adds. Nothing mutates a loaded segment (merges read their base afresh).
   */
  const loaded = new Map<string, Promise<LoadedSegment>>();
  const metas = new Map<string, Promise<SegmentMeta>>();

  const unreadable = (what: string, e: unknown) =>
    e instanceof IndexFormatError ? e : new IndexFormatError(`Index ${what} in ${dir} cannot be read: ${(e as Error).message}`, { cause: e });

  async function currentVersion(): Promise<string | null> {
    try {
      const v = (await fs.readFile(currentFile, 'utf8')).trim();
      return v || null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async function manifest(version?: string): Promise<Manifest | null> {
    const v = version ?? (await currentVersion());
    if (!v) return null;
    let m: LegacyManifest;
    try {
      m = JSON.parse(await fs.readFile(path.join(versionsDir, v, 'manifest.json'), 'utf8')) as LegacyManifest;
    } catch (e) {
      throw unreadable(`version ${v}`, e);
    }
    if (m.format === 1) return { ...m, segments: [], deadChunks: m.deletedLabels ?? 0 };
    if (m.format !== INDEX_FORMAT) throw new IndexFormatError(`Index format ${m.format} is not supported (expected ${INDEX_FORMAT}); run ingest with --rebuild.`);
    return m;
  }

  /** A segment's content or meta, read once; a failed read is forgotten so that the next call tries again. */
  function cachedRead<T>(cache: Map<string, Promise<T>>, id: string, read: (dir: string) => Promise<T>): Promise<T> {
    let p = cache.get(id);
    if (!p) {
      p = read(path.join(segmentsDir, id)).catch((e: unknown) => {
        cache.delete(id);
        throw unreadable(`segment ${id}`, e);
      });
      cache.set(id, p);
    }
    return p;
  }
  const segment = (id: string) => cachedRead(loaded, id, (dir) => readSegment(dir));
  const segmentMeta = (id: string) => cachedRead(metas, id, readSegmentMeta);

  /** A format 1 version folder, read as one segment (never cached: a draft may extend its graph). */
  async function legacyParts(m: Manifest): Promise<LoadedSegment> {
    try {
      return await readSegment(path.join(versionsDir, m.version), legacyMeta(m));
    } catch (e) {
      throw unreadable(`version ${m.version}`, e);
    }
  }

  async function open(version?: string): Promise<IndexSnapshot | null> {
    const m = await manifest(version);
    if (!m) return null;
    if (m.format === 1) return snapshotOf(m.version, m, [{ parts: await legacyParts(m) }]);
    const parts = await Promise.all(m.segments.map((s) => segment(s.id)));
    // Keep only what this version uses: older snapshots still hold their own segments.
    const used = new Set(m.segments.map((s) => s.id));
    for (const id of loaded.keys()) if (!used.has(id)) loaded.delete(id);
    return snapshotOf(
      m.version,
      m,
      parts.map((p) => ({ parts: p, live: (source: string) => m.sources[source]?.segment === p.meta.id })),
    );
  }

  /** Write a segment beside the others (an unfinished one stays hidden under a .tmp- name). */
  async function writeNewSegment(parts: SegmentParts, dimension: number, signal?: AbortSignal): Promise<SegmentMeta> {
    await fs.mkdir(segmentsDir, { recursive: true });
    const now = new Date();
    const id = newName('s', now);
    const meta: SegmentMeta = { id, createdAt: now.toISOString(), dimension, nextLabel: parts.nextLabel, deletedLabels: parts.deletedLabels, chunks: parts.chunks.length, sources: sourceStats(parts) };
    const tmp = path.join(segmentsDir, `.tmp-${id}`);
    await fs.mkdir(tmp);
    try {
      await writeSegment(tmp, meta, parts, signal);
      signal?.throwIfAborted();
      await fs.rename(tmp, path.join(segmentsDir, id));
      await fsyncDir(segmentsDir);
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw e;
    }
    metas.set(id, Promise.resolve(meta));
    return meta;
  }

  /** Write a version's manifest beside the others, then switch CURRENT to it atomically. */
  async function publishVersion(draft: ManifestDraft, segs: readonly SegmentMeta[], signal?: AbortSignal): Promise<Manifest> {
    await fs.mkdir(versionsDir, { recursive: true });
    const now = new Date();
    const version = newName('v', now);
    const { counts, segments, deadChunks } = tally(draft.sources, segs);
    const full: Manifest = { format: INDEX_FORMAT, version, createdAt: now.toISOString(), ...draft, counts, segments, deadChunks };
    const tmp = path.join(versionsDir, `.tmp-${version}`);
    await fs.mkdir(tmp);
    try {
      await writeFileSynced(path.join(tmp, 'manifest.json'), JSON.stringify(full, null, 1));
      await fsyncDir(tmp);
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

  /** Each source's segment in the next version: the new segment's sources move to it, the rest stay where they were. */
  function placeSources(draft: ManifestDraft, fresh: SegmentMeta | null, previous: (source: string) => string | undefined): ManifestDraft {
    const sources: Record<string, SourceEntry> = {};
    for (const [source, e] of Object.entries(draft.sources)) {
      const { segment: _stale, ...entry } = e;
      const segment = fresh?.sources[source] ? fresh.id : previous(source);
      sources[source] = segment ? { ...entry, segment } : entry;
    }
    return { ...draft, sources };
  }

  async function draft(plan: DraftPlan): Promise<VersionDraft> {
    const base = plan.base ? await manifest(plan.base) : null;
    let builder: SegmentBuilder;
    let kept: SegmentMeta[] = [];
    if (base?.format === 1) {
      // A format 1 index: its content, less what is dropped, goes into the new segment once.
      builder = createSegmentBuilder(await legacyParts(base), { dimension: plan.dimension, drop: (s) => plan.drop.has(s), adding: plan.adding });
    } else {
      builder = createSegmentBuilder(null, { dimension: plan.dimension, drop: () => false, adding: plan.adding });
      kept = base ? await Promise.all(base.segments.map((s) => segmentMeta(s.id))) : [];
    }
    return {
      addChunks: (chunks, vectors) => builder.addChunks(chunks, vectors),
      addRecords: (records) => builder.addRecords(records),
      async publish(m, signal) {
        const parts = builder.finish();
        const { procedures, documents, tasks } = parts.records;
        const empty = parts.chunks.length + procedures.length + documents.length + tasks.length === 0;
        const fresh = empty ? null : await writeNewSegment(parts, plan.dimension, signal);
        const previous = (source: string) => (base && base.format !== 1 && !plan.drop.has(source) ? base.sources[source]?.segment : undefined);
        return publishVersion(placeSources(m, fresh, previous), fresh ? [...kept, fresh] : kept, signal);
      },
    };
  }

  async function compact(signal?: AbortSignal): Promise<Manifest | null> {
    const m = await manifest();
    if (!m || m.format === 1) return null;
    const run = compactionRun(m.segments);
    if (run < 0) return null;
    const runRefs = m.segments.slice(run);
    const served = (id: string) => (source: string) => m.sources[source]?.segment === id;
    // The first segment of the run is read afresh: the merge may extend its graph in place.
    const first = await readSegment(path.join(segmentsDir, runRefs[0]!.id)).catch((e: unknown) => {
      throw unreadable(`segment ${runRefs[0]!.id}`, e);
    });
    const rest = await Promise.all(runRefs.slice(1).map((r) => segment(r.id)));
    const adding = runRefs.slice(1).reduce((n, r) => n + r.live, 0);
    const builder = createSegmentBuilder(first, { dimension: m.embedder.dimension, drop: (s) => !served(first.meta.id)(s), adding });
    for (const seg of rest) {
      signal?.throwIfAborted();
      const serves = served(seg.meta.id);
      const chunks = seg.chunks.filter((c) => serves(c.source));
      builder.addChunks(chunks, chunks.map((c) => seg.vectors.getPoint(c.label)));
      builder.addRecords({
        procedures: seg.records.procedures.filter((r) => serves(r.source)),
        documents: seg.records.documents.filter((r) => serves(r.source)),
        tasks: seg.records.tasks.filter((r) => serves(r.source)),
      });
    }
    const merged = await writeNewSegment(builder.finish(), m.embedder.dimension, signal);
    const before = await Promise.all(m.segments.slice(0, run).map((s) => segmentMeta(s.id)));
    const runIds = new Set(runRefs.map((r) => r.id));
    const { embedder, pipeline, sources, failures } = m;
    const moved = placeSources({ embedder, pipeline, sources, failures }, merged, (source) => sources[source]?.segment);
    for (const [source, e] of Object.entries(moved.sources)) if (e.segment && runIds.has(e.segment)) delete moved.sources[source]!.segment;
    return publishVersion(moved, [...before, merged], signal);
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
        // A pid means nothing on another host: the holder shows it lives by touching the lock.
        const heartbeat = setInterval(() => {
          const now = new Date();
          fs.utimes(lockFile, now, now).catch(() => {});
        }, heartbeatMs);
        heartbeat.unref();
        return {
          async release() {
            if (released) return;
            released = true;
            clearInterval(heartbeat);
            await fs.rm(lockFile, { force: true });
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let holder: typeof me | null = null;
        let touchedAt = 0;
        try {
          holder = JSON.parse(await fs.readFile(lockFile, 'utf8')) as typeof me;
          touchedAt = (await fs.stat(lockFile)).mtimeMs;
        } catch {
          holder = null; // unreadable: left torn by a process that died (older versions wrote in two steps)
        }
        if (holder && holder.host !== me.host && Date.now() - touchedAt < staleMs) throw new IndexBusyError(holder);
        if (holder && holder.host === me.host && pidAlive(holder.pid)) throw new IndexBusyError(holder);
        // Left by a dead process, or by a host that stopped touching it: recover it.
        await fs.rm(lockFile, { force: true });
      } finally {
        await fs.rm(tmp, { force: true });
      }
    }
    throw new Error(`Could not take the ingest lock at ${lockFile}.`);
  }

  /** Remove unfinished versions and segments, old versions, and the segments no kept version lists. */
  async function cleanup(keep = 2): Promise<void> {
    const list = (d: string) => fs.readdir(d).catch(() => [] as string[]);
    const names = await list(versionsDir);
    const current = await currentVersion();
    for (const n of names.filter((n) => n.startsWith('.tmp-'))) await fs.rm(path.join(versionsDir, n), { recursive: true, force: true });
    const versions = names.filter((n) => n.startsWith('v')).sort();
    const old = new Set(versions.slice(0, Math.max(0, versions.length - keep)).filter((v) => v !== current));
    for (const v of old) await fs.rm(path.join(versionsDir, v), { recursive: true, force: true });
    const segmentNames = await list(segmentsDir);
    if (!segmentNames.length) return;
    const used = new Set<string>();
    for (const v of versions.filter((v) => !old.has(v))) {
      // A version that cannot be read keeps every segment: better a stale folder than a lost one.
      const m = await manifest(v).catch(() => null);
      if (!m) return;
      for (const s of m.segments) used.add(s.id);
    }
    for (const n of segmentNames) {
      if (used.has(n)) continue;
      metas.delete(n);
      await fs.rm(path.join(segmentsDir, n), { recursive: true, force: true });
    }
  }

  return { dir, currentVersion, open, manifest, draft, lock, cleanup, compact };
}
