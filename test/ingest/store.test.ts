// The index store through its two interfaces, on a real file store in a temporary folder:
// a draft (the write side) decides between extending the vector graph and compacting it, and a
// snapshot (the read side) answers with chunk positions and similarities, whatever the labels.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../domain/records.js';
import { COMPACT_AT } from '../../ingest/file-draft.js';
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

  it('answers with positions after a version leaves holes in the labels', async () => {
    const v1 = await firstVersion();
    // Drop source a (labels 0 and 1): c's chunks keep labels 4 and 5 but sit at positions 2 and 3.
    const draft = await store.draft({ base: v1, dimension: DIM, drop: new Set(['a']), adding: 0 });
    const manifest = await draft.publish(manifestFor(['b', 'c', 'z']));
    expect(manifest.deletedLabels).toBe(2);
    const snap = (await store.open())!;
    expect(snap.chunks.map((c) => c.source).slice(0, 5)).toEqual(['b', 'b', 'c', 'c', 'z']);
    const hit = snap.searchVectors(axis(5), 1)[0]!;
    expect(hit.chunk).toBe(3);
    expect(snap.chunks[hit.chunk]!.text).toBe(TEXTS[5]);
    expect(snap.records.documents.map((d) => d.id)).toEqual(['doc-b']);
  });
});

describe('the write interface', () => {
  it('extends the vector graph while few labels are deleted', async () => {
    const v1 = await firstVersion();
    const draft = await store.draft({ base: v1, dimension: DIM, drop: new Set(['a']), adding: 2 });
    draft.addChunks([chunk('a', 0, 'đăng ký khai tử'), chunk('a', 1, 'đăng ký thường trú')], [axis(14), axis(15)]);
    const m = await draft.publish(manifestFor(['a', 'b', 'c', 'z']));
    // 2 deleted of 14 chunks is under the compaction threshold: labels go on from 14.
    expect(2 / 14).toBeLessThanOrEqual(COMPACT_AT);
    expect(m.deletedLabels).toBe(2);
    expect(m.nextLabel).toBe(16);
    expect(m.counts).toMatchObject({ sources: 4, chunks: 14, documents: 1 });
    const snap = (await store.open())!;
    expect(snap.chunks.map((c) => c.label)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const hit = snap.searchVectors(axis(15), 1)[0]!;
    expect(hit.chunk).toBe(13);
    expect(snap.chunks[hit.chunk]!.text).toBe('đăng ký thường trú');
  });

  it('compacts when many labels are deleted, keeping the stored vectors of kept chunks', async () => {
    const v1 = await firstVersion();
    const draft = await store.draft({ base: v1, dimension: DIM, drop: new Set(['a', 'b', 'z']), adding: 1 });
    draft.addChunks([chunk('d', 0, 'đăng ký khai tử')], [axis(14)]);
    const m = await draft.publish(manifestFor(['c', 'd']));
    expect(m.deletedLabels).toBe(0);
    expect(m.nextLabel).toBe(3);
    const snap = (await store.open())!;
    expect(snap.chunks.map((c) => [c.source, c.label])).toEqual([['c', 0], ['c', 1], ['d', 2]]);
    // c's vectors were copied from the base (the draft was given none for them).
    for (const [i, v] of [[0, axis(4)], [1, axis(5)], [2, axis(14)]] as const) {
      const hit = snap.searchVectors(v, 1)[0]!;
      expect(hit.chunk).toBe(i);
      expect(hit.similarity).toBeCloseTo(1, 5);
    }
    expect(snap.searchTerms(queryTerms('khai tử'), 1)[0]!.chunk).toBe(2);
  });

  it('refuses chunks without one vector each, and an aborted publish leaves the current version', async () => {
    const v1 = await firstVersion();
    const draft = await store.draft({ base: v1, dimension: DIM, drop: new Set(['a']), adding: 1 });
    expect(() => draft.addChunks([chunk('a', 0, 'x')], [])).toThrow(/1 chunks came with 0 vectors/);
    const ac = new AbortController();
    ac.abort();
    await expect(draft.publish(manifestFor(['b', 'c', 'z']), ac.signal)).rejects.toThrow();
    expect(await store.currentVersion()).toBe(v1);
  });
});
