// One segment folder of the file store: segment.json, chunks.jsonl + texts.bin, records.json,
// lexical.bin (our BM25) and vectors.hnsw (hnswlib). A segment is written once and never
// changed; a version is a list of segments (file-store.ts). Versions of index format 1 were a
// single folder with the same files and a manifest.json: they read as one segment.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { LexicalIndex } from './lexical.js';
import type { IndexRecords, StoredChunk } from './store.js';

const { HierarchicalNSW } = hnswlib;
export type VectorIndex = InstanceType<typeof HierarchicalNSW>;

/** What one source put into a segment, counted by the store when it wrote the segment. */
export interface SegmentSourceStats {
  chunks: number;
  /** Procedure codes (a code held by two sources counts once in a version). */
  procedures: string[];
  documents: number;
  tasks: number;
}

/** segment.json: small enough to read for every segment of a version when drafting the next. */
export interface SegmentMeta {
  id: string;
  createdAt: string;
  dimension: number;
  /** Next free vector label; labels are never reused within a segment's graph. */
  nextLabel: number;
  /** Labels marked deleted in the graph (a merge that extended a graph rather than rebuilding it). */
  deletedLabels: number;
  chunks: number;
  sources: Record<string, SegmentSourceStats>;
}

/** A segment's content as it is built or read: the raw vector graph and BM25 index. */
export interface SegmentParts {
  chunks: StoredChunk[];
  records: IndexRecords;
  vectors: VectorIndex;
  lexical: LexicalIndex;
  nextLabel: number;
  deletedLabels: number;
}

export interface LoadedSegment extends SegmentParts {
  meta: SegmentMeta;
}

export async function writeFileSynced(file: string, data: string | Buffer): Promise<void> {
  const fh = await fs.open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function newVectorIndex(dimension: number, capacity: number): VectorIndex {
  const index = new HierarchicalNSW('cosine', dimension);
  // Fixed seed: the same input builds the same graph, so benchmarks and tests repeat.
  index.initIndex({ maxElements: Math.max(capacity, 16), m: 16, efConstruction: 100, randomSeed: 42 });
  return index;
}

/** Per-source counts of a segment's content, from its chunks and records. */
export function sourceStats(parts: Pick<SegmentParts, 'chunks' | 'records'>): Record<string, SegmentSourceStats> {
  const out: Record<string, SegmentSourceStats> = {};
  const of = (source: string) => (out[source] ??= { chunks: 0, procedures: [], documents: 0, tasks: 0 });
  for (const c of parts.chunks) of(c.source).chunks++;
  for (const p of parts.records.procedures) of(p.source).procedures.push(p.code);
  for (const d of parts.records.documents) of(d.source).documents++;
  for (const t of parts.records.tasks) of(t.source).tasks++;
  return out;
}

/**
 * Chunks are stored as two files: their metadata as JSON lines (written in pieces: one
 * JSON.stringify of a million chunks would pass V8's largest string) and their texts as one
 * UTF-8 blob. Loading keeps the blob as bytes and decodes a text only when it is read:
 * start-up parses small lines, and texts cost about half the memory of JS strings.
 */
async function writeChunks(dir: string, chunks: readonly StoredChunk[]): Promise<void> {
  const meta = await fs.open(path.join(dir, 'chunks.jsonl'), 'w');
  const texts = await fs.open(path.join(dir, 'texts.bin'), 'w');
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

/** A segment's chunks, texts decoded lazily (no vectors, no BM25): cheap enough for tools. */
export async function readChunks(dir: string): Promise<StoredChunk[]> {
  const missing = (e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  };
  const [lines, blob] = await Promise.all([
    fs.readFile(path.join(dir, 'chunks.jsonl'), 'utf8').catch(missing),
    fs.readFile(path.join(dir, 'texts.bin')).catch(missing),
  ]);
  // Format 1 versions written before JSON lines hold one chunks.json array.
  if (lines === null) return JSON.parse(await fs.readFile(path.join(dir, 'chunks.json'), 'utf8')) as StoredChunk[];
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

export async function readSegmentMeta(dir: string): Promise<SegmentMeta> {
  return JSON.parse(await fs.readFile(path.join(dir, 'segment.json'), 'utf8')) as SegmentMeta;
}

/**
 * Read a segment folder. `legacy` gives the meta of a format 1 version folder (it has no
 * segment.json): its manifest's labels and dimension.
 */
export async function readSegment(dir: string, legacy?: SegmentMeta): Promise<LoadedSegment> {
  const meta = legacy ?? (await readSegmentMeta(dir));
  const [chunks, recordsText, lexBuf] = await Promise.all([
    readChunks(dir),
    fs.readFile(path.join(dir, 'records.json'), 'utf8'),
    fs.readFile(path.join(dir, 'lexical.bin')),
  ]);
  let vectors = newVectorIndex(meta.dimension, 16);
  if (meta.nextLabel > 0) {
    vectors = new HierarchicalNSW('cosine', meta.dimension);
    await vectors.readIndex(path.join(dir, 'vectors.hnsw'));
  }
  const records = JSON.parse(recordsText) as IndexRecords;
  return { meta, chunks, records, vectors, lexical: LexicalIndex.deserialize(lexBuf), nextLabel: meta.nextLabel, deletedLabels: meta.deletedLabels };
}

/** Write every file of a segment into an empty folder, fsync'd, segment.json last. */
export async function writeSegment(dir: string, meta: SegmentMeta, parts: SegmentParts, signal?: AbortSignal): Promise<void> {
  await writeChunks(dir, parts.chunks);
  signal?.throwIfAborted();
  await writeFileSynced(path.join(dir, 'records.json'), JSON.stringify(parts.records));
  await writeFileSynced(path.join(dir, 'lexical.bin'), parts.lexical.serialize());
  signal?.throwIfAborted();
  if (parts.nextLabel > 0) {
    await parts.vectors.writeIndex(path.join(dir, 'vectors.hnsw'));
    const fh = await fs.open(path.join(dir, 'vectors.hnsw'), 'r+');
    await fh.sync();
    await fh.close();
  }
  await writeFileSynced(path.join(dir, 'segment.json'), JSON.stringify(meta));
  await fsyncDir(dir);
}
