// Short conversation memory per sessionId, so that "lệ phí bao nhiêu?" after a procedure
// question is about that procedure. Here in memory, bounded in size and age, nothing persisted;
// replicas share theirs through a store that answers asynchronously (state/: PostgreSQL), which
// the engine awaits either way.
import type { Language } from '../../domain/records.js';
import type { Intent, ProcedureAspect } from '../../domain/contract.js';

export interface Turn {
  intent: Intent;
  language: Language;
  procedureCode?: string | undefined;
  /** The choices offered when the engine asked back. */
  candidateCodes?: string[];
  /** What that ask-back's question asked about (the fee, the papers …): a pick answers it. */
  aspect?: ProcedureAspect | undefined;
  unit?: string | undefined;
  documentId?: string | undefined;
  at: number;
}

export interface SessionMemory {
  /** The session's last turn, unless it is older than the memory's time to live. */
  last(sessionId: string): Turn | undefined | Promise<Turn | undefined>;
  remember(sessionId: string, turn: Turn): void | Promise<void>;
}

/** How long a conversation is remembered after its last turn, wherever it is kept. */
export const SESSION_TTL_MS = 30 * 60_000;

/** The memory of one process, which answers at once. */
export interface LocalSessionMemory extends SessionMemory {
  last(sessionId: string): Turn | undefined;
  remember(sessionId: string, turn: Turn): void;
}

export function createSessionMemory(options: { max?: number; ttlMs?: number; now?: () => number } = {}): LocalSessionMemory {
  const max = options.max ?? 10_000;
  const ttl = options.ttlMs ?? SESSION_TTL_MS;
  const now = options.now ?? Date.now;
  const turns = new Map<string, Turn>();
  return {
    last(id) {
      const t = turns.get(id);
      if (!t) return undefined;
      if (now() - t.at > ttl) {
        turns.delete(id);
        return undefined;
      }
      return t;
    },
    remember(id, turn) {
      turns.delete(id); // re-insert: Map order is the eviction order
      turns.set(id, turn);
      if (turns.size > max) turns.delete(turns.keys().next().value!);
    },
  };
}
