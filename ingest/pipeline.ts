// The ingest run: scan for sources → load what changed → embed the new chunks → write them
// into a draft of the next version → publish it → let the store compact. Incremental: unchanged files (by content
// hash) keep their chunks and vectors; a broken file is reported and skipped, and the previous
// index stays served. How vectors are laid out (and compacted) is the store's business.
import { indexedText } from './chunk.js';
import type { IdentifiedEmbeddings } from './embeddings.js';
import { EmbedderMismatchError, emptySummary, finishSummary, type IngestOptions, type IngestProgress, type IngestSummary } from './ingest-types.js';
import { loadChanged, type Held, type Loaded } from './load-sources.js';
import { createFileLoader } from './loaders/index.js';
// The cache's path alone: the OCR reader itself loads with the first scan (loaders/index.ts).
import { indexOcrCacheDir } from './ocr/cache.js';
import type { OcrProgress } from './ocr/index.js';
import { findSources, vanishedSources } from './scan.js';
import type { IndexStore, Manifest, SourceEntry, SourcedChunk, VersionDraft } from './store.js';

export { EmbedderMismatchError, IngestInputError, type IngestFailure, type IngestOptions, type IngestProgress, type IngestSummary } from './ingest-types.js';

/**
 * Bump when parsing, chunking or task extraction changes what a file yields: the next run then
 * re-reads every source instead of trusting the stored results of unchanged files.
 */
export const PIPELINE_VERSION = '2026-12-02.5-signer';

/** The previous version worth building on: none when rebuilding or when extraction changed since. */
async function previousManifest(store: IndexStore, embedder: IdentifiedEmbeddings, rebuild: boolean): Promise<Manifest | null> {
  // Only the manifest is read up front: a run that finds nothing changed stops there.
  const stored = rebuild ? null : await store.manifest();
  const prev = stored && stored.pipeline === PIPELINE_VERSION ? stored : null;
  if (prev && prev.embedder.id !== embedder.id) {
    throw new EmbedderMismatchError(
      `The index was built with embedder "${prev.embedder.id}" but "${embedder.id}" is configured. Run ingest with --rebuild to re-embed everything.`,
    );
  }
  return prev;
}

/**
 * The registry as this run reads with it: OCR results cached in the index folder (they survive
 * reboots and travel with the index) and every page read reported between the load events.
 */
function runLoader(store: IndexStore, progress: (p: IngestProgress) => void) {
  let loading: IngestProgress = { phase: 'load', done: 0, total: 0 };
  const onOcrPage = (p: OcrProgress) => {
    progress({ phase: 'load', done: loading.done, total: loading.total, current: p.file, ocr: { page: p.page, pages: p.pages, done: p.done, cached: p.cached } });
  };
  return {
    // store.dir is the index folder of the file store (a store not on disk would name its own place).
    load: createFileLoader({ ocr: { cacheDir: indexOcrCacheDir(store.dir), onProgress: onOcrPage } }),
    progress: (p: IngestProgress) => {
      if (p.phase === 'load') loading = p;
      progress(p);
    },
  };
}

const EMBED_BATCH = 256;

/** The chunks with their vectors, a batch at a time, so a large run never holds all vectors at once. */
async function* embedChunks(
  chunks: readonly SourcedChunk[],
  embedder: IdentifiedEmbeddings,
  progress: (p: IngestProgress) => void,
  signal?: AbortSignal,
): AsyncGenerator<{ chunks: SourcedChunk[]; vectors: number[][] }> {
  for (let i = 0; i < chunks.length; i += EMBED_BATCH) {
    signal?.throwIfAborted();
    const part = chunks.slice(i, i + EMBED_BATCH);
    yield { chunks: part, vectors: await embedder.embeddings.embedDocuments(part.map(indexedText)) };
    progress({ phase: 'embed', done: Math.min(i + EMBED_BATCH, chunks.length), total: chunks.length });
  }
}

/** The next version's sources: the previous ones less those dropped, restamped where touched, plus the fresh ones. */
function nextSources(prevSources: Record<string, SourceEntry>, loaded: Loaded, dropped: ReadonlySet<string>): Record<string, SourceEntry> {
  const sources: Record<string, SourceEntry> = {};
  for (const [rel, e] of Object.entries(prevSources)) {
    if (dropped.has(rel)) continue;
    const stamp = loaded.restamped.get(rel);
    sources[rel] = stamp === undefined ? e : { ...e, stamp };
  }
  for (const [rel, d] of loaded.fresh) sources[rel] = d.entry;
  return sources;
}

/** Write the fresh sources into a draft of the next version: embedded chunks, then records. */
async function writeDraft(
  draft: VersionDraft,
  loaded: Loaded,
  embedder: IdentifiedEmbeddings,
  progress: (p: IngestProgress) => void,
  signal?: AbortSignal,
): Promise<number> {
  const newChunks: SourcedChunk[] = [];
  for (const [rel, d] of loaded.fresh) for (const c of d.chunks) newChunks.push({ ...c, source: rel });
  for await (const batch of embedChunks(newChunks, embedder, progress, signal)) draft.addChunks(batch.chunks, batch.vectors);
  progress({ phase: 'index', done: 0, total: 1 });
  for (const d of loaded.fresh.values()) draft.addRecords(d.records);
  return newChunks.length;
}

export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
  const started = Date.now();
  const { store, embedder, signal } = options;
  const baseDir = options.baseDir ?? process.cwd();
  const progress = options.onProgress ?? (() => {});
  const lock = await store.lock();
  try {
    await store.cleanup();
    const prev = await previousManifest(store, embedder, !!options.rebuild);
    progress({ phase: 'scan', done: 0, total: 0 });
    const { files, skipped, ignored } = await findSources(options.paths, baseDir);
    const prevSources = prev?.sources ?? {};
    const summary = { ...emptySummary(prev?.version ?? null), skipped, ignored };

    // Files that took an earlier run down are skipped until they change; those gone are released.
    const quarantined = (await options.quarantine?.list()) ?? [];
    const held: Held = { entries: new Map(quarantined.map((e) => [e.source, e])), released: [], onReading: options.onReading };
    const reader = runLoader(store, progress);
    const loaded = await loadChanged(files, prevSources, baseDir, summary, reader.progress, signal, held, reader.load);
    const gone = await vanishedSources(Object.fromEntries(quarantined.map((e) => [e.source, e])), loaded.seen, baseDir);
    await options.quarantine?.release([...held.released, ...gone]);
    // Sources outside this run's paths stay; --prune drops those whose file is gone.
    if (options.prune) summary.removed.push(...(await vanishedSources(prevSources, loaded.seen, baseDir)));

    const changed = summary.added.length + summary.updated.length + summary.removed.length > 0;
    if (!changed && prev) {
      progress({ phase: 'done', done: 1, total: 1 });
      return finishSummary(summary, prev.counts, started);
    }

    const dropped = new Set<string>([...summary.removed, ...loaded.fresh.keys()]);
    let adding = 0;
    for (const d of loaded.fresh.values()) adding += d.chunks.length;
    const draft = await store.draft({ base: prev?.version ?? null, dimension: embedder.dimension, drop: dropped, adding });
    summary.newChunks = await writeDraft(draft, loaded, embedder, progress, signal);

    progress({ phase: 'write', done: 0, total: 1 });
    const manifest = await draft.publish(
      { embedder: { id: embedder.id, dimension: embedder.dimension }, pipeline: PIPELINE_VERSION, sources: nextSources(prevSources, loaded, dropped), failures: summary.failed },
      signal,
    );
    summary.version = manifest.version;
    summary.published = true;
    summary.publishedMs = Date.now() - started;
    // The new version is served already; merging segments only makes the next ones tighter.
    const compactStarted = Date.now();
    progress({ phase: 'compact', done: 0, total: 1 });
    const compacted = await store.compact(signal);
    if (compacted) {
      summary.compaction = { version: compacted.version, segments: compacted.segments.length, ms: Date.now() - compactStarted };
      summary.version = compacted.version;
    }
    await store.cleanup();
    progress({ phase: 'done', done: 1, total: 1 });
    return finishSummary(summary, manifest.counts, started);
  } finally {
    await lock.release();
  }
}
