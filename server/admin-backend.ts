// The admin backend over the real index: uploads land in the data folder, an ingest runs in
// a child process (the service keeps answering from the current version meanwhile), and
// the live knowledge switches to the new version when the run has published it.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveKnowledge } from './answer/live-knowledge.js';
import { ingestBusy } from './http/errors.js';
import type { AdminBackend, AdminDocumentView, IngestJobView } from './http/admin.js';
import type { IngestSummary } from '../ingest/pipeline.js';
import type { IndexStore } from '../ingest/store.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface AdminBackendDeps {
  store: IndexStore;
  live: LiveKnowledge;
  /** Folders ingested on every run (the data folder first). */
  ingestPaths: string[];
  /** Where uploads are saved (inside the data folder, so later runs keep them). */
  uploadDir: string;
  /** Called after each run, for metrics. */
  onRun?: (outcome: 'succeeded' | 'failed') => void;
  logger?: { info(o: object, m: string): void; error(o: object, m: string): void };
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
}

const fileName = (source: string): string => path.basename(source);

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
  const jobs = new Map<string, IngestJobView>();
  const uploadRoot = path.resolve(deps.uploadDir) + path.sep;
  const isUpload = (source: string) => path.resolve(projectRoot, source).startsWith(uploadRoot);
  // Ids name a file without its folder; an upload and a bundled file of the same name stay apart.
  const sourceId = (source: string) => `${isUpload(source) ? 'upload:' : ''}${fileName(source)}`;
  let running: string | null = null;

  function run(extraArgs: string[] = []): { jobId: string } {
    if (running) throw ingestBusy();
    const id = randomUUID();
    const job: IngestJobView = { id, status: 'running', startedAt: new Date().toISOString() };
    jobs.set(id, job);
    running = id;
    const args = ['--import', 'tsx', path.join(projectRoot, 'ingest/cli.ts'), '--json', '--index', deps.store.dir, ...extraArgs, ...deps.ingestPaths];
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    let last = '';
    let err = '';
    // The child prints {"progress": …} lines while it works and its summary as the last line.
    child.stdout.on('data', (d: Buffer) => {
      const lines = (pending + d.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim())) {
        last = line;
        try {
          const parsed = JSON.parse(line) as { progress?: IngestJobView['progress'] };
          if (parsed.progress) job.progress = parsed.progress;
        } catch {
          // Not ours (a library printing to stdout): only JSON lines count.
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('close', async (code) => {
      if (pending.trim()) last = pending;
      let summary: (IngestSummary & { error?: { message?: string } }) | undefined;
      try {
        summary = JSON.parse(last);
      } catch {
        summary = undefined;
      }
      const ok = code === 0 || code === 2;
      // Switch to the new version before reporting success, so "succeeded" means it is served.
      if (ok) await deps.live.refresh().catch((e: Error) => deps.logger?.error({ err: e }, 'new index could not be loaded'));
      job.status = ok ? 'succeeded' : 'failed';
      job.finishedAt = new Date().toISOString();
      if (ok && summary && Array.isArray(summary.added)) job.summary = runSummary(summary);
      if (!ok) job.error = withoutPaths(summary?.error?.message ?? err.split('\n').filter(Boolean).pop() ?? `exit ${code}`);
      running = null;
      deps.onRun?.(job.status);
      deps.logger?.info({ job: id, status: job.status, exit: code }, 'ingest run finished');
      // Keep the last 20 jobs.
      for (const k of [...jobs.keys()].slice(0, Math.max(0, jobs.size - 20))) jobs.delete(k);
    });
    return { jobId: id };
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
      });
    }
    for (const [source, entry] of Object.entries(manifest?.sources ?? {})) {
      if (entry.kind === 'catalogue') add(source, { id: `catalogue:${sourceId(source)}`, title: `${entry.procedureCodes.length} thủ tục`, kind: 'catalogue', status: 'indexed' });
    }
    for (const f of manifest?.failures ?? []) {
      add(f.source, { id: `failed:${sourceId(f.source)}`, title: fileName(f.source), kind: 'document', status: 'failed', error: withoutPaths(`${f.code}: ${f.message.split(f.source).join(fileName(f.source))}`) });
    }
    // Uploaded but not ingested yet.
    const known = new Set(out.map((d) => path.resolve(projectRoot, d.source)));
    for (const name of await fs.readdir(deps.uploadDir).catch(() => [] as string[])) {
      if (name.startsWith('.') || name.endsWith('.meta.json')) continue;
      const abs = path.join(deps.uploadDir, name);
      if (!known.has(abs)) add(path.relative(projectRoot, abs), { id: `pending:${name}`, title: name, kind: 'document', status: 'pending' });
    }
    return out;
  }

  return {
    async saveUpload(name, bytes) {
      await fs.mkdir(deps.uploadDir, { recursive: true });
      const target = path.join(deps.uploadDir, name);
      // Write beside, then rename: a half-written upload is never picked up by an ingest.
      const tmp = path.join(deps.uploadDir, `.${name}.${process.pid}.part`);
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, target);
      return { name, path: `uploads/${name}` };
    },
    startIngest: () => run(),
    ingestJob: (id) => jobs.get(id),
    listDocuments: async () => (await listWithSources()).map((d) => d.view),
    async removeDocument(id) {
      const doc = (await listWithSources()).find((d) => d.view.id === id);
      // Only uploads can be removed from here; bundled data is changed through the repository.
      if (!doc?.view.removable) return false;
      const abs = path.resolve(projectRoot, doc.source);
      await fs.rm(abs, { force: true });
      await fs.rm(`${abs}.meta.json`, { force: true });
      if (!running) run(['--prune']);
      return true;
    },
  };
}
