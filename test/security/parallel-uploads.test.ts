// Issue 13.7: parallel uploads of one file name shared one temporary name, so all but the first
// rename failed (500, ENOENT). Each upload now writes its own temporary file; the renames are
// atomic, so the file left is one upload whole (the last complete write), and no part is left over.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddings, createFileIndexStore } from '../../ingest/index.js';
import { createAdminBackend } from '../../server/admin-backend.js';
import { createLiveKnowledge } from '../../server/answer/live-knowledge.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tthc-sec-uploads-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function admin() {
  const store = createFileIndexStore(path.join(dir, 'index'));
  return createAdminBackend({
    store,
    live: createLiveKnowledge({ store, embedder: await createEmbeddings({ kind: 'hashing' }) }),
    ingest: () => Promise.reject(new Error('no ingest in this test')),
    uploadDir: path.join(dir, 'data', 'uploads'),
    baseDir: dir,
  });
}

describe('parallel uploads of one file name', () => {
  it('all succeed, the file left is one upload whole, and no temporary file is left', async () => {
    const backend = await admin();
    // Distinct bodies, large enough that the writes overlap.
    const bodies = Array.from({ length: 16 }, (_, i) => Buffer.from(`# Công văn số ${i}\n\n${`Nội dung bản tải lên thứ ${i}. `.repeat(20_000)}\n`));
    const results = await Promise.allSettled(bodies.map((b) => backend.saveUpload('cong-van.md', b)));

    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const left = await readFile(path.join(dir, 'data', 'uploads', 'cong-van.md'));
    expect(bodies.some((b) => b.equals(left))).toBe(true);
    expect(await readdir(path.join(dir, 'data', 'uploads'))).toEqual(['cong-van.md']);
  });

  it('a later upload of the name replaces the earlier one once it is complete', async () => {
    const backend = await admin();
    await backend.saveUpload('thong-bao.md', Buffer.from('# Thông báo cũ\n'));
    await backend.saveUpload('thong-bao.md', Buffer.from('# Thông báo mới\n'));
    expect(await readFile(path.join(dir, 'data', 'uploads', 'thong-bao.md'), 'utf8')).toBe('# Thông báo mới\n');
  });
});
