// The original files of indexed documents as the service serves them (GET /api/documents/:id/source),
// so that a citation of a scan can link the page it quotes. A file is found by its document's id
// in the served index, never by a path from the request: only what an ingest read, and only
// while it is the file that was read.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { StoredDocument } from '../ingest/index.js';
import type { Knowledge } from './answer/knowledge.js';

/**
 * The formats served, with their content types: PDFs and scanned pages, which a browser shows
 * as they are (and opens at `#page=N`). HTML, Markdown and office files are not served: an
 * uploaded HTML page shown from our origin would run its scripts there.
 */
export const SOURCE_TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/** Where the service serves a document's file, relative to its root; at the page when given. */
export function sourcePath(documentId: string, page?: number): string {
  return `/api/documents/${encodeURIComponent(documentId)}/source${page ? `#page=${page}` : ''}`;
}

/** Whether the service serves this document's file: a full document read from a PDF or an image. */
export function servesSource(doc: Pick<StoredDocument, 'source' | 'summaryOnly'>): boolean {
  return !doc.summaryOnly && path.extname(doc.source).toLowerCase() in SOURCE_TYPES;
}

export interface DocumentFile {
  /** Where it lies (real path): for the route to stream it, never shown. */
  path: string;
  /** The file's own name, for Content-Disposition. */
  name: string;
  type: string;
  size: number;
}

export interface DocumentFiles {
  /** The file of an indexed document, or null: unknown id, a format not served, gone, or changed since it was indexed. */
  fileOf(documentId: string): Promise<DocumentFile | null>;
}

export interface DocumentFilesDeps {
  /** The served knowledge: its documents and the manifest of the version they come from. */
  knowledge: () => Knowledge | null;
  /** The folder the index names its sources relative to (the runs' working folder). */
  baseDir: string;
}

export function createDocumentFiles(deps: DocumentFilesDeps): DocumentFiles {
  return {
    async fileOf(documentId) {
      const k = deps.knowledge();
      const doc = k?.documents.get(documentId);
      if (!k || !doc || !servesSource(doc)) return null;
      // Only the source an ingest read this document from.
      const entry = k.snapshot.manifest.sources[doc.source];
      if (!entry?.documentIds.includes(doc.id)) return null;
      const real = await fs.realpath(path.resolve(deps.baseDir, doc.source)).catch(() => null);
      const st = real ? await fs.stat(real).catch(() => null) : null;
      if (!real || !st?.isFile()) return null;
      // The stamp the scan took when it read the file (size and mtime, ingest/scan.ts): a file
      // replaced since is not the one the index quotes (its pages may differ) until it is read again.
      const stamp = entry.stamp?.split('+')[0];
      if (stamp && stamp !== `${st.size}:${st.mtimeMs}`) return null;
      return { path: real, name: path.basename(doc.source), type: SOURCE_TYPES[path.extname(doc.source).toLowerCase()]!, size: st.size };
    },
  };
}
