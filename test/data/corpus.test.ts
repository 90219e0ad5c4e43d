// The project's own corpus in data/: every record validates against the domain schemas, every
// procedure link is the portal record's own detail_url, and the seed dispatch carries its facts.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DocumentMeta, Procedure } from '../../domain/records.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = path.join(root, 'data');
const portalDir = path.resolve(root, '../shared/data/tthc-portal');
const PORTAL_URL = /^https:\/\/dichvucong\.gov\.vn\/thu-tuc-hanh-chinh\/[0-9a-f-]{36}$/;

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

/** code → detail_url of every raw portal record, found by walking the ministry folders. */
async function portalUrls(): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  for (const entry of await readdir(portalDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = path.join(portalDir, entry.name);
    for (const name of await readdir(folder)) {
      if (!name.endsWith('.json')) continue;
      const record = (await readJson(path.join(folder, name))) as { ma_thu_tuc?: string; detail_url?: string };
      if (record.ma_thu_tuc && record.detail_url) urls.set(record.ma_thu_tuc.trim(), record.detail_url.trim());
    }
  }
  return urls;
}

describe('data/catalogue/procedures.json', () => {
  let raw: { format?: unknown; procedures?: unknown };
  let procedures: Procedure[];

  beforeAll(async () => {
    raw = (await readJson(path.join(dataDir, 'catalogue/procedures.json'))) as typeof raw;
    expect(Array.isArray(raw.procedures)).toBe(true);
    procedures = (raw.procedures as unknown[]).map((p) => Procedure.parse(p));
  });

  it('declares its format and holds at least 45 valid procedures', () => {
    expect(raw.format).toBe('tthc-catalogue/v1');
    expect(procedures.length).toBeGreaterThanOrEqual(45);
  });

  it('has unique codes', () => {
    const codes = procedures.map((p) => p.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('links every procedure to its own portal record (the detail_url of the same code)', async () => {
    const urls = await portalUrls();
    expect(urls.size).toBeGreaterThan(1000);
    for (const p of procedures) {
      expect(p.url, p.code).toMatch(PORTAL_URL);
      expect(urls.get(p.code), `portal record for ${p.code}`).toBeDefined();
      expect(p.url, p.code).toBe(urls.get(p.code));
    }
  });

  it('gives every procedure papers, filing channels, a level and its provenance', () => {
    for (const p of procedures) {
      const papers = p.papers.flatMap((g) => g.papers);
      expect(papers.length, p.code).toBeGreaterThanOrEqual(1);
      expect(p.channels.length, p.code).toBeGreaterThanOrEqual(1);
      expect(p.level.length, p.code).toBeGreaterThanOrEqual(1);
      expect(p.origin, p.code).toBe('curated');
      expect(p.provenance, p.code).toMatch(/dichvucong\.gov\.vn, [a-z-]+\/[\d.]+\.json/);
      for (const paper of papers) expect(paper.copies, `${p.code}: ${paper.name}`).toMatch(/\d+ bản (chính|sao)/);
    }
  });

  it('covers the procedures residents ask about most', () => {
    const codes = new Set(procedures.map((p) => p.code));
    // birth, marriage, permanent residence, ID card, passport, driving licence exchange,
    // judicial record, household business, first land title, building permit
    for (const code of ['1.001193', '1.000894', '1.004222', '1.014061', '1.001456', '3.000347', '3.000333', '1.001612', '1.013978', '1.013225']) {
      expect(codes.has(code), code).toBe(true);
    }
    const birth = procedures.find((p) => p.code === '1.001193');
    expect(birth?.aliases).toContain('làm giấy khai sinh');
  });

  it('is NFC text (the portal crawl was partly NFD)', async () => {
    const text = await readFile(path.join(dataDir, 'catalogue/procedures.json'), 'utf8');
    expect(text.normalize('NFC')).toBe(text);
  });
});

describe('data/documents/references.json', () => {
  it('holds valid short records of the documents the seed dispatch cites', async () => {
    const raw = (await readJson(path.join(dataDir, 'documents/references.json'))) as { format?: unknown; documents?: unknown[] };
    expect(raw.format).toBe('document-references/v1');
    const docs = (raw.documents ?? []).map((d) => DocumentMeta.parse(d));
    expect(docs.length).toBe(9);
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
    for (const d of docs) expect(d.summaryOnly, d.id).toBe(true);
    const numbers = docs.map((d) => d.number);
    for (const n of ['01-CTr/TU', '136/KH-UBND', '280/QĐ-UBND', '20/NQ-HĐND', '2023/UBND-NC', '286/KH-UBND', '4610/QĐ-UBND', '01/KH-UBND', '20/2022/NQ-HĐND']) {
      expect(numbers, n).toContain(n);
    }
    // The date of Decision 280/QĐ-UBND is unknown: only its year is given.
    const d280 = docs.find((d) => d.number === '280/QĐ-UBND');
    expect(d280?.date).toBeUndefined();
    expect(d280?.year).toBe(2023);
  });
});

describe('the seed dispatch 2458/UBND-SNV', () => {
  it('has a Vietnamese rendition in official layout with its deadlines', async () => {
    const vi = await readFile(path.join(dataDir, 'documents/2458-UBND-SNV-2023.vi.md'), 'utf8');
    expect(vi.startsWith('---\n')).toBe(true);
    for (const s of ['2458/UBND-SNV', 'tháng 9/2023', '5 tháng cuối năm 2023', 'năm 2025', 'Kính gửi:', 'Nơi nhận:', 'UBND các quận, huyện, thị xã']) {
      expect(vi, s).toContain(s);
    }
    expect(vi).toMatch(/^note: .*viết lại từ bản tóm tắt tiếng Anh/m);
    // No invented day and month of issue.
    expect(vi).not.toMatch(/Hà Nội, ngày \d/);
  });

  it('has the English version it is rendered from', async () => {
    const en = await readFile(path.join(dataDir, 'documents/2458-UBND-SNV-2023.en.md'), 'utf8');
    for (const s of ['2458/UBND-SNV', 'September 2023', 'last 5 months of 2023', 'by 2025', 'translationOf: 2458-ubnd-snv-2023']) {
      expect(en, s).toContain(s);
    }
  });
});
