// The BM25 index over real procedure texts from the national catalogue: pruned search gives
// what exhaustive scoring gives, and an extended index equals one built from scratch.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbeddings } from '../../ingest/embeddings.js';
import { LexicalIndex, queryTerms, type LexicalHit, type WeightedTerms } from '../../ingest/lexical.js';
import { indexedText } from '../../ingest/chunk.js';
import { runIngest } from '../../ingest/pipeline.js';
import { createFileIndexStore } from '../../ingest/index.js';
import { syllables } from '../../ingest/text.js';
import { projectRoot } from '../helpers/engine.js';

const PORTAL = path.resolve(projectRoot, '../shared/data/tthc-portal');
const FIELDS = ['ten_thu_tuc', 'trinh_tu_thuc_hien', 'cach_thuc_thuc_hien', 'thanh_phan_ho_so', 'yeu_cau_dieu_kien', 'ket_qua_xu_ly', 'can_cu_phap_ly'];

/** Deterministic pseudo-random numbers, so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Procedure names and one text per non-empty field, from the first files of three ministries. */
function portalCorpus(perMinistry: number): { names: string[]; texts: string[] } {
  const names: string[] = [];
  const texts: string[] = [];
  for (const ministry of ['bo-tu-phap', 'bo-cong-an', 'bo-tai-chinh']) {
    const dir = path.join(PORTAL, ministry);
    for (const file of readdirSync(dir).sort().slice(0, perMinistry)) {
      const p = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
      const name = String(p['ten_thu_tuc'] ?? '');
      names.push(name);
      for (const f of FIELDS) {
        const v = p[f];
        if (typeof v === 'string' && v.trim()) texts.push(`${name}\n${v}`);
      }
    }
  }
  return { names, texts };
}

const corpus = portalCorpus(120);
const questions = (JSON.parse(readFileSync(path.join(projectRoot, 'test/eval/questions.json'), 'utf8')) as { questions: Array<{ question: string }> }).questions.map((q) => q.question);

/** Queries as retrieval makes them: eval questions, procedure names, and snippets, some terms weighted 0.8 like lexicon expansions. */
function queries(n: number, seed: number): WeightedTerms[] {
  const rand = rng(seed);
  const out: WeightedTerms[] = [];
  for (let i = 0; i < n; i++) {
    let text: string;
    if (i % 3 === 0) text = questions[i % questions.length]!;
    else if (i % 3 === 1) text = corpus.names[Math.floor(rand() * corpus.names.length)]!;
    else {
      const words = syllables(corpus.texts[Math.floor(rand() * corpus.texts.length)]!);
      const at = Math.floor(rand() * Math.max(1, words.length - 8));
      text = words.slice(at, at + 2 + Math.floor(rand() * 7)).join(' ');
    }
    const q = queryTerms(text);
    for (const t of q.keys()) if (rand() < 0.3) q.set(t, 0.8);
    out.push(q);
  }
  return out;
}

/**
 * Exhaustive BM25 straight from the definition, over the index's postings: every document of
 * every selected term is scored. Contributions are summed in the order `plan` gives (after
 * checking it selects the same terms) so that scores can be compared exactly.
 */
function exhaustive(index: LexicalIndex, query: WeightedTerms, k: number, mask?: Uint8Array, maxDfRatio = 0.25): LexicalHit[] {
  const N = index.size;
  const present = [...query].filter(([t, w]) => index.df(t) > 0 && w > 0);
  const rare = present.filter(([t]) => index.df(t) <= N * maxDfRatio);
  const selected = new Map(rare.length ? rare : present);
  const order = index.plan(query, maxDfRatio).map((p) => index.vocab[p.id]!);
  expect(new Set(order)).toEqual(new Set(selected.keys()));
  const scores = new Map<number, number>();
  for (const t of order) {
    const idf = Math.log(1 + (N - index.df(t) + 0.5) / (index.df(t) + 0.5)) * selected.get(t)!;
    const { docs, tfs } = index.postings(t);
    docs.forEach((d, j) => {
      if (mask && mask[d] !== 1) return;
      const tf = tfs[j]!;
      const norm = 1.2 * (1 - 0.75 + (0.75 * index.length(d)) / index.avgLength);
      scores.set(d, (scores.get(d) ?? 0) + (idf * 2.2 * tf) / (tf + norm));
    });
  }
  return [...scores]
    .map(([doc, score]) => ({ doc, score }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc)
    .slice(0, k);
}

describe('LexicalIndex.search', () => {
  const index = LexicalIndex.build(corpus.texts);

  it('returns the exhaustive top-k, with the same scores', () => {
    expect(index.size).toBeGreaterThan(1500);
    const qs = queries(600, 7);
    let sameTop10 = 0;
    let identical = 0;
    for (const q of qs) {
      for (const k of [10, 60]) {
        const got = index.search(q, k);
        const want = exhaustive(index, q, k);
        if (JSON.stringify(got) === JSON.stringify(want)) identical++;
        if (k === 10 && new Set(got.map((h) => h.doc)).size === got.length && got.every((h) => want.some((w) => w.doc === h.doc))) sameTop10++;
        const wanted = new Map(want.map((h) => [h.doc, h.score]));
        for (const h of got) if (wanted.has(h.doc)) expect(h.score).toBe(wanted.get(h.doc));
      }
    }
    expect(sameTop10 / qs.length).toBeGreaterThanOrEqual(0.99);
    expect(identical).toBe(2 * qs.length); // the pruning is exact: lists match, ties broken by document
  });

  it('keeps only documents the mask allows', () => {
    const mask = Uint8Array.from({ length: index.size }, (_, d) => (d % 3 === 0 ? 0 : 1));
    for (const q of queries(200, 11)) {
      const got = index.search(q, 60, mask);
      expect(got.every((h) => mask[h.doc] === 1)).toBe(true);
      expect(got).toEqual(exhaustive(index, q, 60, mask));
    }
  });

  it('skips common terms when rarer ones exist, and uses them when nothing else matches', () => {
    const common = [...new Set(syllables(corpus.texts.join(' ')))].filter((t) => index.df(t) > index.size * 0.25);
    expect(common.length).toBeGreaterThan(0);
    const rare = index.vocab.find((t) => index.df(t) === 3)!;
    const mixed = new Map([[common[0]!, 1], [rare, 1]]);
    expect(index.search(mixed, 10)).toEqual(exhaustive(index, new Map([[rare, 1]]), 10));
    expect(new Set(index.search(mixed, 10).map((h) => h.doc))).toEqual(new Set(index.postings(rare).docs));
    const onlyCommon = new Map([[common[0]!, 1]]);
    expect(index.search(onlyCommon, 5)).toEqual(exhaustive(index, onlyCommon, 5));
    expect(index.search(onlyCommon, 5)).toHaveLength(5);
  });

  it('answers nothing for unknown terms, k = 0 or an empty index', () => {
    expect(index.search(new Map([['khongcotu', 1]]), 10)).toEqual([]);
    expect(index.search(queryTerms('khai sinh'), 0)).toEqual([]);
    expect(LexicalIndex.build([]).search(queryTerms('khai sinh'), 10)).toEqual([]);
  });
});

/** Two indexes hold the same documents and postings (vocabulary order aside) and rank alike. */
function expectSameIndex(a: LexicalIndex, b: LexicalIndex): void {
  expect(a.size).toBe(b.size);
  expect(a.avgLength).toBe(b.avgLength);
  for (let d = 0; d < a.size; d++) if (a.length(d) !== b.length(d)) expect.fail(`length of document ${d}`);
  expect(new Set(a.vocab)).toEqual(new Set(b.vocab));
  expect(a.vocab).toHaveLength(b.vocab.length);
  for (const t of b.vocab) {
    const pa = a.postings(t);
    const pb = b.postings(t);
    if (!(Buffer.from(pa.docs.slice().buffer).equals(Buffer.from(pb.docs.slice().buffer)) && Buffer.from(pa.tfs.slice().buffer).equals(Buffer.from(pb.tfs.slice().buffer)))) {
      expect.fail(`postings of "${t}" differ`);
    }
  }
  for (const q of queries(60, 3)) expect(a.search(q, 20)).toEqual(b.search(q, 20));
}

describe('LexicalIndex.extend', () => {
  const texts = corpus.texts.slice(0, 1800);

  it('equals a build over the kept texts followed by the added ones', () => {
    const rand = rng(5);
    const prevTexts = texts.slice(0, 1200);
    const prev = LexicalIndex.build(prevTexts);
    const keep = new Int32Array(prevTexts.length);
    const final: string[] = [];
    prevTexts.forEach((t, i) => {
      if (rand() < 0.2) keep[i] = -1;
      else {
        keep[i] = final.length;
        final.push(t);
      }
    });
    const added = [...texts.slice(1200), 'Đăng ký khai sinh cho trẻ em sinh ra ở nước ngoài xyzzyplugh'];
    const next = LexicalIndex.extend(prev, keep, added);
    expectSameIndex(next, LexicalIndex.build([...final, ...added]));
    expect(next.df('xyzzyplugh')).toBe(1);
    // The previous index is left as it was (a server may still be reading it).
    expectSameIndex(prev, LexicalIndex.build(prevTexts));
    // Extending again, and through serialisation, still matches.
    const keep2 = Int32Array.from({ length: next.size }, (_, i) => (i < 100 ? -1 : i - 100));
    const again = LexicalIndex.deserialize(LexicalIndex.extend(next, keep2, texts.slice(0, 50)).serialize());
    expectSameIndex(again, LexicalIndex.build([...final, ...added].slice(100).concat(texts.slice(0, 50))));
  });

  it('drops terms no document holds any more', () => {
    const prev = LexicalIndex.build(['thủ tục xyzzyplugh', 'thủ tục khai sinh']);
    const next = LexicalIndex.extend(prev, Int32Array.from([-1, 0]), ['cấp hộ chiếu']);
    expect(next.vocab).not.toContain('xyzzyplugh');
    expect(next.df('xyzzyplugh')).toBe(0);
    expectSameIndex(next, LexicalIndex.build(['thủ tục khai sinh', 'cấp hộ chiếu']));
    expect(LexicalIndex.extend(prev, Int32Array.from([-1, -1]), []).size).toBe(0);
  });

  it('refuses a keep map that reorders or does not fit the index', () => {
    const prev = LexicalIndex.build(['a b', 'c d', 'e f']);
    expect(() => LexicalIndex.extend(prev, Int32Array.from([1, 0, 2]), [])).toThrow(/order/);
    expect(() => LexicalIndex.extend(prev, Int32Array.from([0, 1]), [])).toThrow(/3 documents/);
  });
});

describe('incremental ingest', () => {
  it('serves, over several segments, the BM25 of one index built from the final chunks', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'lexical-ingest-'));
    try {
      const dataDir = path.join(tmp, 'data');
      cpSync(path.join(projectRoot, 'data'), dataDir, { recursive: true });
      const store = createFileIndexStore(path.join(tmp, 'index'));
      const embedder = await createEmbeddings({ kind: 'hashing' });
      await runIngest({ store, embedder, paths: [dataDir], baseDir: tmp });
      const vi = path.join(dataDir, 'documents', '2458-UBND-SNV-2023.vi.md');
      writeFileSync(vi, readFileSync(vi, 'utf8').replace('của các chỉ số này.', 'của các chỉ số này, kể cả chỉ số chim hạc trắng.'));
      unlinkSync(path.join(dataDir, 'documents', '2458-UBND-SNV-2023.en.md'));
      const summary = await runIngest({ store, embedder, paths: [dataDir], baseDir: tmp, prune: true });
      expect(summary.updated).toHaveLength(1);
      expect(summary.removed).toHaveLength(1);
      const snap = await store.open();
      if (!snap) throw new Error('no index was published');
      // The changed file's new chunks sit in a second segment; its old ones stay, unserved, in the first.
      expect(snap.manifest.segments).toHaveLength(2);
      expect(snap.manifest.deadChunks).toBeGreaterThan(0);
      expect(snap.termDf('hac_trang')).toBeGreaterThan(0);
      const whole = LexicalIndex.build(snap.chunks.map(indexedText));
      // Every term's document frequency counts served chunks only, and scores equal the whole index's.
      for (const t of whole.vocab) expect(snap.termDf(t), t).toBe(whole.df(t));
      expect(snap.termDf('khong_co_tu_nay')).toBe(0);
      for (const q of ['chỉ số chim hạc trắng', 'cải cách hành chính báo cáo', 'đăng ký khai sinh cho trẻ', 'Sở Nội vụ chỉ số PAR INDEX']) {
        const got = snap.searchTerms(queryTerms(q), 10);
        const want = whole.search(queryTerms(q), 10);
        expect(got.map((h) => h.chunk), q).toEqual(want.map((h) => h.doc));
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 9));
        for (const t of queryTerms(q).keys()) expect(snap.termIdf(t), t).toBeCloseTo(whole.idf(t), 12);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
