// What an ingest run is asked to do, what it reports while running and when done, and how it fails.
import type { IdentifiedEmbeddings } from './embeddings.js';
import type { Quarantine } from './quarantine.js';
import type { IndexCounts, IndexStore } from './store.js';

export interface IngestProgress {
  /** `compact`: after publishing, the store merges segments (the new version is already served). */
  phase: 'scan' | 'load' | 'embed' | 'index' | 'write' | 'compact' | 'done';
  done: number;
  total: number;
  current?: string;
  /**
   * A page of a scan read by OCR, during the load of `current` (`done`/`total` still count files).
   * A long scan takes minutes: the CLI prints each page. Pages finish out of order when read in
   * parallel, so `done` counts pages read.
   */
  ocr?: OcrPageProgress;
}

export interface OcrPageProgress {
  page: number;
  pages: number;
  done: number;
  /** Taken from the OCR cache, not read again. */
  cached: boolean;
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
  /** Files that took an earlier run down: skipped (and reported) until they change or go. */
  quarantine?: Quarantine;
  /** The file whose loader is running (its source key and content hash), then null: who watches the process knows whom to blame if it dies. */
  onReading?: (file: { source: string; hash: string } | null) => void;
}

export interface IngestFailure {
  source: string;
  code: string;
  message: string;
}

/** Why a file under the given paths was not read at all (a failure is a file read and refused). */
export type SkipCode =
  | 'UNSUPPORTED_FORMAT' // no loader for its extension
  | 'ORPHAN_SIDECAR' // a `<name>.meta.json` whose document is not read in this run
  | 'BROKEN_LINK' // a symbolic link to nothing
  | 'NOT_A_FILE'; // a socket, a device, a pipe

export interface IngestSkip {
  source: string;
  code: SkipCode;
  reason: string;
}

/** Left out on purpose and only counted: they are never documents. */
export interface IgnoredCounts {
  /** Hidden files and folders (".git", ".DS_Store"), and node_modules. */
  hidden: number;
  /** Editor lock and owner files: Word's "~$x.docx", LibreOffice's ".~lock.x.docx#". */
  lockFiles: number;
  /** Folder READMEs: they describe a folder, they are not documents to answer from. */
  readmes: number;
}

export interface IngestSummary {
  version: string | null;
  published: boolean;
  added: string[];
  updated: string[];
  unchanged: number;
  removed: string[];
  failed: IngestFailure[];
  /** Files found under the paths and not read, with the reason: they make the exit code 2 like failures. */
  skipped: IngestSkip[];
  ignored: IgnoredCounts;
  warnings: string[];
  partialRecords: number;
  records: { total: number; clean: number; partial: number };
  chunks: number;
  newChunks: number;
  procedures: number;
  documents: number;
  tasks: number;
  elapsedMs: number;
  /** From the start to the moment the new version was served (0 when nothing was published). */
  publishedMs: number;
  /** The merge of segments that followed the publish, if the store found one worth doing. */
  compaction: { version: string; segments: number; ms: number } | null;
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

export function emptySummary(version: string | null): IngestSummary {
  return {
    version,
    published: false,
    added: [],
    updated: [],
    unchanged: 0,
    removed: [],
    failed: [],
    skipped: [],
    ignored: { hidden: 0, lockFiles: 0, readmes: 0 },
    warnings: [],
    partialRecords: 0,
    records: { total: 0, clean: 0, partial: 0 },
    chunks: 0,
    newChunks: 0,
    procedures: 0,
    documents: 0,
    tasks: 0,
    elapsedMs: 0,
    publishedMs: 0,
    compaction: null,
    exitCode: 0,
  };
}

/** Close a summary: the version's counts, the exit code, the time taken. */
export function finishSummary(s: IngestSummary, counts: Pick<IndexCounts, 'chunks' | 'procedures' | 'documents' | 'tasks'>, started: number): IngestSummary {
  s.chunks = counts.chunks;
  s.procedures = counts.procedures;
  s.documents = counts.documents;
  s.tasks = counts.tasks;
  // Skipped files count like failed ones: either way something the operator gave was not indexed.
  s.exitCode = s.failed.length || s.skipped.length ? 2 : 0;
  s.elapsedMs = Date.now() - started;
  return s;
}
