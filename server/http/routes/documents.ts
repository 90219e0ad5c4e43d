// GET /api/documents/:id/source: the original file of an indexed document (a PDF or a scanned
// page), so that a citation of a scan links the page it quotes ("…/source#page=2"). Read-only;
// the file is found by the document's id (server/document-files.ts), never by a path sent.
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DocumentFiles } from '../../document-files.js';
import { apiError } from '../errors.js';
import { errorResponses, IdParams } from '../schemas.js';

export interface DocumentRouteDeps {
  files: DocumentFiles;
}

/** RFC 6266: the name as sent to any browser (ASCII, quotes escaped) and as it is (UTF-8). */
function disposition(name: string): string {
  const ascii = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function documentRoutes(app: FastifyInstance, deps: DocumentRouteDeps): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/documents/:id/source',
    {
      schema: {
        summary: "The original file of an indexed document (PDF or scanned page); citations of scans link it at their page ('#page=2')",
        tags: ['documents'],
        params: IdParams,
        produces: ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff'],
        response: { 200: z.unknown().describe('The file, as it was indexed.'), ...errorResponses(400, 404, 429, 500) },
      },
    },
    async (request, reply) => {
      const file = await deps.files.fileOf(request.params.id);
      if (!file) throw apiError('DOCUMENT_NOT_FOUND', { id: request.params.id });
      // The file streams as it is; the typed reply only knows the JSON bodies.
      return (reply as FastifyReply)
        .type(file.type)
        .header('content-length', String(file.size))
        .header('content-disposition', disposition(file.name))
        // A file replaced and indexed again is served anew: the browser checks before reusing it.
        .header('cache-control', 'no-cache')
        .send(createReadStream(file.path));
    },
  );
}
