// The ingest run: find sources → load → chunk and extract tasks → embed → publish a new
// index version. Incremental: unchanged files (by content hash) keep their chunks and
// vectors; a broken file is reported and skipped, and the previous index stays served.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chunkDocument, chunkProcedure } from './chunk.js';
import type { Chunk, LoadResult } from '../domain/records.js';
import type { IdentifiedEmbeddings } from './embeddings.js';
import { LexicalIndex } from './lexical.js';
import { isSidecar, isSupported, loadFile, parseSidecar, sidecarPathFor } from './loaders/index.js';
import { LoadError } from './loaders/types.js';
import {
  newVectorIndex,
  type IndexRecords,
  type IndexSnapshot,
  type IndexStore,
  type SourceEntry,
  type SourceKind,
  type StoredChunk,
  type VectorIndex,
} from './store.js';
import { createIdentity } from './identity.js';
import { extractTasks } from './tasks.js';

/**
 * Bump when parsing, chunking or task extraction changes what a file yields: the next run then
 * re-reads every source instead of trusting the stored results of unchanged files.
 */
export const PIPELINE_VERSION = '2026-12-01.3';

export interface IngestProgress {
  phase: 'scan' | 'load' | 'embed' | 'index' | 'write' | 'done';
  done: number;
  total: number;
  current?: string;
}

export interface IngestOptions {
  store: IndexStore;
  embedder: IdentifiedEmbeddings;
  /** Files or folders to ingest. */
  paths: string[];
  /** Source keys are paths relative to this folder (default: the working directory). */
  baseDir?: string;
  prune?: boolean;
  rebuild?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
}

export interface IngestFailure {
  source: string;
  code: string;
  message: string;
}

export interface IngestSummary {
  version: string | null;
  published: boolean;
  added: string[];
  updated: string[];
  unchanged: number;
  removed: string[];
  failed: IngestFailure[];
  warnings: string[];
  partialRecords: number;
  records: { total: number; clean: number; partial: number };
  chunks: number;
  newChunks: number;
  procedures: number;
  documents: number;
  tasks: number;
  elapsedMs: number;
  exitCode: 0 | 2;
}

export class IngestInputError extends Error {
  override readonly name = 'IngestInputError';
  readonly code = 'INGEST_INPUT';
}

export class EmbedderMismatchError extends Error {
  override readonly name = 'EmbedderMismatchError';
  readonly code = 'EMBEDDER_MISMATCH';
}

interface FoundFile {
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

async function findSources(paths: string[], baseDir: string): Promise<FoundFile[]> {
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

function kindOf(result: LoadResult, rel: string): SourceKind {
  if (result.documents.length) return 'document';
  if (result.references.length) return 'references';
  if (result.stats) return 'portal';
  return rel.endsWith('.csv') || result.procedures.length ? 'catalogue' : 'document';
}

interface Fresh {
  entry: SourceEntry;
  chunks: Chunk[];
  records: IndexRecords;
}

/** Turn one loaded file into chunks, records and tasks. */
function digest(rel: string, hash: string, stamp: string, result: LoadResult): Fresh {
  const chunks: Chunk[] = [];
  const records: IndexRecords = { procedures: [], documents: [], tasks: [] };
  for (const doc of result.documents) {
    const { text: _text, sourcePath: _sp, ...meta } = doc;
    records.documents.push({ ...meta, source: rel });
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

/** Text that is embedded and indexed for a chunk: its title gives every field chunk its procedure's name. */
export function indexedText(c: Pick<Chunk, 'title' | 'text'>): string {
  return `${c.title}\n${c.text}`;
}

export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const { store, embedder, signal } = options;
  const baseDir = options.baseDir ?? process.cwd();
  const progress = options.onProgress ?? (() => {});
  const lock = await store.lock();
  try {
    await store.cleanup();
    // Only the manifest is read up front: a run that finds nothing changed stops there.
    const stored = options.rebuild ? null : await store.manifest();
    const prevManifest = stored && stored.pipeline === PIPELINE_VERSION ? stored : null;
    if (prevManifest && prevManifest.embedder.id !== embedder.id) {
      throw new EmbedderMismatchError(
        `The index was built with embedder "${prevManifest.embedder.id}" but "${embedder.id}" is configured. Run ingest with --rebuild to re-embed everything.`,
      );
    }
    progress({ phase: 'scan', done: 0, total: 0 });
    const files = await findSources(options.paths, baseDir);
    const prevSources = prevManifest?.sources ?? {};

    const summary: IngestSummary = {
      version: prevManifest?.version ?? null,
      published: false,
      added: [],
      updated: [],
      unchanged: 0,
      removed: [],
      failed: [],
      warnings: [],
      partialRecords: 0,
      records: { total: 0, clean: 0, partial: 0 },
      chunks: 0,
      newChunks: 0,
      procedures: 0,
      documents: 0,
      tasks: 0,
      elapsedMs: 0,
      exitCode: 0,
    };

    const fresh = new Map<string, Fresh>();
    const restamped = new Map<string, string>();
    const seen = new Set<string>();
    const identity = createIdentity(prevSources, fresh, baseDir);
    // Reads run ahead in small windows; parsing stays sequential so progress and errors are in order.
    const WINDOW = 64;
    let window: Promise<{ bytes: Buffer; sidecarBytes: Buffer | null } | Error | 'unchanged'>[] = [];
    const read = async (f: FoundFile) =>
      prevSources[f.rel]?.stamp === f.stamp
        ? ('unchanged' as const)
        : Promise.all([fs.readFile(f.abs), f.sidecar ? fs.readFile(f.sidecar) : null]).then(
        ([bytes, sidecarBytes]) => ({ bytes, sidecarBytes }),
        (e: Error) => e,
      );
    for (let i = 0; i < files.length; i++) {
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
        const { bytes, sidecarBytes } = got;
        const hash = createHash('sha256').update(bytes).update(sidecarBytes ?? '').digest('hex');
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
        const result = await loadFile({ path: f.abs, relPath: f.rel, bytes }, sidecar);
        const sameNumber = before ? undefined : await identity.sameDocuments(result);
        if (sameNumber) {
          summary.unchanged++;
          summary.warnings.push(`${f.rel}: the same document (number) as ${sameNumber}; indexed once`);
          continue;
        }
        const d = digest(f.rel, hash, f.stamp, result);
        fresh.set(f.rel, d);
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
    progress({ phase: 'load', done: files.length, total: files.length });

    // Sources outside this run's paths stay; --prune drops those whose file is gone.
    if (options.prune) {
      for (const rel of Object.keys(prevSources)) {
        if (seen.has(rel)) continue;
        const exists = await fs.stat(path.resolve(baseDir, rel)).then(() => true, () => false);
        if (!exists) summary.removed.push(rel);
      }
    }

    const changed = summary.added.length + summary.updated.length + summary.removed.length > 0;
    if (!changed && prevManifest) {
      fillCounts(summary, prevManifest.counts);
      summary.exitCode = summary.failed.length ? 2 : 0;
      summary.elapsedMs = Date.now() - started;
      progress({ phase: 'done', done: 1, total: 1 });
      return summary;
    }

    const prev: IndexSnapshot | null = prevManifest ? await store.open(prevManifest.version) : null;
    const dropped = new Set<string>([...summary.removed, ...fresh.keys()]);
    const keptChunks = (prev?.chunks ?? []).filter((c) => !dropped.has(c.source));
    const removedLabels = (prev?.chunks ?? []).filter((c) => dropped.has(c.source)).map((c) => c.label);
    let nextLabel = prev?.manifest.nextLabel ?? 0;
    const newChunks: StoredChunk[] = [];
    for (const [rel, d] of fresh) for (const c of d.chunks) newChunks.push({ ...c, source: rel, label: nextLabel++ });

    // Vectors: extend the previous graph when little was deleted; otherwise lay a new one,
    // reusing stored vectors of kept chunks so that nothing unchanged is embedded again.
    const dim = embedder.dimension;
    const total = keptChunks.length + newChunks.length;
    let vectors: VectorIndex;
    let deletedLabels = (prev?.manifest.deletedLabels ?? 0) + removedLabels.length;
    const reuse = prev && !options.rebuild && deletedLabels <= 0.3 * Math.max(1, total);
    if (reuse && prev) {
      vectors = prev.vectors;
      for (const l of removedLabels) vectors.markDelete(l);
      vectors.resizeIndex(Math.max(vectors.getMaxElements(), vectors.getCurrentCount() + newChunks.length + 16));
    } else {
      vectors = newVectorIndex(dim, total + 16);
      if (prev && !options.rebuild) {
        // Compaction: relabel kept chunks densely, copying their stored vectors.
        const relabelled: StoredChunk[] = [];
        let label = 0;
        for (const c of keptChunks) {
          vectors.addPoint(prev.vectors.getPoint(c.label), label);
          relabelled.push({ ...c, label: label++ });
        }
        keptChunks.splice(0, keptChunks.length, ...relabelled);
        for (const c of newChunks) c.label = label++;
        nextLabel = label;
      }
      deletedLabels = 0;
    }
    const batch = 256;
    for (let i = 0; i < newChunks.length; i += batch) {
      signal?.throwIfAborted();
      const part = newChunks.slice(i, i + batch);
      const vecs = await embedder.embeddings.embedDocuments(part.map(indexedText));
      part.forEach((c, j) => vectors.addPoint(vecs[j]!, c.label));
      progress({ phase: 'embed', done: Math.min(i + batch, newChunks.length), total: newChunks.length });
    }

    progress({ phase: 'index', done: 0, total: 1 });
    const chunks = keptChunks.concat(newChunks);
    // Extend the previous lexical index (its document i is prev.chunks[i]) rather than tokenise
    // every kept chunk again; kept chunks keep their order, new ones follow.
    let lexical: LexicalIndex;
    if (prev && prev.lexical.size === prev.chunks.length) {
      const keepIds = new Int32Array(prev.chunks.length);
      let next = 0;
      prev.chunks.forEach((c, i) => (keepIds[i] = dropped.has(c.source) ? -1 : next++));
      lexical = LexicalIndex.extend(prev.lexical, keepIds, newChunks.map(indexedText));
    } else lexical = LexicalIndex.build(chunks.map(indexedText));
    const keep = (r: { source: string }) => !dropped.has(r.source);
    const records: IndexRecords = {
      procedures: (prev?.records.procedures ?? []).filter(keep),
      documents: (prev?.records.documents ?? []).filter(keep),
      tasks: (prev?.records.tasks ?? []).filter(keep),
    };
    const sources: Record<string, SourceEntry> = {};
    for (const [rel, e] of Object.entries(prevSources)) if (!dropped.has(rel)) sources[rel] = restamped.has(rel) ? { ...e, stamp: restamped.get(rel)! } : e;
    for (const [rel, d] of fresh) {
      records.procedures.push(...d.records.procedures);
      records.documents.push(...d.records.documents);
      records.tasks.push(...d.records.tasks);
      sources[rel] = d.entry;
    }
    const counts = {
      sources: Object.keys(sources).length,
      chunks: chunks.length,
      procedures: new Set(records.procedures.map((p) => p.code)).size,
      documents: records.documents.length,
      tasks: records.tasks.length,
    };
    progress({ phase: 'write', done: 0, total: 1 });
    const version = await store.publish(
      {
        manifest: { embedder: { id: embedder.id, dimension: dim }, pipeline: PIPELINE_VERSION, sources, failures: summary.failed, counts, nextLabel, deletedLabels },
        chunks,
        records,
        vectors,
        lexical,
      },
      signal,
    );
    await store.cleanup();
    summary.version = version;
    summary.published = true;
    summary.newChunks = newChunks.length;
    fillCounts(summary, counts);
    summary.exitCode = summary.failed.length ? 2 : 0;
    summary.elapsedMs = Date.now() - started;
    progress({ phase: 'done', done: 1, total: 1 });
    return summary;
  } finally {
    await lock.release();
  }
}

function fillCounts(s: IngestSummary, c: { chunks: number; procedures: number; documents: number; tasks: number }) {
  s.chunks = c.chunks;
  s.procedures = c.procedures;
  s.documents = c.documents;
  s.tasks = c.tasks;
}
