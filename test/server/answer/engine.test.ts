// The answer engine over a real index of data/ (today fixed at 2026-11-27): intents, the
// procedure chosen, grounded links, deadlines with their status, follow-ups and search.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEEDBACK_PORTAL, HANOI_PORTAL, PORTAL_SEARCH } from '../../../server/answer/compose.js';
import { AskResponse, type AnswerEngine, type AskRequest } from '../../../domain/contract.js';
import { buildTestEngine, projectRoot } from '../../helpers/engine.js';

/** Every url written anywhere in data/: the only links an answer may carry, with the portal roots. */
function urlsInData(dir: string): Set<string> {
  const out = new Set<string>();
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      for (const u of urlsInData(p)) out.add(u);
      continue;
    }
    if (!/\.(json|md|txt|csv|html)$/.test(name)) continue;
    for (const m of readFileSync(p, 'utf8').matchAll(/https?:\/\/[^\s"'<>)\]]+/g)) out.add(m[0].replace(/[.,;:]+$/, ''));
  }
  return out;
}

const ALLOWED = new Set([...urlsInData(path.join(projectRoot, 'data')), PORTAL_SEARCH, HANOI_PORTAL, FEEDBACK_PORTAL]);

let engine: AnswerEngine;
beforeAll(async () => {
  ({ engine } = await buildTestEngine());
});

async function ask(req: AskRequest): Promise<AskResponse> {
  const r = await engine.ask(req);
  // Every answer crosses a boundary: it must satisfy the contract and carry only links from the data.
  AskResponse.parse(r);
  const urls = [...r.links.map((l) => l.url), ...r.citations.flatMap((c) => (c.url ? [c.url] : [])), ...(r.procedure?.url ? [r.procedure.url] : [])];
  for (const u of urls) expect(ALLOWED, `url ${u} is not in data/`).toContain(u);
  return r;
}

describe('procedure questions', () => {
  it('answers "đăng ký khai sinh" with the birth registration record, not a variant', async () => {
    const r = await ask({ question: 'đăng ký khai sinh' });
    expect(r.intent).toBe('procedure');
    expect(r.found).toBe(true);
    expect(r.procedure?.code).toBe('1.001193');
    expect(r.answer).toContain('Thủ tục đăng ký khai sinh — mã 1.001193');
    expect(r.citations.length).toBeGreaterThan(0);
    expect(r.citations.every((c) => c.number === '1.001193')).toBe(true);
    expect(r.links.map((l) => l.url)).toEqual([r.procedure!.url]);
  });

  it.each([
    ['đăng ký lại khai sinh', '1.004884'],
    ['đăng ký khai sinh kết hợp nhận cha mẹ con', '1.000689'],
    ['cấp bản sao giấy khai sinh', '2.000635'],
  ])('answers a question naming a variant (%s) with that variant, not 1.001193', async (question, code) => {
    const r = await ask({ question });
    expect(r.intent).toBe('procedure');
    expect(r.procedure?.code).toBe(code);
  });

  it('offers near neighbours as alternatives', async () => {
    const r = await ask({ question: 'đăng ký khai sinh' });
    const alts = r.alternatives?.map((a) => a.code) ?? [];
    expect(alts).toContain('1.004884');
    expect(alts).not.toContain('1.001193');
  });

  it('answers a catalogue code sent by a button', async () => {
    const r = await ask({ question: '1.004884' });
    expect(r.procedure?.code).toBe('1.004884');
  });

  it('leads with the asked aspect', async () => {
    const r = await ask({ question: 'đăng ký khai sinh online' });
    expect(r.answer.split('\n')[0]).toBe(`Nộp trực tuyến tại: ${r.procedure!.url}`);
    const where = await ask({ question: 'đổi bằng lái xe ở đâu' });
    expect(where.procedure?.code).toBe('3.000347');
    expect(where.answer.split('\n')[0]).toMatch(/^Nơi nộp: /);
  });

  it('answers an English question in English', async () => {
    const r = await ask({ question: 'How do I register a birth?' });
    expect(r.language).toBe('en');
    expect(r.procedure?.code).toBe('1.001193');
    expect(r.answer).toContain('Procedure: Birth registration (Thủ tục đăng ký khai sinh) — code 1.001193 (Commune level)');
    expect(r.links[0]?.label).toBe('Procedure page on the National Public Service Portal');
  });
});

describe('general and out-of-scope questions', () => {
  it('greets', async () => {
    const r = await ask({ question: 'Xin chào' });
    expect(r.intent).toBe('general');
    expect(r.answer).toMatch(/^Xin chào!/);
    expect(r.citations).toEqual([]);
  });

  it.each(['thời tiết Hà Nội ngày mai thế nào', 'công thức nấu phở bò', 'ai vô địch world cup 2022'])('says it has no answer to "%s", with the portal search link', async (question) => {
    const r = await ask({ question });
    expect(r.intent).toBe('out-of-scope');
    expect(r.found).toBe(false);
    expect(r.procedure).toBeUndefined();
    expect(r.citations).toEqual([]);
    expect(r.links.map((l) => l.url)).toEqual([PORTAL_SEARCH]);
  });

  it('says so in English to an English question', async () => {
    const r = await ask({ question: 'What is the weather tomorrow?' });
    expect(r.language).toBe('en');
    expect(r.found).toBe(false);
    expect(r.answer).toMatch(/^Sorry, I could not find/);
  });
});

describe('deadline questions', () => {
  it('lists the seed dispatch deadlines of Sở Tư pháp with their status on 2026-11-27', async () => {
    const r = await ask({ question: 'Sở Tư pháp có hạn chót nào?' });
    expect(r.intent).toBe('deadline');
    expect(r.found).toBe(true);
    expect(r.unit).toBe('Sở Tư pháp');
    const tasks = r.tasks ?? [];
    const month = tasks.find((t) => t.deadline.kind === 'month');
    expect(month?.deadline.month).toBe('2023-09');
    expect(month?.status).toBe('past');
    const period = tasks.find((t) => t.deadline.kind === 'period');
    expect(period?.deadline.due).toBe('2023-12-31');
    expect(period?.status).toBe('past');
    const year = tasks.find((t) => t.deadline.kind === 'year');
    expect(year?.deadline.year).toBe(2025);
    expect(year?.status).toBe('past');
    expect(tasks.every((t) => t.citation.number === '2458/UBND-SNV')).toBe(true);
    expect(r.citations.length).toBe(tasks.length);
    // The dispatch dates from 2023: the answer says it predates the two-tier government.
    expect(r.answer).toContain('2458/UBND-SNV được ban hành trước khi chính quyền địa phương hai cấp bắt đầu (01/7/2025)');
  });

  it('gives a ward the tasks addressed to district committees, through its former group', async () => {
    const r = await ask({ question: 'UBND phường Ba Đình có nhiệm vụ gì?' });
    expect(r.intent).toBe('deadline');
    expect(r.unit).toBe('Phường Ba Đình');
    expect(r.tasks?.length).toBeGreaterThan(0);
    expect(r.tasks!.every((t) => /quận, huyện/.test(t.via ?? ''))).toBe(true);
    expect(r.tasks!.some((t) => t.deadline.month === '2023-09')).toBe(true);
  });

  it('resolves a unit named in English', async () => {
    const r = await ask({ question: 'What deadlines does the Department of Justice have?' });
    expect(r.language).toBe('en');
    expect(r.intent).toBe('deadline');
    expect(r.unit).toBe('Sở Tư pháp');
    expect(r.answer.startsWith('Tasks and deadlines for Sở Tư pháp:')).toBe(true);
  });
});

describe('document questions', () => {
  it.each([
    ['Công văn 2458/UBND-SNV yêu cầu gì?', '2458/UBND-SNV'],
    ['công văn 2458 nói gì', '2458/UBND-SNV'],
    ['Nghị quyết 20/2022/NQ-HĐND', '20/2022/NQ-HĐND'],
    ['Chương trình 01-CTr/TU', '01-CTr/TU'],
    ['Kế hoạch 136/KH-UBND là gì?', '136/KH-UBND'],
  ])('answers "%s" from %s, cited', async (question, number) => {
    const r = await ask({ question });
    expect(r.intent).toBe('document');
    expect(r.found).toBe(true);
    expect(r.citations[0]?.number).toBe(number);
  });

  it('answers a field of the record even where a deadline cue is heard ("năm nào", "ngày nào")', async () => {
    const r = await ask({ question: 'CV 2458/UBND-SNV ban hành năm nào, ngày cụ thể là ngày nào?' });
    expect(r.intent).toBe('document');
    expect(r.answer.split('\n')[0]).toBe('Công văn 2458/UBND-SNV ban hành năm 2023; ngày ban hành không có trong dữ liệu đã nạp.');
  });

  it('lists the documents a dispatch cites, or the one of them named by its subject', async () => {
    const all = await ask({ question: 'Công văn 2458/UBND-SNV yêu cầu thực hiện những văn bản nào?' });
    expect(all.answer).toMatch(/^Công văn 2458\/UBND-SNV viện dẫn \d+ văn bản:/);
    expect(all.answer).toContain('136/KH-UBND');
    const one = await ask({ question: 'Văn bản nào về ủy quyền giải quyết thủ tục hành chính được công văn 2458 viện dẫn?' });
    expect(one.citations[0]?.number).toBe('4610/QĐ-UBND');
  });

  it('answers an English question from the English rendition', async () => {
    const r = await ask({ question: 'What does dispatch 2458/UBND-SNV ask?' });
    expect(r.language).toBe('en');
    expect(r.intent).toBe('document');
    expect(r.answer).toMatch(/^Official Dispatch 2458\/UBND-SNV/);
  });
});

describe('follow-ups in a session', () => {
  it('keeps the procedure and leads with the fee', async () => {
    const sessionId = 'engine-test-passport';
    const first = await ask({ question: 'làm hộ chiếu cần gì', sessionId });
    expect(first.procedure?.code).toBe('1.001456');
    const next = await ask({ question: 'lệ phí bao nhiêu?', sessionId });
    expect(next.intent).toBe('procedure');
    expect(next.procedure?.code).toBe('1.001456');
    expect(next.answer.split('\n')[0]).toMatch(/^Lệ phí: /);
  });

  it('does not carry a procedure into another session', async () => {
    await ask({ question: 'làm hộ chiếu cần gì', sessionId: 'engine-test-a' });
    const other = await ask({ question: 'lệ phí bao nhiêu?', sessionId: 'engine-test-b' });
    expect(other.procedure?.code).not.toBe('1.001456');
  });

  it('moves a deadline question to the ward named next', async () => {
    const sessionId = 'engine-test-deadline';
    const first = await ask({ question: 'Sở Tư pháp có hạn chót nào?', sessionId });
    expect(first.unit).toBe('Sở Tư pháp');
    const next = await ask({ question: 'còn phường Hoàn Kiếm thì sao?', sessionId });
    expect(next.intent).toBe('deadline');
    expect(next.unit).toBe('Phường Hoàn Kiếm');
    expect(next.found).toBe(true);
    expect(next.answer.startsWith('Nhiệm vụ và thời hạn của Phường Hoàn Kiếm:')).toBe(true);
  });
});

describe('search and procedure lookup', () => {
  it('search returns ranked hits from the data', async () => {
    const hits = await engine.search('khai sinh', 5);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(hits[0]?.id).toBe('1.001193');
    expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
    for (const h of hits) if (h.url) expect(ALLOWED).toContain(h.url);
    const scores = hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('search finds documents too', async () => {
    const hits = await engine.search('cải cách hành chính', 10);
    expect(hits.some((h) => h.kind === 'document')).toBe(true);
  });

  it('procedure(code) returns the record, or undefined', () => {
    expect(engine.procedure('1.001193')?.name).toBe('Thủ tục đăng ký khai sinh');
    expect(engine.procedure('9.999999')).toBeUndefined();
  });

  it('rejects an empty question', async () => {
    await expect(engine.ask({ question: '   ' })).rejects.toThrow();
  });
});

describe('conversations: a follow-up continues, a new subject starts afresh', () => {
  it('answers a question with its own subject about that subject, in the same session', async () => {
    const sessionId = 'conv-switch';
    const first = await ask({ question: 'đăng ký kết hôn cần gì', sessionId });
    expect(first.procedure?.name).toMatch(/kết hôn/i);
    const next = await ask({ question: 'lý lịch tư pháp cần gì', sessionId });
    expect(next.intent).toBe('procedure');
    expect(next.procedure?.name ?? next.candidates?.map((c) => c.name).join(' ')).toMatch(/lý lịch tư pháp/i);
  });

  it('answers a follow-up without a subject about the last procedure, leading with the aspect asked', async () => {
    const sessionId = 'conv-follow';
    const first = await ask({ question: 'đăng ký kết hôn cần gì', sessionId });
    const next = await ask({ question: 'còn lệ phí?', sessionId });
    expect(next.procedure?.code).toBe(first.procedure?.code);
    expect(next.aspect).toBe('fee');
  });

  it('keeps the procedure when a turn only tells where ("em ở Long Biên"), and answers the next aspect about it', async () => {
    const sessionId = 'conv-statement';
    const first = await ask({ question: 'đăng ký kết hôn cần gì', sessionId });
    const told = await ask({ question: 'em ở Long Biên', sessionId });
    expect(told.procedure?.code).toBe(first.procedure?.code);
    const next = await ask({ question: 'hết bao nhiêu tiền', sessionId });
    expect(next.procedure?.code).toBe(first.procedure?.code);
    expect(next.aspect).toBe('fee');
  });
});

describe('intent: citizens\' letters are procedure questions', () => {
  it('does not read the addressee of a letter as the asking unit', async () => {
    const r = await ask({ question: 'Kính gửi Sở Tư pháp, tôi cần xin phiếu lý lịch tư pháp để đi làm, phải chuẩn bị giấy tờ gì ạ?' });
    expect(r.intent).toBe('procedure');
  });

  it('reads a ward after "ở" as the asker\'s place and "hạn chót nộp" in a letter as a procedure\'s deadline', async () => {
    const r = await ask({
      question:
        'Chào anh chị, em là kế toán của một cửa hàng nhỏ ở phường Hà Đông, chủ cửa hàng là người Hàn Quốc muốn đăng ký kết hôn với bạn gái người Việt. Cho em hỏi hồ sơ gồm những gì, nộp ở đâu, hạn chót nộp là ngày nào và bao lâu thì có kết quả ạ? Em cảm ơn.',
    });
    expect(r.intent).not.toBe('deadline');
    expect(r.unit).toBeUndefined();
  });

  it('does not take "có phải … không" for a deadline question', async () => {
    const r = await ask({ question: 'Sinh con xong có phải đăng ký khai sinh trong bao lâu không?' });
    expect(r.intent).toBe('procedure');
  });
});

describe('conversations: what marks a subject of its own', () => {
  it('reads "có mất phí không" as asking the cost, not about losing something', async () => {
    const sessionId = 'conv-cost';
    const first = await ask({ question: 'đăng ký kết hôn cần gì', sessionId });
    const next = await ask({ question: 'có mất phí k ạ', sessionId });
    expect(next.procedure?.code).toBe(first.procedure?.code);
    expect(next.aspect).toBe('fee');
  });

  it('starts afresh when the new question names another procedure through a colloquial word', async () => {
    const sessionId = 'conv-colloquial';
    const first = await ask({ question: 'làm hộ chiếu phổ thông cần gì', sessionId });
    expect(first.procedure?.name).toMatch(/hộ chiếu/i);
    const next = await ask({ question: 'cảm ơn, tiện hỏi luôn, bằng lái ô tô hết hạn thì đổi ở đâu', sessionId });
    const named = next.procedure?.name ?? next.candidates?.map((c) => c.name).join(' ') ?? '';
    expect(named).not.toMatch(/hộ chiếu/i);
    expect(named).toMatch(/giấy phép lái xe/i);
  });

  it('answers "căn cứ pháp lý là văn bản nào" after a procedure with that procedure, not a document', async () => {
    const sessionId = 'conv-legal';
    const first = await ask({ question: 'đăng ký kết hôn cần gì', sessionId });
    const next = await ask({ question: 'căn cứ pháp lý là văn bản nào', sessionId });
    expect(next.intent).toBe('procedure');
    expect(next.procedure?.code).toBe(first.procedure?.code);
    expect(next.aspect).toBe('legal');
  });
});

describe('deadline questions: who receives is not who is asked', () => {
  it('does not answer for a unit that a report is sent to ("gửi … về Văn phòng UBND Thành phố")', async () => {
    const r = await ask({ question: 'hạn gửi báo cáo về Văn phòng UBND Thành phố là ngày nào' });
    expect(r.unit).toBeUndefined();
  });
});
