// Issue 13.5, part 1: links in uploaded catalogue data are checked at ingest. A catalogue upload
// whose record carries `javascript:`, a look-alike host or credentials is ingested with the
// record kept, the link dropped and a warning in the run summary; nothing of the link reaches
// the answer (procedure.url, links, citations, text) or what Telegram and Zalo are sent.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AskResponse } from '../../domain/contract.js';
import type { IngestSummary } from '../../ingest/index.js';
import { openAssistant, type Assistant } from '../../service.js';
import { renderTelegram, renderZalo, answerKeyboard } from '../../bot/format.js';
import { loadFile } from '../../ingest/loaders/index.js';
import { copyData, ingestInProcess, tempDir, TODAY } from '../reliability/helpers.js';

// Made-up procedures (test fixtures only): their codes do not exist in the national catalogue.
const UPLOAD = {
  format: 'tthc-catalogue/v1',
  procedures: [
    {
      code: '9.999971',
      name: 'Thủ tục thử nghiệm cấp giấy phép nuôi ong mật trong đô thị',
      level: ['Cấp xã'],
      url: 'javascript:alert(document.cookie)',
      channels: [{ channel: 'online', time: '3 ngày làm việc', fee: 'Miễn phí' }],
    },
    {
      code: '9.999972',
      name: 'Thủ tục thử nghiệm đăng ký nuôi cá cảnh ban công',
      level: ['Cấp xã'],
      url: 'https://dichvucong-gov.vn/ca-canh',
      channels: [{ channel: 'online', time: '2 ngày làm việc', fee: 'Miễn phí' }],
    },
    {
      code: '9.999973',
      name: 'Thủ tục thử nghiệm xác nhận trồng rau sân thượng',
      level: ['Cấp xã'],
      url: 'https://admin:hunter2@dichvucong.gov.vn/thu-tuc-hanh-chinh/rau',
      channels: [{ channel: 'online', time: '1 ngày làm việc', fee: 'Miễn phí' }],
    },
  ],
};
const QUESTIONS: Array<[string, string]> = [
  ['9.999971', 'thủ tục cấp giấy phép nuôi ong mật trong đô thị nộp online ở đâu'],
  ['9.999972', 'đăng ký nuôi cá cảnh ban công nộp trực tuyến ở đâu'],
  ['9.999973', 'xác nhận trồng rau sân thượng làm online thế nào'],
];
const PLANTED = /javascript:|dichvucong-gov\.vn|hunter2|admin:/i;

let dir: string;
let summary: IngestSummary;
let assistant: Assistant;

beforeAll(async () => {
  dir = await tempDir('links');
  const data = await copyData(dir);
  await mkdir(path.join(data, 'uploads'), { recursive: true });
  await writeFile(path.join(data, 'uploads', 'lien-ket.json'), JSON.stringify(UPLOAD));
  const indexDir = path.join(dir, 'index');
  summary = await ingestInProcess(indexDir, [data]);
  assistant = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [], now: () => TODAY });
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('links from an uploaded catalogue', () => {
  it('the run keeps the records, drops their links and says so in its summary', () => {
    expect(summary.failed).toEqual([]);
    const about = summary.warnings.filter((w) => w.includes('lien-ket.json'));
    expect(about).toEqual([
      expect.stringMatching(/procedures\[0\] \(9\.999971\): bỏ liên kết "javascript:alert\(document\.cookie\)": giao thức "javascript:" không được phép/),
      expect.stringMatching(/procedures\[1\] \(9\.999972\): bỏ liên kết .*"dichvucong-gov\.vn" không thuộc cổng dịch vụ công/),
      expect.stringMatching(/procedures\[2\] \(9\.999973\): bỏ liên kết .*tên đăng nhập hoặc mật khẩu/),
    ]);
  });

  it.each(QUESTIONS)('%s: the answer, Telegram and Zalo carry no trace of the planted link', async (code, question) => {
    const r: AskResponse = await assistant.engine.ask({ question });
    expect(r.procedure?.code, `the uploaded procedure must be found, or this test proves nothing (${r.answer})`).toBe(code);
    expect(r.procedure?.url).toBeUndefined();
    expect(JSON.stringify(r)).not.toMatch(PLANTED);
    const telegram = renderTelegram(r);
    expect(JSON.stringify(telegram)).not.toMatch(PLANTED);
    expect(JSON.stringify(answerKeyboard(r) ?? {})).not.toMatch(PLANTED);
    expect(renderZalo(r)).not.toMatch(PLANTED);
  });
});

describe('links given with an uploaded document', () => {
  const md = (url: string) => `---\nid: test-fixture-link\ntitle: Công văn thử nghiệm liên kết\nurl: ${url}\n---\n\nỦY BAN NHÂN DÂN\n\n1. Nội dung thử nghiệm.\n`;
  const file = (text: string) => ({ path: '/nowhere/uploads/cv.md', relPath: 'uploads/cv.md', bytes: Buffer.from(text, 'utf8') });

  it('front matter or a sidecar cannot give a document a javascript: or credentialed link; an https one stays', async () => {
    const planted = await loadFile(file(md('javascript:alert(1)')));
    expect(planted.documents[0]!.url).toBeUndefined();
    expect(planted.warnings).toContainEqual(expect.stringMatching(/^url: bỏ liên kết "javascript:alert\(1\)": giao thức "javascript:"/));
    const sidecar = await loadFile(file(md('https://vanban.hanoi.gov.vn/cv-1')), { url: 'https://user:pw@vanban.hanoi.gov.vn/cv-1' });
    expect(sidecar.documents[0]!.url).toBeUndefined();
    const fine = await loadFile(file(md('https://vanban.hanoi.gov.vn/cv-1')));
    expect(fine.documents[0]!.url).toBe('https://vanban.hanoi.gov.vn/cv-1');
    expect(fine.warnings.filter((w) => w.includes('liên kết'))).toEqual([]);
  });
});
