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

  it('takes a new dispatch without rebuilding what the procedures alone decide', async () => {
    const live = createLiveKnowledge({ store, embedder });
    await live.refresh();
    const before = live.current()!;
    writeFileSync(
      path.join(dataDir, 'documents', 'live-9101-UBND-VP-2026.md'),
      [
        '---',
        'id: live-9101-ubnd-vp-2026',
        'number: 9101/UBND-VP',
        'type: cong-van',
        'title: Công văn 9101/UBND-VP về báo cáo chỉ số hài lòng',
        'year: 2026',
        'language: vi',
        '---',
        '',
        'Số: 9101/UBND-VP',
        '',
        'Các sở, ban, ngành Thành phố báo cáo kết quả đo lường sự hài lòng trước ngày 15/12/2026.',
        '',
      ].join('\n'),
    );
    const summary = await runIngest({ store, embedder, paths: [dataDir], baseDir: path.dirname(dataDir) });
    expect(summary.added).toEqual(['data/documents/live-9101-UBND-VP-2026.md']);
    expect(await live.refresh()).toBe(true);
    const after = live.current()!;
    // One more segment; the procedures, their name and record indexes are the very same objects.
    expect(after.snapshot.manifest.segments.length).toBe(before.snapshot.manifest.segments.length + 1);
    expect(after.documents.has('live-9101-ubnd-vp-2026')).toBe(true);
    expect(after.names).toBe(before.names);
    expect(after.records).toBe(before.records);
    expect(after.procedures).toBe(before.procedures);
    const engine = createAnswerEngine({ knowledge: live.current, embedder, today: () => '2026-11-27' });
    expect((await engine.ask({ question: 'Công văn 9101/UBND-VP yêu cầu gì?' })).citations.some((c) => c.number === '9101/UBND-VP')).toBe(true);
  });

  it('refuses an index built by another embedder', async () => {
    const other = await createEmbeddings({ kind: 'hashing', dimension: embedder.dimension === 64 ? 128 : 64 });
    const live = createLiveKnowledge({ store, embedder: other });
    await expect(live.refresh()).rejects.toBeInstanceOf(EmbedderMismatchOnLoadError);
    await expect(live.refresh()).rejects.toMatchObject({ code: 'EMBEDDER_MISMATCH' });
    expect(live.current()).toBeNull();
  });
});
