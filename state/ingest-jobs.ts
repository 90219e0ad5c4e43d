// The admin's ingest runs in PostgreSQL: a run started on one replica is followed from any
// other (the admin page polls whichever the load balancer picks).
import type { IngestJobView } from '../server/http/schemas.js';
import { KEPT_INGEST_JOBS, type IngestJobStore } from '../server/ingest-jobs.js';
import type { Db } from './db.js';

export function createPgIngestJobStore(db: Db, keep = KEPT_INGEST_JOBS): IngestJobStore {
  return {
    async save(job) {
      const rows = await db.query<{ inserted: boolean }>(
        'saving an ingest job',
        `INSERT INTO ingest_jobs (id, started_at, job, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (id) DO UPDATE SET job = excluded.job, updated_at = now()
         RETURNING (xmax = 0) AS inserted`,
        [job.id, job.startedAt, JSON.stringify(job)],
      );
      // A new run pushes the oldest beyond `keep` out, as in memory.
      if (rows[0]?.inserted) {
        await db.query('forgetting old ingest jobs', 'DELETE FROM ingest_jobs WHERE id NOT IN (SELECT id FROM ingest_jobs ORDER BY started_at DESC, id DESC LIMIT $1)', [keep]);
      }
    },
    async get(id) {
      const rows = await db.query<{ job: IngestJobView }>('reading an ingest job', 'SELECT job FROM ingest_jobs WHERE id = $1', [id]);
      return rows[0]?.job;
    },
  };
}
