// Word 97 (.doc), OpenDocument (.odt) and RTF dispatches, as offices still send them: each is read
// through LibreOffice into DOCX and yields what its .docx source yields. The renditions are made
// here, with soffice, from our own test dispatch; a missing or hung soffice is a clear failure.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFileIndexStore, HashingEmbeddings, runIngest, type IdentifiedEmbeddings, type IndexRecords } from '../../ingest/index.js';
import { extractDocx } from '../../ingest/loaders/docx.js';
import { createLegacyOfficeExtractor, LIBREOFFICE_PACKAGE } from '../../ingest/loaders/legacy-office.js';
import { LoadError } from '../../ingest/loaders/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/documents/', import.meta.url));
const LEGACY = ['doc', 'odt', 'rtf'] as const;

const hashing = new HashingEmbeddings();
const embedder: IdentifiedEmbeddings = { id: hashing.id, dimension: hashing.dimension, embeddings: hashing };

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'tthc-legacy-office-test-'));
  copyFileSync(path.join(FIXTURES, 'dispatch.docx'), path.join(work, 'dispatch.docx'));
  // As an office would: Word 97, OpenDocument and RTF saved from the same dispatch.
  const profile = pathToFileURL(path.join(work, 'profile')).href;
  const filters = { doc: 'doc:MS Word 97', odt: 'odt:writer8', rtf: 'rtf:Rich Text Format' } as const;
  for (const ext of LEGACY) {
    execFileSync('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--convert-to', filters[ext], '--outdir', work, path.join(work, 'dispatch.docx')], { stdio: 'ignore' });
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** Ingest one file alone in its own data folder and index; what the index then holds. */
async function ingestAlone(file: string, name: string): Promise<{ records: IndexRecords; failed: { source: string; message: string }[]; exitCode: number }> {
  const root = path.join(work, `run-${name}`);
  mkdirSync(path.join(root, 'data'), { recursive: true });
  copyFileSync(file, path.join(root, 'data', name));
  const store = createFileIndexStore(path.join(root, 'index'));
  const summary = await runIngest({ store, embedder, paths: ['data'], baseDir: root });
  const snapshot = summary.published ? await store.open() : null;
  return { records: snapshot?.records ?? { procedures: [], documents: [], tasks: [] }, failed: summary.failed, exitCode: summary.exitCode };
}

/** What an answer draws from a document: its metadata and its tasks, without where it came from. */
function readOf(records: IndexRecords) {
  const doc = records.documents[0];
  return {
    document: doc && { number: doc.number, date: doc.date, title: doc.title, subject: doc.subject, issuer: doc.issuer, addressees: doc.addressees, type: doc.type },
    tasks: records.tasks.map((t) => ({ text: t.text, units: t.units, deadline: t.deadline })),
  };
}

describe('legacy office formats', () => {
  it('reads .doc, .odt and .rtf with the same number, date, title, addressees and tasks as their .docx source', async () => {
    const source = await ingestAlone(path.join(work, 'dispatch.docx'), 'cong-van.docx');
    const expected = readOf(source.records);
    expect(expected.document).toMatchObject({ number: '999/UBND-TEST', date: '2023-09-15' });
    expect(expected.tasks.length).toBeGreaterThan(0);
    expect(expected.tasks.some((t) => t.deadline.date === '2023-09-30')).toBe(true);
    for (const ext of LEGACY) {
      const legacy = await ingestAlone(path.join(work, `dispatch.${ext}`), `cong-van.${ext}`);
      expect(legacy.failed, ext).toEqual([]);
      expect(legacy.exitCode, ext).toBe(0);
      expect(legacy.records.documents, ext).toHaveLength(1);
      expect(readOf(legacy.records), ext).toEqual(expected);
      expect(legacy.records.documents[0]!.source).toBe(`data/cong-van.${ext}`);
    }
  });

  it('names the package to install when LibreOffice is absent, and publishes the rest of the run', async () => {
    const root = path.join(work, 'no-soffice');
    mkdirSync(path.join(root, 'data'), { recursive: true });
    copyFileSync(path.join(work, 'dispatch.doc'), path.join(root, 'data', 'cong-van.doc'));
    writeFileSync(path.join(root, 'data', 'ghi-chu.md'), '# Ghi chú\n\nSở Nội vụ tổng hợp ý kiến trước ngày 30/10/2026.\n');
    // A PATH without soffice: how a machine without libreoffice-writer-nogui looks to the loader.
    vi.stubEnv('PATH', path.join(root, 'empty-bin'));
    const store = createFileIndexStore(path.join(root, 'index'));
    const summary = await runIngest({ store, embedder, paths: ['data'], baseDir: root });
    expect(summary.added).toEqual(['data/ghi-chu.md']);
    expect(summary.published).toBe(true);
    expect(summary.exitCode).toBe(2);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]).toMatchObject({ source: 'data/cong-van.doc', code: 'CONVERTER_UNAVAILABLE' });
    expect(summary.failed[0]!.message).toContain(`apt-get install -y ${LIBREOFFICE_PACKAGE}`);
  });

  it('stops a conversion that does not finish, and leaves no temporary files', async () => {
    const bin = path.join(work, 'hung-bin');
    const tmp = path.join(work, 'hung-tmp');
    mkdirSync(bin, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    const pidFile = path.join(work, 'hung.pid');
    // Like soffice, the launcher script starts the real converter as a child of its own.
    writeFileSync(path.join(bin, 'soffice'), `#!/bin/sh\nsleep 600 &\necho $! > '${pidFile}'\nwait\n`);
    chmodSync(path.join(bin, 'soffice'), 0o755);
    const extract = createLegacyOfficeExtractor({ extractDocx, soffice: path.join(bin, 'soffice'), timeoutMs: 500, tmpDir: tmp });
    const file = { path: path.join(work, 'dispatch.doc'), relPath: 'data/cong-van.doc', bytes: readFileSync(path.join(work, 'dispatch.doc')) };
    const err = await extract(file).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).message).toMatch(/^data\/cong-van\.doc: LibreOffice did not finish converting it within 1 s and was stopped/);
    // The hung converter is gone, not left running behind the ingest (at most a zombie awaiting its reaper).
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const state = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses a zip bomb saved as .odt before LibreOffice unpacks it', async () => {
    const bin = path.join(work, 'marking-bin');
    mkdirSync(bin, { recursive: true });
    const ran = path.join(work, 'soffice-ran');
    writeFileSync(path.join(bin, 'soffice'), `#!/bin/sh\ntouch '${ran}'\n`);
    chmodSync(path.join(bin, 'soffice'), 0o755);
    // The real .odt with its content.xml swollen to 60 MB of paragraphs (a few hundred KB packed).
    const zip = await JSZip.loadAsync(readFileSync(path.join(work, 'dispatch.odt')));
    const para = '<text:p>Các sở, ban, ngành thực hiện nghiêm túc.</text:p>';
    zip.file('content.xml', para.repeat(Math.ceil((60 * 1024 * 1024) / para.length)), { compression: 'DEFLATE', compressionOptions: { level: 9 } });
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const extract = createLegacyOfficeExtractor({ extractDocx, soffice: path.join(bin, 'soffice') });
    const err = await extract({ path: path.join(work, 'bom.odt'), relPath: 'uploads/bom.odt', bytes }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('TOO_LARGE');
    expect(existsSync(ran)).toBe(false);
  });

  it('reports a file that is not what its extension says as unreadable, naming it', async () => {
    const extract = createLegacyOfficeExtractor({ extractDocx });
    const bytes = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 1, 2, 3, 0, 0, 0xff, 0xfe]);
    const err = await extract({ path: path.join(work, 'hong.doc'), relPath: 'data/hong.doc', bytes }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('UNREADABLE');
    expect((err as LoadError).message).toMatch(/^data\/hong\.doc: LibreOffice could not read it as a Word 97 document/);
  });
});
