import { describe, expect, it } from 'vitest';
import type { StoredProcedure } from '../../../ingest/index.js';
import { NO_UPLOADS, recordFingerprint, serveProcedure, type ProcedurePrecedence } from '../../../server/answer/precedence.js';

const PORTAL_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7';
const OTHER_URL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/00000000-0000-0000-0000-000000000000';

function record(over: Partial<StoredProcedure>): StoredProcedure {
  return { code: '1.001193', name: 'Thủ tục đăng ký khai sinh', level: ['Cấp xã'], papers: [], channels: [], legalBasis: [], aliases: [], origin: 'curated', source: 'data/catalogue/procedures.json', ...over } as StoredProcedure;
}
const national = record({ origin: 'portal', source: '../tthc-portal/bo-tu-phap/1.001193.json', url: PORTAL_URL, agency: 'UBND cấp xã', decision: '163/QĐ-BTP' });
const curated = record({ url: PORTAL_URL, channels: [{ channel: 'in-person', time: 'Ngay trong ngày', fee: 'Miễn phí' }] });
const upload = record({ source: 'data/uploads/khai-sinh.csv', url: OTHER_URL, channels: [{ channel: 'in-person', time: '1 ngày', fee: '50.000 đồng' }], aliases: ['giấy khai sinh'] });

const uploads = (confirmed: Set<string> = new Set()): ProcedurePrecedence => ({
  isUpload: (s) => s.startsWith('data/uploads/'),
  isConfirmed: (code, source, fp) => confirmed.has(`${code}|${source}|${fp}`),
});

describe('serveProcedure', () => {
  it('an upload that redefines a bundled code is listed, and the bundled link and facts are served until it is confirmed', () => {
    const { served, redefinitions } = serveProcedure([national, curated, upload], uploads());
    expect(served.url).toBe(PORTAL_URL);
    expect(served.channels).toEqual(curated.channels);
    expect(served.aliases).toEqual([]);
    expect(served.agency).toBe('UBND cấp xã'); // the national record still fills the curated one
    expect(redefinitions).toEqual([
      {
        code: '1.001193',
        name: 'Thủ tục đăng ký khai sinh',
        source: 'data/uploads/khai-sinh.csv',
        fingerprint: recordFingerprint(upload),
        bundledUrl: PORTAL_URL,
        uploadUrl: OTHER_URL,
        changed: expect.arrayContaining(['url', 'channels', 'aliases']),
        confirmed: false,
      },
    ]);
    expect(redefinitions[0]!.changed).toHaveLength(3);
  });

  it("once the admin confirms that version, the upload's facts win and the bundled record fills the rest", () => {
    const ok = new Set([`1.001193|data/uploads/khai-sinh.csv|${recordFingerprint(upload)}`]);
    const { served, redefinitions } = serveProcedure([national, curated, upload], uploads(ok));
    expect(served.url).toBe(OTHER_URL);
    expect(served.channels).toEqual(upload.channels);
    expect(served.decision).toBe('163/QĐ-BTP');
    expect(redefinitions.map((r) => r.confirmed)).toEqual([true]);
  });

  it('a confirmation holds for the version confirmed only: an upload changed since is listed again, not served', () => {
    const ok = new Set([`1.001193|data/uploads/khai-sinh.csv|${recordFingerprint(upload)}`]);
    const changed = { ...upload, url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/11111111-1111-1111-1111-111111111111' };
    const { served, redefinitions } = serveProcedure([national, curated, changed], uploads(ok));
    expect(served.url).toBe(PORTAL_URL);
    expect(redefinitions.map((r) => r.confirmed)).toEqual([false]);
  });

  it('redefining a code only the national catalogue has is held back the same way', () => {
    const { served, redefinitions } = serveProcedure([national, upload], uploads());
    expect(served).toBe(national);
    expect(redefinitions).toHaveLength(1);
  });

  it('an upload that restates the bundled record, or brings a new code, is served without asking', () => {
    const same = record({ ...curated, source: 'data/uploads/copy.json' });
    expect(serveProcedure([curated, same], uploads()).redefinitions).toEqual([]);
    const fresh = record({ code: '9.999990', source: 'data/uploads/new.json', url: OTHER_URL });
    expect(serveProcedure([fresh], uploads())).toEqual({ served: fresh, redefinitions: [] });
  });

  it('without a precedence every source is bundled: curated over portal, else the later source wins (as before)', () => {
    expect(serveProcedure([national, curated], NO_UPLOADS).served).toMatchObject({ url: PORTAL_URL, agency: 'UBND cấp xã', channels: curated.channels });
    expect(serveProcedure([curated, upload], NO_UPLOADS).served).toBe(upload);
  });

  it('the fingerprint ignores where the record lies and the order of its keys', () => {
    const moved = { ...upload, source: 'elsewhere/khai-sinh.csv' };
    const reordered = Object.fromEntries(Object.entries(upload).reverse()) as StoredProcedure;
    expect(recordFingerprint(moved)).toBe(recordFingerprint(upload));
    expect(recordFingerprint(reordered)).toBe(recordFingerprint(upload));
    expect(recordFingerprint({ ...upload, url: PORTAL_URL })).not.toBe(recordFingerprint(upload));
  });
});
