// The one door into ingest/ (like grammY's mod.ts): server/, bot/ and the tools import this file
// and nothing else under ingest/. Read: a store opens a snapshot whose searches return chunk
// positions with similarities (vectors) or BM25 scores (terms). Write: runIngest fills a store's
// draft of the next version; the store owns the layout of its vectors, compaction included.
//
// Text, unit and deadline helpers are re-exported here rather than moved to domain/: the engine
// must fold and tokenise exactly as the index was built (a query's terms are the index's
// terms), and unit resolution and deadline parsing stand on that same folding, on the unit
// directory's data file and on the task extraction the pipeline runs.

import type { IngestOptions, IngestSummary } from './ingest-types.js';

// The store: its read and write interfaces, and the file implementation.
export type {
  DraftPlan,
  IndexCounts,
  IndexLock,
  IndexRecords,
  IndexSnapshot,
  IndexStore,
  Manifest,
  ManifestDraft,
  SourceEntry,
  SourceKind,
  SourcedChunk,
  StoredChunk,
  StoredDocument,
  StoredProcedure,
  StoredTask,
  TermHit,
  VectorHit,
  VersionDraft,
} from './store.js';
export { IndexBusyError, IndexFormatError } from './store.js';
export { createFileIndexStore } from './file-store.js';

// An ingest run.
export type { IngestFailure, IngestOptions, IngestProgress, IngestSummary, OcrPageProgress } from './ingest-types.js';
export { EmbedderMismatchError, IngestInputError } from './ingest-types.js';
// Files that took a run down (out of memory or time), skipped until they change.
export { createFileQuarantine, quarantineFile, type Quarantine, type QuarantineEntry } from './quarantine.js';

/** Run an ingest. The pipeline and its parsers (pdf.js, mammoth, cheerio) load on first use: a server that never ingests never loads them. */
export async function runIngest(options: IngestOptions): Promise<IngestSummary> {
  const { runIngest: run } = await import('./pipeline.js');
  return run(options);
}

// Embedders.
export type { EmbedderConfig, EmbedderIdentity } from './embedder-config.js';
export { EmbedderConfigError } from './embedder-config.js';
export { createEmbeddings, HashingEmbeddings, type IdentifiedEmbeddings } from './embeddings.js';

// Terms: a query's BM25 terms, and small term indexes of the engine's own (procedure names, records).
export { buildTermIndex, queryTerms, type TermIndex, type WeightedTerms } from './lexical.js';
export { lowerBound } from './topk.js';
export { chunkProcedure, indexedText } from './chunk.js';

// Vietnamese text.
export { accentedSyllables, detectLanguage, fold, foldAligned, hasVietnameseMarks, newStyleTones, nfc, syllables } from './text.js';

// Units and their succession, deadlines, document types.
export { findUnitMentions, groupsOfAssignee, resolveUnit, TWO_TIER_SINCE, unitConcernedBy, viDate, type FormerName, type ResolvedUnit } from './units.js';
export {
  bundledSuccession,
  KNOWN_UNITS,
  loadSuccession,
  PLACE_NAMES,
  predecessorsOf,
  successionOf,
  type KnownUnit,
  type Succession,
  type SuccessionSource,
  type SuccessionTable,
} from './unit-directory.js';
export { daysUntil, deadlineStatus, nextOccurrence, type DeadlineStatus } from './deadline.js';
export { TYPE_NAMES } from './metadata.js';
