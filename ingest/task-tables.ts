// Tasks that plans list in a table ("Phụ lục: Danh mục nhiệm vụ": STT | Nhiệm vụ | Đơn vị chủ trì |
// Đơn vị phối hợp | Thời gian hoàn thành | Sản phẩm). The loaders write a table as "| a | b |" rows
// (loaders/tables.ts), merged cells already repeated down; this reads the header's wording to know
// which column is which, and each row into a Task cited by appendix and STT.
import { createHash } from 'node:crypto';
import type { Deadline, OfficialDocument, Task, UnitGroup } from '../domain/records.js';
import { chooseDeadline, findDeadlines } from './deadline.js';
import { fold } from './text.js';
import { findUnitMentions, groupsOfAssignee } from './units.js';

type Column = 'stt' | 'task' | 'lead' | 'support' | 'deadline' | 'product';

// Checked in this order: "Đơn vị thực hiện / Phối hợp" is support before it is a unit column,
// "Thời gian thực hiện" a deadline and "Nội dung thực hiện" the task before "thực hiện" names
// who carries it out.
const HEADER_WORDS: Array<[Column, RegExp]> = [
  ['stt', /^(?:stt|tt|so tt|so thu tu|no\.?|#)$/],
  ['support', /\bphoi hop\b|\bco-?units?\b|\bsupport|\bcoordinat/],
  ['deadline', /\bthoi (?:gian|han|diem)\b|\btien do\b|\bhan (?:hoan thanh|chot)\b|\bdeadline|\btimeline|\bdue\b/],
  ['product', /\bsan pham\b|\bket qua\b|\bhinh thuc van ban\b|\bproduct|\boutput/],
  ['lead', /\bchu tri\b|\bdon vi\b|\bco quan\b|\btrach nhiem\b|\blead\b|\bresponsib/],
  ['task', /\bnhiem vu\b|\bnoi dung\b|\bcong viec\b|\bhoat dong\b|\bten (?:de an|nhiem vu)\b|\btasks?\b|\bactivit/],
  ['lead', /\bthuc hien\b/],
];

const ROW = /^\s*\|(.*)\|\s*$/;

/** The "| … |" lines of a text, grouped into tables (runs of consecutive rows). */
function tableBlocks(lines: string[]): Array<{ start: number; rows: string[][] }> {
  const blocks: Array<{ start: number; rows: string[][] }> = [];
  let current: { start: number; rows: string[][] } | null = null;
  lines.forEach((line, i) => {
    const m = ROW.exec(line);
    if (!m) {
      current = null;
      return;
    }
    const cells = (m[1] ?? '').split('|').map((c) => c.replace(/<br\s*\/?>/gi, '; ').replace(/\s+/g, ' ').trim());
    if (cells.every((c) => /^:?-*:?$/.test(c))) return; // a Markdown separator row
    if (!current) blocks.push((current = { start: i, rows: [] }));
    current.rows.push(cells);
  });
  return blocks;
}

/** Which column a header cell's wording names ("Đơn vị chủ trì" → lead); undefined for other words. */
export function columnOf(header: string): Column | undefined {
  const f = fold(header).replace(/[()*:]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!f) return undefined;
  for (const [col, re] of HEADER_WORDS) if (re.test(f)) return col;
  return undefined;
}

interface TableLayout {
  columns: Map<Column, number>;
  /** Rows taken by the header (two when "Đơn vị thực hiện" spans "Chủ trì | Phối hợp"). */
  headerRows: number;
}

/** The header within the first rows: each column named by its cells, top to bottom. */
function layoutOf(rows: string[][]): TableLayout | undefined {
  for (let first = 0; first < Math.min(rows.length, 3); first++) {
    for (let depth = 1; depth <= 2 && first + depth <= rows.length; depth++) {
      const width = Math.max(...rows.slice(first, first + depth).map((r) => r.length));
      const columns = new Map<Column, number>();
      for (let c = 0; c < width; c++) {
        const words = [...new Set(rows.slice(first, first + depth).map((r) => r[c] ?? '').filter(Boolean))].join(' ');
        const col = columnOf(words);
        if (col && !columns.has(col)) columns.set(col, c);
      }
      const deeper = depth === 1 && first + 1 < rows.length && isHeaderRow(rows[first + 1] ?? []);
      if (deeper) continue;
      if (columns.has('task') && columns.has('lead') && (columns.has('deadline') || columns.has('support'))) {
        return { columns, headerRows: first + depth };
      }
    }
  }
  return undefined;
}

/** True when these rows (one, or two when a cell spans "Chủ trì | Phối hợp") head a task table. */
export function isTaskTableHeader(rows: string[][]): boolean {
  return layoutOf(rows) !== undefined;
}

function isHeaderRow(cells: string[]): boolean {
  const named = cells.filter((c) => columnOf(c) !== undefined).length;
  return named >= 2 && !cells.some((c) => /^\d+[.)]?$/.test(c));
}

/**
 * "Sở Nội vụ; Sở Tư pháp", "Các sở, ban, ngành": the units a cell names, in order. "Các cơ quan,
 * đơn vị liên quan" names nobody in particular (as in prose, tasks.ts): left out.
 */
function unitsIn(cell: string): string[] {
  if (!cell || /^[-–.…]*$/.test(cell)) return [];
  const found = findUnitMentions(cell);
  if (!found.length) return cell.split(/\s*;\s*/).map((s) => s.trim()).filter(Boolean);
  const f = fold(cell);
  let from = 0;
  return found.filter((u) => {
    const at = f.indexOf(fold(u), from);
    if (at < 0) return true;
    from = at + fold(u).length;
    return !/^\s*(?:co\s+)?lien quan\b/.test(f.slice(from, from + 16));
  });
}

/** A deadline cell often writes a bare date or year ("30/6/2027", "Năm 2027"): read it as a deadline. */
function deadlineIn(cell: string, ctx: { year?: number }): Deadline {
  for (const text of [cell, `trước ngày ${cell}`, `đến ${cell}`]) {
    const found = chooseDeadline(findDeadlines(text, ctx), text);
    if (found) return { ...found.deadline, text: cell };
  }
  return { text: cell, kind: 'none' };
}

/** "PHỤ LỤC II" → "Phụ lục II", the nearest appendix heading above the table. */
function appendixAbove(lines: string[], start: number): string | undefined {
  for (let i = start - 1; i >= 0; i--) {
    const m = /^\s*(?:phu luc|appendix|annex)\b\s*(?:so\s*)?([ivxlc]+|\d+[a-z]?)?\b/.exec(fold(lines[i] ?? ''));
    if (!m) continue;
    const word = /^\s*(?:appendix|annex)/.test(m[0]) ? 'Appendix' : 'Phụ lục';
    return m[1] ? `${word} ${/^\d/.test(m[1]) ? m[1] : m[1].toUpperCase()}` : word;
  }
  return undefined;
}

function isGroupRow(cells: string[], cols: Map<Column, number>): boolean {
  const distinct = new Set(cells.filter(Boolean));
  if (distinct.size <= 1) return true;
  const at = (c: Column) => cells[cols.get(c) ?? -1] ?? '';
  // "I | Nhóm nhiệm vụ về thể chế" with neither a unit nor a deadline: a heading of rows.
  return !at('lead') && !at('deadline') && /^(?:[ivx]+|[a-z])[.)]?$/i.test(at('stt'));
}

/** Tasks of every task table in the document, in the order written. */
export function extractTableTasks(doc: OfficialDocument): Task[] {
  const lines = doc.text.split('\n');
  const ctx = doc.year ? { year: doc.year } : {};
  const tasks: Task[] = [];
  tableBlocks(lines).forEach((block, b) => {
    const layout = layoutOf(block.rows);
    if (!layout) return;
    const cols = layout.columns;
    const appendix = appendixAbove(lines, block.start);
    const at = (cells: string[], c: Column) => cells[cols.get(c) ?? -1] ?? '';
    block.rows.slice(layout.headerRows).forEach((cells, n) => {
      const text = at(cells, 'task');
      if (!text || isGroupRow(cells, cols) || cells.every((c) => /^\(?\d*\)?$/.test(c))) return;
      const row = at(cells, 'stt') || String(n + 1);
      const lead = unitsIn(at(cells, 'lead'));
      const support = unitsIn(at(cells, 'support')).filter((u) => !lead.includes(u));
      const section = appendix ? `${appendix}, STT ${row}` : `STT ${row}`;
      const product = at(cells, 'product');
      // As tasks.ts records them: `units` lead, `support` help, and the table says who leads.
      tasks.push({
        // Table and row in the id: a task merged over two rows of units is two tasks of one text.
        id: createHash('sha1').update(`${doc.id}|${section}|${b}.${n}|${text}`).digest('hex').slice(0, 16),
        documentId: doc.id,
        text,
        section,
        units: lead,
        groups: groupsOf(lead),
        deadline: at(cells, 'deadline') ? deadlineIn(at(cells, 'deadline'), ctx) : { text: '', kind: 'none' },
        ...(support.length ? { support } : {}),
        ...(cols.has('lead') && lead.length ? { leadStated: true } : {}),
        ...(product && !/^[-–.…]*$/.test(product) ? { product } : {}),
      });
    });
  });
  return tasks;
}

/**
 * The document's tasks: those of its prose, then those of its task tables. A prose item that only
 * points to the tables ("thực hiện các nhiệm vụ tại Phụ lục kèm theo", no deadline) is not a task
 * of its own once the rows are read.
 */
export function withTableTasks(prose: Task[], doc: OfficialDocument): Task[] {
  const rows = extractTableTasks(doc);
  if (!rows.length) return prose;
  const pointer = (t: Task) => t.deadline.kind === 'none' && /\b(?:phu luc|appendix|annex)\b/.test(fold(t.text));
  return [...prose.filter((t) => !pointer(t)), ...rows];
}

/** The text without its task tables: their rows are tasks of their own, not part of an item. */
export function withoutTaskTables(text: string): string {
  const lines = text.split('\n');
  const drop = new Set<number>();
  for (const block of tableBlocks(lines)) {
    if (!layoutOf(block.rows)) continue;
    for (let i = block.start; i < lines.length && ROW.test(lines[i] ?? ''); i++) drop.add(i);
  }
  return drop.size ? lines.filter((_, i) => !drop.has(i)).join('\n') : text;
}

function groupsOf(units: string[]): UnitGroup[] {
  const out = new Set<UnitGroup>();
  for (const u of units) for (const g of groupsOfAssignee(u)) out.add(g);
  return [...out];
}
