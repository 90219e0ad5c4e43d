// `npm run ingest -- [--index DIR] [--prune] [--rebuild] [--json] [PATH ...]`
// Builds or updates the index; a progress bar on a terminal, a line per page a scan's OCR reads
// (also off a terminal: a long scan takes minutes), a summary at the end.
// Exit codes: 0 done; 2 done but some files failed or were skipped (not read: listed with the
// reason); 1 error; 3 another ingest is running; 130 stopped by a signal.
// The work runs in a child process of this same CLI within the admin runs' budget
// (INGEST_MAX_MEMORY_MB, INGEST_FILE_TIMEOUT_MS, INGEST_TIMEOUT_MS): a file that exhausts it is
// quarantined and the run goes on without it, so a hostile file cannot take the machine down.
import { text } from 'node:stream/consumers';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.js';
import { createEmbeddings, createFileIndexStore, createFileQuarantine, IndexBusyError, quarantineFile, runIngest, type EmbedderConfig, type IngestProgress, type IngestSummary, type OcrPageProgress } from '../ingest/index.js';
import { ingestInChild, type IngestBudget, type IngestSettings } from './ingest-child.js';

const HELP = `Usage: npm run ingest -- [options] [PATH ...]

Adds or updates what it finds under PATH (default: DATA_DIR, "data/") in the index.
Unchanged files (same content hash) are skipped.

Options:
  --index DIR   index folder (default: INDEX_DIR, ".index")
  --prune       drop documents whose source file is gone
  --rebuild     start afresh (re-read and re-embed everything)
  --json        print progress as JSON lines (each page a scan's OCR reads among them) and
                one JSON summary object as the last line
  --config-stdin  read the settings (index folder, paths, embedder) as JSON from standard
                input instead of the environment: how the service starts its admin runs
                (implies --in-process: the service has set the limits)
  --in-process  do the work in this process, without the memory and time limits of the
                child process (INGEST_MAX_MEMORY_MB, INGEST_FILE_TIMEOUT_MS, INGEST_TIMEOUT_MS)
  -h, --help    this help
`;

/** The settings the service hands its admin runs, checked: they cross a process boundary. */
const Settings = z.object({
  indexDir: z.string().min(1),
  paths: z.array(z.string().min(1)).min(1),
  baseDir: z.string().min(1),
  embedder: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('hashing'), dimension: z.number().int().positive().optional() }),
    z.object({ kind: z.literal('openai'), baseUrl: z.string(), model: z.string(), apiKey: z.string().optional(), dimension: z.number().int().positive() }),
    z.object({ kind: z.literal('transformers'), modelDir: z.string(), dimension: z.number().int().positive() }),
  ]),
});

/** The run's settings; `database` (DATABASE_URL): replicas share the index, and hear of what this run publishes. */
type CliSettings = IngestSettings & { budget?: IngestBudget; database?: string };

/** The settings from standard input (the service's), else from the environment like `npm start` (with the run's budget). */
async function readSettings(fromStdin: boolean): Promise<CliSettings> {
  if (fromStdin) {
    const parsed = Settings.safeParse(JSON.parse(await text(process.stdin)));
    if (!parsed.success) throw new ConfigError(`Invalid settings on standard input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return { ...parsed.data, embedder: parsed.data.embedder as EmbedderConfig };
  }
  const config = loadConfig(process.env);
  return {
    indexDir: config.indexDir,
    paths: [config.dataDir],
    baseDir: config.baseDir,
    embedder: config.embedder,
    budget: config.ingestBudget,
    ...(config.database ? { database: config.database.url } : {}),
  };
}

/** "OCR data/cv.pdf: page 3/12": pages finish out of order when read in parallel, so the count is of pages done. */
const ocrLine = (p: IngestProgress, o: OcrPageProgress) => `OCR ${p.current ?? ''}: page ${o.done}/${o.pages}${o.cached ? ' (cached)' : ''}`;

/** A run that keeps dying on new files stops after this many quarantines (as the admin's jobs do). */
const MAX_QUARANTINES = 3;

function progressBar(p: IngestProgress): string {
  const width = 28;
  const ratio = p.total ? p.done / p.total : 0;
  const filled = Math.round(ratio * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const label = { scan: 'scanning', load: 'reading', embed: 'embedding', index: 'indexing', write: 'writing', compact: 'merging segments', done: 'done' }[p.phase];
  const count = p.total ? ` ${p.done}/${p.total}` : '';
  const cur = p.current ? ` ${p.current.length > 40 ? `…${p.current.slice(-39)}` : p.current}` : '';
  return `${label.padEnd(10)} ${bar}${count}${cur}`;
}

function printSummary(s: IngestSummary): void {
  const out = process.stderr;
  const secs = (s.elapsedMs / 1000).toFixed(2);
  out.write(
    `\n${s.published ? `Published index version ${s.version}` : 'Index unchanged (nothing new to publish)'} in ${secs} s\n` +
      (s.compaction ? `  served after ${(s.publishedMs / 1000).toFixed(2)} s; then ${s.compaction.segments === 1 ? 'one segment' : `${s.compaction.segments} segments`} after merging (${(s.compaction.ms / 1000).toFixed(2)} s)\n` : '') +
      `  files: ${s.added.length} added, ${s.updated.length} updated, ${s.unchanged} unchanged, ${s.removed.length} removed, ${s.failed.length} failed, ${s.skipped.length} skipped\n` +
      `  index: ${s.chunks} chunks (${s.newChunks} new), ${s.procedures} procedures, ${s.documents} documents, ${s.tasks} tasks\n`,
  );
  if (s.records.total) {
    const pct = ((100 * s.records.clean) / s.records.total).toFixed(1);
    out.write(`  catalogue records read: ${s.records.total}, parsed cleanly ${s.records.clean} (${pct}%), in part ${s.records.partial}\n`);
  }
  if (s.warnings.length) out.write(`  warnings: ${s.warnings.length} (first: ${s.warnings[0]})\n`);
  for (const f of s.failed) out.write(`  FAILED ${f.source} [${f.code}]: ${f.message}\n`);
  for (const f of s.skipped) out.write(`  SKIPPED ${f.source} [${f.code}]: ${f.reason}\n`);
  const { hidden, lockFiles, readmes } = s.ignored;
  if (hidden + lockFiles + readmes) {
    out.write(`  left out on purpose: ${hidden} hidden, ${lockFiles} editor lock ${lockFiles === 1 ? 'file' : 'files'}, ${readmes} ${readmes === 1 ? 'README' : 'READMEs'}\n`);
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      index: { type: 'string' },
      prune: { type: 'boolean', default: false },
      rebuild: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'config-stdin': { type: 'boolean', default: false },
      'in-process': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  let settings: CliSettings;
  try {
    settings = await readSettings(values['config-stdin']);
  } catch (e) {
    const err = e as Error & { code?: string };
    process.stderr.write(`Ingest failed: ${err.message}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify({ error: { code: err.code ?? 'CONFIG_INVALID', message: err.message } })}\n`);
    return 1;
  }
  const indexDir = values.index ? path.resolve(values.index) : settings.indexDir;

  // SIGTERM/SIGINT stop cleanly: the run aborts between steps, the unfinished version
  // is removed, the lock released; the served index is untouched.
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('Ingest stopped by signal'));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (values['config-stdin']) {
    // A child whose supervisor was killed outright (SIGKILL) stops cleanly instead of running on unwatched.
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop(), 1000).unref();
  }

  const tty = process.stderr.isTTY && !values.json;
  let last = 0;
  let lastPhase = '';
  let lastLine = 0;
  const onProgress = (p: IngestProgress) => {
    const ocr = p.ocr;
    if (ocr) {
      // Every page of a scan, not throttled: seconds apart, and on a long file the only sign of life.
      if (values.json) process.stdout.write(`${JSON.stringify({ progress: { phase: p.phase, done: p.done, total: p.total, current: p.current, ocr } })}\n`);
      else if (tty) process.stderr.write(`\r\x1b[K${ocrLine(p, ocr)}\n${progressBar(p)}`); // the line above the bar
      else process.stderr.write(`${ocrLine(p, ocr)}\n`);
      return;
    }
    // Under --json the admin backend follows the run: a JSON line at each phase, and a few within one.
    if (values.json && (p.phase !== lastPhase || Date.now() - lastLine > 250)) {
      process.stdout.write(`${JSON.stringify({ progress: { phase: p.phase, done: p.done, total: p.total } })}\n`);
      lastPhase = p.phase;
      lastLine = Date.now();
    }
    if (!tty) return;
    const now = Date.now();
    if (now - last < 80 && p.phase !== 'done') return;
    last = now;
    process.stderr.write(`\r${progressBar(p)}\x1b[K`);
  };
  const paths = positionals.length ? positionals : settings.paths;
  if (!settings.database) return work(paths, settings, indexDir, values, controller, tty, onProgress);
  // Replicas: one ingest at a time among them (an admin's run on any replica included), and the
  // version this run publishes announced to all of them.
  const replicas = await (await import('../service.js')).replicaIngest(settings.database);
  let hold: Awaited<ReturnType<typeof replicas.lock.tryTake>>;
  try {
    hold = await replicas.lock.tryTake();
  } catch (e) {
    process.stderr.write(`Ingest failed: ${(e as Error).message}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify({ error: { code: 'STATE_UNAVAILABLE', message: (e as Error).message } })}\n`);
    return 1;
  }
  if (!hold) {
    const message = 'Another ingest is running on one of the replicas. Wait for it to finish and try again.';
    process.stderr.write(`Ingest failed: ${message}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify({ error: { code: 'INGEST_BUSY', message } })}\n`);
    return 3;
  }
  const index = createFileIndexStore(indexDir);
  const before = await index.currentVersion();
  try {
    return await work(paths, settings, indexDir, values, controller, tty, onProgress);
  } finally {
    await hold.release();
    const after = await index.currentVersion();
    if (after && after !== before) {
      await replicas.announce(after).catch((e: Error) => process.stderr.write(`Version ${after} published but not announced (${e.message}): the replicas load it at their next check.\n`));
    }
  }
}

/** The run itself, in a child within the budget or in this process. */
async function work(
  paths: string[],
  settings: CliSettings,
  indexDir: string,
  values: { prune: boolean; rebuild: boolean; json: boolean; 'in-process': boolean },
  controller: AbortController,
  tty: boolean,
  onProgress: (p: IngestProgress) => void,
): Promise<number> {
  if (settings.budget && !values['in-process']) {
    // The child works from the base folder: it is given the paths as this shell meant them.
    // The child is handed what the run needs only (never DATABASE_URL: the announcing is done here).
    const run = ingestInChild({ indexDir, paths: paths.map((p) => path.resolve(p)), baseDir: settings.baseDir, embedder: settings.embedder }, settings.budget);
    return supervise(run, { prune: values.prune, rebuild: values.rebuild, json: values.json, tty, onProgress, signal: controller.signal });
  }
  const store = createFileIndexStore(indexDir);
  const quarantine = createFileQuarantine(quarantineFile(indexDir));
  const embedder = await createEmbeddings(settings.embedder);
  try {
    // Under --json, each file a loader works on, as it starts and ends: if the process dies of its
    // memory or time budget, the service that started it knows which file to quarantine.
    const onReading = values.json ? (reading: { source: string; hash: string } | null) => process.stdout.write(`${JSON.stringify({ reading })}\n`) : undefined;
    const summary = await runIngest({ store, embedder, paths, baseDir: settings.baseDir, prune: values.prune, rebuild: values.rebuild, signal: controller.signal, onProgress, quarantine, ...(onReading ? { onReading } : {}) });
    if (tty) process.stderr.write('\r\x1b[K');
    printSummary(summary);
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary.exitCode;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    const err = e as Error & { code?: string };
    if (controller.signal.aborted) {
      process.stderr.write('Ingest stopped; the index was left as it was.\n');
      if (values.json) process.stdout.write(`${JSON.stringify({ error: { code: 'INGEST_ABORTED', message: 'stopped by signal' } })}\n`);
      return 130;
    }
    process.stderr.write(`Ingest failed: ${err.message}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify({ error: { code: err.code ?? 'INGEST_FAILED', message: err.message } })}\n`);
    return e instanceof IndexBusyError ? 3 : 1;
  }
}

/**
 * The run in the child, reported as the in-process run reports it (summary, failures, exit code).
 * A file that took the child over its budget is quarantined; the run starts again without it and
 * lists it among the failed (exit 2), as the admin's jobs do.
 */
async function supervise(
  run: ReturnType<typeof ingestInChild>,
  o: { prune: boolean; rebuild: boolean; json: boolean; tty: boolean; onProgress: (p: IngestProgress) => void; signal: AbortSignal },
): Promise<number> {
  for (let quarantined = 0; ; ) {
    const result = await run({ prune: o.prune, rebuild: o.rebuild, onProgress: o.onProgress, signal: o.signal });
    if (o.tty) process.stderr.write('\r\x1b[K');
    if (result.quarantined && ++quarantined < MAX_QUARANTINES && !o.signal.aborted) {
      process.stderr.write(`Quarantined ${result.quarantined.source} [${result.quarantined.code}]: ${result.quarantined.reason}\nRunning again without it.\n`);
      continue;
    }
    if (result.summary) {
      printSummary(result.summary);
      if (o.json) process.stdout.write(`${JSON.stringify(result.summary)}\n`);
      return result.exitCode;
    }
    const message = result.error ?? `exit ${result.exitCode}`;
    if (result.exitCode === 130 || o.signal.aborted) {
      process.stderr.write('Ingest stopped; the index was left as it was.\n');
      if (o.json) process.stdout.write(`${JSON.stringify({ error: { code: 'INGEST_ABORTED', message: 'stopped by signal' } })}\n`);
      return 130;
    }
    const code = result.exitCode === 3 ? 'INGEST_BUSY' : result.quarantined ? result.quarantined.code : 'INGEST_FAILED';
    process.stderr.write(`Ingest failed: ${message}\n`);
    if (o.json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    return result.exitCode === 3 ? 3 : 1;
  }
}

process.exitCode = await main();
