// Live knowledge: a newly published index version is served after refresh() without a restart,
// and an index built by another embedder is refused.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddings, type IdentifiedEmbeddings } from '../../../ingest/embeddings.js';
import { runIngest } from '../../../ingest/pipeline.js';
import { createFileIndexStore, type IndexStore } from '../../../ingest/index.js';
import { createAnswerEngine } from '../../../server/answer/engine.js';
import { createLiveKnowledge, EmbedderMismatchOnLoadError } from '../../../server/answer/live-knowledge.js';
import { projectRoot } from '../../helpers/engine.js';

const FIXTURE_CODE = '9.999999';
const FIXTURE = {
  format: 'tthc-catalogue/v1',
  procedures: [
    {
      code: FIXTURE_CODE,
      name: 'Cấp giấy phép nuôi chim hạc trắng (thủ tục giả lập dùng cho kiểm thử)',
      nameEn: 'White crane keeping permit (made-up test fixture)',
      level: ['Cấp xã'],
      field: 'Kiểm thử',
      agency: 'Ủy ban nhân dân phường, xã (dữ liệu kiểm thử)',
      papers: [{ case: null, kind: 'submit', papers: [{ name: 'Đơn đề nghị nuôi chim hạc trắng', copies: '1 bản chính' }] }],
      channels: [{ channel: 'in-person', time: '3 Ngày làm việc', fee: 'Miễn phí' }],
      legalBasis: [],
      aliases: ['giấy phép nuôi chim hạc'],
      origin: 'curated',
      provenance: 'test fixture, not a real procedure',
    },
  ],
};

let tmp: string;
let dataDir: string;
let store: IndexStore;
let embedder: IdentifiedEmbeddings;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tthc-live-'));
  dataDir = path.join(tmp, 'data');
  cpSync(path.join(projectRoot, 'data'), dataDir, { recursive: true });
  store = createFileIndexStore(path.join(tmp, 'index'));
  embedder = await createEmbeddings({ kind: 'hashing' });
  await runIngest({ store, embedder, paths: [dataDir], baseDir: tmp });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('createLiveKnowledge', () => {
  it('switches to a newly published version on refresh()', async () => {
    const live = createLiveKnowledge({ store, embedder });
    expect(live.current()).toBeNull();
    expect(await live.refresh()).toBe(true);
    const first = live.version();
    expect(first).not.toBeNull();
    expect(await live.refresh()).toBe(false); // nothing new: keeps serving the same version

    const engine = createAnswerEngine({ knowledge: live.current, embedder, today: () => '2026-11-27' });
    const question = 'giấy phép nuôi chim hạc trắng cần giấy tờ gì';
    expect(engine.procedure(FIXTURE_CODE)).toBeUndefined();
    const before = await engine.ask({ question });
    expect(before.found).toBe(false);
    expect(before.procedure).toBeUndefined();

    writeFileSync(path.join(dataDir, 'catalogue', 'test-fixture.json'), JSON.stringify(FIXTURE, null, 2));
    await runIngest({ store, embedder, paths: [dataDir], baseDir: path.dirname(dataDir) });
    expect(live.version()).toBe(first); // published, but not served before refresh()

    expect(await live.refresh()).toBe(true);
    expect(live.version()).not.toBe(first);
    expect(engine.procedure(FIXTURE_CODE)?.name).toBe(FIXTURE.procedures[0]!.name);
    const r = await engine.ask({ question });
    expect(r.found).toBe(true);
    expect(r.procedure?.code).toBe(FIXTURE_CODE);
    expect(r.answer).toContain('- Đơn đề nghị nuôi chim hạc trắng (1 bản chính)');
    // The old records are still there.
    expect(engine.procedure('1.001193')).toBeDefined();
  });

  it('refuses an index built by another embedder', async () => {
    const other = await createEmbeddings({ kind: 'hashing', dimension: embedder.dimension === 64 ? 128 : 64 });
    const live = createLiveKnowledge({ store, embedder: other });
    await expect(live.refresh()).rejects.toBeInstanceOf(EmbedderMismatchOnLoadError);
    await expect(live.refresh()).rejects.toMatchObject({ code: 'EMBEDDER_MISMATCH' });
    expect(live.current()).toBeNull();
  });
});
