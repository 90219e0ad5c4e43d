// The index store through its interfaces, on a real file store in a temporary folder: a draft
// (the write side) publishes only a new segment, compaction merges segments without changing
// what searches return, and a snapshot (the read side) answers with chunk positions and
// similarities across segments, whatever the labels.
import { cp, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../domain/records.js';
import { compactionRun, MAX_SEGMENTS } from '../../ingest/file-compaction.js';
import { createFileIndexStore, queryTerms, type IndexStore, type ManifestDraft, type SourcedChunk } from '../../ingest/index.js';

const DIM = 4;

/** A unit vector along axis `i` (with a small tilt along the next so that no two are equal). */
function axis(i: number): number[] {
  const v = [0, 0, 0, 0];
  v[i % DIM] = 1;
  v[(i + 1) % DIM] = 0.05 * (1 + Math.floor(i / DIM));
  return v;
}

function chunk(source: string, n: number, text: string): SourcedChunk {
  const c: Chunk = { id: `${source}-${n}`, sourceId: source, kind: 'document', section: `${n}`, title: source, text, language: 'vi' };
  return { ...c, source };
}

function manifestFor(sources: string[]): ManifestDraft {
  const entries = Object.fromEntries(
    sources.map((s) => [s, { hash: s, kind: 'document' as const, ingestedAt: '2026-12-01T00:00:00Z', documentIds: [], procedureCodes: [], taskIds: [], chunks: 0, warnings: [] }]),
  );
  return { embedder: { id: 'test/4', dimension: DIM }, pipeline: 'test', sources: entries, failures: [] };
}

const TEXTS = ['đăng ký khai sinh', 'đăng ký kết hôn', 'cấp phiếu lý lịch tư pháp', 'chứng thực bản sao', 'cấp giấy phép xây dựng', 'đổi giấy phép lái xe'];

let dir: string;
let store: IndexStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'store-test-'));
  store = createFileIndexStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A first version: sources a, b, c with two chunks each and z with eight; chunk i carries vector axis(i). */
async function firstVersion(): Promise<string> {
  const draft = await store.draft({ base: null, dimension: DIM, drop: new Set(), adding: 14 });
  const chunks = ['a', 'b', 'c'].flatMap((s, si) => [chunk(s, 0, TEXTS[si * 2]!), chunk(s, 1, TEXTS[si * 2 + 1]!)]);
  for (let n = 0; n < 8; n++) chunks.push(chunk('z', n, `văn bản số ${n}`));
  draft.addChunks(chunks, chunks.map((_, i) => axis(i)));
  draft.addRecords({ procedures: [], documents: [{ id: 'doc-b', type: 'cong-van', title: 'Công văn B', language: 'vi', addressees: [], recipients: [], summaryOnly: false, source: 'b' }], tasks: [] });
  return (await draft.publish(manifestFor(['a', 'b', 'c', 'z']))).version;
}

describe('the read interface', () => {
  it('returns chunk positions with cosine similarities, nearest first', async () => {
    await firstVersion();
    const snap = await store.open();
    if (!snap) throw new Error('nothing published');
    const hits = snap.searchVectors(axis(2), 3);
    expect(hits[0]!.chunk).toBe(2);
    // A similarity: the same vector is 1 (a raw cosine distance would be 0).
    expect(hits[0]!.similarity).toBeCloseTo(1, 5);
    expect(hits.map((h) => h.similarity)).toEqual([...hits.map((h) => h.similarity)].sort((x, y) => y - x));
    expect(snap.chunks[hits[0]!.chunk]!.text).toBe(TEXTS[2]);
  });

  it('filters by chunk position and searches terms over the same positions', async () => {
    await firstVersion();
    const snap = (await store.open())!;
    const hits = snap.searchVectors(axis(2), 6, (i) => snap.chunks[i]!.source !== 'b');
    expect(hits.map((h) => snap.chunks[h.chunk]!.source)).not.toContain('b');
    const byTerms = snap.searchTerms(queryTerms('kết hôn'), 3);
    expect(snap.chunks[byTerms[0]!.chunk]!.text).toBe('đăng ký kết hôn');
    expect(snap.termDf('ket_hon')).toBe(1);
    expect(snap.termIdf('ket_hon')).toBeGreaterThan(snap.termIdf('dang'));
  });

  it('answers with positions after a version stops serving a source', async () => {
    const v1 = await firstVersion();
    // Drop source a: its chunks stay in the segment, unserved; c's chunks now sit at positions 2 and 3.
    const draft = await store.draft({ base: v1, dimension: DIM, drop: new Set(['a']), adding: 0 });
    const manifest = await draft.publish(manifestFor(['b', 'c', 'z']));
    expect(manifest.segments).toHaveLength(1);
    expect(manifest.deadChunks).toBe(2);
    expect(manifest.counts).toMatchObject({ sources: 3, chunks: 12, documents: 1 });
    const snap = (await store.open())!;
    expect(snap.chunks.map((c) => c.source).slice(0, 5)).toEqual(['b', 'b', 'c', 'c', 'z']);
    const hit = snap.searchVectors(axis(5), 1)[0]!;
    expect(hit.chunk).toBe(3);
    expect(snap.chunks[hit.chunk]!.text).toBe(TEXTS[5]);
    expect(snap.searchVectors(axis(0), 14).map((h) => snap.chunks[h.chunk]!.source)).not.toContain('a');
    expect(snap.searchTerms(queryTerms('khai sinh'), 5)).toEqual([]);
    expect(snap.termDf('khai_sinh')).toBe(0);
    expect(snap.records.documents.map((d) => d.id)).toEqual(['doc-b']);
  });
});

/** The segment folders on disk, finished ones only. */
async function segmentFolders(): Promise<string[]> {
  return (await readdir(path.join(dir, 'segments'))).filter((n) => !n.startsWith('.')).sort();
}

/** Publish `source` again with one chunk along axis `i`. */
async function republish(base: string, source: string, i: number, text: string, sources: string[]) {
  const draft = await store.draft({ base, dimension: DIM, drop: new Set([source]), adding: 1 });
  draft.addChunks([chunk(source, 0, text)], [axis(i)]);
  return draft.publish(manifestFor(sources));
}

describe('the write interface', () => {
  it('publishes a new segment with only the new chunks, leaving the others untouched', async () => {
    const v1 = await firstVersion();
    const [first] = await segmentFolders();
    const before = await stat(path.join(dir, 'segments', first!, 'vectors.hnsw'));
    const draft = await store.draft({ base: v1, dimension: DIM, drop: new Set(['a']), adding: 2 });
    draft.addChunks([chunk('a', 0, 'đăng ký khai tử'), chunk('a', 1, 'đăng ký thường trú')], [axis(14), axis(15)]);
    const m = await draft.publish(manifestFor(['a', 'b', 'c', 'z']));
    expect(m.segments.map((s) => [s.chunks, s.live])).toEqual([[14, 12], [2, 2]]);
    expect(m.deadChunks).toBe(2);
    expect(m.counts).toMatchObject({ sources: 4, chunks: 14, documents: 1 });
    expect(m.sources['a']!.segment).toBe(m.segments[1]!.id);
    expect(m.sources['b']!.segment).toBe(first);
    expect(await segmentFolders()).toEqual([first, m.segments[1]!.id].sort());
    expect((await stat(path.join(dir, 'segments', first!, 'vectors.hnsw'))).mtimeMs).toBe(before.mtimeMs);
    const snap = (await store.open())!;
    expect(snap.chunks.map((c) => c.source)).toEqual(['b', 'b', 'c', 'c', ...Array(8).fill('z'), 'a', 'a']);
    const hit = snap.searchVectors(axis(15), 1)[0]!;
    expect(hit.chunk).toBe(13);
    expect(snap.chunks[hit.chunk]!.text).toBe('đăng ký thường trú');
    expect(snap.searchTerms(queryTerms('thường trú'), 1)[0]!.chunk).toBe(13);
    // The old text of a is gone from the terms, the new one is found.
    expect(snap.searchTerms(queryTerms('kết hôn'), 5)).toEqual([]);
    expect(snap.termDf('dang_ky')).toBe(2);
  });

  it('opens the next version reading only the segment it adds', async () => {
    const v1 = await firstVersion();
    const [first] = await segmentFolders();
    expect((await store.open(v1))!.chunks).toHaveLength(14);
    // The first segment cannot be read any more: only a store that already holds it can open v2.
    await rm(path.join(dir, 'segments', first!, 'lexical.bin'));
    const v2 = (await republish(v1, 'd', 14, 'đăng ký khai tử', ['a', 'b', 'c', 'd', 'z'])).version;
    const snap = (await store.open(v2))!;
    expect(snap.chunks).toHaveLength(15);
    expect(snap.searchTerms(queryTerms('khai tử'), 1)[0]!.chunk).toBe(14);
    await expect(createFileIndexStore(dir).open(v2)).rejects.toMatchObject({ code: 'INDEX_UNREADABLE' });
  });

  it('compacts a pile of small segments into one, with the same search results', async () => {
    let v = await firstVersion();
    const sources = ['a', 'b', 'c', 'z'];
    for (let n = 0; n < MAX_SEGMENTS; n++) {
      sources.push(`n${n}`);
      v = (await republish(v, `n${n}`, 14 + n, `văn bản mới số ${n} về đăng ký`, sources)).version;
    }
    const before = (await store.open())!;
    expect(before.manifest.segments).toHaveLength(MAX_SEGMENTS + 1);
    const query = queryTerms('văn bản đăng ký');
    const hitsBefore = before.searchTerms(query, 8);
    const vectorsBefore = before.searchVectors(axis(16), 3);
    const m = await store.compact();
    if (!m) throw new Error('nothing was compacted');
    // The large first segment is left as it was; the small ones after it become one.
    expect(m.segments.map((s) => s.chunks)).toEqual([14, MAX_SEGMENTS]);
    expect(m.segments[0]!.id).toBe(before.manifest.segments[0]!.id);
    expect(m.counts).toEqual(before.manifest.counts);
    const after = (await store.open())!;
    expect(after.version).toBe(m.version);
    expect(after.chunks.map((c) => c.id)).toEqual(before.chunks.map((c) => c.id));
    const hitsAfter = after.searchTerms(query, 8);
    expect(hitsAfter.map((h) => h.chunk)).toEqual(hitsBefore.map((h) => h.chunk));
    hitsAfter.forEach((h, i) => expect(h.score).toBeCloseTo(hitsBefore[i]!.score, 9));
    expect(after.searchVectors(axis(16), 3).map((h) => h.chunk)).toEqual(vectorsBefore.map((h) => h.chunk));
    expect(await store.compact()).toBeNull();
    // Segments no kept version lists are deleted.
    await store.cleanup(1);
    expect(await segmentFolders()).toEqual(m.segments.map((s) => s.id).sort());
  });

  it('compacts when many chunks are unserved, keeping the stored vectors of kept chunks', async () => {
    const v1 = await firstVersion();
    const draft = await store.draft({ base: v1, dimension: DIM, drop: new Set(['a', 'b', 'z']), adding: 1 });
    draft.addChunks([chunk('d', 0, 'đăng ký khai tử')], [axis(14)]);
    const published = await draft.publish(manifestFor(['c', 'd']));
    expect(published.deadChunks).toBe(12);
    expect(compactionRun(published.segments)).toBe(0);
    const m = (await store.compact())!;
    expect(m.deadChunks).toBe(0);
    expect(m.segments.map((s) => [s.chunks, s.live])).toEqual([[3, 3]]);
    const snap = (await store.open())!;
    expect(snap.chunks.map((c) => [c.source, c.label])).toEqual([['c', 0], ['c', 1], ['d', 2]]);
    // c's vectors were copied from the old segment (the merge was given none for them).
    for (const [i, v] of [[0, axis(4)], [1, axis(5)], [2, axis(14)]] as const) {
      const hit = snap.searchVectors(v, 1)[0]!;
      expect(hit.chunk).toBe(i);
      expect(hit.similarity).toBeCloseTo(1, 5);
    }
    expect(snap.searchTerms(queryTerms('khai tử'), 1)[0]!.chunk).toBe(2);
  });

  it('reads an index of format 1 (one folder per version) and converts it at the next publish', async () => {
    await firstVersion();
    const m = (await store.manifest())!;
    const [seg] = await segmentFolders();
    // Lay the same content out as format 1 wrote it: the version folder holds every file.
    const legacy = 'v20251101000000000-abcdef';
    await cp(path.join(dir, 'segments', seg!), path.join(dir, 'versions', legacy), { recursive: true });
    const { segments: _s, deadChunks: _d, ...rest } = m;
    const sources = Object.fromEntries(Object.entries(m.sources).map(([k, { segment: _seg, ...e }]) => [k, e]));
    await writeFile(path.join(dir, 'versions', legacy, 'manifest.json'), JSON.stringify({ ...rest, sources, format: 1, version: legacy, nextLabel: 14, deletedLabels: 0 }));
    await writeFile(path.join(dir, 'CURRENT'), `${legacy}\n`);
    const old = (await store.open())!;
    expect(old.chunks).toHaveLength(14);
    expect(old.searchVectors(axis(5), 1)[0]!.chunk).toBe(5);
    const next = await republish(legacy, 'a', 14, 'đăng ký khai tử', ['a', 'b', 'c', 'z']);
    expect(next.format).toBe(2);
    expect(next.segments.map((s) => s.live)).toEqual([13]);
    const snap = (await store.open())!;
    expect(snap.chunks.map((c) => c.source)).toEqual(['b', 'b', 'c', 'c', ...Array(8).fill('z'), 'a']);
    expect(snap.searchVectors(axis(5), 1)[0]!.chunk).toBe(3);
  });

  it('refuses chunks without one vector each, and an aborted publish leaves the current version', async () => {
    const v1 = await firstVersion();
    const draft = await store.draft({ base: v1, dimension: DIM, drop: new Set(['a']), adding: 1 });
    expect(() => draft.addChunks([chunk('a', 0, 'x')], [])).toThrow(/1 chunks came with 0 vectors/);
    const ac = new AbortController();
    ac.abort();
    await expect(draft.publish(manifestFor(['b', 'c', 'z']), ac.signal)).rejects.toThrow();
    expect(await store.currentVersion()).toBe(v1);
    await store.cleanup();
    expect(await segmentFolders()).toHaveLength(1);
    expect((await readdir(path.join(dir, 'segments'))).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});

describe('the lock', () => {
  const lockFile = () => path.join(dir, 'ingest.lock');
  const foreignLock = async (touchedSecondsAgo: number) => {
    await writeFile(lockFile(), JSON.stringify({ pid: 1, host: 'replica-that-died', startedAt: '2026-12-01T00:00:00Z' }));
    const at = new Date(Date.now() - touchedSecondsAgo * 1000);
    await utimes(lockFile(), at, at);
  };

  it('refuses while another host keeps its lock touched, and takes over once it stops', async () => {
    const s = createFileIndexStore(dir, { lockStaleMs: 30_000 });
    await foreignLock(5);
    await expect(s.lock()).rejects.toMatchObject({ code: 'INGEST_BUSY', holder: { host: 'replica-that-died' } });
    await foreignLock(31);
    const lock = await s.lock();
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ host: os.hostname(), pid: process.pid });
    await lock.release();
    await expect(stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is touched while held, so that other hosts see its holder alive', async () => {
    const s = createFileIndexStore(dir, { lockHeartbeatMs: 50 });
    const lock = await s.lock();
    const old = new Date(Date.now() - 3_600_000);
    await utimes(lockFile(), old, old);
    await expect.poll(async () => Date.now() - (await stat(lockFile())).mtimeMs, { timeout: 5_000, interval: 25 }).toBeLessThan(60_000);
    await lock.release();
  });
});
