// What an ingest run is asked to do, what it reports while running and when done, and how it fails.
import type { IdentifiedEmbeddings } from './embeddings.js';
import type { IndexCounts, IndexStore } from './store.js';

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

export function emptySummary(version: string | null): IngestSummary {
  return {
    version,
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
}

/** Close a summary: the version's counts, the exit code, the time taken. */
export function finishSummary(s: IngestSummary, counts: Pick<IndexCounts, 'chunks' | 'procedures' | 'documents' | 'tasks'>, started: number): IngestSummary {
  s.chunks = counts.chunks;
  s.procedures = counts.procedures;
  s.documents = counts.documents;
  s.tasks = counts.tasks;
  s.exitCode = s.failed.length ? 2 : 0;
  s.elapsedMs = Date.now() - started;
  return s;
}
