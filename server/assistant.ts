// Opening the assistant over an index folder: the embedder, the live index (built from the
// bundled data on first run), the optional LLM, and the one answer engine on top.
import { createEmbeddings, type EmbedderConfig, type IdentifiedEmbeddings } from '../ingest/embeddings.js';
import type { IngestProgress, IngestSummary } from '../ingest/pipeline.js';
import { createFileIndexStore, type IndexStore } from '../ingest/store.js';
import type { AnswerEngine } from '../domain/contract.js';
import { createAnswerEngine } from './answer/engine.js';
import { createLiveKnowledge, type LiveKnowledge } from './answer/live-knowledge.js';
import { createChatModel, createPhraser, type LlmConfig } from './answer/llm.js';

export interface AssistantLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AssistantOptions {
  indexDir: string;
  embedder: EmbedderConfig;
  /** Ingested when the index folder has no version yet. */
  ingestPaths: string[];
  llm?: LlmConfig | null;
  logger?: AssistantLogger;
  /** The clock: deadline status is relative to it. */
  now?: () => Date;
  onBuildProgress?: (p: IngestProgress) => void;
}

export interface Assistant {
  engine: AnswerEngine;
  live: LiveKnowledge;
  store: IndexStore;
  embedder: IdentifiedEmbeddings;
  /** Set when this start built the index. */
  built?: IngestSummary;
}

/** Today's date in Hanoi (UTC+7), YYYY-MM-DD. */
export function hanoiDate(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

export async function openAssistant(o: AssistantOptions): Promise<Assistant> {
  const store = createFileIndexStore(o.indexDir);
  const embedder = await createEmbeddings(o.embedder);
  let built: IngestSummary | undefined;
  if (!(await store.currentVersion())) {
    o.logger?.info({ paths: o.ingestPaths, indexDir: o.indexDir }, 'no index yet: building it from the bundled data');
    // Loaded only when needed: the pipeline pulls in the PDF and DOCX parsers (≈150 MB, ≈1 s).
    const { runIngest } = await import('../ingest/pipeline.js');
    built = await runIngest({ store, embedder, paths: o.ingestPaths, onProgress: o.onBuildProgress });
    o.logger?.info({ version: built.version, chunks: built.chunks, failed: built.failed.length, ms: built.elapsedMs }, 'index built');
  }
  const live = createLiveKnowledge({ store, embedder, logger: o.logger });
  await live.refresh();
  const phraser = o.llm ? createPhraser(await createChatModel(o.llm), { timeoutMs: o.llm.timeoutMs, logger: o.logger }) : null;
  const now = o.now ?? (() => new Date());
  const engine = createAnswerEngine({ knowledge: live.current, embedder, today: () => hanoiDate(now()), phraser });
  return { engine, live, store, embedder, ...(built ? { built } : {}) };
}
