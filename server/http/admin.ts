// The admin surface: what an admin backend must offer (the lead implements it over the index)
// and the token-protected /admin/* routes over it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Redis } from 'ioredis';
import { memoryTokenThrottle, redisTokenThrottle, type TokenThrottleOptions } from './admin-throttle.js';
import { ApiError, apiError } from './errors.js';
import { adminSecurity } from './openapi.js';
import {
  AdminDocumentView as ListedDocument,
  errorResponses,
  FeedbackList,
  IdParams,
  IngestJobView,
  IngestStarted,
  Removed,
  UnansweredList,
  UploadAccepted,
} from './schemas.js';
import type { IngestJobView as IngestJob } from './schemas.js';
import { type ScanCorrections, scanTextRoutes, ScanView } from './routes/admin-scans.js';
import type { FeedbackStore, UnansweredLog } from './stores.js';
import { sanitiseUploadName, sniffUpload } from './upload.js';

export type { IngestJobView } from './schemas.js';
export type { CorrectionOutcome, ScanCorrections, ScanText, ScanView } from './routes/admin-scans.js';

/** A document as the admin page lists it; a scan with how it was read ("bản quét · độ tin cậy 86 %"). */
export const AdminDocumentView = ListedDocument.extend({ scan: ScanView.optional() });
export type AdminDocumentView = z.infer<typeof AdminDocumentView>;
const DocumentList = z.object({ documents: z.array(AdminDocumentView) });

/** An upload that gives a bundled procedure other facts or another link, as the admin page shows it. */
export const RedefinitionView = z.object({
  code: z.string(),
  name: z.string(),
  /** The upload's file name only. */
  file: z.string(),
  /** The version of the upload's record this concerns: a confirmation holds for it only. */
  fingerprint: z.string(),
  bundledUrl: z.string().optional(),
  uploadUrl: z.string().optional(),
  changed: z.array(z.string()),
  /** pending: the bundled record is served; confirmed: the upload's. */
  status: z.enum(['pending', 'confirmed']),
});
export type RedefinitionView = z.infer<typeof RedefinitionView>;
const RedefinitionList = z.object({ redefinitions: z.array(RedefinitionView) });
const ConfirmRequest = z.object({ code: z.string().trim().min(1).max(64), file: z.string().trim().min(1).max(255), fingerprint: z.string().trim().min(1).max(64) }).strict();
const Confirmed = z.object({ confirmed: z.literal(true), code: z.string(), file: z.string() });

/** Scans' text (scanText, saveCorrection) is optional: without it the page lists scans but cannot correct them. */
export interface AdminBackend extends Partial<ScanCorrections> {
  /** Stores an already-checked file in the data folder; `name` is a safe base name. */
  saveUpload(name: string, bytes: Buffer): Promise<{ name: string; path: string }>;
  /** Throws `ingestBusy()` (code INGEST_BUSY) when a run is going. */
  startIngest(): { jobId: string } | Promise<{ jobId: string }>;
  /** A run started here or, when jobs are kept in a shared store, on another replica. */
  ingestJob(id: string): IngestJob | undefined | Promise<IngestJob | undefined>;
  listDocuments(): Promise<AdminDocumentView[]>;
  removeDocument(id: string): Promise<boolean>;
  /** Uploads that redefine a bundled procedure (none when the backend does not track them). */
  listRedefinitions?(): Promise<RedefinitionView[]>;
  /** Serve the upload's version of a code; false when no such redefinition is listed now. */
  confirmRedefinition?(which: { code: string; file: string; fingerprint: string }): Promise<boolean>;
}

export interface AdminRouteDeps {
  backend: AdminBackend;
  token: string;
  /** Wrong tokens one client may send in a window before it is refused with 429 (default 10 a minute). */
  throttle?: Partial<TokenThrottleOptions>;
  /** Count them in Redis, across the replicas (REDIS_URL); without it each process counts alone. */
  throttleRedis?: { client: Redis; nameSpace?: string };
  uploadLimitBytes: number;
  feedback: FeedbackStore;
  unanswered: UnansweredLog;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison: hashing first makes both sides the same length. */
export function tokenMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(expected));
}

const mib = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

export async function adminRoutes(app: FastifyInstance, deps: AdminRouteDeps): Promise<void> {
  // preservePath: see the name as sent ("../x.pdf"), so a path is refused rather than silently cut.
  await app.register(multipart, { preservePath: true, limits: { fileSize: deps.uploadLimitBytes, files: 1, fields: 5, parts: 6 } });
  // onRequest runs before any byte of the body is read. Connection: close, so node does not read
  // (and throw away) the rest of an unauthorised body to keep the connection for another request:
  // an upload claiming 1 GB costs what its headers cost.
  const throttle = deps.throttleRedis
    ? redisTokenThrottle(deps.throttleRedis.client, deps.throttleRedis.nameSpace ?? 'tthc-rl:', deps.throttle, app.log)
    : memoryTokenThrottle(deps.throttle);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const wait = await throttle.waitSeconds(request.ip);
    if (wait > 0) {
      reply.header('connection', 'close').header('retry-after', String(wait));
      throw new ApiError('RATE_LIMITED', { after: `${wait} seconds` }, { localized: { vi: { after: `${wait} giây` }, en: { after: `${wait} seconds` } } });
    }
    if (tokenMatches(request.headers.authorization, deps.token)) return throttle.succeeded(request.ip);
    // Only a token sent counts as a guess: a page opened without one is not guessing.
    if (request.headers.authorization !== undefined && (await throttle.failed(request.ip))) {
      request.log.warn({ client: request.ip }, 'admin tokens: too many wrong ones from this client, refused for a while');
    }
    reply.header('connection', 'close');
    throw apiError('UNAUTHORIZED');
  });
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Every admin operation is documented as needing the Bearer token the onRequest hook checks.
  const doc = { tags: ['admin'], security: adminSecurity };

  api.post(
    '/documents',
    {
      schema: {
        summary: 'Upload one source file (multipart, field "file")',
        ...doc,
        consumes: ['multipart/form-data'],
        response: { 201: UploadAccepted, ...errorResponses(400, 401, 413, 415, 500) },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw apiError('UNSUPPORTED_MEDIA_TYPE');
      const part = await request.file();
      if (!part) throw rejected({ vi: 'không có tệp nào.', en: 'no file was sent.' });
      const named = sanitiseUploadName(part.filename);
      if (!named.ok) {
        part.file.resume(); // drain, so the connection can answer
        throw rejected(named.reason);
      }
      let bytes: Buffer;
      try {
        bytes = await part.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
          throw apiError('UPLOAD_TOO_LARGE', { limit: mib(deps.uploadLimitBytes) }, error);
        }
        throw error;
      }
      const sniffed = sniffUpload(named.name, bytes);
      if (!sniffed.ok) throw rejected(sniffed.reason);
      const saved = await deps.backend.saveUpload(named.name, bytes);
      return reply.code(201).send({ ...saved, bytes: bytes.length });
    },
  );

  api.post(
    '/ingest',
    { schema: { summary: 'Start an ingest run', ...doc, response: { 202: IngestStarted, ...errorResponses(401, 409, 500) } } },
    async (_request, reply) => {
      try {
        return reply.code(202).send(await deps.backend.startIngest());
      } catch (error) {
        if ((error as { code?: string }).code === 'INGEST_BUSY') throw apiError('INGEST_BUSY', {}, error);
        throw error;
      }
    },
  );

  api.get(
    '/ingest/:id',
    { schema: { summary: 'An ingest run', ...doc, params: IdParams, response: { 200: IngestJobView, ...errorResponses(400, 401, 404) } } },
    async (request) => {
      const job = await deps.backend.ingestJob(request.params.id);
      if (!job) throw apiError('JOB_NOT_FOUND', { id: request.params.id });
      return job;
    },
  );

  api.get(
    '/documents',
    { schema: { summary: 'Documents known to the index', ...doc, response: { 200: DocumentList, ...errorResponses(401, 500) } } },
    async () => ({ documents: await deps.backend.listDocuments() }),
  );

  api.delete(
    '/documents/:id',
    { schema: { summary: 'Remove a document', ...doc, params: IdParams, response: { 200: Removed, ...errorResponses(400, 401, 404) } } },
    async (request) => {
      if (!(await deps.backend.removeDocument(request.params.id))) throw apiError('DOCUMENT_NOT_FOUND', { id: request.params.id });
      return { removed: true as const, id: request.params.id };
    },
  );

  // A scan's text, to correct: behind the same token check.
  await scanTextRoutes(app, deps.backend);

  api.get(
    '/redefinitions',
    { schema: { summary: 'Uploads that redefine a bundled procedure', ...doc, response: { 200: RedefinitionList, ...errorResponses(401, 500) } } },
    async () => ({ redefinitions: (await deps.backend.listRedefinitions?.()) ?? [] }),
  );

  api.post(
    '/redefinitions/confirm',
    {
      schema: {
        summary: "Serve an upload's version of a bundled procedure",
        ...doc,
        body: ConfirmRequest,
        response: { 200: Confirmed, ...errorResponses(400, 401, 404, 500) },
      },
    },
    async (request) => {
      const which = request.body;
      if (!(await deps.backend.confirmRedefinition?.(which))) throw apiError('REDEFINITION_NOT_FOUND', { code: which.code, file: which.file });
      return { confirmed: true as const, code: which.code, file: which.file };
    },
  );

  api.get(
    '/unanswered',
    { schema: { summary: 'Questions the engine could not answer', ...doc, response: { 200: UnansweredList, ...errorResponses(401) } } },
    async () => ({ questions: await deps.unanswered.list() }),
  );

  api.get(
    '/feedback',
    { schema: { summary: 'Feedback totals and recent entries', ...doc, response: { 200: FeedbackList, ...errorResponses(401) } } },
    async () => ({ ...(await deps.feedback.totals()), recent: await deps.feedback.recent(100) }),
  );
}

function rejected(reason: { vi: string; en: string }): ApiError {
  return new ApiError('UPLOAD_REJECTED', { reason: reason.en }, { localized: { vi: { reason: reason.vi }, en: { reason: reason.en } } });
}
