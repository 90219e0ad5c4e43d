// Loading what changed: each found file is compared with the previous version (stamp, then
// content hash, then identity) and only a new or changed one is parsed into chunks, records and
// tasks. A file that cannot be read is reported and the run goes on.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Chunk, LoadResult } from '../domain/records.js';
import { chunkDocument, chunkProcedure } from './chunk.js';
import { loadWithCorrection } from './corrections.js';
import { createIdentity } from './identity.js';
import type { IngestProgress, IngestSummary } from './ingest-types.js';
import { type FileLoader, loadFile, parseSidecar } from './loaders/index.js';
import { LoadError } from './loaders/types.js';
import type { QuarantineEntry } from './quarantine.js';
import type { FoundFile } from './scan.js';
import type { IndexRecords, SourceEntry, SourceKind } from './store.js';
import { extractAmendments } from './amendments.js';
import { extractTasks } from './tasks.js';

/** A source read in this run: its manifest entry, chunks and records. */
export interface Fresh {
  entry: SourceEntry;
  chunks: Chunk[];
  records: IndexRecords;
}

export interface Loaded {
  /** New and changed sources, by relative path. */
  fresh: Map<string, Fresh>;
  /** Touched but unchanged sources → their new stamp. */
  restamped: Map<string, string>;
  /** Every source found in this run. */
  seen: Set<string>;
}

function kindOf(result: LoadResult, rel: string): SourceKind {
  if (result.documents.length) return 'document';
  if (result.references.length) return 'references';
  if (result.stats) return 'portal';
  return rel.endsWith('.csv') || result.procedures.length ? 'catalogue' : 'document';
}

/** Turn one loaded file into chunks, records and tasks. */
function digest(rel: string, hash: string, stamp: string, result: LoadResult): Fresh {
  const chunks: Chunk[] = [];
  const records: IndexRecords = { procedures: [], documents: [], tasks: [] };
  for (const doc of result.documents) {
    const { text: _text, sourcePath: _sp, pageStarts: _pages, ...meta } = doc;
    const amends = extractAmendments(doc);
    records.documents.push({ ...meta, ...(amends.length ? { amends } : {}), source: rel });
    chunks.push(...chunkDocument(doc));
    for (const t of extractTasks(doc)) records.tasks.push({ ...t, source: rel });
  }
  for (const ref of result.references) {
    records.documents.push({ ...ref, summaryOnly: true, source: rel });
    chunks.push(...chunkDocument({ ...ref, summaryOnly: true, text: '', sourcePath: rel }));
  }
  for (const p of result.procedures) {
    records.procedures.push({ ...p, source: rel });
    chunks.push(...chunkProcedure(p));
  }
  const entry: SourceEntry = {
    hash,
    stamp,
    kind: kindOf(result, rel),
    ingestedAt: new Date().toISOString(),
    documentIds: records.documents.map((d) => d.id),
    procedureCodes: records.procedures.map((p) => p.code),
    taskIds: records.tasks.map((t) => t.id),
    chunks: chunks.length,
    warnings: result.warnings,
    ...(result.stats ? { stats: result.stats } : {}),
  };
  return { entry, chunks, records };
}

/** The quarantine as one run sees it: entries by source; those found changed are released. */
export interface Held {
  entries: ReadonlyMap<string, QuarantineEntry>;
  released: string[];
  onReading?: ((file: { source: string; hash: string } | null) => void) | undefined;
}

type Read = { bytes: Buffer; sidecarBytes: Buffer | null; correctionBytes: Buffer | null } | Error | 'unchanged';

/**
 * Load the new and changed files among `files`, counting into `summary` (added, updated,
 * unchanged, failed, warnings, record stats). Reads run ahead in small windows; parsing stays
 * sequential so progress and errors are in order. `load` reads a file (the registry, with the
 * run's OCR settings).
 */
export async function loadChanged(
  files: readonly FoundFile[],
  prevSources: Record<string, SourceEntry>,
  baseDir: string,
  summary: IngestSummary,
  progress: (p: IngestProgress) => void,
  signal?: AbortSignal,
  held: Held = { entries: new Map(), released: [] },
  load: FileLoader = loadFile,
): Promise<Loaded> {
  const loaded: Loaded = { fresh: new Map(), restamped: new Map(), seen: new Set() };
  const { fresh, restamped, seen } = loaded;
  const identity = createIdentity(prevSources, fresh, baseDir);
  const WINDOW = 64;
  let window: Promise<Read>[] = [];
  const read = async (f: FoundFile): Promise<Read> =>
    prevSources[f.rel]?.stamp === f.stamp
      ? 'unchanged'
      : Promise.all([fs.readFile(f.abs), f.sidecar ? fs.readFile(f.sidecar) : null, f.correction ? fs.readFile(f.correction) : null]).then(
          ([bytes, sidecarBytes, correctionBytes]) => ({ bytes, sidecarBytes, correctionBytes }),
          (e: Error) => e,
        );
  let reading = false;
  const doneReading = () => {
    if (reading) held.onReading?.(null);
    reading = false;
  };
  for (let i = 0; i < files.length; i++) {
    doneReading();
    signal?.throwIfAborted();
    if (i % WINDOW === 0) window = files.slice(i, i + WINDOW).map(read);
    const f = files[i]!;
    seen.add(f.rel);
    progress({ phase: 'load', done: i, total: files.length, current: f.rel });
    try {
      const got = await window[i % WINDOW]!;
      if (got instanceof Error) throw got;
      if (got === 'unchanged') {
        summary.unchanged++;
        continue;
      }
      const { bytes, sidecarBytes, correctionBytes } = got;
      const hash = createHash('sha256').update(bytes).update(sidecarBytes ?? '').update(correctionBytes ?? '').digest('hex');
      const quarantined = held.entries.get(f.rel);
      if (quarantined?.hash === hash) {
        summary.failed.push({ source: f.rel, code: quarantined.code, message: quarantined.reason });
        continue;
      }
      if (quarantined) held.released.push(f.rel); // changed since it took a run down: read it again
      const before = prevSources[f.rel];
      if (before && before.hash === hash) {
        summary.unchanged++;
        restamped.set(f.rel, f.stamp); // touched, not changed: remember the new stamp
        continue;
      }
      const sidecar = sidecarBytes ? parseSidecar(sidecarBytes, `${f.rel}.meta.json`) : undefined;
      const copyOf = before ? undefined : await identity.sameContent(hash);
      if (copyOf) {
        summary.unchanged++;
        summary.warnings.push(`${f.rel}: same content as ${copyOf}; indexed once`);
        continue;
      }
      held.onReading?.({ source: f.rel, hash });
      reading = true;
      const result = await loadWithCorrection(load, { path: f.abs, relPath: f.rel, bytes }, sidecar, correctionBytes);
      const sameNumber = before ? undefined : await identity.sameDocuments(result);
      if (sameNumber) {
        summary.unchanged++;
        summary.warnings.push(`${f.rel}: the same document (number) as ${sameNumber}; indexed once`);
        continue;
      }
      fresh.set(f.rel, digest(f.rel, hash, f.stamp, result));
      (before ? summary.updated : summary.added).push(f.rel);
      for (const w of result.warnings) summary.warnings.push(`${f.rel}: ${w}`);
      if (result.stats) {
        summary.records.total += result.stats.records;
        summary.records.clean += result.stats.clean;
        summary.records.partial += result.stats.partial;
        summary.partialRecords += result.stats.partial;
      }
    } catch (e) {
      if (signal?.aborted) throw e;
      const code = e instanceof LoadError ? e.code : 'UNREADABLE';
      summary.failed.push({ source: f.rel, code, message: (e as Error).message });
    }
  }
  doneReading();
  progress({ phase: 'load', done: files.length, total: files.length });
  return loaded;
}
