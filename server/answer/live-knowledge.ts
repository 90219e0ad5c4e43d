// Holds the knowledge of the index version being served and switches to a newly published
// version without a restart: the new one is loaded fully beside the old, then swapped in
// one assignment, so no request ever sees half an index.
import type { EmbedderIdentity, IndexStore } from '../../ingest/index.js';
import { buildKnowledge, type Knowledge } from './knowledge.js';
import type { ProcedurePrecedence } from './precedence.js';

export interface LiveKnowledgeLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LiveKnowledge {
  current(): Knowledge | null;
  version(): string | null;
  /** Load the published version if it differs from the one served. True when it switched. */
  refresh(): Promise<boolean>;
  /** Build the served version's knowledge again (the precedence changed: an admin confirmed an upload). */
  rebuild(): void;
  /** Poll for new versions every `intervalMs`; returns a stop function. */
  watch(intervalMs?: number): () => void;
}

export class EmbedderMismatchOnLoadError extends Error {
  override readonly name = 'EmbedderMismatchOnLoadError';
  readonly code = 'EMBEDDER_MISMATCH';
}

export function createLiveKnowledge(deps: { store: IndexStore; embedder: EmbedderIdentity; logger?: LiveKnowledgeLogger; precedence?: ProcedurePrecedence }): LiveKnowledge {
  let served: Knowledge | null = null;
  let loading: Promise<boolean> | null = null;

  async function load(): Promise<boolean> {
    const version = await deps.store.currentVersion();
    if (!version || version === served?.snapshot.version) return false;
    const started = Date.now();
    const snapshot = await deps.store.open(version);
    if (!snapshot) return false;
    const e = snapshot.manifest.embedder;
    if (e.id !== deps.embedder.id || e.dimension !== deps.embedder.dimension) {
      throw new EmbedderMismatchOnLoadError(
        `Index version ${version} was built with embedder "${e.id}" (${e.dimension} dims) but "${deps.embedder.id}" is configured; run \`npm run ingest -- --rebuild\`.`,
      );
    }
    served = buildKnowledge(snapshot, deps.precedence);
    deps.logger?.info({ version, chunks: snapshot.chunks.length, ms: Date.now() - started }, 'index loaded');
    return true;
  }

  function refresh(): Promise<boolean> {
    // Concurrent callers share one load.
    loading ??= load().finally(() => {
      loading = null;
    });
    return loading;
  }

  return {
    current: () => served,
    version: () => served?.snapshot.version ?? null,
    refresh,
    rebuild() {
      if (served) served = buildKnowledge(served.snapshot, deps.precedence);
    },
    watch(intervalMs = 2000) {
      const timer = setInterval(() => {
        refresh().catch((err: Error) => deps.logger?.error({ err }, 'new index version could not be loaded; still serving the previous one'));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
