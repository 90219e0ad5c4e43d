// The index on disk: immutable versions (vectors, lexical, records, manifest) beside each
// other, a CURRENT pointer switched by an atomic rename, and a lock so two ingests cannot
// both write. Readers only ever see a complete version.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import type { Chunk, DocumentMeta, Procedure, Task } from '../domain/records.js';
import type { EmbedderIdentity } from './embeddings.js';
import { LexicalIndex } from './lexical.js';

const { HierarchicalNSW } = hnswlib;
export type VectorIndex = InstanceType<typeof HierarchicalNSW>;

export const INDEX_FORMAT = 1;

/** A chunk as stored: its vector's label and the source file it came from. */
export interface StoredChunk extends Chunk {
  label: number;
  source: string;
}

export type SourceKind = 'document' | 'catalogue' | 'references' | 'portal';

export interface SourceEntry {
  hash: string;
  /** Size and mtime when it was read: a cheap "unchanged" check before hashing. */
  stamp?: string;
  kind: SourceKind;
  ingestedAt: string;
  documentIds: string[];
  procedureCodes: string[];
  taskIds: string[];
  chunks: number;
  warnings: string[];
  stats?: { records: number; clean: number; partial: number };
}

export interface Manifest {
  format: number;
  version: string;
  createdAt: string;
  embedder: EmbedderIdentity;
  /** Version of the extraction code (parsers, chunking, tasks): a change re-reads every source. */
  pipeline: string;
  sources: Record<string, SourceEntry>;
  /** Files that could not be read in the run that made this version, with reasons. */
  failures: Array<{ source: string; code: string; message: string }>;
  counts: { sources: number; chunks: number; procedures: number; documents: number; tasks: number };
  /** Next free vector label; labels are never reused so old vectors can be kept. */
  nextLabel: number;
  /** Labels marked deleted in the vector index (compacted by a rebuild). */
  deletedLabels: number;
}

export type StoredProcedure = Procedure & { source: string };
export type StoredDocument = DocumentMeta & { source: string };
export type StoredTask = Task & { source: string };

export interface IndexRecords {
  procedures: StoredProcedure[];
  documents: StoredDocument[];
  tasks: StoredTask[];
}

/** One loaded, immutable version of the index. */
export interface IndexSnapshot {
  dir: string;
  version: string;
  manifest: Manifest;
  chunks: StoredChunk[];
  records: IndexRecords;
  vectors: VectorIndex;
  lexical: LexicalIndex;
}

export interface VersionContent {
  manifest: Omit<Manifest, 'version' | 'createdAt' | 'format'>;
  chunks: StoredChunk[];
  records: IndexRecords;
  vectors: VectorIndex;
  lexical: LexicalIndex;
}

export interface IndexLock {
  release(): Promise<void>;
}

/** The store interface: a server-based store (e.g. Postgres + pgvector) can replace the file one. */
export interface IndexStore {
  readonly dir: string;
  currentVersion(): Promise<string | null>;
  open(version?: string): Promise<IndexSnapshot | null>;
  /** Just the manifest of a version (cheap: enough to tell what changed). */
  manifest(version?: string): Promise<Manifest | null>;
  /** Write a complete version beside the others, then switch CURRENT to it atomically. */
  publish(content: VersionContent, signal?: AbortSignal): Promise<string>;
  lock(): Promise<IndexLock>;
  /** Remove unfinished version folders and all but the newest `keep` versions. */
  cleanup(keep?: number): Promise<void>;
}

export class IndexBusyError extends Error {
  override readonly name = 'IndexBusyError';
  readonly code = 'INGEST_BUSY';
  constructor(readonly holder: { pid: number; startedAt: string; host: string }) {
    super(`Another ingest is running (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}). Wait for it to finish and try again.`);
  }
}

export class IndexFormatError extends Error {
  override readonly name = 'IndexFormatError';
  readonly code = 'INDEX_UNREADABLE';
}

async function writeFileSynced(file: string, data: string | Buffer): Promise<void> {
  const fh = await fs.open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Chunks are stored as two files: their metadata as JSON lines (written in pieces: one
 * JSON.stringify of a million chunks would pass V8's largest string) and their texts as one
 * UTF-8 blob. Loading keeps the blob as bytes and decodes a text only when it is read:
 * start-up parses small lines, and texts cost about half the memory of JS strings.
 */
async function writeChunks(vdir: string, chunks: readonly StoredChunk[]): Promise<void> {
  const meta = await fs.open(path.join(vdir, 'chunks.jsonl'), 'w');
  const texts = await fs.open(path.join(vdir, 'texts.bin'), 'w');
  try {
    const PIECE = 2000;
    let offset = 0;
    for (let i = 0; i < chunks.length; i += PIECE) {
      const lines: string[] = [];
      const blobs: Buffer[] = [];
      for (const c of chunks.slice(i, i + PIECE)) {
        const bytes = Buffer.from(c.text, 'utf8');
        const { text: _text, ...rest } = c;
        lines.push(JSON.stringify({ ...rest, textAt: [offset, bytes.length] }));
        blobs.push(bytes);
        offset += bytes.length;
      }
      await meta.write(`${lines.join('\n')}\n`);
      await texts.write(Buffer.concat(blobs));
    }
    await meta.sync();
    await texts.sync();
  } finally {
    await meta.close();
    await texts.close();
  }
}

export async function readChunks(vdir: string): Promise<StoredChunk[]> {
  const missing = (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  };
  const [lines, blob] = await Promise.all([
    fs.readFile(path.join(vdir, 'chunks.jsonl'), 'utf8').catch(missing),
    fs.readFile(path.join(vdir, 'texts.bin')).catch(missing),
  ]);
  // Versions written before JSON lines hold one chunks.json array.
  if (lines === null) return JSON.parse(await fs.readFile(path.join(vdir, 'chunks.json'), 'utf8')) as StoredChunk[];
  const out: StoredChunk[] = [];
  let at = 0;
  while (at < lines.length) {
    const end = lines.indexOf('\n', at);
    const line = lines.slice(at, end < 0 ? lines.length : end);
    at = end < 0 ? lines.length : end + 1;
    if (!line) continue;
    const c = JSON.parse(line) as StoredChunk & { textAt?: [number, number] };
    if (c.textAt && blob) {
      const [off, len] = c.textAt;
      delete c.textAt;
      // An own, enumerable accessor: spreading or serialising a chunk still yields its text.
      Object.defineProperty(c, 'text', { get: () => blob.toString('utf8', off, off + len), enumerable: true, configurable: true });
    }
    out.push(c);
  }
  return out;
}

export function newVectorIndex(dimension: number, capacity: number): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimension);
  // Fixed seed: the same input builds the same graph, so benchmarks and tests repeat.
  index.initIndex({ maxElements: Math.max(capacity, 16), m: 16, efConstruction: 100, randomSeed: 42 });
  return index;
}

export function createFileIndexStore(dir: string): IndexStore {
  const versionsDir = path.join(dir, 'versions');
  const currentFile = path.join(dir, 'CURRENT');
  const lockFile = path.join(dir, 'ingest.lock');

  async function currentVersion(): Promise<string | null> {
    try {
      const v = (await fs.readFile(currentFile, 'utf8')).trim();
      return v || null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async function open(version?: string): Promise<IndexSnapshot | null> {
    const v = version ?? (await currentVersion());
    if (!v) return null;
    const vdir = path.join(versionsDir, v);
    try {
      const manifest = JSON.parse(await fs.readFile(path.join(vdir, 'manifest.json'), 'utf8')) as Manifest;
      if (manifest.format !== INDEX_FORMAT) throw new IndexFormatError(`Index format ${manifest.format} is not supported (expected ${INDEX_FORMAT}); run ingest with --rebuild.`);
      const [chunks, recordsText, lexBuf] = await Promise.all([
        readChunks(vdir),
        fs.readFile(path.join(vdir, 'records.json'), 'utf8'),
        fs.readFile(path.join(vdir, 'lexical.bin')),
      ]);
      let vectors = newVectorIndex(manifest.embedder.dimension, 16);
      if (manifest.nextLabel > 0) {
        vectors = new HierarchicalNSW('cosine', manifest.embedder.dimension);
        await vectors.readIndex(path.join(vdir, 'vectors.hnsw'));
      }
      return {
        dir: vdir,
        version: v,
        manifest,
        chunks,
        records: JSON.parse(recordsText) as IndexRecords,
        vectors,
        lexical: LexicalIndex.deserialize(lexBuf),
      };
    } catch (e) {
      if (e instanceof IndexFormatError) throw e;
      throw new IndexFormatError(`Index version ${v} in ${dir} cannot be read: ${(e as Error).message}`, { cause: e });
    }
  }

  async function manifest(version?: string): Promise<Manifest | null> {
    const v = version ?? (await currentVersion());
    if (!v) return null;
    try {
      return JSON.parse(await fs.readFile(path.join(versionsDir, v, 'manifest.json'), 'utf8')) as Manifest;
    } catch (e) {
      throw new IndexFormatError(`Index version ${v} in ${dir} cannot be read: ${(e as Error).message}`, { cause: e });
    }
  }

  async function publish(content: VersionContent, signal?: AbortSignal): Promise<string> {
    await fs.mkdir(versionsDir, { recursive: true });
    const now = new Date();
    const version = `v${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 17)}-${randomBytes(3).toString('hex')}`;
    const tmp = path.join(versionsDir, `.tmp-${version}`);
    await fs.mkdir(tmp);
    try {
      const manifest: Manifest = { format: INDEX_FORMAT, version, createdAt: now.toISOString(), ...content.manifest };
      await writeChunks(tmp, content.chunks);
      signal?.throwIfAborted();
      await writeFileSynced(path.join(tmp, 'records.json'), JSON.stringify(content.records));
      await writeFileSynced(path.join(tmp, 'lexical.bin'), content.lexical.serialize());
      signal?.throwIfAborted();
      if (manifest.nextLabel > 0) {
        await content.vectors.writeIndex(path.join(tmp, 'vectors.hnsw'));
        const fh = await fs.open(path.join(tmp, 'vectors.hnsw'), 'r+');
        await fh.sync();
        await fh.close();
      }
      // The manifest is written last: a version folder without one is unfinished.
      await writeFileSynced(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
      await fsyncDir(tmp);
      signal?.throwIfAborted();
      await fs.rename(tmp, path.join(versionsDir, version));
      await fsyncDir(versionsDir);
      const pointerTmp = `${currentFile}.${process.pid}.tmp`;
      await writeFileSynced(pointerTmp, `${version}\n`);
      await fs.rename(pointerTmp, currentFile);
      await fsyncDir(dir);
      return version;
    } catch (e) {
      await fs.rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  async function lock(): Promise<IndexLock> {
    await fs.mkdir(dir, { recursive: true });
    const me = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      // The lock appears with its content in one step (link of a finished file), so no
      // reader ever sees an empty lock from a live writer.
      const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await fs.writeFile(tmp, JSON.stringify(me));
      try {
        await fs.link(tmp, lockFile);
        let released = false;
        return {
          async release() {
            if (released) return;
            released = true;
            await fs.rm(lockFile, { force: true });
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let holder: typeof me | null = null;
        try {
          holder = JSON.parse(await fs.readFile(lockFile, 'utf8')) as typeof me;
        } catch {
          holder = null; // unreadable: left torn by a process that died (older versions wrote in two steps)
        }
        if (holder && holder.host !== me.host) throw new IndexBusyError(holder);
        if (holder && pidAlive(holder.pid)) throw new IndexBusyError(holder);
        // Left by a dead process: recover it.
        await fs.rm(lockFile, { force: true });
      } finally {
        await fs.rm(tmp, { force: true });
      }
    }
    throw new Error(`Could not take the ingest lock at ${lockFile}.`);
  }

  async function cleanup(keep = 2): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(versionsDir);
    } catch {
      return;
    }
    const current = await currentVersion();
    for (const n of names.filter((n) => n.startsWith('.tmp-'))) await fs.rm(path.join(versionsDir, n), { recursive: true, force: true });
    const versions = names.filter((n) => n.startsWith('v')).sort();
    const old = versions.slice(0, Math.max(0, versions.length - keep)).filter((v) => v !== current);
    for (const v of old) await fs.rm(path.join(versionsDir, v), { recursive: true, force: true });
  }

  return { dir, currentVersion, open, manifest, publish, lock, cleanup };
}
