// A unit's tasks: its own and its groups' first, those addressed to everyone in a short section
// after, never another named unit's; old names answered for their successors, with the source.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deadline } from '../../../domain/records.js';
import { loadSuccession } from '../../../ingest/unit-directory.js';
import { resolveUnit } from '../../../ingest/units.js';
import { AskResponse, type TaskAnswer } from '../../../domain/contract.js';
import { answerDeadlines, answerTopicDeadlines, composeUnitTasks, unitTaskList } from '../../../server/answer/deadlines.js';
import { buildTestEngine } from '../../helpers/engine.js';
import { buildKnowledge, type Knowledge } from '../../../server/answer/knowledge.js';
import { createEmbeddings } from '../../../ingest/embeddings.js';
import { runIngest } from '../../../ingest/pipeline.js';
import { createFileIndexStore } from '../../../ingest/index.js';
import { FIXTURE_DOCUMENTS, fixtureKnowledge } from './fixture-knowledge.js';

const TODAY = '2026-11-27';
let k: Knowledge;
let cleanup: () => void;

beforeAll(async () => {
  ({ knowledge: k, cleanup } = await fixtureKnowledge(['cong-van-3120-test-fixture.md', 'cong-van-4501-2024-test-fixture.md']));
});
afterAll(() => cleanup?.());

const ask = (unit: string, lang: 'vi' | 'en' = 'vi') => answerDeadlines(k, resolveUnit(unit)!, [], lang, TODAY);
const starts = (tasks: TaskAnswer[] | undefined, prefix: string) => (tasks ?? []).find((t) => t.text.startsWith(prefix));
const asResponse = (d: object) => AskResponse.parse({ id: 'x', question: 'q', language: 'vi', phrasedBy: 'composer', ...d });

describe('answerDeadlines: who a task belongs to', () => {
  it('gives "Sở Tài chính chủ trì, phối hợp với các cơ quan, đơn vị liên quan …" to Sở Tài chính only', () => {
    const finance = ask('Sở Tài chính');
    expect(starts(finance.tasks, 'Sở Tài chính chủ trì')).toMatchObject({ scope: 'own', deadline: { date: '2026-11-20' } });
    for (const other of ['Sở Nội vụ', 'Sở Tư pháp', 'phường Ba Đình']) {
      expect(starts(ask(other).tasks, 'Sở Tài chính chủ trì'), other).toBeUndefined();
    }
  });

  it('never lists another named unit\'s task, and gives wards no department report', () => {
    const ward = ask('UBND phường Ba Đình');
    const texts = (ward.tasks ?? []).map((t) => t.text);
    expect(texts.some((t) => t.startsWith('UBND các xã, phường giảm 30%'))).toBe(true);
    expect(texts.some((t) => t.startsWith('Sở Nội vụ tổng hợp'))).toBe(false);
    expect(texts.some((t) => t.startsWith('Các sở, ban, ngành báo cáo'))).toBe(false);
    const justice = ask('Sở Tư pháp');
    expect(starts(justice.tasks, 'Sở Nội vụ tổng hợp')).toBeUndefined();
    expect(starts(justice.tasks, 'Các sở, ban, ngành báo cáo')).toMatchObject({ scope: 'group', via: 'các sở, ban, ngành' });
    // "… báo cáo kết quả … về Sở Nội vụ": the department that receives the reports is not asked to send one.
    expect(starts(ask('Sở Nội vụ').tasks, 'Các sở, ban, ngành báo cáo')).toBeUndefined();
  });

  it('lists own and group tasks first, upcoming before past, then everyone\'s in their own section', () => {
    const r = ask('Sở Tài chính');
    expect(r.tasks!.map((t) => [t.scope, t.status])).toEqual([
      ['group', 'upcoming'], // "Các sở, ban, ngành báo cáo … trước ngày 05/12/2026"
      ['own', 'past'], // "Sở Tài chính chủ trì … trước ngày 20/11/2026"
      ['own', 'past'], // its former name's task, "… trong tháng 6/2024": older past tasks after
      ['everyone', 'upcoming'], // "Các cơ quan, đơn vị cập nhật … trước ngày 15/01/2027"
    ]);
    expect(r.tasks![2]?.text).toMatch(/^Sở Kế hoạch và Đầu tư rà soát/);
    const own = r.answer.indexOf('Nhiệm vụ và thời hạn của Sở Tài chính:');
    const everyone = r.answer.indexOf('Nhiệm vụ giao chung cho các cơ quan, đơn vị:');
    expect(own).toBe(0);
    expect(everyone).toBeGreaterThan(r.answer.indexOf('Sở Tài chính chủ trì'));
    expect(r.answer.indexOf('Các cơ quan, đơn vị cập nhật')).toBeGreaterThan(everyone);
    expect(r.citations.length).toBe(r.tasks!.length);
    expect(() => asResponse(r)).not.toThrow();
  });

  it('answers in English with the same sections', () => {
    const r = ask('Sở Tài chính', 'en');
    expect(r.answer.startsWith('Tasks and deadlines for Sở Tài chính:')).toBe(true);
    expect(r.answer).toContain('Tasks addressed to all agencies and units:');
  });
});

describe('composeUnitTasks: at most 8 listed', () => {
  const deadline: Deadline = { text: 'trước ngày 15/12/2026', kind: 'date', date: '2026-12-15', due: '2026-12-15' };
  const task = (i: number, scope: TaskAnswer['scope']): TaskAnswer => ({
    text: `Nhiệm vụ số ${i}.`,
    units: ['Sở Y tế'],
    deadline,
    status: 'upcoming',
    scope,
    citation: { id: `t${i}`, title: 'Công văn thử', quote: `Nhiệm vụ số ${i}.` },
  });

  it('lists 8 of 12 tasks and counts the rest of each section', () => {
    const tasks = [...Array.from({ length: 10 }, (_, i) => task(i + 1, 'own')), task(11, 'everyone'), task(12, 'everyone')];
    const text = composeUnitTasks('Sở Y tế', tasks, 'vi', [], []);
    expect(text.match(/^\d+\. /gm)).toHaveLength(8);
    expect(text).toContain('… và 4 nhiệm vụ khác.'); // 6 of 10 own tasks shown, 2 places kept for everyone's
    expect(text).toContain('8. Nhiệm vụ số 12.');
  });
});

describe('answerDeadlines: merged and dissolved units', () => {
  it('answers an old department name for its successor, saying so in one line with the source', () => {
    const r = ask('Sở Kế hoạch và Đầu tư');
    const [lead] = r.answer.split('\n');
    expect(lead).toMatch(/^Sở Kế hoạch và Đầu tư đã hợp nhất vào Sở Tài chính từ 01\/3\/2025 \(nguồn: .*HĐND|Hội đồng nhân dân thành phố Hà Nội.*\); dưới đây là nhiệm vụ của Sở Tài chính\.$/);
    expect(lead).toContain('chưa xác minh số hiệu'); // the resolution's number is not confirmed: never guessed
    // The line is the answer's first paragraph and its first note; the unit's tasks follow.
    expect(r.parts?.map((p) => p.kind).slice(0, 2)).toEqual(['text', 'tasks']);
    expect(r.parts?.[0]?.text).toBe(lead);
    expect(r.notes?.[0]).toBe(lead);
    expect(r.answer.split('\n\n')[1]!.split('\n')[0]).toBe('Nhiệm vụ và thời hạn của Sở Tài chính:');
    expect(starts(r.tasks, 'Sở Tài chính chủ trì')).toMatchObject({ scope: 'own' });
    // The old name's own task in a 2024 document comes along, marked as addressed to the old name.
    expect(starts(r.tasks, 'Sở Kế hoạch và Đầu tư rà soát')).toMatchObject({ scope: 'own', via: 'Sở Kế hoạch và Đầu tư (tên trước 01/3/2025)' });
    expect(r.links[0]?.url).toMatch(/^https:\/\//);
  });

  it('gives the successor the tasks addressed to its former name', () => {
    expect(starts(ask('Sở Tài chính').tasks, 'Sở Kế hoạch và Đầu tư rà soát')).toMatchObject({ scope: 'own' });
    expect(starts(ask('Sở Y tế').tasks, 'Sở Kế hoạch và Đầu tư rà soát')).toBeUndefined();
  });

  it('names the partial successors and marks what is unconfirmed', () => {
    const [lead] = ask('Sở Lao động - Thương binh và Xã hội').answer.split('\n');
    expect(lead).toMatch(/^Sở Lao động - Thương binh và Xã hội đã hợp nhất vào Sở Nội vụ từ 01\/3\/2025/);
    expect(lead).toContain('Một phần nhiệm vụ chuyển sang Sở Y tế (nguồn: chưa xác minh)');
  });

  it('leads a former district to the wards that replaced it (Resolution 1656/NQ-UBTVQH15)', () => {
    const r = ask('quận Cầu Giấy');
    const [lead] = r.answer.split('\n');
    expect(lead).toBe(
      'Quận Cầu Giấy không còn từ 01/7/2025 (nguồn: Nghị quyết 1656/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội); ' +
        'địa bàn nay thuộc các phường Cầu Giấy, Nghĩa Đô, Yên Hòa, một phần thuộc các phường Ngọc Hà, Tây Hồ, Phú Diễn, Từ Liêm, Thanh Xuân, Đại Mỗ; ' +
        'dưới đây là nhiệm vụ của các phường Cầu Giấy, Nghĩa Đô, Yên Hòa.',
    );
    // The district's own task in a 2024 document, the district group's, and the wards' today.
    expect(starts(r.tasks, 'UBND quận Cầu Giấy hoàn thành')).toMatchObject({ scope: 'own' });
    expect(starts(r.tasks, 'UBND các quận, huyện, thị xã cập nhật')).toMatchObject({ scope: 'group' });
    expect(starts(r.tasks, 'UBND các xã, phường giảm 30%')).toMatchObject({ scope: 'group' });
    expect(starts(r.tasks, 'Sở Nội vụ tổng hợp')).toBeUndefined();
  });

  it('says so when the successors of a district are not recorded', () => {
    const r = ask('huyện Gia Lâm');
    expect(r.answer.split('\n')[0]).toBe(
      'Huyện Gia Lâm không còn từ 01/7/2025 (nguồn: Nghị quyết 1656/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội); dữ liệu chưa ghi các xã, phường kế thừa địa bàn.',
    );
  });

  it('uses an injected table', () => {
    const table = loadSuccession();
    table.units = table.units.filter((u) => u.former !== 'Sở Kế hoạch và Đầu tư');
    const r = answerDeadlines(k, resolveUnit('Sở Kế hoạch và Đầu tư')!, [], 'vi', TODAY, { succession: table });
    expect(r.answer.startsWith('Nhiệm vụ và thời hạn của Sở Kế hoạch và Đầu tư:')).toBe(true);
  });
});

describe('answerTopicDeadlines: a topic question without a unit', () => {
  it('finds the quarterly CCHC report and leads with its deadline', () => {
    const r = answerTopicDeadlines(k, 'báo cáo quý IV về CCHC phải gửi trước ngày nào?', 'vi', TODAY);
    expect(r?.tasks?.[0]).toMatchObject({ units: ['Sở Nội vụ'], deadline: { kind: 'date', date: '2026-12-10' } });
    expect(r?.answer.startsWith('Thời hạn: trước ngày 10/12/2026 (chưa đến hạn); đơn vị thực hiện: Sở Nội vụ')).toBe(true);
    expect(r?.intent).toBe('deadline');
    expect(() => asResponse(r!)).not.toThrow();
  });

  it('finds the land-dossier target', () => {
    const r = answerTopicDeadlines(k, 'phải giảm bao nhiêu % thời gian giải quyết hồ sơ đất đai?', 'vi', TODAY);
    expect(r?.tasks?.map((t) => t.text)).toEqual([expect.stringMatching(/^UBND các xã, phường giảm 30% thời gian giải quyết hồ sơ đất đai/)]);
    expect(r?.answer).toContain('30%');
  });

  it('understands the question in English', () => {
    const r = answerTopicDeadlines(k, 'By what date must the fourth-quarter administrative reform report be sent?', 'en', TODAY);
    expect(r?.tasks?.[0]?.deadline.date).toBe('2026-12-10');
    expect(r?.answer.startsWith('Deadline: trước ngày 10/12/2026 (upcoming); assigned to: Sở Nội vụ')).toBe(true);
  });

  it('returns null when no task matches well', () => {
    expect(answerTopicDeadlines(k, 'làm hộ chiếu cần giấy tờ gì?', 'vi', TODAY)).toBeNull();
    expect(answerTopicDeadlines(k, 'báo cáo về môi trường nước thải khi nào?', 'vi', TODAY)).toBeNull();
  });
});

describe('the structure channels read instead of the text', () => {
  it('says what each paragraph holds: the task lists, then the notes, which are also in `notes`', () => {
    const r = ask('quận Cầu Giấy');
    expect(r.answer).toBe(r.parts!.map((p) => p.text).join('\n\n'));
    const kinds = r.parts!.map((p) => p.kind);
    expect(kinds[0]).toBe('text'); // what became of the district
    expect(kinds).toContain('tasks');
    expect(kinds.at(-1)).toBe('notes');
    // The note that the 2024 document predates the two-tier government is a field, not only prose.
    expect(r.notes!.some((n) => n.startsWith('Lưu ý:') && n.includes('4501'))).toBe(true);
    expect(r.parts!.at(-1)!.text).toContain(r.notes!.at(-1)!);
  });

  it('gives each task the day it falls due next, a recurring one included', () => {
    const tasks = unitTaskList(k, resolveUnit('quận Cầu Giấy')!, [], 'vi', TODAY).tasks;
    const monthly = starts(tasks, 'UBND các quận, huyện, thị xã cập nhật')!;
    expect(monthly.deadline).toMatchObject({ kind: 'recurring', recurring: { day: 25, every: 'month' } });
    expect(monthly.next).toBe('2026-12-25'); // 25 November is past on 27 November
    for (const t of tasks.filter((x) => x.deadline.kind !== 'recurring' && x.deadline.due)) expect(t.next).toBe(t.deadline.due);
  });

  it('lists every task of the unit, where the answer lists at most 8', () => {
    for (const unit of ['Sở Tài chính', 'quận Cầu Giấy', 'UBND phường Ba Đình']) {
      const all = unitTaskList(k, resolveUnit(unit)!, [], 'vi', TODAY).tasks.map((t) => t.citation.id);
      const answered = (ask(unit).tasks ?? []).map((t) => t.citation.id);
      expect(all).toEqual(expect.arrayContaining(answered));
    }
  });
});

describe('engine.tasksFor: a unit\'s tasks as data', () => {
  it('resolves the unit, lists its tasks, and says when it cannot recognise one', async () => {
    const { engine } = await buildTestEngine();
    const justice = await engine.tasksFor({ unit: 'Sở Tư pháp', language: 'vi' });
    expect(justice).toMatchObject({ unit: 'Sở Tư pháp', known: true, language: 'vi' });
    expect(justice.tasks.length).toBeGreaterThan(0);
    expect(justice.tasks.every((t) => t.citation.number || t.citation.title)).toBe(true);
    const asked = await engine.ask({ question: 'Sở Tư pháp có hạn chót nào?', language: 'vi' });
    expect(justice.tasks.map((t) => t.text)).toEqual(expect.arrayContaining((asked.tasks ?? []).map((t) => t.text)));
    expect(await engine.tasksFor({ unit: 'Bộ phận không có thật xyz' })).toMatchObject({ known: false, tasks: [] });
  });

  it('makes the unit the conversation\'s subject, so that a follow-up about another unit continues it', async () => {
    const { engine } = await buildTestEngine();
    await engine.tasksFor({ unit: 'Sở Tư pháp', language: 'vi', sessionId: 'tasks-for-follow-up' });
    const next = await engine.ask({ question: 'còn Sở Y tế thì sao?', sessionId: 'tasks-for-follow-up' });
    expect(next).toMatchObject({ intent: 'deadline', unit: 'Sở Y tế' });
  });
});

describe('documents that change other documents (issue 14)', () => {
  // The real pipeline over the evaluation dispatch 1234/UBND-KSTTHC, the 2024 fixture 4501/UBND-KT and
  // the amending fixture 1500/UBND-KSTTHC (20/11/2026): item 4's deadline moves from 15/12/2026 to
  // 12/01/2027 (four weeks later), 4501/UBND-KT is repealed, and a new task is led by Sở Tư pháp
  // with Sở Nội vụ's support.
  let amended: Knowledge;
  let done: () => void;
  beforeAll(async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'tthc-amended-'));
    const docs = path.join(tmp, 'documents');
    mkdirSync(docs);
    copyFileSync(path.resolve(FIXTURE_DOCUMENTS, '../../eval/corpus/dispatch-eval-2026.md'), path.join(docs, 'dispatch-eval-2026.md'));
    for (const n of ['cong-van-4501-2024-test-fixture.md', 'cong-van-1500-2026-amending-test-fixture.md']) copyFileSync(path.join(FIXTURE_DOCUMENTS, n), path.join(docs, n));
    const store = createFileIndexStore(path.join(tmp, 'index'));
    const summary = await runIngest({ store, embedder: await createEmbeddings({ kind: 'hashing' }), paths: [docs], baseDir: tmp });
    expect(summary.failed).toEqual([]);
    amended = buildKnowledge((await store.open())!);
    done = () => rmSync(tmp, { recursive: true, force: true });
  });
  afterAll(() => done?.());

  const askAmended = (unit: string, lang: 'vi' | 'en' = 'vi', only: string[] = []) =>
    answerDeadlines(amended, resolveUnit(unit)!, only.map((id) => amended.documents.get(id)!), lang, TODAY);

  it('gives the deadline in force, the amending document and its date, and keeps the old deadline as history', () => {
    const r = askAmended('Sở Nội vụ');
    const par = starts(r.tasks, 'Sở Nội vụ chủ trì tổ chức đánh giá')!;
    expect(par.deadline).toMatchObject({ kind: 'date', date: '2027-01-12' });
    expect(par.next).toBe('2027-01-12');
    expect(par.amendedBy).toMatchObject({ kind: 'deadline', id: '1500-ubnd-kstthc-2026', number: '1500/UBND-KSTTHC', date: '2026-11-20' });
    expect(par.previous).toEqual([expect.objectContaining({ date: '2026-12-15', text: 'trước ngày 15/12/2026' })]);
    expect(r.answer).toContain('Thời hạn: trước ngày 12/01/2027');
    expect(r.answer).toContain('Thời hạn đã được điều chỉnh theo văn bản 1500/UBND-KSTTHC ngày 20/11/2026; thời hạn cũ: trước ngày 15/12/2026');
    expect(r.citations.some((c) => c.number === '1500/UBND-KSTTHC' && c.quote.startsWith('Điều chỉnh thời hạn'))).toBe(true);
    // The amendment itself is no task: no one is asked to "adjust the deadline".
    expect((r.tasks ?? []).some((t) => t.text.startsWith('Điều chỉnh thời hạn'))).toBe(false);
    expect(() => asResponse(r)).not.toThrow();
    const en = askAmended('Sở Nội vụ', 'en');
    expect(en.answer).toContain('Deadline changed by document 1500/UBND-KSTTHC of 2026-11-20; previous deadline: trước ngày 15/12/2026');
  });

  it('leaves the other items of the amended dispatch as they were', () => {
    const r = askAmended('Sở Tài chính');
    const finance = (r.tasks ?? []).find((t) => t.deadline.date === '2026-11-20');
    expect(finance).toBeDefined();
    expect(finance!.amendedBy).toBeUndefined();
    expect(finance!.previous).toBeUndefined();
  });

  it('drops a repealed document\'s tasks from the list, and shows them as repealed when that document is asked about', () => {
    const r = askAmended('Sở Tài chính');
    expect(starts(r.tasks, 'Sở Kế hoạch và Đầu tư rà soát')).toBeUndefined(); // 4501/UBND-KT, repealed
    const asked = askAmended('Sở Tài chính', 'vi', ['4501-ubnd-kt-2024']);
    const old = starts(asked.tasks, 'Sở Kế hoạch và Đầu tư rà soát')!;
    expect(old.repealedBy).toMatchObject({ kind: 'repeal', number: '1500/UBND-KSTTHC', date: '2026-11-20' });
    expect(asked.answer).toContain('Không còn hiệu lực: bị bãi bỏ theo văn bản 1500/UBND-KSTTHC ngày 20/11/2026');
  });

  it('says whether the unit leads or supports a task when the text says so', () => {
    const support = starts(askAmended('Sở Nội vụ').tasks, 'Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ')!;
    expect(support).toMatchObject({ role: 'support', scope: 'own', deadline: { date: '2026-12-31' } });
    const lead = askAmended('Sở Tư pháp');
    expect(starts(lead.tasks, 'Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ')).toMatchObject({ role: 'lead' });
    expect(lead.answer).toContain('Vai trò: chủ trì');
    expect(askAmended('Sở Nội vụ').answer).toContain('Vai trò: phối hợp');
    expect(askAmended('Sở Nội vụ', 'en').answer).toContain('Role: support');
    // No role is claimed where the text names none ("Các sở, ban, ngành Thành phố rà soát …").
    expect(starts(lead.tasks, 'Các sở, ban, ngành Thành phố rà soát')?.role).toBeUndefined();
    // Sở Nội vụ's own PAR task says "chủ trì": it leads it.
    expect(starts(askAmended('Sở Nội vụ').tasks, 'Sở Nội vụ chủ trì tổ chức đánh giá')).toMatchObject({ role: 'lead' });
  });
});
