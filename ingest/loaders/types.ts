// The loader contract: one file in, documents / procedures / references out.
import type { DocumentMeta, LoadResult } from '../../domain/records.js';

export interface SourceFile {
  /** Absolute path on disk. */
  path: string;
  /** Path relative to the ingest root it was found under: the stable source key in the manifest. */
  relPath: string;
  bytes: Buffer;
}

/** Text extracted from a document file, before its metadata is read from the layout. */
export interface ExtractedText {
  text: string; // NFC
  /** Metadata given by the file itself (Markdown front matter, HTML <meta>); overrides the layout. */
  meta?: Partial<DocumentMeta>;
  warnings: string[];
  /**
   * For formats with pages (PDF, multi-page scans): where each page starts in `text`, as
   * character offsets (page 1 at 0; an empty page starts where the next one does). Chunks and
   * tasks take their page from it, so that a citation can name and link the page. Made by
   * `joinPages` (pages.ts), which also makes `text`, so the offsets match it.
   */
  pageStarts?: number[];
}

export type TextExtractor = (file: SourceFile) => Promise<ExtractedText>;
export type Loader = (file: SourceFile) => Promise<LoadResult>;

export type LoadErrorCode =
  | 'UNSUPPORTED_FORMAT' // no loader for this kind of file
  | 'UNREADABLE' // the file is broken (truncated PDF, not a zip, invalid JSON)
  | 'GARBLED_TEXT' // text came out scrambled and could not be recovered
  | 'EMPTY' // nothing to index
  | 'TOO_LARGE' // over the size limits before it is unpacked (a zip bomb: zip-guard.ts), or a PDF over its page limit
  | 'TIME_BUDGET' // reading it took longer than one file may (a PDF: loaders/pdf.ts)
  | 'OCR_UNAVAILABLE' // a scan, and tesseract (or its Vietnamese model) is not installed
  | 'CONVERTER_UNAVAILABLE' // a .doc/.odt/.rtf, and LibreOffice (soffice) is not installed
  | 'INVALID_RECORD'; // a catalogue file whose records fail the schema entirely

/** A file that cannot be ingested at all. The pipeline reports it, skips it, and exits 2. */
export class LoadError extends Error {
  override readonly name = 'LoadError';
  constructor(
    readonly code: LoadErrorCode,
    readonly relPath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
