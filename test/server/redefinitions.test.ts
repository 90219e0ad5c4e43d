import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileConfirmationStore, uploadPrecedence } from '../../server/redefinitions.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const tmp = () => (dir = mkdtempSync(path.join(os.tmpdir(), 'tthc-confirm-')));

describe('createFileConfirmationStore', () => {
  it('keeps confirmations across restarts, in a file only its owner reads', async () => {
    const file = path.join(tmp(), 'state', 'confirmed-redefinitions.json');
    const store = createFileConfirmationStore(file);
    expect(store.isConfirmed('1.001193', 'khai-sinh.csv', 'abc')).toBe(false);
    await store.confirm({ code: '1.001193', file: 'khai-sinh.csv', fingerprint: 'abc' }, new Date('2026-12-01T10:00:00Z'));
    expect(store.isConfirmed('1.001193', 'khai-sinh.csv', 'abc')).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = createFileConfirmationStore(file);
    expect(again.isConfirmed('1.001193', 'khai-sinh.csv', 'abc')).toBe(true);
    expect(again.isConfirmed('1.001193', 'khai-sinh.csv', 'other')).toBe(false);
    expect(again.isConfirmed('1.001193', 'another.csv', 'abc')).toBe(false);
    expect(again.list()).toEqual([{ code: '1.001193', file: 'khai-sinh.csv', fingerprint: 'abc', at: '2026-12-01T10:00:00.000Z' }]);
  });

  it('a newer version of the same code in the same file replaces the older confirmation', async () => {
    const file = path.join(tmp(), 'c.json');
    const store = createFileConfirmationStore(file);
    await store.confirm({ code: '1.001193', file: 'k.csv', fingerprint: 'v1' });
    await store.confirm({ code: '1.001193', file: 'k.csv', fingerprint: 'v2' });
    expect(store.isConfirmed('1.001193', 'k.csv', 'v1')).toBe(false);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { confirmations: unknown[] }).confirmations).toHaveLength(1);
  });

  it('refuses to start over a file it cannot read, rather than forget what the admin chose', () => {
    const file = path.join(tmp(), 'c.json');
    writeFileSync(file, '{"confirmations": [{"code": 1}]}');
    expect(() => createFileConfirmationStore(file)).toThrow(/confirmed redefinitions cannot be read/);
  });
});

describe('uploadPrecedence', () => {
  it('names as uploads the sources under the upload folder, and reads confirmations by file name', async () => {
    const base = tmp();
    const confirmations = createFileConfirmationStore(path.join(base, 'c.json'));
    await confirmations.confirm({ code: '1.001193', file: 'k.csv', fingerprint: 'f' });
    const p = uploadPrecedence({ uploadDir: path.join(base, 'data', 'uploads'), baseDir: base, confirmations });
    expect(p.isUpload('data/uploads/k.csv')).toBe(true);
    expect(p.isUpload('data/catalogue/procedures.json')).toBe(false);
    expect(p.isUpload('data/uploads-old/k.csv')).toBe(false);
    expect(p.isConfirmed('1.001193', 'data/uploads/k.csv', 'f')).toBe(true);
  });
});
