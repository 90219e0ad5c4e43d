// What the engine knows, derived once from an index snapshot: procedures by code (a
// curated record wins over the portal's; an upload redefines a bundled code only once the
// admin confirms it: precedence.ts), a name index for choosing among near neighbours,
// documents by number, tasks by document.
import type { Procedure } from '../../domain/records.js';
import { NO_UPLOADS, serveProcedure, type ProcedurePrecedence, type Redefinition } from './precedence.js';
import { withoutClitics } from './understand.js';
import { accentedSyllables, buildTermIndex, fold, newStyleTones, syllables, type IndexSnapshot, type StoredChunk, type StoredDocument, type StoredProcedure, type StoredTask, type TermIndex } from '../../ingest/index.js';

export interface ProcedureEntry {
  procedure: StoredProcedure;
  /** Folded content syllables of the name ("thủ tục" dropped). */
  nameTokens: string[];
  /** Folded syllables of the name, aliases and English name: what a question may say. */
  vocabulary: Set<string>;
  /** Position in the name index. */
  slot: number;
}

export interface Knowledge {
  snapshot: IndexSnapshot;
  procedures: Map<string, ProcedureEntry>;
  bySlot: ProcedureEntry[];
  /** Uploads that give a bundled code other facts or another link: served only once confirmed. */
  redefinitions: Redefinition[];
  /** Whether records beyond the curated ones are loaded (the national catalogue or an export). */
  catalogueLoaded: boolean;
  /** BM25 over names, aliases, English names and fields: one document per procedure. */
  names: TermIndex;
  /**
   * BM25 over the whole record, one document per procedure (same slots as `names`): name,
   * aliases, field, who files, result, paper names and the start of the conditions. People
   * describe their situation rather than name the procedure; this is where those words match.
   */
  records: TermIndex;
  documents: Map<string, StoredDocument>;
  /** Folded document number → document ids ("2458/ubnd-snv" → [vi, en]). */
  documentsByNumber: Map<string, string[]>;
  tasksByDocument: Map<string, StoredTask[]>;
  /** Chunks of each source id, in index order. */
  chunksBySource: Map<string, number[]>;
  /** 1 where snapshot.chunks[i] is a procedure chunk: the lexical and vector filter, built once. */
  procedureMask: Uint8Array;
  /** Share of chunks that are procedure chunks (vector search filters afterwards when most are). */
  procedureShare: number;
  /** Document frequency of a folded syllable among procedure names (for weighting coverage). */
  nameIdf(token: string): number;
  /** How many procedure names (with aliases and English names) use a folded syllable. */
  nameDf(token: string): number;
  /**
   * Syllables as the records write them (marks kept, new-style tones): "trăng" and "trang" fold
   * alike, but only one is in the catalogue. Tells a marked question's unknown words apart.
   */
  written: ReadonlySet<string>;
}

const NAME_NOISE = new Set(['thu', 'tuc']);

function nameTokensOf(name: string): string[] {
  return syllables(name).filter((t) => !NAME_NOISE.has(t));
}

/** What a person may say about a procedure besides its name; long free text is cut so it cannot drown the name. */
function recordText(p: Procedure): string {
  const papers = p.papers.flatMap((g) => g.papers.map((x) => x.name.slice(0, 160)));
  return [
    p.name,
    p.name,
    ...p.aliases,
    p.nameEn ?? '',
    p.field ?? '',
    (p.applicants ?? '').slice(0, 300),
    (p.result ?? '').slice(0, 300),
    ...papers.slice(0, 30),
    (p.conditions ?? '').slice(0, 800),
  ].join('\n');
}

/** What the engine derives from the served procedures alone. */
interface ProcedureIndexes {
  served: readonly StoredProcedure[];
  procedures: Map<string, ProcedureEntry>;
  bySlot: ProcedureEntry[];
  names: TermIndex;
  records: TermIndex;
  written: Set<string>;
  df: Map<string, number>;
}

/**
 * The last procedure indexes built. A new dispatch changes documents and tasks, not procedures:
 * when a version serves the very same procedure records (the segments they live in are shared),
 * its knowledge takes these as they are instead of building the BM25 indexes again. Nothing
 * mutates them once built.
 */
let lastIndexes: ProcedureIndexes | null = null;

/** The same record, or one rebuilt with the same content (a curated record merged with the portal's is a new object each time). */
function sameRecord(a: StoredProcedure, b: StoredProcedure): boolean {
  return a === b || (a.code === b.code && JSON.stringify(a) === JSON.stringify(b));
}

function procedureIndexes(served: StoredProcedure[]): ProcedureIndexes {
  const last = lastIndexes;
  if (last && last.served.length === served.length && last.served.every((p, i) => sameRecord(p, served[i]!))) return last;
  const procedures = new Map<string, ProcedureEntry>();
  const bySlot: ProcedureEntry[] = [];
  const nameTexts: string[] = [];
  for (const p of served) {
    const nameTokens = nameTokensOf(p.name);
    const vocabulary = new Set([...nameTokens, ...syllables(withoutClitics(p.aliases.join(' '))), ...syllables(withoutClitics(p.nameEn ?? ''))]);
    const entry: ProcedureEntry = { procedure: p, nameTokens, vocabulary, slot: bySlot.length };
    procedures.set(p.code, entry);
    bySlot.push(entry);
    nameTexts.push([p.name, p.name, ...p.aliases, p.nameEn ?? ''].join('\n'));
  }
  const recordTexts = bySlot.map((e) => recordText(e.procedure));
  const written = new Set<string>();
  for (const text of recordTexts) for (const w of accentedSyllables(text)) written.add(newStyleTones(w));
  const df = new Map<string, number>();
  for (const e of bySlot) for (const t of e.vocabulary) df.set(t, (df.get(t) ?? 0) + 1);
  lastIndexes = { served, procedures, bySlot, names: buildTermIndex(nameTexts), records: buildTermIndex(recordTexts), written, df };
  return lastIndexes;
}

export function buildKnowledge(snapshot: IndexSnapshot, precedence: ProcedurePrecedence = NO_UPLOADS): Knowledge {
  const recordsByCode = new Map<string, StoredProcedure[]>();
  for (const p of snapshot.records.procedures) {
    const list = recordsByCode.get(p.code);
    if (list) list.push(p);
    else recordsByCode.set(p.code, [p]);
  }
  const byCode = new Map<string, StoredProcedure>();
  const redefinitions: Redefinition[] = [];
  for (const [code, records] of recordsByCode) {
    const served = records.length === 1 ? { served: records[0]!, redefinitions: [] } : serveProcedure(records, precedence);
    byCode.set(code, served.served);
    redefinitions.push(...served.redefinitions);
  }
  const { procedures, bySlot, names, records, written, df } = procedureIndexes([...byCode.values()]);
  const N = Math.max(1, bySlot.length);

  const documents = new Map<string, StoredDocument>();
  const documentsByNumber = new Map<string, string[]>();
  for (const d of snapshot.records.documents) {
    documents.set(d.id, d);
    if (d.number) {
      const key = fold(d.number).replace(/\s+/g, '');
      documentsByNumber.set(key, [...(documentsByNumber.get(key) ?? []), d.id]);
    }
  }
  const tasksByDocument = new Map<string, StoredTask[]>();
  for (const t of snapshot.records.tasks) tasksByDocument.set(t.documentId, [...(tasksByDocument.get(t.documentId) ?? []), t]);

  const chunksBySource = new Map<string, number[]>();
  const procedureMask = new Uint8Array(snapshot.chunks.length);
  snapshot.chunks.forEach((c: StoredChunk, i) => {
    if (c.kind === 'procedure') procedureMask[i] = 1;
    const list = chunksBySource.get(c.sourceId);
    if (list) list.push(i);
    else chunksBySource.set(c.sourceId, [i]);
  });

  return {
    snapshot,
    procedures,
    bySlot,
    redefinitions,
    catalogueLoaded: bySlot.some((e) => e.procedure.origin !== 'curated'),
    names,
    records,
    documents,
    documentsByNumber,
    tasksByDocument,
    chunksBySource,
    procedureMask,
    procedureShare: snapshot.chunks.length ? procedureMask.reduce((a, b) => a + b, 0) / snapshot.chunks.length : 0,
    nameIdf: (t) => Math.log(1 + N / (1 + (df.get(t) ?? 0))),
    nameDf: (t) => df.get(t) ?? 0,
    written,
  };
}
