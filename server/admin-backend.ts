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

export function createAdminBackend(deps: AdminBackendDeps): AdminBackend {
  const jobs = new Map<string, IngestJobView>();
  let running: string | null = null;

  function run(extraArgs: string[] = []): { jobId: string } {
    if (running) throw ingestBusy();
    const id = randomUUID();
    const job: IngestJobView = { id, status: 'running', startedAt: new Date().toISOString() };
    jobs.set(id, job);
    running = id;
    const args = ['--import', 'tsx', path.join(projectRoot, 'ingest/cli.ts'), '--json', '--index', deps.store.dir, ...extraArgs, ...deps.ingestPaths];
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.on('close', async (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      let summary: unknown;
      try {
        summary = JSON.parse(last);
      } catch {
        summary = undefined;
      }
      const ok = code === 0 || code === 2;
      // Switch to the new version before reporting success, so "succeeded" means it is served.
      if (ok) await deps.live.refresh().catch((e: Error) => deps.logger?.error({ err: e.message }, 'new index could not be loaded'));
      job.status = ok ? 'succeeded' : 'failed';
      job.finishedAt = new Date().toISOString();
      if (summary !== undefined) job.summary = summary;
      if (!ok) job.error = (summary as { error?: { message?: string } })?.error?.message ?? err.split('\n').filter(Boolean).pop() ?? `exit ${code}`;
      running = null;
      deps.onRun?.(job.status);
      deps.logger?.info({ job: id, status: job.status, exit: code }, 'ingest run finished');
      // Keep the last 20 jobs.
      for (const k of [...jobs.keys()].slice(0, Math.max(0, jobs.size - 20))) jobs.delete(k);
    });
    return { jobId: id };
  }

  return {
    async saveUpload(name, bytes) {
      await fs.mkdir(deps.uploadDir, { recursive: true });
      const target = path.join(deps.uploadDir, name);
      // Write beside, then rename: a half-written upload is never picked up by an ingest.
      const tmp = path.join(deps.uploadDir, `.${name}.${process.pid}.part`);
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, target);
      return { name, path: path.relative(projectRoot, target) };
    },
    startIngest: () => run(),
    ingestJob: (id) => jobs.get(id),
    async listDocuments() {
      const k = deps.live.current();
      const manifest = await deps.store.manifest();
      const out: AdminDocumentView[] = [];
      for (const d of k?.snapshot.records.documents ?? []) {
        out.push({
          id: d.id,
          title: d.title,
          ...(d.number ? { number: d.number } : {}),
          ...(d.date ? { date: d.date } : {}),
          kind: d.summaryOnly ? 'references' : 'document',
          sourcePath: d.source,
          status: 'indexed',
        });
      }
      for (const [source, entry] of Object.entries(manifest?.sources ?? {})) {
        if (entry.kind === 'catalogue') out.push({ id: `catalogue:${source}`, title: `${entry.procedureCodes.length} thủ tục`, kind: 'catalogue', sourcePath: source, status: 'indexed' });
      }
      for (const f of manifest?.failures ?? []) out.push({ id: `failed:${f.source}`, title: path.basename(f.source), kind: 'document', sourcePath: f.source, status: 'failed', error: `${f.code}: ${f.message}` });
      // Uploaded but not ingested yet.
      const known = new Set(out.map((d) => d.sourcePath));
      for (const name of await fs.readdir(deps.uploadDir).catch(() => [] as string[])) {
        if (name.startsWith('.')) continue;
        const rel = path.relative(projectRoot, path.join(deps.uploadDir, name)).split(path.sep).join('/');
        if (!known.has(rel)) out.push({ id: `pending:${name}`, title: name, kind: 'document', sourcePath: rel, status: 'pending' });
      }
      return out;
    },
    async removeDocument(id) {
      const docs = await this.listDocuments();
      const doc = docs.find((d) => d.id === id);
      if (!doc) return false;
      const abs = path.resolve(projectRoot, doc.sourcePath);
      // Only uploads can be removed from here; bundled data is changed through the repository.
      if (!abs.startsWith(path.resolve(deps.uploadDir) + path.sep)) return false;
      await fs.rm(abs, { force: true });
      await fs.rm(`${abs}.meta.json`, { force: true });
      if (!running) run(['--prune']);
      return true;
    },
  };
}
