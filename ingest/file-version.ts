// One version folder of the file store: manifest.json, chunks.jsonl + texts.bin, records.json,
// lexical.bin (our BM25) and vectors.hnsw (hnswlib). Only the file store's own modules use it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { LexicalIndex } from './lexical.js';
import { IndexFormatError, type IndexRecords, type Manifest, type StoredChunk } from './store.js';

const { HierarchicalNSW } = hnswlib;
export type VectorIndex = InstanceType<typeof HierarchicalNSW>;

export const INDEX_FORMAT = 1;

/** A version as its files hold it: the raw vector graph and BM25 index behind a snapshot. */
export interface VersionParts {
  manifest: Manifest;
  chunks: StoredChunk[];
  records: IndexRecords;
  vectors: VectorIndex;
  lexical: LexicalIndex;
}

/** A version before it is named: the store gives it its version, date and format. */
export type VersionContent = Omit<VersionParts, 'manifest'> & { manifest: Omit<Manifest, 'version' | 'createdAt' | 'format'> };

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

export async function readManifest(vdir: string): Promise<Manifest> {
  return JSON.parse(await fs.readFile(path.join(vdir, 'manifest.json'), 'utf8')) as Manifest;
}

/** Read a whole version folder; an older format or a damaged file is an IndexFormatError. */
export async function readVersion(vdir: string): Promise<VersionParts> {
  const manifest = await readManifest(vdir);
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
  return { manifest, chunks, records: JSON.parse(recordsText) as IndexRecords, vectors, lexical: LexicalIndex.deserialize(lexBuf) };
}

/** Write every file of a version into an empty folder, fsync'd; the manifest last (without it a folder is unfinished). */
export async function writeVersion(vdir: string, parts: VersionParts, signal?: AbortSignal): Promise<void> {
  await writeChunks(vdir, parts.chunks);
  signal?.throwIfAborted();
  await writeFileSynced(path.join(vdir, 'records.json'), JSON.stringify(parts.records));
  await writeFileSynced(path.join(vdir, 'lexical.bin'), parts.lexical.serialize());
  signal?.throwIfAborted();
  if (parts.manifest.nextLabel > 0) {
    await parts.vectors.writeIndex(path.join(vdir, 'vectors.hnsw'));
    const fh = await fs.open(path.join(vdir, 'vectors.hnsw'), 'r+');
    await fh.sync();
    await fh.close();
  }
  await writeFileSynced(path.join(vdir, 'manifest.json'), JSON.stringify(parts.manifest, null, 1));
  await fsyncDir(vdir);
}
