// Short conversation memory per sessionId, so that "lệ phí bao nhiêu?" after a procedure
// question is about that procedure. Bounded in size and age; nothing is persisted.
import type { Language } from '../../domain/records.js';
import type { Intent } from '../../domain/contract.js';

export interface Turn {
  intent: Intent;
  language: Language;
  procedureCode?: string | undefined;
  /** The choices offered when the engine asked back. */
  candidateCodes?: string[];
  unit?: string | undefined;
  documentId?: string | undefined;
  at: number;
}

export interface SessionMemory {
  last(sessionId: string): Turn | undefined;
  remember(sessionId: string, turn: Turn): void;
}

export function createSessionMemory(options: { max?: number; ttlMs?: number; now?: () => number } = {}): SessionMemory {
  const max = options.max ?? 10_000;
  const ttl = options.ttlMs ?? 30 * 60_000;
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
