// Zip bombs in office files: refused from the archive's directory before anything is unpacked,
// and an archive whose directory lies is stopped at the cap while it is streamed. The bombs are
// built here from the real DOCX fixture (a 100 MB document.xml packs to ~350 KB).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddings, createFileIndexStore, runIngest } from '../../ingest/index.js';
import { extractDocx } from '../../ingest/loaders/docx.js';
import { LoadError, type SourceFile } from '../../ingest/loaders/types.js';
import { checkZip, isZip } from '../../ingest/loaders/zip-guard.js';

const fixtures = fileURLToPath(new URL('../fixtures/documents/', import.meta.url));
const PARA = '<w:p><w:r><w:t>Ủy ban nhân dân thành phố Hà Nội đề nghị các sở, ban, ngành thực hiện.</w:t></w:r></w:p>';
const MB = 1024 * 1024;

let dispatch: Buffer;
let bomb: Buffer;

/** The real DOCX fixture with its document.xml replaced, or extra entries added. */
async function docxWith(parts: Record<string, Buffer | string>): Promise<Buffer> {
  const zip = await JSZip.loadAsync(dispatch);
  for (const [name, content] of Object.entries(parts)) zip.file(name, content, { compression: 'DEFLATE', compressionOptions: { level: 9 } });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

const repeated = (bytes: number): Buffer => Buffer.from(PARA.repeat(Math.ceil(bytes / Buffer.byteLength(PARA))));
const file = (bytes: Buffer, name = 'bom.docx'): SourceFile => ({ path: `/tmp/${name}`, relPath: `uploads/${name}`, bytes });

async function refusal(p: Promise<unknown>): Promise<LoadError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LoadError);
  return err as LoadError;
}

beforeAll(async () => {
  dispatch = await readFile(path.join(fixtures, 'dispatch.docx'));
  bomb = await docxWith({ 'word/document.xml': repeated(100 * MB) });
}, 60_000);

describe('checkZip', () => {
  it('refuses a DOCX whose document.xml unpacks to 100 MB, from its directory, with the reason in Vietnamese and English', async () => {
    expect(bomb.length).toBeLessThan(1 * MB);
    expect(isZip(bomb)).toBe(true);
    const err = await refusal(extractDocx(file(bomb)));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/^uploads\/bom\.docx: the archive unpacks to 100 MB \(at most 50 MB\); refused as a possible zip bomb\. \/ Tệp DOCX giải nén ra 100 MB \(tối đa 50 MB\); nghi là "bom nén", không đọc\.$/);
  });

  it('refuses an archive of more than 2,000 entries', async () => {
    const parts: Record<string, string> = {};
    for (let i = 0; i < 2001; i++) parts[`word/media/p${i}.xml`] = '<x/>';
    const err = await refusal(checkZip(file(await docxWith(parts))));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/holds 20\d\d entries \(at most 2000\)/);
    expect(err.message).toContain('tệp con');
  });

  it('refuses one entry compressed far beyond what text does, though the total is small', async () => {
    const zeros = await docxWith({ 'word/media/image1.bin': Buffer.alloc(20 * MB) });
    const err = await refusal(checkZip(file(zeros)));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/word\/media\/image1\.bin is compressed \d+ times \(at most 200\)/);
  });

  it('stops an archive whose directory understates its sizes while streaming it', async () => {
    // 60 MB that the directory (and the local header) claim is 900 KB: only unpacking tells.
    const liar = await docxWith({ 'word/document.xml': repeated(60 * MB) });
    const claimed = 900 * 1024;
    for (let at = liar.indexOf(Buffer.from('PK\x01\x02', 'latin1')); at >= 0; at = liar.indexOf(Buffer.from('PK\x01\x02', 'latin1'), at + 4)) {
      const nameLength = liar.readUInt16LE(at + 28);
      if (liar.toString('utf8', at + 46, at + 46 + nameLength) === 'word/document.xml') liar.writeUInt32LE(claimed, at + 24);
    }
    const err = await refusal(checkZip(file(liar)));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.message).toMatch(/word\/document\.xml unpacks to more than its directory declares; .* giải nén ra nhiều hơn khai báo/);
  });

  it('lets a real DOCX through, and names a broken one as unreadable', async () => {
    await expect(checkZip(file(dispatch, 'dispatch.docx'))).resolves.toBeUndefined();
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 1)]);
    const err = await refusal(checkZip(file(broken, 'hong.docx')));
    expect(err.code).toBe('UNREADABLE');
    expect(err.message).toMatch(/^uploads\/hong\.docx: not a readable DOCX file .* Tệp DOCX bị hỏng/);
  });
});

describe('a zip bomb in an ingest run', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is reported as failed with its reason, and the valid file beside it is published', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tthc-zip-guard-'));
    await mkdir(path.join(dir, 'data'));
    await writeFile(path.join(dir, 'data', 'bom.docx'), bomb);
    await writeFile(
      path.join(dir, 'data', 'hop-le.md'),
      '---\nid: cong-van-hop-le\nnumber: 77/UBND-TEST\ntitle: Công văn 77/UBND-TEST về đăng ký khai sinh (tài liệu thử nghiệm)\nyear: 2026\nlanguage: vi\n---\n\n1. Các phường, xã hướng dẫn người dân đăng ký khai sinh trực tuyến.\n',
    );
    const store = createFileIndexStore(path.join(dir, 'index'));
    const summary = await runIngest({ store, embedder: await createEmbeddings({ kind: 'hashing' }), paths: ['data'], baseDir: dir });
    expect(summary.published).toBe(true);
    expect(summary.added).toEqual(['data/hop-le.md']);
    expect(summary.failed).toEqual([{ source: 'data/bom.docx', code: 'TOO_LARGE', message: expect.stringContaining('bom nén') }]);
    expect(summary.exitCode).toBe(2);
    const snapshot = await store.open();
    expect(snapshot!.records.documents.map((d) => d.id)).toEqual(['cong-van-hop-le']);
  }, 60_000);
});
