// Small stores the API writes to: feedback on answers (append-only JSONL plus a recent
// ring in memory) and the questions the engine could not answer (a bounded log for admins).
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Language } from '../../ingest/domain.js';
import type { FeedbackEntry, FeedbackRequest, UnansweredEntry } from './schemas.js';

export interface FeedbackStore {
  add(feedback: FeedbackRequest): Promise<FeedbackEntry>;
  /** Newest first. */
  recent(limit?: number): FeedbackEntry[];
  totals(): { total: number; helpful: number; notHelpful: number };
}

export function createFeedbackStore(options: { file?: string; recent?: number; now?: () => Date } = {}): FeedbackStore {
  const capacity = options.recent ?? 200;
  const now = options.now ?? (() => new Date());
  const ring: FeedbackEntry[] = [];
  const totals = { total: 0, helpful: 0, notHelpful: 0 };
  let dirReady: Promise<unknown> | undefined;

  return {
    async add(feedback) {
      const entry: FeedbackEntry = { ...feedback, at: now().toISOString() };
      if (options.file) {
        // One JSON object a line; appendFile keeps earlier lines intact if the process dies.
        dirReady ??= mkdir(path.dirname(options.file), { recursive: true });
        await dirReady;
        await appendFile(options.file, `${JSON.stringify(entry)}\n`, 'utf8');
      }
      ring.push(entry);
      if (ring.length > capacity) ring.shift();
      totals.total += 1;
      if (entry.helpful) totals.helpful += 1;
      else totals.notHelpful += 1;
      return entry;
    },
    recent(limit = capacity) {
      return ring.slice(-limit).reverse();
    },
    totals: () => ({ ...totals }),
  };
}

export interface UnansweredLog {
  record(question: string, language: Language): void;
  /** Most recent first; a question asked again moves to the top and counts up. */
  list(): UnansweredEntry[];
}

export function createUnansweredLog(options: { size: number; now?: () => Date }): UnansweredLog {
  const now = options.now ?? (() => new Date());
  // A Map keeps insertion order: delete + set moves a repeated question to the end.
  const entries = new Map<string, UnansweredEntry>();
  return {
    record(question, language) {
      const key = question.trim().toLowerCase();
      const previous = entries.get(key);
      entries.delete(key);
      entries.set(key, { question: question.trim(), language, at: now().toISOString(), count: (previous?.count ?? 0) + 1 });
      while (entries.size > options.size) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    list: () => [...entries.values()].reverse(),
  };
}
