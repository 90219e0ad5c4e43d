// GET and PUT /admin/documents/:id/text: a scanned document's text by page, for an admin to
// correct. The correction is saved beside the file and indexed instead of the OCR reading
// (ingest/corrections.ts). Registered inside the admin scope (http/admin.ts), whose token
// check runs before these routes read a byte of the body.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, apiError } from '../errors.js';
import { adminSecurity } from '../openapi.js';
import { errorResponses, IdParams } from '../schemas.js';

/** How a scan was read, as the admin page lists it: "bản quét · độ tin cậy 86 %". */
export const ScanView = z.object({
  /** Mean OCR word confidence, 0..100. */
  confidence: z.number(),
  /** The pages read by OCR (the others of a mixed PDF had a text layer). */
  pages: z.array(z.number().int().positive()),
  /** Pages below the confidence threshold: worth a look by a person. */
  lowConfidencePages: z.array(z.number().int().positive()),
  /** Dates and numbers OCR could not read for sure, as read ("3?/11/2026"). */
  uncertain: z.array(z.string()),
  /** When a person corrected the text (ISO time); absent while the text is the scanner's. */
  correctedAt: z.string().optional(),
  /** The index holds the text by page, so it can be opened for correction (an older index: run the ingest again). */
  editable: z.boolean(),
});
export type ScanView = z.infer<typeof ScanView>;

export const ScanText = z.object({
  id: z.string(),
  title: z.string(),
  /** The file's name only. */
  file: z.string(),
  scan: ScanView,
  /** The text as indexed, page by page. */
  pages: z.array(z.object({ page: z.number().int().positive(), text: z.string() })),
});
export type ScanText = z.infer<typeof ScanText>;

/** The corrected text, one string a page, as many pages as the document has. */
export const CorrectionRequest = z.object({ pages: z.array(z.string().max(200_000)).min(1).max(1000) }).strict();
const CorrectionSaved = z.object({
  saved: z.literal(true),
  id: z.string(),
  /** The ingest run that indexes it; absent when a run was already going (start one when it ends). */
  jobId: z.string().optional(),
});

export type CorrectionOutcome =
  | { saved: true; jobId?: string | undefined }
  /** not-found: no scan by that id; changed: its file is not the one indexed; pages: not as many pages as the document. */
  | { saved: false; reason: 'not-found' | 'changed' | 'pages'; expected?: number };

/** What the admin backend offers for scans. */
export interface ScanCorrections {
  /** A scan's text by page as indexed; null when the id names no scanned document. */
  scanText(id: string): Promise<ScanText | null>;
  /** Save a person's text beside the scan's file and start a run that indexes it. */
  saveCorrection(id: string, pages: string[]): Promise<CorrectionOutcome>;
}

/** A correction may hold a long plan's text: more than the API's 16 KiB JSON bodies. */
const CORRECTION_BODY_LIMIT = 4 * 1024 * 1024;

function refused(vi: string, en: string): ApiError {
  return new ApiError('BAD_REQUEST', { detail: en }, { localized: { vi: { detail: vi }, en: { detail: en } } });
}

export async function scanTextRoutes(app: FastifyInstance, backend: Partial<ScanCorrections>): Promise<void> {
  if (!backend.scanText || !backend.saveCorrection) return;
  const scans = backend as ScanCorrections;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const doc = { tags: ['admin'], security: adminSecurity };

  api.get(
    '/documents/:id/text',
    { schema: { summary: "A scanned document's text by page, to correct", ...doc, params: IdParams, response: { 200: ScanText, ...errorResponses(400, 401, 404, 500) } } },
    async (request) => {
      const text = await scans.scanText(request.params.id);
      if (!text) throw apiError('DOCUMENT_NOT_FOUND', { id: request.params.id });
      return text;
    },
  );

  api.put(
    '/documents/:id/text',
    {
      bodyLimit: CORRECTION_BODY_LIMIT,
      schema: {
        summary: "Correct a scanned document's text: saved beside its file, indexed instead of the OCR reading (an ingest run starts)",
        ...doc,
        params: IdParams,
        body: CorrectionRequest,
        response: { 200: CorrectionSaved, ...errorResponses(400, 401, 404, 413, 500) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const outcome = await scans.saveCorrection(id, request.body.pages);
      if (outcome.saved) return { saved: true as const, id, ...(outcome.jobId ? { jobId: outcome.jobId } : {}) };
      if (outcome.reason === 'not-found') throw apiError('DOCUMENT_NOT_FOUND', { id });
      if (outcome.reason === 'pages') {
        throw refused(`văn bản có ${outcome.expected ?? '?'} trang, bản hiệu đính phải có đúng số trang đó.`, `the document has ${outcome.expected ?? '?'} pages; send one text for each.`);
      }
      throw refused(
        'tệp đã thay đổi kể từ lần cập nhật chỉ mục gần nhất; hãy chạy cập nhật chỉ mục rồi hiệu đính lại.',
        'the file has changed since it was indexed; run the ingest, then correct the new reading.',
      );
    },
  );
}
