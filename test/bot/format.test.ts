// Per-channel rendering: escaping, structured procedure and task answers, buttons, splitting.
import { describe, expect, it } from 'vitest';
import { answerKeyboard, escapeHtml, renderSection, renderTelegram, renderZalo, splitHtml, splitPlain, TELEGRAM_PAGE_LIMIT, TELEGRAM_TEXT_LIMIT, ZALO_TEXT_LIMIT, type Line } from '../../bot/format.js';
import { contactLines } from '../../bot/contact.js';
import { AskResponse } from '../../domain/contract.js';
import { htmlProblem } from './fakes/telegram-api.js';

const PORTAL = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7';

const base = (extra: Partial<AskResponse>): AskResponse =>
  AskResponse.parse({ id: 'a1', question: 'q', language: 'vi', intent: 'procedure', found: true, answer: 'Trả lời', citations: [], links: [], ...extra });

const procedureAnswer = base({
  procedure: {
    code: '1.001193',
    name: 'Thủ tục đăng ký khai sinh',
    level: ['Cấp xã'],
    agency: 'UBND cấp xã',
    url: PORTAL,
    papers: [
      { case: null, kind: 'submit', papers: [{ name: 'Tờ khai đăng ký khai sinh', copies: '1 bản chính' }] },
      { case: 'Trường hợp trẻ bị bỏ rơi', kind: 'submit', papers: [{ name: 'Biên bản về việc trẻ bị bỏ rơi', copies: '1 bản chính' }] },
      { case: null, kind: 'present', papers: [{ name: 'Giấy tờ tùy thân', copies: '' }] },
    ],
    channels: [
      { channel: 'online', time: '1 ngày làm việc', fee: 'Miễn phí' },
      { channel: 'in-person', time: '1 ngày làm việc', fee: 'Miễn phí' },
    ],
    legalBasis: [],
  },
  citations: [{ id: '1.001193', title: 'Thủ tục đăng ký khai sinh', number: '1.001193', url: PORTAL, quote: 'q' }],
  alternatives: [
    { code: '1.000656', name: 'Đăng ký lại khai sinh' },
    { code: 'x'.repeat(70), name: 'Too long for callback data' },
  ],
});

describe('Telegram rendering', () => {
  it('escapes &, <, > and "', () => {
    expect(escapeHtml('<b>&"x"</b>')).toBe('&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;');
    const { pages: parts } = renderTelegram(base({ intent: 'general', answer: 'Xem <b>mục 2</b> & "phụ lục"' }));
    expect(parts[0]).toContain('Xem &lt;b&gt;mục 2&lt;/b&gt; &amp; &quot;phụ lục&quot;');
    expect(htmlProblem(parts[0]!)).toBeUndefined();
  });

  it('lists papers with copies, cases, and fee/time per channel when papers are asked about', () => {
    const [text] = renderTelegram({ ...procedureAnswer, aspect: 'papers' }).pages;
    expect(text).toContain('<b>Thủ tục đăng ký khai sinh</b>');
    expect(text).toContain('• Tờ khai đăng ký khai sinh — 1 bản chính');
    expect(text).toContain('<i>Trường hợp trẻ bị bỏ rơi</i>');
    expect(text).toContain('Giấy tờ phải xuất trình');
    // Channels with the same time and fee share one line.
    expect(text).toContain('• Trực tuyến, trực tiếp: 1 ngày làm việc; Miễn phí');
    expect(text).toContain('Nguồn:');
  });

  it('renders English labels', () => {
    const [text] = renderTelegram({ ...procedureAnswer, aspect: 'papers' }, 'en').pages;
    expect(text).toContain('Papers to submit');
    expect(text).toContain('• Online, in person: 1 ngày làm việc; Miễn phí');
  });

  it('gives a portal URL button once and callback buttons for alternatives within 64 bytes', () => {
    const rows = answerKeyboard(procedureAnswer)!.inline_keyboard.flat();
    expect(rows.filter((b) => 'url' in b).map((b) => (b as { url: string }).url)).toEqual([PORTAL]);
    expect(rows.filter((b) => 'callback_data' in b).map((b) => (b as { callback_data: string }).callback_data)).toEqual(['alt:1.000656']);
  });

  it('shows tasks with deadline and status', () => {
    const res = base({
      intent: 'deadline',
      unit: 'Sở Tư pháp',
      tasks: [
        {
          text: 'Rà soát, tái cấu trúc quy trình',
          units: ['Các sở'],
          deadline: { text: 'tháng 9/2023', kind: 'month', month: '2023-09' },
          status: 'past',
          citation: { id: 'd', title: 'Công văn 2458/UBND-SNV', number: '2458/UBND-SNV', quote: 'q' },
        },
        {
          text: 'Báo cáo định kỳ',
          units: ['Các sở'],
          deadline: { text: 'trước ngày 25 hằng tháng', kind: 'recurring', recurring: { day: 25, every: 'month' } },
          status: 'due-soon',
          citation: { id: 'd', title: 'Công văn 2458/UBND-SNV', quote: 'q' },
        },
      ],
    });
    // The caveat comes from `notes`: the text (phrased by anyone) is not read for it.
    const withNote = { ...res, answer: 'Nhiệm vụ của Sở Tư pháp:\n1. Rà soát, tái cấu trúc quy trình\n2. Báo cáo định kỳ', notes: ['Lưu ý: văn bản ban hành trước 01/7/2025.'] };
    const [text] = renderTelegram(withNote).pages;
    expect(text).toContain('<i>Lưu ý: văn bản ban hành trước 01/7/2025.</i>');
    expect(text!.match(/Rà soát, tái cấu trúc quy trình/g)).toHaveLength(1);
    expect(text).toContain('Nhiệm vụ và hạn chót: Sở Tư pháp');
    expect(text).toContain('✅ Rà soát, tái cấu trúc quy trình');
    expect(text).toContain('Hạn: tháng 9/2023 (đã qua) · 2458/UBND-SNV');
    expect(text).toContain('⏳ Báo cáo định kỳ');
  });

  it("says the unit's role, the product, and which document moved or repealed a task", () => {
    const change = { id: 'c', title: 'Công văn điều chỉnh', number: '88/UBND-KSTTHC', date: '2026-11-20', text: 'điều chỉnh thời hạn' };
    const res = base({
      intent: 'deadline',
      unit: 'Sở Tài chính',
      tasks: [
        {
          text: 'Xây dựng quy chế dữ liệu dùng chung',
          units: ['Sở Tài chính'],
          deadline: { text: '31/12/2026', kind: 'date', due: '2026-12-31' },
          status: 'upcoming',
          role: 'lead',
          product: 'Quyết định của UBND Thành phố',
          amendedBy: { ...change, kind: 'deadline' },
          previous: [{ text: '30/11/2026', kind: 'date', due: '2026-11-30' }],
          citation: { id: 'd', title: 'Kế hoạch 77/KH-UBND', number: '77/KH-UBND', quote: 'q' },
        },
        {
          text: 'Rà soát thủ tục nội bộ',
          units: ['Sở Nội vụ'],
          deadline: { text: '30/6/2026', kind: 'date', due: '2026-06-30' },
          status: 'past',
          role: 'support',
          repealedBy: { ...change, kind: 'repeal' },
          citation: { id: 'd', title: 'Kế hoạch 77/KH-UBND', number: '77/KH-UBND', quote: 'q' },
        },
      ],
    });
    const text = renderTelegram(res).pages.join('\n');
    expect(text).toContain('Vai trò: chủ trì');
    expect(text).toContain('Vai trò: phối hợp');
    expect(text).toContain('Sản phẩm: Quyết định của UBND Thành phố');
    expect(text).toContain('Thời hạn đã được điều chỉnh theo 88/UBND-KSTTHC (20/11/2026); thời hạn cũ: 30/11/2026');
    expect(text).toContain('Không còn hiệu lực theo 88/UBND-KSTTHC (20/11/2026)');
    const en = renderZalo({ ...res, language: 'en' });
    expect(en).toContain('Role: lead');
    expect(en).toContain('Deadline changed by 88/UBND-KSTTHC (20/11/2026); previous deadline: 30/11/2026');
  });
});

describe('caveats come from the answer\'s notes, never from its text', () => {
  const note = 'Lưu ý: cấp huyện (quận, huyện, thị xã) không còn từ 01/7/2025.';
  it('shows a note the text does not contain, on Telegram and on Zalo', () => {
    const res = { ...procedureAnswer, answer: 'Thủ tục đăng ký khai sinh: xem trang thủ tục.', notes: [note] };
    expect(renderTelegram(res).pages[0]).toContain(`<i>${note}</i>`);
    expect(renderZalo(res)).toContain(note);
  });

  it('does not lift a "Lưu ý" paragraph out of the text when the answer has no such note', () => {
    const res = { ...procedureAnswer, answer: `Thủ tục đăng ký khai sinh.\n\n${note}` };
    expect(renderTelegram(res).pages.join('\n')).not.toContain('Lưu ý');
    expect(renderZalo(res)).not.toContain('Lưu ý');
    const tasks = base({ intent: 'deadline', unit: 'Sở Tư pháp', answer: `Nhiệm vụ:\n1. X\n\n${note}`, tasks: [
      { text: 'X', units: [], deadline: { text: '', kind: 'none' }, status: 'unknown', citation: { id: 'd', title: 'Công văn 2458/UBND-SNV', quote: 'q' } },
    ] });
    expect(renderTelegram(tasks).pages.join('\n')).not.toContain('Lưu ý');
  });
});

describe('an ask-back', () => {
  const SEARCH = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh';
  const candidates = [
    { code: '1.001193', name: 'Thủ tục đăng ký khai sinh', level: ['Cấp xã'] },
    { code: '1.004884', name: 'Thủ tục đăng ký lại khai sinh', level: ['Cấp xã'] },
    { code: '1.000689', name: 'Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con', level: ['Cấp xã'] },
  ];
  // Phrased prose that neither lists nor numbers the candidates: the channels go by the field.
  const askBack = base({
    answer: 'Có vài thủ tục gần giống nhau, bạn chọn giúp một thủ tục nhé.',
    phrasedBy: 'llm',
    candidates,
    citations: candidates.map((c) => ({ id: c.code, title: c.name, number: c.code, url: PORTAL, quote: c.name })),
    links: [{ label: 'Tra cứu thủ tục trên Cổng Dịch vụ công quốc gia', url: SEARCH }],
  });

  it('is a numbered list of the candidates with one button each, sending the code', () => {
    const { pages: parts, keyboard } = renderTelegram(askBack);
    expect(parts).toHaveLength(1);
    expect(parts[0]).toContain('<b>Bạn hỏi về thủ tục nào dưới đây?</b>');
    expect(parts[0]).toContain('1. Thủ tục đăng ký khai sinh — Cấp xã (Mã 1.001193)');
    expect(parts[0]).toContain('3. Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con — Cấp xã (Mã 1.000689)');
    expect(parts[0]).not.toContain('Nguồn');
    const buttons = keyboard!.inline_keyboard;
    expect(buttons.every((row) => row.length === 1)).toBe(true);
    const choices = buttons.flat().filter((b): b is { text: string; callback_data: string } => 'callback_data' in b);
    expect(choices.map((b) => b.callback_data)).toEqual(['alt:1.001193', 'alt:1.004884', 'alt:1.000689']);
    // The one name too long for a button loses the words all three share.
    // The one name too long for a button loses the generic "Thủ tục", not what tells it apart.
    expect(choices.map((b) => b.text)).toEqual(['1. Thủ tục đăng ký khai sinh', '2. Thủ tục đăng ký lại khai sinh', '3. Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con']);
    // The search link stays; the candidates' own citations are not repeated as buttons.
    expect(buttons.flat().filter((b) => 'url' in b).map((b) => (b as { url: string }).url)).toEqual([SEARCH]);
  });

  it('asks Zalo users to reply with the number', () => {
    const text = renderZalo(askBack);
    expect(text!.split('\n')).toEqual([
      'Bạn hỏi về thủ tục nào dưới đây?',
      '1. Thủ tục đăng ký khai sinh — Cấp xã (Mã 1.001193)',
      '2. Thủ tục đăng ký lại khai sinh — Cấp xã (Mã 1.004884)',
      '3. Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con — Cấp xã (Mã 1.000689)',
      '',
      `Tra cứu thủ tục trên Cổng Dịch vụ công quốc gia: ${SEARCH}`,
      '',
      'Trả lời 1, 2 hoặc 3 để chọn thủ tục, hoặc nhắn câu hỏi khác.',
    ]);
    const en = renderZalo({ ...askBack, language: 'en', candidates: candidates.slice(0, 2) });
    expect(en).toContain('Which procedure do you mean?');
    expect(en.split('\n').at(-1)).toBe('Reply 1 or 2 to choose a procedure, or ask another question.');
  });
});

describe('splitting', () => {
  it('splits HTML at line boundaries under the limit, never inside an entity', () => {
    const lines = Array.from({ length: 500 }, (_, i) => ({ text: `${i} & <x> "y" ${'á'.repeat(i % 40)}`, ...(i % 7 ? {} : { style: 'bold' as const }) }));
    const parts = splitHtml(lines);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      expect(htmlProblem(part)).toBeUndefined();
    }
    expect(parts.join('\n').split('\n')).toHaveLength(500);
  });

  it('cuts a single line longer than the limit into valid pieces', () => {
    const parts = splitHtml([{ text: '&'.repeat(3000) + ' ' + 'chữ '.repeat(800), style: 'bold' }], 1000);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(1000);
      expect(htmlProblem(part)).toBeUndefined();
    }
    expect(parts.length).toBeGreaterThan(10);
  });

  it('renders plain text for Zalo with the papers, the portal link and no markup', () => {
    const text = renderZalo(procedureAnswer);
    expect(text).not.toMatch(/<[a-z/]|&amp;/);
    expect(text).toContain('• Tờ khai đăng ký khai sinh — 1 bản chính');
    expect(text).toContain(`Nộp trực tuyến: ${PORTAL}`);
    const long = splitPlain(Array.from({ length: 300 }, (_, i) => ({ text: `dòng ${i} ${'x'.repeat(30)}` })));
    for (const p of long) expect(p.length).toBeLessThan(2000);
  });
});

describe('a short first answer', () => {
  it('is the essentials, with buttons for the sections not shown (steps only when the record has them)', () => {
    const { pages, keyboard } = renderTelegram(procedureAnswer, 'vi', { record: { ...procedureAnswer.procedure!, steps: 'Bước 1: nộp hồ sơ.\nBước 2: nhận kết quả.' } });
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Nơi nộp: UBND cấp xã');
    expect(pages[0]).toContain('• Trực tuyến, trực tiếp: 1 ngày làm việc; Miễn phí');
    expect(pages[0]).not.toContain('Tờ khai đăng ký khai sinh');
    const data = keyboard!.inline_keyboard.flat().flatMap((b) => ('callback_data' in b ? [b.callback_data] : []));
    expect(data).toEqual(['sec:papers:1.001193', 'sec:steps:1.001193', 'alt:1.000656']);
    // Papers asked about and short enough: shown at once, and no button for them.
    const asked = renderTelegram({ ...procedureAnswer, aspect: 'papers' });
    expect(asked.pages[0]).toContain('Tờ khai đăng ký khai sinh');
    expect(asked.keyboard!.inline_keyboard.flat().some((b) => 'callback_data' in b && b.callback_data.startsWith('sec:papers'))).toBe(false);
  });

  it('renders a section on demand under the procedure name', () => {
    const [page] = renderSection('Thủ tục đăng ký khai sinh', { ...procedureAnswer.procedure!, steps: 'Bước 1: nộp hồ sơ.' }, 'steps', 'vi');
    expect(page!.split('\n')).toEqual(['<b>Thủ tục đăng ký khai sinh</b>', '<b>Trình tự thực hiện:</b>', 'Bước 1: nộp hồ sơ.']);
    expect(renderSection('x', procedureAnswer.procedure!, 'legal', 'vi')).toEqual([]);
  });
});

describe('headings at a split', () => {
  it('never end a message: a heading moves to the next message with its list', () => {
    const filler: Line[] = Array.from({ length: 30 }, (_, i) => ({ text: `• giấy tờ số ${i} ${'x'.repeat(40)}` }));
    // Whatever the limit, the heading falls near the end of some message.
    for (let limit = 300; limit < 900; limit += 37) {
      const lines: Line[] = [...filler.slice(0, 8), { text: '' }, { text: 'Giấy tờ phải xuất trình:', style: 'bold', keepWithNext: true }, ...filler.slice(8)];
      const parts = splitHtml(lines, limit);
      for (const part of parts.slice(0, -1)) expect(part.split('\n').at(-1)).not.toContain('Giấy tờ phải xuất trình');
      const withHeading = parts.find((p) => p.includes('Giấy tờ phải xuất trình'))!;
      expect(withHeading.split('\n').indexOf('<b>Giấy tờ phải xuất trình:</b>')).toBeLessThan(withHeading.split('\n').length - 1);
      expect(parts.join('\n').split('\n').filter((l) => l.startsWith('• '))).toHaveLength(30);
    }
  });

  it('keep each task whole on a page', () => {
    const tasks = Array.from({ length: 12 }, (_, i) => ({
      text: `Nhiệm vụ ${i + 1}: rà soát, báo cáo kết quả thực hiện cải cách hành chính ${'và các chỉ tiêu liên quan '.repeat(4)}`,
      units: ['Các sở, ban, ngành'],
      deadline: { text: `tháng ${(i % 12) + 1}/2023`, kind: 'month' as const, month: `2023-${String((i % 12) + 1).padStart(2, '0')}` },
      status: 'past' as const,
      via: 'các sở, ban, ngành',
      citation: { id: 'd', title: 'Công văn 2458/UBND-SNV', number: '2458/UBND-SNV', quote: 'q' },
    }));
    const { pages } = renderTelegram(base({ intent: 'deadline', unit: 'Sở Tư pháp', tasks }));
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(TELEGRAM_PAGE_LIMIT);
      const lines = page.split('\n');
      expect(lines.at(-1)).toMatch(/^<i> {3}Theo: /); // a task's last line, never its head
    }
  });
});

describe('Zalo: one message whatever the length', () => {
  it('keeps whole tasks and says how many are left', () => {
    const tasks = Array.from({ length: 12 }, (_, i) => ({
      text: `Nhiệm vụ ${i + 1}: ${'rà soát, tái cấu trúc quy trình thủ tục hành chính '.repeat(3)}`,
      units: ['Các sở'],
      deadline: { text: 'tháng 9/2023', kind: 'month' as const, month: '2023-09' },
      status: 'past' as const,
      citation: { id: 'd', title: 'Công văn 2458/UBND-SNV', number: '2458/UBND-SNV', quote: 'q' },
    }));
    const text = renderZalo(base({ intent: 'deadline', unit: 'Sở Tư pháp', tasks }));
    expect(text.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
    const shown = text.split('\n').filter((l) => l.startsWith('✅ ')).length;
    expect(shown).toBeGreaterThan(1);
    expect(text.split('\n').filter((l) => l.includes('Hạn: tháng 9/2023'))).toHaveLength(shown);
    expect(text.split('\n').at(-1)).toBe(`… và ${12 - shown} nhiệm vụ khác: hỏi lại cụ thể hơn (ví dụ theo năm hoặc văn bản) để xem.`);
  });

  it('keeps the essentials and the portal link of a procedure whose papers do not fit', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `Giấy tờ số ${i + 1} ${'kèm bản dịch có chứng thực '.repeat(3)}`, copies: '1 bản chính' }));
    const res = { ...procedureAnswer, procedure: { ...procedureAnswer.procedure!, papers: [{ case: null, kind: 'submit' as const, papers: many }] } };
    const text = renderZalo(res);
    expect(text.length).toBeLessThanOrEqual(ZALO_TEXT_LIMIT);
    expect(text).toContain('Nơi nộp: UBND cấp xã');
    expect(text).toContain('1 ngày làm việc; Miễn phí');
    expect(text).toContain('Thành phần hồ sơ: 40 loại giấy tờ, xem đầy đủ tại đường dẫn bên dưới.');
    expect(text.split('\n').at(-1)).toBe(`Nộp trực tuyến: ${PORTAL}`);
  });
});

describe('a way to reach people', () => {
  const contact = (lang: 'vi' | 'en') => contactLines({ hotline: '024 1234 5678', text: 'Trung tâm Phục vụ hành chính công' }, lang);
  const notFound = base({ intent: 'out-of-scope', found: false, answer: 'Xin lỗi, tôi không tìm thấy thông tin.', links: [{ label: 'Tra cứu', url: 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh' }] });

  it('comes with every "not found", on Telegram and on Zalo, and with nothing else', () => {
    expect(renderTelegram(notFound, 'vi', { contact }).pages[0]).toContain('☎️ Cần gặp cán bộ hỗ trợ: 024 1234 5678');
    expect(renderZalo(notFound, 'vi', { contact })).toContain('Trung tâm Phục vụ hành chính công');
    expect(renderTelegram({ ...notFound, language: 'en' }, 'en', { contact }).pages[0]).toContain('☎️ To talk to a person: 024 1234 5678');
    expect(renderTelegram(procedureAnswer, 'vi', { contact }).pages[0]).not.toContain('024 1234 5678');
  });

  it('shows nothing when no contact is configured', () => {
    expect(contactLines(undefined, 'vi')).toEqual([]);
    expect(contactLines({ hotline: ' ', text: '' }, 'vi')).toEqual([]);
  });
});
