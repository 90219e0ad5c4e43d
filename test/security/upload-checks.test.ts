// Issue 13.8 and the upload hardening: what the admin upload refuses before a byte reaches the
// data folder. A long Vietnamese name is limited in bytes (file systems count bytes, not letters),
// a PDF must have its header and trailer, a text file must be UTF-8 without NUL anywhere; each
// refusal is a 400 with a reason in the admin's language. Real admin backend writing to a real
// folder, real HTTP through fastify's inject; the hostile files are made here.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminBackend } from '../../server/admin-backend.js';
import { buildApp } from '../../server/http/app.js';
import { createFeedbackStore, createUnansweredLog } from '../../server/http/stores.js';
import { MAX_NAME_BYTES } from '../../server/http/upload.js';
import { ingestInChild } from '../../service.js';
import { buildTestAssistant, projectRoot } from '../helpers/engine.js';

const TOKEN = 'admin-token-for-tests-0123456789';
const FIXTURES = path.join(projectRoot, 'test/fixtures/documents');

let dir: string;
let uploads: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tthc-upload-checks-'));
  uploads = path.join(dir, 'data', 'uploads');
  const assistant = await buildTestAssistant();
  app = await buildApp({
    engine: assistant.engine,
    isReady: () => true,
    widgetOrigins: [],
    feedback: createFeedbackStore({}),
    unanswered: createUnansweredLog({ size: 10 }),
    adminToken: TOKEN,
    admin: createAdminBackend({
      store: assistant.store,
      live: assistant.live,
      // Never started here: these tests stop at the upload.
      ingest: ingestInChild({ indexDir: path.join(dir, 'index'), paths: [path.join(dir, 'data')], baseDir: dir, embedder: { kind: 'hashing' } }, { maxMemoryMb: 512, fileTimeoutMs: 10_000, timeoutMs: 20_000 }),
      uploadDir: uploads,
      baseDir: dir,
    }),
  });
});

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function upload(filename: string, bytes: Buffer, language?: 'en') {
  const boundary = '----upload-checks-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return app.inject({
    method: 'POST',
    url: '/admin/documents',
    payload: Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${TOKEN}`, ...(language ? { 'accept-language': language } : {}) },
  });
}

const saved = async (): Promise<string[]> => (await readdir(uploads).catch(() => [] as string[])).sort();
const bytesOf = (s: string): number => Buffer.byteLength(s, 'utf8');
const textFile = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('a long Vietnamese file name (issue 13.8)', () => {
  // The probe's name: 100 characters, nearly all letters with two marks (3 bytes each in UTF-8).
  const longName = `${'ệ'.repeat(96)}.pdf`;
  // What an officer types: the dispatch's subject as its file name, under 200 characters.
  const subject =
    'Công văn hướng dẫn thực hiện thủ tục đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới sáu tuổi theo quy trình liên thông điện tử trên Cổng dịch vụ công.pdf';

  it('is refused with 400 and a reason in Vietnamese, not 500 ENAMETOOLONG', async () => {
    expect(longName.length).toBe(100);
    expect(bytesOf(longName)).toBeGreaterThan(255); // more than any file system takes
    expect(subject.length).toBeLessThan(200);
    expect(bytesOf(subject)).toBeGreaterThan(MAX_NAME_BYTES);
    const pdf = await readFile(path.join(FIXTURES, 'dispatch-chromium.pdf'));
    for (const name of [longName, subject]) {
      const res = await upload(name, pdf);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toEqual({ code: 'UPLOAD_REJECTED', message: expect.stringMatching(/^Tệp không được chấp nhận: tên tệp quá dài \(tối đa 200 byte/) });
      expect(res.body).not.toMatch(/ENAMETOOLONG|\/tmp\//);
    }
    expect(await saved()).toEqual([]);
  });

  it('is refused in English for an English-speaking admin', async () => {
    const res = await upload(longName, await readFile(path.join(FIXTURES, 'dispatch-chromium.pdf')), 'en');
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^File refused: the file name is too long \(at most 200 bytes in UTF-8/);
  });

  it('counts bytes after sanitising: exactly the limit is saved under its name, one byte more is refused', async () => {
    const pdf = await readFile(path.join(FIXTURES, 'dispatch-chromium.pdf'));
    const stem = 'Quyết định số 1234 về đăng ký khai sinh ';
    const fit = (bytes: number) => {
      let name = stem;
      while (bytesOf(`${name}x.pdf`) <= bytes) name += 'x';
      return `${name}.pdf`;
    };
    const atLimit = fit(MAX_NAME_BYTES);
    expect(bytesOf(atLimit)).toBe(MAX_NAME_BYTES);
    const ok = await upload(atLimit, pdf);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await saved()).toEqual([atLimit]);
    const over = `x${atLimit}`;
    expect((await upload(over, pdf)).statusCode).toBe(400);
    // A name written in decomposed form (macOS) is measured once composed, as it is saved.
    const decomposed = atLimit.normalize('NFD');
    expect(bytesOf(decomposed)).toBeGreaterThan(MAX_NAME_BYTES);
    expect((await upload(decomposed, pdf)).statusCode).toBe(201);
    expect(await saved()).toEqual([atLimit]);
    await rm(path.join(uploads, atLimit));
  });
});

describe('a PDF must have its header and trailer', () => {
  it('refuses a PDF cut short (no %%EOF in its last 1024 bytes) in both languages', async () => {
    const whole = await readFile(path.join(FIXTURES, 'dispatch-chromium.pdf'));
    const cut = whole.subarray(0, Math.floor(whole.length / 2));
    const vi = await upload('cong-van-2458.pdf', cut);
    expect(vi.statusCode, vi.body).toBe(400);
    expect(vi.json().message).toBe('Tệp không được chấp nhận: tệp PDF không trọn vẹn (thiếu phần kết %%EOF); hãy tải lại bản đầy đủ.');
    const en = await upload('cong-van-2458.pdf', cut, 'en');
    expect(en.json().message).toBe('File refused: the PDF is incomplete (its %%EOF trailer is missing); upload the whole file.');
    // A %%EOF buried far from the end is not a trailer.
    expect((await upload('cong-van-2458.pdf', Buffer.concat([whole, Buffer.alloc(4096, 0x20)]))).statusCode).toBe(400);
    expect(await saved()).toEqual([]);
  });

  it('refuses "%PDF-" without a version, whatever follows', async () => {
    const res = await upload('bao-cao.pdf', textFile('%PDF-<html><script>alert(1)</script></html>\n%%EOF\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('Tệp không được chấp nhận: nội dung không phải PDF.');
  });

  it('accepts real PDFs, also with a few bytes after the trailer (as mail gateways leave them)', async () => {
    for (const fixture of ['dispatch-chromium.pdf', 'dispatch-lo-mono.pdf', 'blank.pdf']) {
      const res = await upload(fixture, await readFile(path.join(FIXTURES, fixture)));
      expect(res.statusCode, `${fixture}: ${res.body}`).toBe(201);
    }
    const padded = Buffer.concat([await readFile(path.join(FIXTURES, 'dispatch-chromium.pdf')), Buffer.from('\r\n\0\0\0\0', 'latin1')]);
    expect((await upload('padded.pdf', padded)).statusCode).toBe(201);
    for (const name of await saved()) await rm(path.join(uploads, name));
  });
});

describe('text files must be UTF-8 without NUL anywhere', () => {
  // "Hà Nội" in windows-1258 (à = E0, ô = F4 with the combining dot below F2): not UTF-8.
  const cp1258 = Buffer.from([0x48, 0xe0, 0x20, 0x4e, 0xf4, 0xf2, 0x69]);

  it.each([
    ['a NUL past the first 8 KiB of a .txt', 'cong-van.txt', Buffer.concat([textFile('Công văn số 2458/UBND-SNV\n'.repeat(400)), Buffer.from([0]), textFile('hết\n')]), /byte NUL/],
    ['a windows-1258 .csv', 'thu-tuc.csv', Buffer.concat([textFile('code,name\n1.001193,'), cp1258, textFile('\n')]), /không phải UTF-8/],
    ['a .json with a lone continuation byte', 'danh-muc.json', Buffer.concat([textFile('{"format":"tthc-catalogue/v1","procedures":[],"x":"'), Buffer.from([0x80]), textFile('"}')]), /không phải UTF-8/],
    ['an overlong "/" in a .md', 'ghi-chu.md', Buffer.concat([textFile('# Ghi chú\n\n..'), Buffer.from([0xc0, 0xaf]), textFile('etc/passwd\n')]), /không phải UTF-8/],
    ['a UTF-16 .txt (NUL in every other byte)', 'utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Hà Nội', 'utf16le')]), /byte NUL/],
    ['an .html that is not UTF-8 and does not say what it is', 'trang.html', Buffer.concat([textFile('<html><body><p>'), cp1258, textFile('</p></body></html>')]), /không phải UTF-8/],
  ])('refuses %s', async (_what, name, bytes, reason) => {
    const res = await upload(name, bytes);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('UPLOAD_REJECTED');
    expect(res.json().message).toMatch(reason);
    expect(await saved()).toEqual([]);
  });

  it('says so in English too', async () => {
    const res = await upload('thu-tuc.csv', Buffer.concat([textFile('code,name\n1.001193,'), cp1258]), 'en');
    expect(res.json().message).toBe('File refused: the text file is not UTF-8; save it again as UTF-8.');
  });

  it('accepts UTF-8 with or without a BOM, and an old page that declares its windows-1258 charset', async () => {
    const legacyPage = Buffer.concat([textFile('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head><body><p>'), cp1258, textFile('</p></body></html>')]);
    const files: Array<[string, Buffer]> = [
      ['thu-tuc.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), textFile('code,name\n1.001193,Đăng ký khai sinh\n')])],
      ['cong-van.md', await readFile(path.join(FIXTURES, 'dispatch.md'))],
      ['cong-van.txt', await readFile(path.join(FIXTURES, 'dispatch-nfd.txt'))],
      ['trang.html', await readFile(path.join(FIXTURES, 'dispatch-page.html'))],
      ['trang-cu.html', legacyPage],
    ];
    for (const [name, bytes] of files) {
      const res = await upload(name, bytes);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
    }
    expect(await saved()).toEqual(files.map(([name]) => name).sort());
  });
});
