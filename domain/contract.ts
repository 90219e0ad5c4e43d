// The answer engine's contract: what every channel (HTTP API, widget, Telegram, Zalo,
// the `ask` CLI) sends in and gets back. Validated with zod at each boundary.
import { z } from 'zod';
import { Deadline, FilingChannel, IsoDate, Language, LegalBasis, PaperGroup } from './records.js';
import type { Procedure } from './records.js';

export const AskRequest = z
  .object({
    question: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      // Control characters, U+FFFD (what invalid UTF-8 decodes to) and lone surrogates are never
      // part of a real question: refuse them rather than search for them.
      .refine((q) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(q), {
        message: 'the question contains characters that are not text',
      }),
    language: Language.optional(),
    /** The asker's unit ("Sở Tư pháp", "phường Ba Đình"), when a channel knows it. */
    unit: z.string().trim().min(1).max(200).optional(),
    /** Ties follow-up questions to earlier turns. */
    sessionId: z.string().trim().min(1).max(128).optional(),
  })
  .strict();
export type AskRequest = z.infer<typeof AskRequest>;

export const Intent = z.enum([
  'procedure', // papers, fee, time, where, online link
  'deadline', // a unit's tasks and deadlines
  'document', // a question about a dispatch, plan or decision
  'general', // greetings, what can you do
  'out-of-scope',
]);
export type Intent = z.infer<typeof Intent>;

/** What a procedure question asks about, so that the answer can lead with it. */
export const ProcedureAspect = z.enum(['papers', 'fee', 'time', 'where', 'online', 'steps', 'legal', 'overview']);
export type ProcedureAspect = z.infer<typeof ProcedureAspect>;

export const Citation = z.object({
  id: z.string(), // chunk id, procedure code or document id
  title: z.string(),
  number: z.string().optional(), // document number or catalogue code
  date: IsoDate.optional(),
  url: z.string().url().optional(),
  section: z.string().optional(),
  quote: z.string().describe('The passage the fact comes from, as plain text (markup stripped).'),
  /** The page of the source file the passage is on (PDFs and scans). */
  page: z.number().int().positive().optional(),
  /**
   * Where this service serves the original file of a scanned document, relative to the service's
   * root, at the page when known ("/api/documents/<id>/source#page=2"). The HTTP API also gives it
   * absolute as `url` when the document has no link of its own.
   */
  source: z.string().regex(/^\/api\/documents\/[^/?#]+\/source(?:#page=\d+)?$/).optional(),
});
export type Citation = z.infer<typeof Citation>;

export const Link = z.object({ label: z.string(), url: z.string().url() });
export type Link = z.infer<typeof Link>;

export const ProcedureAnswer = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string().optional(),
  level: z.array(z.string()),
  agency: z.string().optional(),
  url: z.string().url().optional(),
  papers: z.array(PaperGroup),
  channels: z.array(FilingChannel),
  legalBasis: z.array(LegalBasis),
});
export type ProcedureAnswer = z.infer<typeof ProcedureAnswer>;

export const TaskStatus = z.enum(['past', 'upcoming', 'due-soon', 'recurring', 'unknown']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** The document that changed a task (moved its deadline, repealed it), as cited. */
export const TaskChange = z.object({
  kind: z.enum(['deadline', 'supplement', 'replace', 'repeal', 'expire']),
  id: z.string(),
  title: z.string(),
  number: z.string().optional(),
  date: IsoDate.optional(),
  text: z.string(),
});
export type TaskChange = z.infer<typeof TaskChange>;

export const TaskAnswer = z.object({
  text: z.string(),
  units: z.array(z.string()),
  deadline: Deadline,
  status: TaskStatus,
  /** Why this task concerns the asked unit: named directly, or through a group. */
  via: z.string().optional(),
  /** The section it is listed in: named (own), through a group of the unit, or addressed to everyone. */
  scope: z.enum(['own', 'group', 'everyone']).optional(),
  citation: Citation,
  /**
   * The day the task falls due next, from the engine's today: its deadline's due day, or for a
   * recurring one ("trước ngày 25 hằng tháng") its next occurrence. Computed once, by the engine,
   * so that channels (reminders) never re-derive recurrences.
   */
  next: IsoDate.optional(),
  /** The asked unit's part, when the text says: it leads ("chủ trì") or supports ("phối hợp"). */
  role: z.enum(['lead', 'support']).optional(),
  /** The document whose amendment set the deadline in force; `previous` holds the deadlines it replaced, oldest first. */
  amendedBy: TaskChange.optional(),
  previous: z.array(Deadline).optional(),
  /** Its document (or item) was repealed, replaced or has expired: no longer in force. */
  repealedBy: TaskChange.optional(),
  /** What the task delivers, when its table says ("Sản phẩm": a report, a decision). */
  product: z.string().optional(),
});
export type TaskAnswer = z.infer<typeof TaskAnswer>;

export const Alternative = z.object({ code: z.string(), name: z.string() });
export type Alternative = z.infer<typeof Alternative>;

/**
 * A procedure offered when two or three records fit the question about equally well: the
 * engine asks back instead of guessing, and channels show these as choices (buttons). Picking
 * one sends its code back as the next question.
 */
export const Candidate = z.object({ code: z.string(), name: z.string(), level: z.array(z.string()).default([]) });
export type Candidate = z.infer<typeof Candidate>;

/**
 * What a paragraph of the composed answer holds, so that a channel can put a structured block
 * (a checklist for `papers`, task lists for `tasks`, a button for `online`, chips for
 * `alternatives`) in its place without reading the text.
 */
export const AnswerPartKind = z.enum([
  'text', // prose with no structured counterpart
  'papers', // the papers to bring (procedure.papers)
  'steps', // the steps (the record's)
  'legal', // the legal basis (procedure.legalBasis)
  'fee',
  'time',
  'where',
  'online', // the online filing link (procedure.url)
  'essentials', // the other facts of a procedure, one a line
  'procedure', // the procedure's name, code and level
  'alternatives', // near neighbours (alternatives)
  'candidates', // an ask-back (candidates)
  'tasks', // a list of tasks (tasks)
  'document', // a document's title, number, date and issuer
  'passage', // a quoted passage of a document (its citation in `cites`)
  'notes', // caveats (also in `notes`)
  'source', // where the facts come from
]);
export type AnswerPartKind = z.infer<typeof AnswerPartKind>;

export const AnswerPart = z.object({
  kind: AnswerPartKind,
  /**
   * The paragraph as it reads in `answer`; a part that cites is followed there by its references
   * ("«…» [2458/UBND-SNV, mục 7]"), which a channel words itself from the citations.
   */
  text: z.string(),
  /** Ids of the citations the paragraph quotes (in `citations` or a task's), in order. */
  cites: z.array(z.string()).optional(),
});
export type AnswerPart = z.infer<typeof AnswerPart>;

export const AskResponse = z.object({
  /** Id of this answer, for feedback. */
  id: z.string(),
  question: z.string(),
  language: Language,
  intent: Intent,
  found: z.boolean(),
  /**
   * Plain text, never markup: paragraphs separated by blank lines, lines by "\n". Show it as
   * text (textContent, not innerHTML; escaped before Telegram's HTML parse mode). HTML planted in a
   * source document is stripped before it gets here (tags dropped, their text kept), and so are
   * links the data does not vouch for; the same holds for `parts[].text`, `citations[].quote`,
   * tasks' text and `notes`.
   */
  answer: z.string().describe('The answer as plain text (no HTML, no Markdown): paragraphs separated by blank lines. Show it as text, never as HTML.'),
  citations: z.array(Citation),
  links: z.array(Link),
  procedure: ProcedureAnswer.optional(),
  tasks: z.array(TaskAnswer).optional(),
  alternatives: z.array(Alternative).optional(),
  /** Set when the engine asks back: the records that fit, best first; `procedure` is then absent. */
  candidates: z.array(Candidate).optional(),
  /** What a procedure question asks about (the answer leads with it). */
  aspect: ProcedureAspect.optional(),
  /** The unit the answer is about, as resolved (deadline questions and follow-ups). */
  unit: z.string().optional(),
  /**
   * The composed `answer` paragraph by paragraph, in order, separated there by blank lines.
   * Absent when an LLM phrased the answer, and for answers that are plain prose (a greeting,
   * "not found"): a channel then shows `answer` as written.
   */
  parts: z.array(AnswerPart).optional(),
  /**
   * Caveats a channel must keep whatever it shows in place of the text: the document predates
   * the two-tier government, a unit was merged into another, a rendition is not the original …
   */
  notes: z.array(z.string()).optional(),
  /** Whether an LLM phrased `answer` (false: composed from the records). */
  phrasedBy: z.enum(['composer', 'llm']).default('composer'),
});
export type AskResponse = z.infer<typeof AskResponse>;

export const SearchHit = z.object({
  kind: z.enum(['procedure', 'document']),
  id: z.string(), // procedure code or document id
  title: z.string(),
  number: z.string().optional(), // document number or catalogue code, as cited
  date: IsoDate.optional(),
  section: z.string().optional(),
  snippet: z.string(),
  url: z.string().url().optional(),
  score: z.number(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const UnitTasksRequest = z
  .object({
    /** The unit as a person typed it ("Sở Tư pháp", "phường Ba Đình"). */
    unit: z.string().trim().min(1).max(200),
    language: Language.optional(),
    /** When given, the unit becomes the conversation's subject (follow-up questions continue it). */
    sessionId: z.string().trim().min(1).max(128).optional(),
  })
  .strict();
export type UnitTasksRequest = z.infer<typeof UnitTasksRequest>;

/** A unit's tasks as data: what `/hanchot` lists and what reminders watch. */
export const UnitTasks = z.object({
  /** The unit as resolved: its canonical name, or for a merged unit its successors' names. */
  unit: z.string(),
  /** False when the unit is not one the engine can recognise (nothing could be looked up). */
  known: z.boolean(),
  language: Language,
  /** Every task that concerns the unit (its own and its groups' first, then everyone's), soonest first. */
  tasks: z.array(TaskAnswer),
  /** Caveats: a unit merged into another, documents that predate the two-tier government … */
  notes: z.array(z.string()),
  /** The documents' pages and the sources of a succession. */
  links: z.array(Link),
});
export type UnitTasks = z.infer<typeof UnitTasks>;

/** The engine every channel calls. Channels format its answers; they never retrieve on their own. */
export interface AnswerEngine {
  ask(request: AskRequest): Promise<AskResponse>;
  /** A catalogue record by code ("1.001193"), or undefined. */
  procedure(code: string): Procedure | undefined;
  /** Hybrid search over procedures and documents (for /api/search). */
  search(query: string, limit?: number): Promise<SearchHit[]>;
  /** A unit's tasks and deadlines as data, without going through a question. */
  tasksFor(request: UnitTasksRequest): Promise<UnitTasks>;
}
