import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatCatalogueCsv, parseCatalogueCsv } from '../../../ingest/loaders/catalogue-csv.js';
import { loadCatalogue } from '../../../ingest/loaders/catalogue.js';
import { LoadError } from '../../../ingest/loaders/types.js';
import type { SourceFile } from '../../../ingest/loaders/types.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(projectRoot, 'test/fixtures/catalogue');
const portalDir = path.resolve(projectRoot, '../shared/data/tthc-portal');

function fixture(name: string): SourceFile {
  const full = path.join(fixtures, name);
  return { path: full, relPath: `catalogue/${name}`, bytes: readFileSync(full) };
}
function inline(relPath: string, content: string): SourceFile {
  return { path: `/nowhere/${relPath}`, relPath, bytes: Buffer.from(content, 'utf8') };
}
async function loadError(file: SourceFile): Promise<LoadError> {
  const err = await loadCatalogue(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LoadError);
  return err as LoadError;
}

describe('loadCatalogue: our catalogue JSON (tthc-catalogue/v1)', () => {
  it('returns the valid procedures as curated unless they say otherwise, and warns about the bad one', async () => {
    const r = await loadCatalogue(fixture('catalogue.json'));
    expect(r.procedures.map((p) => [p.code, p.origin])).toEqual([
      ['1.001193', 'curated'],
      ['1.002000', 'portal'],
    ]);
    expect(r.procedures[0]!.papers[0]!.papers[1]).toEqual({ name: 'Giấy chứng sinh', copies: '1 bản chính', original: 1 });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/procedures\[1\] \(2\.000001\)/);
    expect(r.warnings[0]).toMatch(/name:/);
    expect(r.stats).toBeUndefined();
  });

  it('fails with INVALID_RECORD when every record is bad', async () => {
    const err = await loadError(fixture('all-bad.json'));
    expect(err.code).toBe('INVALID_RECORD');
    expect(err.relPath).toBe('catalogue/all-bad.json');
    expect(err.message).toMatch(/procedures\[0\]/);
  });

  it('fails with EMPTY on an empty list', async () => {
    const err = await loadError(inline('empty.json', '{"format":"tthc-catalogue/v1","procedures":[]}'));
    expect(err.code).toBe('EMPTY');
  });
});

describe('loadCatalogue: references JSON (document-references/v1)', () => {
  it('returns short records, always summary-only, and warns about the bad one', async () => {
    const r = await loadCatalogue(fixture('references.json'));
    expect(r.references).toHaveLength(1);
    expect(r.references[0]).toMatchObject({ id: '136-kh-ubnd-2021', number: '136/KH-UBND', summaryOnly: true, language: 'vi' });
    expect(r.procedures).toEqual([]);
    expect(r.warnings[0]).toMatch(/documents\[1\] \(bad-date\).*date/);
  });
});

describe('loadCatalogue: catalogue CSV', () => {
  it('reads papers with cases and kinds, channels, legal basis and aliases', async () => {
    const r = await loadCatalogue(fixture('catalogue.csv'));
    expect(r.procedures.map((p) => p.code)).toEqual(['1.001193', '2.000002']);
    const birth = r.procedures[0]!;
    expect(birth).toMatchObject({
      name: 'Thủ tục đăng ký khai sinh',
      nameEn: 'Birth registration',
      level: ['Cấp xã'],
      agency: 'UBND xã, phường nơi cư trú',
      aliases: ['làm giấy khai sinh', 'giấy khai sinh'],
      origin: 'curated',
      applicants: 'Công dân Việt Nam, người Việt Nam định cư ở nước ngoài',
    });
    expect(birth.papers).toEqual([
      {
        case: null,
        kind: 'submit',
        papers: [
          { name: 'Tờ khai đăng ký khai sinh', copies: '1 bản chính', original: 1 },
          { name: 'Giấy chứng sinh', copies: '1 bản chính', original: 1 },
        ],
      },
      {
        case: 'Trường hợp trẻ em bị bỏ rơi',
        kind: 'submit',
        papers: [{ name: 'Biên bản về việc trẻ bị bỏ rơi', copies: '1 bản chính', original: 1 }],
      },
      { case: null, kind: 'present', papers: [{ name: 'Giấy tờ tùy thân', copies: '1 bản chính', original: 1 }] },
    ]);
    expect(birth.channels).toEqual([
      { channel: 'online', time: '1 ngày làm việc', fee: 'Miễn phí' },
      { channel: 'in-person', time: '1 ngày làm việc', fee: 'Miễn phí', note: 'nộp tại Bộ phận một cửa' },
      { channel: 'postal', time: '1 ngày làm việc', fee: 'Miễn phí' },
    ]);
    expect(birth.legalBasis).toEqual([
      { title: 'Luật Hộ tịch', number: '60/2014/QH13' },
      { title: 'Nghị định', number: '123/2015/NĐ-CP' },
    ]);

    const record = r.procedures[1]!;
    expect(record.name).toBe('Cấp phiếu lý lịch tư pháp "số 1"');
    expect(record.papers[0]!.papers).toEqual([
      { name: 'Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp\n(theo mẫu)', copies: '1 bản chính', original: 1 },
      { name: 'Bản chụp giấy tờ tùy thân', copies: '0 bản chính, 1 bản sao', original: 0, copy: 1 },
    ]);
    expect(record.channels).toEqual([{ channel: 'online', time: '10 ngày', fee: '200.000 đồng' }]);
  });

  it('warns about a bad row by its line number and keeps the others', async () => {
    const r = await loadCatalogue(fixture('catalogue.csv'));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^catalogue\/catalogue\.csv: dòng 3 \(1\.000001\): bỏ qua, name:/);
  });

  it('names the line of broken quoting (UNREADABLE)', async () => {
    const err = await loadError(fixture('broken.csv'));
    expect(err.code).toBe('UNREADABLE');
    expect(err.message).toMatch(/dòng 2/);
  });

  it('requires the code and name columns', async () => {
    const err = await loadError(inline('x.csv', 'ma,ten\n1,a\n'));
    expect(err.code).toBe('UNREADABLE');
    expect(err.message).toMatch(/code.*name/);
  });

  it('round-trips through formatCatalogueCsv', async () => {
    const first = parseCatalogueCsv(readFileSync(path.join(fixtures, 'catalogue.csv'), 'utf8')).procedures;
    const again = parseCatalogueCsv(formatCatalogueCsv(first));
    expect(again.warnings).toEqual([]);
    expect(again.procedures).toEqual(first);
  });
});

describe('loadCatalogue: raw national portal records', () => {
  const real = (rel: string) => readFileSync(path.join(portalDir, rel), 'utf8');

  it('detects a portal record by its fields and counts clean / partial records', async () => {
    const r = await loadCatalogue(inline('whatever-name.json', real('bo-tu-phap/1.001193.json')));
    expect(r.procedures).toHaveLength(1);
    expect(r.procedures[0]).toMatchObject({ code: '1.001193', origin: 'portal' });
    expect(r.stats).toEqual({ records: 1, clean: 0, partial: 1 });
    expect(r.warnings).toEqual(['whatever-name.json: 1.001193 đọc được một phần: channels:time-unit-missing']);
  });

  it('reads an array of records; a non-record in it is warned about, not fatal', async () => {
    const records = [JSON.parse(real('bo-cong-an/1.001456.json')), JSON.parse(real('bo-tu-phap/1.001193.json')), { foo: 1 }];
    const r = await loadCatalogue(inline('batch.json', JSON.stringify(records)));
    expect(r.procedures.map((p) => p.code)).toEqual(['1.001456', '1.001193']);
    expect(r.stats).toEqual({ records: 3, clean: 1, partial: 1 });
    expect(r.warnings.some((w) => w.startsWith('batch.json: bản ghi [2] bị bỏ qua'))).toBe(true);
  });
});

describe('loadCatalogue: files it cannot take', () => {
  it('invalid JSON → UNREADABLE with the parser position as line and column', async () => {
    const err = await loadError(fixture('broken.json'));
    expect(err.code).toBe('UNREADABLE');
    expect(err.relPath).toBe('catalogue/broken.json');
    expect(err.message).toMatch(/position \d+/);
    expect(err.message).toMatch(/dòng 4, cột \d+/);
  });

  it('an unknown JSON shape → UNSUPPORTED_FORMAT naming the accepted formats', async () => {
    const err = await loadError(fixture('unknown-shape.json'));
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.message).toMatch(/tthc-catalogue\/v1/);
    expect(err.message).toMatch(/document-references\/v1/);
    expect(err.message).toMatch(/ma_thu_tuc/);
  });

  it('an unknown format version is refused, not guessed', async () => {
    const err = await loadError(inline('v2.json', '{"format":"tthc-catalogue/v2","procedures":[]}'));
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.message).toMatch(/"tthc-catalogue\/v2"/);
  });
});

describe('loadCatalogue: links are checked on the way in (issue 13.5)', () => {
  const EVIL = 'javascript:alert(document.cookie)';
  const record = (url: unknown) => ({ code: '9.900001', name: 'Thủ tục thử nghiệm liên kết', url });

  it('catalogue JSON: a javascript:, foreign or credentialed link is dropped with a warning, the record kept', async () => {
    const json = JSON.stringify({
      format: 'tthc-catalogue/v1',
      procedures: [record(EVIL), { ...record('https://dichvucong-gov.vn/khai-sinh'), code: '9.900002' }, { ...record('https://u:p@dichvucong.gov.vn/x'), code: '9.900003' }, { ...record(7), code: '9.900004' }],
    });
    const r = await loadCatalogue(inline('up.json', json));
    expect(r.procedures.map((p) => [p.code, p.url])).toEqual([
      ['9.900001', undefined],
      ['9.900002', undefined],
      ['9.900003', undefined],
      ['9.900004', undefined],
    ]);
    expect(r.warnings).toHaveLength(4);
    expect(r.warnings[0]).toMatch(/^up\.json: procedures\[0\] \(9\.900001\): bỏ liên kết "javascript:alert\(document\.cookie\)": giao thức "javascript:"/);
    expect(r.warnings[1]).toMatch(/"dichvucong-gov\.vn" không thuộc cổng dịch vụ công/);
    expect(r.warnings[2]).toMatch(/tên đăng nhập hoặc mật khẩu/);
  });

  it('catalogue JSON: a portal link over plain http is dropped too, never rewritten', async () => {
    const r = await loadCatalogue(inline('up.json', JSON.stringify({ format: 'tthc-catalogue/v1', procedures: [record('http://dichvucong.gov.vn/thu-tuc-hanh-chinh/abc')] })));
    expect(r.procedures[0]!.url).toBeUndefined();
    expect(r.warnings).toEqual([expect.stringMatching(/giao thức "http:" không được phép \(chỉ https\)/)]);
  });

  it('references JSON: a document link must be https without credentials; any host', async () => {
    const docs = [
      { id: 'a', title: 'Kế hoạch A', url: 'data:text/html,<script>alert(1)</script>' },
      { id: 'b', title: 'Kế hoạch B', url: 'https://vanban.chinhphu.vn/?docid=1' },
    ];
    const r = await loadCatalogue(inline('refs.json', JSON.stringify({ format: 'document-references/v1', documents: docs })));
    expect(r.references.map((d) => [d.id, d.url])).toEqual([
      ['a', undefined],
      ['b', 'https://vanban.chinhphu.vn/?docid=1'],
    ]);
    expect(r.warnings).toEqual([expect.stringMatching(/^refs\.json: documents\[0\] \(a\): bỏ liên kết "data:text\/html,<script>alert\(1\)<\/script>": giao thức "data:"/)]);
  });

  it('catalogue CSV: the url cell is checked the same way, the row kept', async () => {
    const csv = `code,name,url\n9.900001,Thủ tục thử nghiệm,${EVIL}\n9.900002,Thủ tục hai,https://evil.example/dang-ky\n1.001193,Đăng ký khai sinh,https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x\n`;
    const r = await loadCatalogue(inline('up.csv', csv));
    expect(r.procedures.map((p) => [p.code, p.url])).toEqual([
      ['9.900001', undefined],
      ['9.900002', undefined],
      ['1.001193', 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/x'],
    ]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/^up\.csv: dòng 2 \(9\.900001\): bỏ liên kết "javascript:alert\(document\.cookie\)"/),
      expect.stringMatching(/^up\.csv: dòng 3 \(9\.900002\): bỏ liên kết "https:\/\/evil\.example\/dang-ky": "evil\.example" không thuộc cổng/),
    ]);
  });

  it('portal records: a detail_url off the portal is dropped and the record counted as partial', async () => {
    const r = await loadCatalogue(inline('p.json', JSON.stringify({ ma_thu_tuc: '9.900001', ten_thu_tuc: 'Thủ tục thử nghiệm', detail_url: 'https://dichvucong.gov.vn.evil.example/x' })));
    expect(r.procedures[0]!.url).toBeUndefined();
    expect(r.stats).toEqual({ records: 1, clean: 0, partial: 1 });
    expect(r.warnings).toEqual([expect.stringContaining('url:invalid')]);
  });
});
