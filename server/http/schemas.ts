// The HTTP API's own schemas (the answer contract comes from domain/contract.ts).
// Routes validate and serialise with these, and the OpenAPI document is generated from them.
import { z } from 'zod';
import { Procedure } from '../../domain/records.js';
import { SearchHit } from '../../domain/contract.js';

export const ErrorBody = z.object({ code: z.string(), message: z.string() });

/** The error responses every API route can give, for the OpenAPI document and serialisation. */
export const errorResponses = (...statuses: number[]): Record<number, typeof ErrorBody> =>
  Object.fromEntries(statuses.map((s) => [s, ErrorBody]));

export const ProcedureParams = z.object({ code: z.string().trim().min(1).max(64) }).strict();
export const ProcedureBody = Procedure;

export const SearchQuery = z
  .object({
    q: z.string().trim().min(1).max(500),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  })
  .strict();
export const SearchResponse = z.object({ query: z.string(), hits: z.array(SearchHit) });

export const FeedbackRequest = z
  .object({
    answerId: z.string().trim().min(1).max(128),
    helpful: z.boolean(),
    comment: z.string().trim().max(1000).optional(),
  })
  .strict();
export type FeedbackRequest = z.infer<typeof FeedbackRequest>;
export const FeedbackAccepted = z.object({ ok: z.literal(true) });

export const Health = z.object({ status: z.enum(['ok', 'ready']) });

// Admin surface.
export const IngestJobView = z.object({
  id: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Where a run is: scan, load (files read), embed (chunks), index, write, done. */
  progress: z.object({ phase: z.enum(['scan', 'load', 'embed', 'index', 'write', 'compact', 'done']), done: z.number().int(), total: z.number().int() }).optional(),
  summary: z.unknown().optional(),
  error: z.string().optional(),
});
export type IngestJobView = z.infer<typeof IngestJobView>;

export const AdminDocumentView = z.object({
  id: z.string(),
  title: z.string(),
  number: z.string().optional(),
  date: z.string().optional(),
  kind: z.enum(['document', 'catalogue', 'references']),
  /** The file's name only: the page never shows where files lie on the server. */
  file: z.string(),
  /** Uploads can be removed here; bundled data and the catalogue change through the repository. */
  removable: z.boolean(),
  status: z.enum(['indexed', 'pending', 'failed']),
  error: z.string().optional(),
});
export type AdminDocumentView = z.infer<typeof AdminDocumentView>;

export const IdParams = z.object({ id: z.string().trim().min(1).max(200) }).strict();
export const UploadAccepted = z.object({
  name: z.string().describe('The name the file was saved under: sanitised, at most 200 bytes of UTF-8 (a longer name is refused with 400, as is a PDF without its header or %%EOF trailer and a text file that is not UTF-8 or holds a NUL byte).'),
  path: z.string(),
  bytes: z.number().int(),
});
export const IngestStarted = z.object({ jobId: z.string() });
export const DocumentList = z.object({ documents: z.array(AdminDocumentView) });
export const Removed = z.object({ removed: z.literal(true), id: z.string() });

export const UnansweredEntry = z.object({
  question: z.string(),
  language: z.enum(['vi', 'en']),
  at: z.string(),
  count: z.number().int(),
});
export type UnansweredEntry = z.infer<typeof UnansweredEntry>;
export const UnansweredList = z.object({ questions: z.array(UnansweredEntry) });

export const FeedbackEntry = z.object({
  answerId: z.string(),
  question: z.string().optional(),
  helpful: z.boolean(),
  comment: z.string().optional(),
  at: z.string(),
});
export type FeedbackEntry = z.infer<typeof FeedbackEntry>;
export const FeedbackList = z.object({
  total: z.number().int(),
  helpful: z.number().int(),
  notHelpful: z.number().int(),
  recent: z.array(FeedbackEntry),
});
