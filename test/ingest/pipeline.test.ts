// The ingest run in its parts: scanning finds the sources, an incremental run embeds only what
// changed, and when the store compacts its vectors the kept chunks keep theirs (nothing
// unchanged is embedded again) and are still found by them.
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Embeddings } from '@langchain/core/embeddings';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexedText } from '../../ingest/chunk.js';
import { createFileIndexStore, HashingEmbeddings, IngestInputError, runIngest, type IdentifiedEmbeddings } from '../../ingest/index.js';
import { findSources } from '../../ingest/scan.js';

/** The hashing embedder, counting the passages it is asked to embed. */
class CountingEmbeddings extends Embeddings {
  embedded: string[] = [];
  constructor(readonly inner = new HashingEmbeddings()) {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.embedded.push(...texts);
    return this.inner.embedDocuments(texts);
  }
  async embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text);
  }
}

const TOPICS = ['đăng ký khai sinh cho trẻ', 'cấp giấy phép xây dựng nhà ở', 'chứng thực bản sao từ bản chính', 'đổi giấy phép lái xe', 'đăng ký kết hôn', 'cấp phiếu lý lịch tư pháp', 'đăng ký thường trú', 'cấp căn cước'];

function dispatch(n: number, extra = ''): string {
  return [
    '---',
    `id: cong-van-${n}-2026`,
    `number: ${n}/UBND-KSTT`,
    'type: cong-van',
    `title: Công văn ${n}/UBND-KSTT về ${TOPICS[n % TOPICS.length]}`,
    'year: 2026',
    'language: vi',
    '---',
    '',
    `V/v ${TOPICS[n % TOPICS.length]}`,
    '',
    `1. Các phường, xã hướng dẫn người dân về ${TOPICS[n % TOPICS.length]}${extra}.`,
    '',
  ].join('\n');
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tthc-pipeline-'));
  await mkdir(path.join(dir, 'data'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('scanning', () => {
  it('finds supported files, leaves READMEs and sidecars out, and stamps a file with its sidecar', async () => {
    await writeFile(path.join(dir, 'data', 'README.md'), '# what this folder is');
    await writeFile(path.join(dir, 'data', 'a.md'), dispatch(1));
    await writeFile(path.join(dir, 'data', 'b.pdf'), '%PDF-1.4');
    await writeFile(path.join(dir, 'data', 'b.pdf.meta.json'), '{}');
    await writeFile(path.join(dir, 'data', 'notes.xyz'), 'not a source');
    const { files: found } = await findSources(['data'], dir);
    expect(found.map((f) => f.rel)).toEqual(['data/a.md', 'data/b.pdf']);
    const pdf = found.find((f) => f.rel === 'data/b.pdf')!;
    expect(pdf.sidecar).toBe(path.join(dir, 'data', 'b.pdf.meta.json'));
    expect(pdf.stamp).toMatch(/^\d+:[\d.]+\+\d+:[\d.]+$/);
    await expect(findSources(['missing'], dir)).rejects.toBeInstanceOf(IngestInputError);
  });

  it('skips nothing silently: a file it does not read is listed with the reason and the run exits 2', async () => {
    const data = path.join(dir, 'data');
    await writeFile(path.join(data, 'cv-1.md'), dispatch(1));
    await writeFile(path.join(data, 'bang-tinh.xyz'), 'not a source');
    await writeFile(path.join(data, 'LICENSE'), 'no extension');
    await writeFile(path.join(data, 'cu.pdf.meta.json'), '{"title": "metadata for a PDF that is not there"}');
    await symlink(path.join(data, 'gone.md'), path.join(data, 'lien-ket.md'));
    // Left out on purpose, and counted: a folder README, hidden files and folders, editor lock files.
    await writeFile(path.join(data, 'README.md'), '# what this folder is');
    await writeFile(path.join(data, '.DS_Store'), 'x');
    await mkdir(path.join(data, '.git'));
    await writeFile(path.join(data, '.git', 'HEAD'), 'ref: refs/heads/main');
    await writeFile(path.join(data, '~$cv-2.docx'), 'Word owner file');
    await writeFile(path.join(data, '.~lock.cv-2.docx#'), 'LibreOffice lock');
    const store = createFileIndexStore(path.join(dir, 'index'));
    const summary = await runIngest({ store, embedder: { id: 'hash-ngram-v1/256', dimension: 256, embeddings: new HashingEmbeddings() }, paths: ['data'], baseDir: dir });
    expect(summary.added).toEqual(['data/cv-1.md']);
    expect(summary.failed).toEqual([]);
    expect(summary.skipped.map((s) => [s.source, s.code])).toEqual([
      ['data/LICENSE', 'UNSUPPORTED_FORMAT'],
      ['data/bang-tinh.xyz', 'UNSUPPORTED_FORMAT'],
      ['data/cu.pdf.meta.json', 'ORPHAN_SIDECAR'],
      ['data/lien-ket.md', 'BROKEN_LINK'],
    ]);
    expect(summary.skipped[1]!.reason).toMatch(/^no loader for "\.xyz"; supported: \.pdf, \.docx, /);
    expect(summary.skipped[2]!.reason).toContain('"cu.pdf"');
    expect(summary.ignored).toEqual({ hidden: 2, lockFiles: 2, readmes: 1 });
    expect(summary.published).toBe(true);
    expect(summary.exitCode).toBe(2);
    // Nothing changed on the next run, yet the files are still not read: still said, still exit 2.
    const again = await runIngest({ store, embedder: { id: 'hash-ngram-v1/256', dimension: 256, embeddings: new HashingEmbeddings() }, paths: ['data'], baseDir: dir });
    expect(again).toMatchObject({ published: false, exitCode: 2 });
    expect(again.skipped).toHaveLength(4);
  });

  it('exits 0 when everything found is read or left out on purpose', async () => {
    await writeFile(path.join(dir, 'data', 'cv-1.md'), dispatch(1));
    await writeFile(path.join(dir, 'data', 'cv-1.md.meta.json'), '{"title": "Công văn 1"}');
    await writeFile(path.join(dir, 'data', '.~lock.cv-1.md#'), 'LibreOffice lock');
    const store = createFileIndexStore(path.join(dir, 'index'));
    const summary = await runIngest({ store, embedder: { id: 'hash-ngram-v1/256', dimension: 256, embeddings: new HashingEmbeddings() }, paths: ['data'], baseDir: dir });
    expect(summary).toMatchObject({ added: ['data/cv-1.md'], skipped: [], ignored: { hidden: 0, lockFiles: 1, readmes: 0 }, exitCode: 0 });
  });
});

describe('an incremental run', () => {
  it('embeds only changed chunks, and keeps the vectors of kept chunks through a compaction', async () => {
    for (let n = 1; n <= 10; n++) await writeFile(path.join(dir, 'data', `cv-${n}.md`), dispatch(n));
    const counting = new CountingEmbeddings();
    const embedder: IdentifiedEmbeddings = { id: counting.inner.id, dimension: counting.inner.dimension, embeddings: counting };
    const store = createFileIndexStore(path.join(dir, 'index'));
    const ingest = (prune = false) => runIngest({ store, embedder, paths: ['data'], baseDir: dir, prune });

    const first = await ingest();
    expect(first.added).toHaveLength(10);
    expect(counting.embedded).toHaveLength(first.chunks);

    // One file changes: only its chunks are embedded, into a second segment; its old chunks stay unserved in the first.
    counting.embedded = [];
    await writeFile(path.join(dir, 'data', 'cv-3.md'), dispatch(3, ', kể cả trẻ sinh ra ở nước ngoài'));
    const second = await ingest();
    expect(second.updated).toEqual(['data/cv-3.md']);
    expect(counting.embedded).toHaveLength(second.newChunks);
    expect(counting.embedded.every((t) => t.includes('3/UBND-KSTT'))).toBe(true);
    const afterOne = (await store.manifest())!;
    expect(afterOne.segments).toHaveLength(2);
    expect(afterOne.deadChunks).toBeGreaterThan(0);
    expect(afterOne.segments[1]!.chunks).toBe(second.newChunks);
    expect(second.compaction).toBeNull();

    // Most files go: the store compacts, and no kept chunk is embedded again.
    counting.embedded = [];
    for (let n = 1; n <= 7; n++) await unlink(path.join(dir, 'data', `cv-${n}.md`));
    const third = await ingest(true);
    expect(third.removed).toHaveLength(7);
    expect(third.published).toBe(true);
    expect(counting.embedded).toEqual([]);
    const manifest = (await store.manifest())!;
    expect(third.compaction).not.toBeNull();
    expect(manifest.version).toBe(third.version);
    expect(manifest.segments).toHaveLength(1);
    expect(manifest.deadChunks).toBe(0);
    expect(manifest.segments[0]!.chunks).toBe(manifest.counts.chunks);

    const snap = (await store.open())!;
    expect(new Set(snap.chunks.map((c) => c.source))).toEqual(new Set(['data/cv-8.md', 'data/cv-9.md', 'data/cv-10.md']));
    for (const [i, c] of snap.chunks.entries()) {
      const [vector] = await counting.inner.embedDocuments([indexedText(c)]);
      const hit = snap.searchVectors(vector!, 1)[0]!;
      expect(snap.chunks[hit.chunk]!.id).toBe(snap.chunks[i]!.id);
      expect(hit.similarity).toBeCloseTo(1, 5);
    }
  });

  it('publishes nothing when nothing changed', async () => {
    await writeFile(path.join(dir, 'data', 'cv-1.md'), dispatch(1));
    const embedder = { id: 'hash-ngram-v1/256', dimension: 256, embeddings: new HashingEmbeddings() };
    const store = createFileIndexStore(path.join(dir, 'index'));
    const first = await runIngest({ store, embedder, paths: ['data'], baseDir: dir });
    const again = await runIngest({ store, embedder, paths: ['data'], baseDir: dir });
    expect(again).toMatchObject({ published: false, version: first.version, unchanged: 1, chunks: first.chunks });
  });
});
