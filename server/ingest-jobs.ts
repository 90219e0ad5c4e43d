// The admin's ingest runs as the admin page shows them (status, progress, summary), kept where
// every replica can read them: in this process's memory on one machine, in PostgreSQL (state/)
// on several. The backend saves a job when it starts, as it progresses and when it ends.
import type { IngestJobView } from './http/schemas.js';

export interface IngestJobStore {
  /** Records the job as it is now (added, or replacing its earlier record); only the newest runs are kept. */
  save(job: IngestJobView): Promise<void>;
  get(id: string): IngestJobView | undefined | Promise<IngestJobView | undefined>;
}

/** Runs a store keeps unless told otherwise. */
export const KEPT_INGEST_JOBS = 20;

/** Jobs in memory: the last `keep` started. What is read is a copy of what was saved. */
export function createMemoryIngestJobStore(keep = KEPT_INGEST_JOBS): IngestJobStore {
  const jobs = new Map<string, IngestJobView>();
  return {
    async save(job) {
      const known = jobs.has(job.id);
      jobs.set(job.id, structuredClone(job));
      if (!known) for (const id of [...jobs.keys()].slice(0, Math.max(0, jobs.size - keep))) jobs.delete(id);
    },
    get: (id) => {
      const job = jobs.get(id);
      return job ? structuredClone(job) : undefined;
    },
  };
}

/**
 * Saves a running job's progress at most once every `intervalMs` (the last one always), so that
 * a run reporting every file does not write the store for each. Failures go to `onError`: a lost
 * progress line must not stop the run.
 */
export function progressSaver(store: IngestJobStore, job: IngestJobView, onError: (err: unknown) => void, intervalMs = 1000): { changed(): void; flush(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = undefined;
    last = Date.now();
    writing = writing.then(() => store.save(job)).catch(onError);
  };
  return {
    changed() {
      if (timer) return;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) write();
      else timer = setTimeout(write, wait);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await writing;
    },
  };
}
