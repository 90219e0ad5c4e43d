// The admin backend over the real index: uploads land in the data folder, an ingest runs
// through the runner it is given (the service runs it in a child process, so it keeps answering
// from the current version meanwhile), and the live knowledge switches to the new version when
// the run has published it.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LiveKnowledge } from './answer/live-knowledge.js';
import { ingestBusy } from './http/errors.js';
import type { AdminBackend, AdminDocumentView, IngestJobView, RedefinitionView } from './http/admin.js';
import type { IndexStore, IngestSummary, Quarantine, QuarantineEntry } from '../ingest/index.js';
import type { ConfirmationStore } from './redefinitions.js';
import { correctionFileOf, createScanCorrections, scanView } from './scan-corrections.js';
import { createMemoryIngestJobStore, progressSaver, type IngestJobStore } from './ingest-jobs.js';

/** How a run ended: its exit code (0 done, 2 done with failed files, else failed) and its summary or error. */
export interface IngestRunResult {
  exitCode: number;
  summary?: IngestSummary | undefined;
  error?: string | undefined;
  /** The file the run died on (out of memory or time), now quarantined: the next run goes on without it. */
  quarantined?: QuarantineEntry | undefined;
}

/** One ingest run over the configured paths; `prune` drops documents whose file is gone. */
export type IngestRunner = (run: {
  prune: boolean;
  onProgress: (p: NonNullable<IngestJobView['progress']>) => void;
  /** Start afresh (the CLI's --rebuild). */
  rebuild?: boolean | undefined;
  /** Aborted: the run is asked to stop (it leaves the index as it was). */
  signal?: AbortSignal | undefined;
}) => Promise<IngestRunResult>;

export interface AdminBackendDeps {
  store: IndexStore;
  live: LiveKnowledge;
  ingest: IngestRunner;
  /** Where uploads are saved (inside the data folder, so later runs keep them). */
  uploadDir: string;
  /** The folder the index names its sources relative to (the runs' working folder). */
  baseDir: string;
  /** The admin's confirmed redefinitions (the knowledge's precedence reads the same store). */
  confirmations?: ConfirmationStore;
  /** Called after each run, for metrics. */
  onRun?: (outcome: 'succeeded' | 'failed') => void;
  /** Files that took a run down, listed as failed until they change or go. */
  quarantine?: Quarantine;
  /** Where runs are recorded for the admin page (default: this process's memory). */
  jobs?: IngestJobStore;
  /**
   * Held for the length of a run, so that one run goes at a time across replicas (PostgreSQL);
   * `tryTake` gives null while another replica's run holds it. Absent: this process's own flag
   * (and the index folder's file lock, which guards the writing either way).
   */
  ingestLock?: { tryTake(): Promise<{ release(): Promise<void> } | null> };
  logger?: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

/** What the admin page shows of a finished run: counts and file names, never where files lie. */
export interface IngestRunSummary {
  published: boolean;
  added: string[];
  updated: string[];
  unchanged: number;
  removed: string[];
  failed: Array<{ file: string; code: string; reason: string }>;
  documents: number;
  procedures: number;
  /** Uploads that redefine a bundled procedure: not served until confirmed. */
  redefinitions?: RedefinitionView[];
}

const fileName = (source: string): string => path.basename(source);

/** A job whose runs keep dying on new files stops after this many quarantines (each costs a run's start). */
const MAX_QUARANTINES_PER_JOB = 3;

/**
 * Error texts name files by their path (relative to the server's folder, or absolute): keep the
 * file's name only. Numbers such as "2458/UBND-SNV" and URLs are not paths and stay as they are.
 */
export function withoutPaths(text: string): string {
  return text
    .replace(/(^|[\s('"])(?:~?\/|\.{1,2}\/)(?=[^\s/()'"])(?:[^\s/()'"]+\/)*([^\s/()'"]*)/g, '$1$2')
    .replace(/(^|[\s('"])(?:[^\s/()'"]+\/)+([^\s/()'"]+\.[A-Za-z0-9]{1,5})(?=$|[\s)'",:;])/g, '$1$2');
}

function runSummary(s: IngestSummary): IngestRunSummary {
  return {
    published: s.published,
    added: s.added.map(fileName),
    updated: s.updated.map(fileName),
    unchanged: s.unchanged,
    removed: s.removed.map(fileName),
    failed: s.failed.map((f) => ({ file: fileName(f.source), code: f.code, reason: withoutPaths(f.message.split(f.source).join(fileName(f.source))) })),
    documents: s.documents,
    procedures: s.procedures,
  };
}

export function createAdminBackend(deps: AdminBackendDeps): AdminBackend {
  const jobs = deps.jobs ?? createMemoryIngestJobStore();
  // This replica's run as it is now; the store has it as of its last save.
  const live = new Map<string, IngestJobView>();
  const uploadRoot = path.resolve(deps.uploadDir) + path.sep;
  const isUpload = (source: string) => path.resolve(deps.baseDir, source).startsWith(uploadRoot);
  // Ids name a file without its folder; an upload and a bundled file of the same name stay apart.
  const sourceId = (source: string) => `${isUpload(source) ? 'upload:' : ''}${fileName(source)}`;
  let running: string | null = null;

  async function run(prune: boolean): Promise<{ jobId: string }> {
    if (running) throw ingestBusy();
    const id = randomUUID();
    const job: IngestJobView = { id, status: 'running', startedAt: new Date().toISOString() };
    running = id;
    // Another replica's run: the admin is told at once, as for a run of this one.
    const held = await (deps.ingestLock?.tryTake() ?? Promise.resolve(undefined)).catch((e: unknown) => {
      running = null;
      throw e;
    });
    if (held === null) {
      running = null;
      throw ingestBusy();
    }
    const release = () => held?.release().catch((err: unknown) => deps.logger?.warn({ err, job: id }, 'ingest lock not released; it goes with its connection'));
    // Recorded before it starts: a job that cannot be recorded is not run (the admin is told).
    await jobs.save(job).catch(async (e: unknown) => {
      running = null;
      await release();
      throw e;
    });
    live.set(id, job);
    const progress = progressSaver(jobs, job, (err) => deps.logger?.warn({ err, job: id }, 'ingest job progress not saved'));
    const once = () =>
      deps
        .ingest({
          prune,
          onProgress: (p) => {
            job.progress = p;
            progress.changed();
          },
        })
        .catch((e: Error): IngestRunResult => {
          deps.logger?.error({ err: e, job: id }, 'ingest run could not be started');
          return { exitCode: 1, error: e.message };
        });
    // A run that died on a file has quarantined it: run again at once, so that what was uploaded
    // beside it is published in this job, and the file is reported among the failed.
    const untilNoneQuarantined = async (): Promise<IngestRunResult> => {
      for (let quarantined = 0; ; ) {
        const result = await once();
        if (!result.quarantined) return result;
        deps.logger?.warn({ job: id, file: fileName(result.quarantined.source), code: result.quarantined.code }, 'ingest run died on a file: quarantined, running again without it');
        if (++quarantined >= MAX_QUARANTINES_PER_JOB) return result;
      }
    };
    void untilNoneQuarantined()
      .then(async (result) => {
        const ok = result.exitCode === 0 || result.exitCode === 2;
        // Switch to the new version before reporting success, so "succeeded" means it is served.
        if (ok) await deps.live.refresh().catch((e: Error) => deps.logger?.error({ err: e }, 'new index could not be loaded'));
        job.status = ok ? 'succeeded' : 'failed';
        job.finishedAt = new Date().toISOString();
        if (ok && result.summary) job.summary = { ...runSummary(result.summary), redefinitions: redefinitions() };
        if (!ok) job.error = withoutPaths(result.error ?? `exit ${result.exitCode}`);
        await release();
        running = null;
        deps.onRun?.(job.status);
        deps.logger?.info({ job: id, status: job.status, exit: result.exitCode }, 'ingest run finished');
        await progress.flush();
        await jobs.save(job).catch((err: unknown) => deps.logger?.error({ err, job: id }, 'ingest job result not saved'));
        live.delete(id);
      });
    return { jobId: id };
  }

  /** The served version's redefinitions, naming uploads by file name only. */
  function redefinitions(): RedefinitionView[] {
    return (deps.live.current()?.redefinitions ?? []).map((r) => ({
      code: r.code,
      name: r.name,
      file: fileName(r.source),
      fingerprint: r.fingerprint,
      ...(r.bundledUrl ? { bundledUrl: r.bundledUrl } : {}),
      ...(r.uploadUrl ? { uploadUrl: r.uploadUrl } : {}),
      changed: r.changed,
      status: r.confirmed ? 'confirmed' : 'pending',
    }));
  }

  /** Every document with the source it came from (kept here: the view carries only the file name). */
  async function listWithSources(): Promise<Array<{ view: AdminDocumentView; source: string }>> {
    const k = deps.live.current();
    const manifest = await deps.store.manifest();
    const out: Array<{ view: AdminDocumentView; source: string }> = [];
    const add = (source: string, view: Omit<AdminDocumentView, 'file' | 'removable'>) =>
      out.push({ source, view: { ...view, file: fileName(source), removable: isUpload(source) } });
    for (const d of k?.snapshot.records.documents ?? []) {
      add(d.source, {
        id: d.id,
        title: d.title,
        ...(d.number ? { number: d.number } : {}),
        ...(d.date ? { date: d.date } : {}),
        kind: d.summaryOnly ? 'references' : 'document',
        status: 'indexed',
        ...(d.ocr ? { scan: scanView(d.ocr) } : {}),
      });
    }
    for (const [source, entry] of Object.entries(manifest?.sources ?? {})) {
      if (entry.kind === 'catalogue') add(source, { id: `catalogue:${sourceId(source)}`, title: `${entry.procedureCodes.length} thủ tục`, kind: 'catalogue', status: 'indexed' });
    }
    const failures = [...(manifest?.failures ?? [])];
    // A quarantined file is failed even when no run has published since it was set aside.
    for (const q of (await deps.quarantine?.list()) ?? []) if (!failures.some((f) => f.source === q.source)) failures.push({ source: q.source, code: q.code, message: q.reason });
    for (const f of failures) {
      add(f.source, { id: `failed:${sourceId(f.source)}`, title: fileName(f.source), kind: 'document', status: 'failed', error: withoutPaths(`${f.code}: ${f.message.split(f.source).join(fileName(f.source))}`) });
    }
    // Uploaded but not ingested yet.
    const known = new Set(out.map((d) => path.resolve(deps.baseDir, d.source)));
    for (const name of await fs.readdir(deps.uploadDir).catch(() => [] as string[])) {
      if (name.startsWith('.') || name.endsWith('.meta.json') || name.endsWith(correctionFileOf(''))) continue;
      const abs = path.join(deps.uploadDir, name);
      if (!known.has(abs)) add(path.relative(deps.baseDir, abs), { id: `pending:${name}`, title: name, kind: 'document', status: 'pending' });
    }
    return out;
  }

  // A saved correction is indexed by a run started as an upload's is; none when one is going.
  const scans = createScanCorrections({
    live: deps.live,
    baseDir: deps.baseDir,
    startIngest: () => (running ? null : run(false)),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });

  return {
    scanText: scans.scanText,
    saveCorrection: scans.saveCorrection,
    async saveUpload(name, bytes) {
      await fs.mkdir(deps.uploadDir, { recursive: true });
      const target = path.join(deps.uploadDir, name);
      // Write beside, then rename: a half-written upload is never picked up by an ingest. Each
      // upload has its own temporary name (parallel uploads of one name shared one and failed
      // with ENOENT), not derived from the name so it stays within the file system's limit; the
      // renames are atomic, so the last complete write wins.
      const tmp = path.join(deps.uploadDir, `.upload-${randomUUID()}.part`);
      try {
        await fs.writeFile(tmp, bytes);
        await fs.rename(tmp, target);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      return { name, path: `uploads/${name}` };
    },
    startIngest: () => run(false),
    listRedefinitions: async () => redefinitions(),
    async confirmRedefinition(which) {
      const found = redefinitions().find((r) => r.code === which.code && r.file === which.file && r.fingerprint === which.fingerprint);
      // Only a version the admin was shown: an upload changed since is listed again, not confirmed blind.
      if (!found || !deps.confirmations) return false;
      await deps.confirmations.confirm({ code: found.code, file: found.file, fingerprint: found.fingerprint });
      deps.live.rebuild();
      deps.logger?.info({ code: found.code, file: found.file }, 'upload confirmed over the bundled procedure');
      return true;
    },
    ingestJob: (id) => live.get(id) ?? jobs.get(id),
    listDocuments: async () => (await listWithSources()).map((d) => d.view),
    async removeDocument(id) {
      const doc = (await listWithSources()).find((d) => d.view.id === id);
      // Only uploads can be removed from here; bundled data is changed through the repository.
      if (!doc?.view.removable) return false;
      const abs = path.resolve(deps.baseDir, doc.source);
      await fs.rm(abs, { force: true });
      await fs.rm(`${abs}.meta.json`, { force: true });
      await fs.rm(correctionFileOf(abs), { force: true });
      if (!running) void run(true).catch((err: unknown) => deps.logger?.error({ err }, 'ingest run after a removal not started'));
      return true;
    },
  };
}
