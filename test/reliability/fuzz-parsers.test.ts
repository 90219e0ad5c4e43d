// Property-based hostile input (fast-check) for the text normaliser, the deadline parser, the
// portal parser, the layout reader and every loader: random and truncated inputs never crash
// (other than a coded LoadError / PortalRecordError), never hang, and garbage is reported.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Deadline, OfficialDocument, Procedure } from '../../domain/records.js';
import { findDeadlines, parseDeadline } from '../../ingest/deadline.js';
import { loadFile } from '../../ingest/loaders/index.js';
import { parsePortalRecord, PortalRecordError } from '../../ingest/loaders/portal.js';
import { LoadError } from '../../ingest/loaders/types.js';
import { buildDocument, readLayout } from '../../ingest/metadata.js';
import { fold, nfc, syllables } from '../../ingest/text.js';
import { PORTAL, projectRoot } from './helpers.js';

/** A hang detector, not a benchmark: one input may take at most this long. */
const PER_INPUT_MS = 1000;
const SEED = 20261127;
const tried: Record<string, number> = {};
let slowest = { what: '', ms: 0 };

/** Runs `fn` on one input and fails if it takes over a second (twice: once could be a busy CI machine). */
async function timed<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  tried[what] = (tried[what] ?? 0) + 1;
  for (let attempt = 1; ; attempt++) {
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      Promise.resolve().then(fn),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result after 10 s (hang)`)), 10_000))),
    ]).finally(() => clearTimeout(timer));
    const ms = performance.now() - start;
    if (ms > slowest.ms) slowest = { what, ms };
    if (ms <= PER_INPUT_MS) return result;
    if (attempt === 2) throw new Error(`${what}: one input took ${Math.round(ms)} ms (limit ${PER_INPUT_MS} ms), twice`);
  }
}

// Text that looks like the real thing: Vietnamese words, dates, numbers, layout lines, odd marks.
const VOCAB = [
  'trước', 'ngày', 'tháng', 'năm', 'quý', 'IV', 'II', 'hằng', 'định kỳ', 'chậm nhất', 'trong', 'ngày làm việc', 'tuần', 'đến', 'hết', 'từ',
  '15/12/2026', '31/3', '2023', '01/7/2025', '/', '-', '.', ':', ',', '\n', '  ', 'Số:', 'UBND', 'SNV', 'Kính gửi:', 'Hà Nội,', 'V/v', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'KẾ HOẠCH', 'QUYẾT ĐỊNH', 'Nơi nhận:', '- Như trên;', 'Sở Tư pháp', 'phường Ba Đình', 'before', 'by', 'December', 'Q4', 'monthly',
  'a\u0301', '\u0303', '\u200b', '\ufeff', '\u0000', '\ud800', 'ﬁ', 'Ⅳ', '١٢', '𝟙𝟚', '🙂', '9'.repeat(30), 'ngày '.repeat(50), '1/'.repeat(200),
];
const vietText = fc.array(fc.oneof(fc.constantFrom(...VOCAB), fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 99999 }).map(String)), { maxLength: 120 }).map((w) => w.join(' '));
const anyText = fc.oneof(
  vietText,
  fc.string({ maxLength: 2000, unit: 'binary' }),
  fc.string({ maxLength: 200, unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), // lone surrogates too
  fc.tuple(fc.constantFrom(...VOCAB), fc.integer({ min: 100, max: 20_000 })).map(([w, n]) => w.repeat(n).slice(0, 60_000)), // long runs (ReDoS)
);
const params = (numRuns: number) => ({ numRuns, seed: SEED, endOnFailure: true });

describe('text normaliser', () => {
  it('nfc, fold and syllables take any string: idempotent, no Latin accents left after folding', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const r = await timed('text', () => ({ n: nfc(text), f: fold(text), s: syllables(text) }));
        expect(nfc(r.n)).toBe(r.n);
        expect(fold(r.f)).toBe(r.f);
        // Folding drops the Latin combining accents (other scripts keep their own marks).
        expect(r.f.normalize('NFD')).not.toMatch(/[\u0300-\u036f]/u);
        for (const s of r.s) expect(s).toMatch(/^\S+$/u);
      }),
      params(1500),
    );
  }, 120_000);
});

describe('deadline parser', () => {
  it('parseDeadline and findDeadlines: valid Deadlines at valid offsets, for any text', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.option(fc.integer({ min: -10, max: 10_000 })), fc.constantFrom('vi' as const, 'en' as const), async (text, year, language) => {
        const ctx = { ...(year === null ? {} : { year }), language };
        const { one, all } = await timed('deadline', () => ({ one: parseDeadline(text, ctx), all: findDeadlines(text, ctx) }));
        Deadline.parse(one);
        for (const f of all) {
          expect(f.index).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeGreaterThan(f.index);
          expect(f.end).toBeLessThanOrEqual(text.length);
          Deadline.parse(f.deadline);
        }
      }),
      params(1500),
    );
  }, 120_000);
});

// A sample of real portal records (read in place), for truncation.
function portalSample(max: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const ministry of readdirSync(PORTAL, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const files = readdirSync(path.join(PORTAL, ministry.name)).filter((f) => f.endsWith('.json')).slice(0, Math.ceil(max / 7));
    for (const f of files) out.push(JSON.parse(readFileSync(path.join(PORTAL, ministry.name, f), 'utf8')) as Record<string, unknown>);
  }
  return out.slice(0, max);
}

describe('portal record parser', () => {
  const records = portalSample(70);
  const check = async (raw: unknown): Promise<void> => {
    const outcome = await timed('portal', () => {
      try {
        return parsePortalRecord(raw);
      } catch (e) {
        if (e instanceof PortalRecordError) return e;
        throw e;
      }
    });
    if (!(outcome instanceof PortalRecordError)) {
      Procedure.parse(outcome.procedure);
      expect(Array.isArray(outcome.issues)).toBe(true);
    }
  };

  it('truncated and mangled real records: a valid Procedure or a PortalRecordError', async () => {
    expect(records.length).toBeGreaterThan(20);
    const mangled = fc
      .tuple(fc.constantFrom(...records), fc.array(fc.tuple(fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(3)), { maxLength: 8 }))
      .map(([record, cuts]) => {
        const copy: Record<string, unknown> = { ...record };
        const keys = Object.keys(copy);
        for (const [k, at, how] of cuts) {
          const key = keys[k % keys.length]!;
          const v = copy[key];
          if (how === 0) delete copy[key];
          else if (how === 1 && typeof v === 'string') copy[key] = v.slice(0, Math.floor(v.length * at));
          else if (how === 2) copy[key] = [null, 42, {}, [], true, '', '   '][k % 7];
          else if (typeof v === 'string') copy[key] = v.slice(Math.floor(v.length * at)); // the tail: cells cut in the middle
        }
        return copy;
      });
    await fc.assert(fc.asyncProperty(mangled, check), params(600));
  }, 120_000);

  it('random objects and values', async () => {
    const keys = ['ma_thu_tuc', 'ten_thu_tuc', 'cach_thuc_thuc_hien', 'thanh_phan_ho_so', 'can_cu_phap_ly', 'cap_thuc_hien', 'detail_url', 'trinh_tu_thuc_hien', '__proto__', 'constructor'];
    const value = fc.oneof(fc.anything(), vietText, fc.string({ unit: 'binary' }));
    const obj = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string()), value, { maxKeys: 12 });
    await fc.assert(fc.asyncProperty(fc.oneof(obj, fc.anything()), check), params(600));
  }, 120_000);
});

describe('layout reader', () => {
  it('readLayout and buildDocument take any text and give a valid document', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const { doc } = await timed('layout', () => ({ layout: readLayout(text), doc: buildDocument({ text, sourcePath: 'fuzz/van-ban.md' }) }));
        OfficialDocument.parse(doc);
      }),
      params(800),
    );
  }, 120_000);
});

describe('loaders', () => {
  const fixtures = [
    ...readdirSync(path.join(projectRoot, 'test/fixtures/documents')).map((f) => path.join(projectRoot, 'test/fixtures/documents', f)),
    ...readdirSync(path.join(projectRoot, 'test/fixtures/catalogue')).map((f) => path.join(projectRoot, 'test/fixtures/catalogue', f)),
  ].filter((f) => /\.(pdf|docx|html|md|txt|json|csv)$/.test(f));

  /** Loads bytes as a file of the given extension: a LoadResult or a LoadError, nothing else. */
  const load = async (ext: string, bytes: Buffer): Promise<'loaded' | LoadError> =>
    timed(`load ${ext}`, async () => {
      try {
        const result = await loadFile({ path: `/nonexistent/fuzz${ext}`, relPath: `fuzz/input${ext}`, bytes });
        for (const d of result.documents) OfficialDocument.parse(d);
        for (const p of result.procedures) Procedure.parse(p);
        return 'loaded' as const;
      } catch (e) {
        if (e instanceof LoadError) return e;
        throw new Error(`${ext}: a ${(e as Error)?.name} escaped instead of a LoadError: ${(e as Error)?.message}`, { cause: e });
      }
    });

  for (const file of fixtures) {
    const ext = path.extname(file);
    it(`${path.basename(file)}: truncated and bit-flipped copies`, async () => {
      const bytes = readFileSync(file);
      const damaged = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 })).map(([cut, flips]) => {
        const copy = Buffer.from(bytes.subarray(0, Math.floor(bytes.length * cut)));
        for (const [at, mask] of flips) if (copy.length) copy[at % copy.length]! ^= mask;
        return copy;
      });
      await fc.assert(fc.asyncProperty(damaged, async (b) => void (await load(ext, b))), params(ext === '.pdf' ? 25 : 60));
    }, 120_000);
  }

  for (const ext of ['.pdf', '.docx', '.json', '.csv', '.html', '.md', '.txt']) {
    it(`random bytes as ${ext}: garbage is refused with a LoadError or yields no record`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (raw) => {
          const outcome = await load(ext, Buffer.from(raw));
          // Binary and structured formats must say the file is unreadable; text formats may read any bytes as text.
          if (['.pdf', '.docx', '.json'].includes(ext)) expect(outcome).toBeInstanceOf(LoadError);
        }),
        params(ext === '.pdf' ? 40 : 80),
      );
    }, 120_000);
  }
});

afterAll(() => {
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  console.log(`[reliability] fuzz: ${total} inputs tried (${Object.entries(tried).map(([k, v]) => `${k} ${v}`).join(', ')}); slowest input ${Math.round(slowest.ms)} ms (${slowest.what})`);
});
