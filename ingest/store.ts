// The index store's contract: what a version holds (manifest, chunks, records), how it is read
// (IndexSnapshot: searches that return similarities and positions, never hnswlib labels or
// distances) and how the next version is written (VersionDraft: the store decides how to lay
// its vectors out, in immutable segments, compaction included). createFileIndexStore
// (file-store.ts) is today's one implementation; nothing outside it knows about folders,
// segments, hnswlib or the BM25 file.
import type { Chunk, DocumentMeta, Procedure, Task } from '../domain/records.js';
import type { EmbedderIdentity } from './embedder-config.js';
import type { WeightedTerms } from './lexical.js';

/** A chunk as stored: the source file it came from, and its vector's label in the file store. */
export interface StoredChunk extends Chunk {
  label: number;
  source: string;
}

/** A chunk on its way into a version: the store gives it its label. */
export type SourcedChunk = Chunk & { source: string };

export type SourceKind = 'document' | 'catalogue' | 'references' | 'portal';

export interface SourceEntry {
  hash: string;
  /** Size and mtime when it was read: a cheap "unchanged" check before hashing. */
  stamp?: string;
  kind: SourceKind;
  ingestedAt: string;
  documentIds: string[];
  procedureCodes: string[];
  taskIds: string[];
  chunks: number;
  warnings: string[];
  stats?: { records: number; clean: number; partial: number };
  /** File store: the segment holding this source's chunks and records (set by the store). */
  segment?: string;
}

/** File store: one immutable segment of a version, with how many of its chunks the version serves. */
export interface SegmentRef {
  id: string;
  chunks: number;
  live: number;
}

export interface IndexCounts {
  sources: number;
  chunks: number;
  procedures: number;
  documents: number;
  tasks: number;
}

export interface Manifest {
  format: number;
  version: string;
  createdAt: string;
  embedder: EmbedderIdentity;
  /** Version of the extraction code (parsers, chunking, tasks): a change re-reads every source. */
  pipeline: string;
  sources: Record<string, SourceEntry>;
  /** Files that could not be read in the run that made this version, with reasons. */
  failures: Array<{ source: string; code: string; message: string }>;
  counts: IndexCounts;
  /**
   * File store: the segments this version reads, oldest first. Publishing adds one segment with
   * the new sources' chunks; a changed or removed source's old chunks stay in their segment,
   * unserved, until compaction merges segments (empty for a format 1 version: one folder).
   */
  segments: SegmentRef[];
  /** File store: chunks held in the version's segments that it no longer serves. */
  deadChunks: number;
}

/** What the pipeline says about a version; the store adds the rest (version, counts, segments). */
export type ManifestDraft = Pick<Manifest, 'embedder' | 'pipeline' | 'sources' | 'failures'>;

export type StoredProcedure = Procedure & { source: string };
export type StoredDocument = DocumentMeta & { source: string };
export type StoredTask = Task & { source: string };

export interface IndexRecords {
  procedures: StoredProcedure[];
  documents: StoredDocument[];
  tasks: StoredTask[];
}

/** A chunk found by its vector: its position in `chunks` and its cosine similarity (1: same direction, 0: unrelated). */
export interface VectorHit {
  chunk: number;
  similarity: number;
}

/** A chunk found by its terms: its position in `chunks` and its BM25 score (higher is better, unbounded). */
export interface TermHit {
  chunk: number;
  score: number;
}

/** One loaded, immutable version of the index: the read interface. */
export interface IndexSnapshot {
  readonly version: string;
  readonly manifest: Manifest;
  readonly chunks: readonly StoredChunk[];
  readonly records: IndexRecords;
  /**
   * The `k` chunks nearest to a vector, most similar first. `accept` filters by position in
   * `chunks` during the search (costly when it turns most chunks away: prefer asking for a few
   * more and dropping them afterwards when the wanted kind is common).
   */
  searchVectors(vector: readonly number[], k: number, accept?: (chunk: number) => boolean): VectorHit[];
  /** BM25 top `k` over the chunks' folded terms, best first; `mask[chunk] === 1` admits a chunk. */
  searchTerms(terms: WeightedTerms, k: number, mask?: Uint8Array): TermHit[];
  /** How many chunks hold a folded term. */
  termDf(term: string): number;
  /** The term's BM25 inverse document frequency among the chunks. */
  termIdf(term: string): number;
}

/** What the next version is made from, known before any chunk is added. */
export interface DraftPlan {
  /** The version it starts from (everything kept but `drop`); null starts empty. */
  base: string | null;
  dimension: number;
  /** Sources whose chunks and records the new version leaves out (changed or removed files). */
  drop: ReadonlySet<string>;
  /** How many chunks will be added: lets the store size its vector index and decide to compact. */
  adding: number;
}

/**
 * The write interface: the next version, built from its base, published whole or not at all
 * (the file store writes only what is new: one segment and a manifest).
 * Chunks arrive in batches with their vectors (one per chunk, same order), so a million chunks
 * are never all in memory as arrays of numbers.
 */
export interface VersionDraft {
  addChunks(chunks: readonly SourcedChunk[], vectors: readonly number[][]): void;
  addRecords(records: IndexRecords): void;
  /** Write the version and make it current; returns its manifest. Aborted: nothing changes. */
  publish(manifest: ManifestDraft, signal?: AbortSignal): Promise<Manifest>;
}

export interface IndexLock {
  release(): Promise<void>;
}

/**
 * Where versions of the index live. The file store (file-store.ts) keeps each version as a
 * manifest listing immutable segment folders (vectors in hnswlib, terms in our BM25 file).
 * Replicas share the folder (README, "Deployment"): each keeps the segments it has loaded and
 * reads only those a new version adds. Another store (a database's large objects, an object
 * store) would keep the same shape: a manifest row switched in one transaction, segments
 * written once and referenced by versions, `lock()` across machines, `cleanup()` deleting what
 * no kept version references.
 */
export interface IndexStore {
  /** Where it lives: the index folder (a PostgreSQL store: its connection string without the password). */
  readonly dir: string;
  currentVersion(): Promise<string | null>;
  /** The current (or the given) version, ready to search; null when there is none yet. */
  open(version?: string): Promise<IndexSnapshot | null>;
  /** Just the manifest of a version (cheap: enough to tell what changed). */
  manifest(version?: string): Promise<Manifest | null>;
  /** Start the next version. Only the lock holder drafts. */
  draft(plan: DraftPlan): Promise<VersionDraft>;
  lock(): Promise<IndexLock>;
  /** Remove unfinished versions and all but the newest `keep` versions (with what only they used). */
  cleanup(keep?: number): Promise<void>;
  /**
   * Publish the current version again in fewer or tighter segments when it has piled up
   * segments or unserved chunks; null when it needs nothing. Only the lock holder compacts.
   * Searches give the same results before and after.
   */
  compact(signal?: AbortSignal): Promise<Manifest | null>;
}

export class IndexBusyError extends Error {
  override readonly name = 'IndexBusyError';
  readonly code = 'INGEST_BUSY';
  constructor(readonly holder: { pid: number; startedAt: string; host: string }) {
    super(`Another ingest is running (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}). Wait for it to finish and try again.`);
  }
}

export class IndexFormatError extends Error {
  override readonly name = 'IndexFormatError';
  readonly code = 'INDEX_UNREADABLE';
}
