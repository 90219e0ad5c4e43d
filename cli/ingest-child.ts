// An ingest run in a child process within a budget (a V8 heap limit, a time limit per file and
// one per run), supervised from outside: the service's admin runs and `npm run ingest` both run
// their work this way, so a hostile file takes down the child, never the server or the machine.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createFileQuarantine, quarantineFile, type EmbedderConfig, type IngestSummary, type QuarantineEntry } from '../ingest/index.js';
import type { IngestRunner } from '../server/admin-backend.js';

/** What an ingest run needs of the configuration, handed whole to the child (cli/ingest.ts --config-stdin). */
export interface IngestSettings {
  indexDir: string;
  paths: string[];
  baseDir: string;
  embedder: EmbedderConfig;
}

/** What one admin run may use before it is stopped (config.ts: INGEST_MAX_MEMORY_MB, INGEST_FILE_TIMEOUT_MS, INGEST_TIMEOUT_MS). */
export interface IngestBudget {
  /** The child's V8 heap limit (--max-old-space-size), MB. */
  maxMemoryMb: number;
  /** Longest one file may be read, ms: past it the child is killed and the file quarantined. */
  fileTimeoutMs: number;
  /** Longest a whole run may take, ms: past it the run is stopped, nothing is quarantined. */
  timeoutMs: number;
  /** Extra node flags for the child (tests preload a loader that never finishes). */
  nodeArgs?: string[] | undefined;
}

/** A run stopped after its time budget gets this long to stop cleanly (lock released, draft removed) before it is killed. */
const STOP_GRACE_MS = 5000;

type Death = 'memory' | 'file-time' | 'run-time';

/** A budget's length as people say it: seconds up to two minutes, then minutes. */
const spell = (ms: number): { en: string; vi: string } =>
  ms < 120_000 ? { en: `${Math.round(ms / 1000)} s`, vi: `${Math.round(ms / 1000)} giây` } : { en: `${Math.round(ms / 60_000)} min`, vi: `${Math.round(ms / 60_000)} phút` };

/** The reason a file is quarantined for, in English and Vietnamese, naming the file as the loaders' errors do. */
function quarantineReason(source: string, death: 'memory' | 'file-time', budget: IngestBudget): string {
  const keep = 'it is quarantined and skipped until the file changes or is removed';
  const giu = 'tệp bị cách ly và bỏ qua cho đến khi được thay đổi hoặc xoá';
  return death === 'memory'
    ? `${source}: reading this file took the ingest over its memory budget (${budget.maxMemoryMb} MB); ${keep}. / Đọc tệp này làm tiến trình nạp dữ liệu vượt giới hạn bộ nhớ (${budget.maxMemoryMb} MB): ${giu}.`
    : `${source}: reading this file took longer than ${spell(budget.fileTimeoutMs).en}, the time budget of one file; ${keep}. / Đọc tệp này quá ${spell(budget.fileTimeoutMs).vi} (giới hạn cho mỗi tệp): ${giu}.`;
}

/** Why a run died with no file to blame (or stopped as a whole), in English and Vietnamese. */
function runDeathMessage(death: Death, phase: string | undefined, file: string | undefined, budget: IngestBudget): string {
  const doing: Record<string, string> = { scan: 'scanning', load: 'reading', embed: 'embedding', index: 'indexing', write: 'writing', done: 'finishing' };
  const during = file ? ` while reading ${file}` : phase && doing[phase] ? ` while ${doing[phase]}` : '';
  const limit = spell(death === 'file-time' ? budget.fileTimeoutMs : budget.timeoutMs);
  return death !== 'memory'
    ? `The ingest took longer than its time budget (${limit.en}) and was stopped${during}; the index was left as it was. / Lần nạp dữ liệu vượt quá thời gian cho phép (${limit.vi}) nên đã dừng; chỉ mục giữ nguyên.`
    : `The ingest ran out of memory (${budget.maxMemoryMb} MB)${during}; the index was left as it was. / Tiến trình nạp dữ liệu hết bộ nhớ (${budget.maxMemoryMb} MB); chỉ mục giữ nguyên.`;
}

/**
 * Admin ingest runs in a child process (the PDF/DOCX parsers and the embedding stay out of the
 * serving process), given the service's resolved settings on its standard input: it never reads
 * the environment, so it indexes with the embedder the service serves with. The child is the
 * compiled CLI when this file is compiled, the TypeScript one under tsx otherwise.
 *
 * The child runs within a budget: a V8 heap limit, a time limit per file and one per run. It says
 * which file its loader is on; when it dies of its memory or its per-file time while on a file,
 * that file is quarantined (skipped by later runs until it changes) and the result says so, so
 * that the next run publishes everything else.
 */
export function ingestInChild(settings: IngestSettings, budget: IngestBudget): IngestRunner {
  const self = fileURLToPath(import.meta.url);
  const compiled = self.endsWith('.js');
  const cli = path.join(path.dirname(self), compiled ? 'ingest.js' : 'ingest.ts');
  const quarantine = createFileQuarantine(quarantineFile(settings.indexDir));
  return ({ prune, rebuild, onProgress, signal }) =>
    new Promise((resolve, reject) => {
      const args = [
        `--max-old-space-size=${budget.maxMemoryMb}`,
        // tsx by its own path: the child's working folder (the base folder) need not hold node_modules.
        ...(compiled ? [] : ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href]),
        ...(budget.nodeArgs ?? []),
        cli,
        '--json',
        '--config-stdin',
        ...(prune ? ['--prune'] : []),
        ...(rebuild ? ['--rebuild'] : []),
      ];
      const child = spawn(process.execPath, args, { cwd: settings.baseDir, stdio: ['pipe', 'pipe', 'pipe'] });
      // A child that dies before reading its settings (EPIPE) reports through its exit code and stderr.
      child.stdin.on('error', () => undefined);
      child.stdin.end(JSON.stringify(settings));
      let pending = '';
      let last = '';
      let err = '';
      let phase: string | undefined;
      let reading: { source: string; hash: string } | null = null;
      let killedFor: Death | null = null;
      let fileTimer: NodeJS.Timeout | undefined;
      const kill = (why: Death, signal: NodeJS.Signals) => {
        killedFor ??= why;
        child.kill(signal);
      };
      // Stopped from outside (the CLI got SIGTERM/SIGINT): the child stops cleanly and exits 130.
      const stop = () => child.kill('SIGTERM');
      signal?.addEventListener('abort', stop, { once: true });
      child.on('exit', () => signal?.removeEventListener('abort', stop));
      // A loader stuck on one file (CPU or a hung parser) is killed outright: it would not see a polite stop.
      const armFileTimer = () => {
        clearTimeout(fileTimer);
        fileTimer = setTimeout(() => kill('file-time', 'SIGKILL'), budget.fileTimeoutMs);
      };
      const runTimer = setTimeout(() => {
        kill('run-time', 'SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
      }, budget.timeoutMs);
      // The child prints {"progress": …} and {"reading": …} lines while it works and its summary as the last line.
      child.stdout.on('data', (d: Buffer) => {
        const lines = (pending + d.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim())) {
          last = line;
          try {
            // A progress line may also name the file and the page a scan's OCR has read (cli/ingest.ts).
            const parsed = JSON.parse(line) as { progress?: Parameters<typeof onProgress>[0] & { current?: string; ocr?: unknown }; reading?: typeof reading };
            if (parsed.progress) {
              phase = parsed.progress.phase;
              onProgress(parsed.progress);
              // A scan whose OCR reads page after page is not stuck: its clock starts again at each page.
              // OCR's own budget stops the file, keeping the pages read for the next run; killed here,
              // it would be quarantined and never read on.
              if (reading && parsed.progress.ocr && parsed.progress.current === reading.source) armFileTimer();
            }
            if (parsed.reading !== undefined) {
              reading = parsed.reading;
              clearTimeout(fileTimer);
              if (reading) armFileTimer();
            }
          } catch {
            // Not ours (a library printing to stdout): only JSON lines count.
          }
        }
      });
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      child.on('error', (e) => {
        clearTimeout(runTimer);
        clearTimeout(fileTimer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(runTimer);
        clearTimeout(fileTimer);
        // V8 out of its heap prints this and aborts (SIGABRT).
        const death: Death | null = killedFor ?? (/JavaScript heap out of memory/.test(err) || signal === 'SIGABRT' ? 'memory' : null);
        const exitCode = code ?? 1;
        if (death) {
          const blamed = death !== 'run-time' ? reading : null;
          if (!blamed) {
            resolve({ exitCode, error: runDeathMessage(death, phase, reading?.source, budget) });
            return;
          }
          const entry: QuarantineEntry = {
            source: blamed.source,
            hash: blamed.hash,
            code: death === 'memory' ? 'MEMORY_BUDGET' : 'TIME_BUDGET',
            reason: quarantineReason(blamed.source, death === 'memory' ? 'memory' : 'file-time', budget),
            at: new Date().toISOString(),
          };
          quarantine.add(entry).then(
            () => resolve({ exitCode, error: entry.reason, quarantined: entry }),
            (e: unknown) => reject(new Error(`${blamed.source} could not be quarantined`, { cause: e })),
          );
          return;
        }
        if (pending.trim()) last = pending;
        let out: (IngestSummary & { error?: { message?: string } }) | undefined;
        try {
          out = JSON.parse(last) as typeof out;
        } catch {
          out = undefined;
        }
        const summary = out && Array.isArray(out.added) ? out : undefined;
        resolve({ exitCode, summary, error: summary ? undefined : (out?.error?.message ?? err.split('\n').filter(Boolean).pop() ?? `exit ${exitCode}`) });
      });
    });
}
