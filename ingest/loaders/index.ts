// The loader registry: which files are sources, which are sidecars, and which loader reads each.
// Every failure leaves here as a coded LoadError naming the file.
import { extname } from 'node:path';
import type { DocumentMeta, LoadResult } from '../../domain/records.js';
import { buildDocument } from '../metadata.js';
import type { OcrProgress, ScanReader } from '../ocr/index.js';
import { keepLink } from '../urls.js';
import { nfc } from '../text.js';
import { checkMeta, extractMarkdown } from './markdown.js';
import { LoadError, type Loader, type SourceFile, type TextExtractor } from './types.js';

// The PDF, DOCX and HTML parsers load with the first file that needs them: a run with nothing
// changed never does (≈0.25 s of `npm run ingest`).
const extractPdf: TextExtractor = async (file) => (await import('./pdf.js')).extractPdf(file);
const extractDocx: TextExtractor = async (file) => (await import('./docx.js')).extractDocx(file);
const extractHtml: TextExtractor = async (file) => (await import('./html.js')).extractHtml(file);
const extractImage: TextExtractor = async (file) => (await import('./image.js')).extractImage(file);
const extractXlsx: TextExtractor = async (file) => (await import('./xlsx.js')).extractXlsx(file);
// .doc, .odt, .rtf: converted to DOCX by LibreOffice, then read by whatever reads .docx here.
const extractLegacyOffice: TextExtractor = async (file) =>
  (await import('./legacy-office.js')).createLegacyOfficeExtractor({ extractDocx: (docx) => EXTRACTORS['.docx']!(docx) })(file);

/** Scans and photos of pages, read by OCR (ingest/ocr); a TIFF may hold every page. */
const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff'];

const EXTRACTORS: Readonly<Record<string, TextExtractor>> = {
  '.pdf': extractPdf,
  '.docx': extractDocx,
  '.html': extractHtml,
  '.htm': extractHtml,
  '.xlsx': extractXlsx, // a plan's task appendix kept as a spreadsheet
  '.doc': extractLegacyOffice,
  '.odt': extractLegacyOffice,
  '.rtf': extractLegacyOffice,
  ...Object.fromEntries(IMAGE_EXTENSIONS.map((ext) => [ext, extractImage])),
  '.md': extractMarkdown,
  '.markdown': extractMarkdown,
  '.txt': extractMarkdown,
};

export const DOCUMENT_EXTENSIONS: readonly string[] = Object.keys(EXTRACTORS);
export const CATALOGUE_EXTENSIONS: readonly string[] = ['.json', '.csv'];

const SIDECAR_SUFFIX = '.meta.json';

/** `cv.pdf.meta.json` holds metadata for `cv.pdf`; it is not a source itself. */
export function isSidecar(path: string): boolean {
  return path.toLowerCase().endsWith(SIDECAR_SUFFIX) && path.length > SIDECAR_SUFFIX.length;
}

export function sidecarPathFor(docPath: string): string {
  return docPath + SIDECAR_SUFFIX;
}

export function isSupported(path: string): boolean {
  if (isSidecar(path)) return false;
  const ext = extname(path).toLowerCase();
  return ext in EXTRACTORS || CATALOGUE_EXTENSIONS.includes(ext);
}

/** A sidecar's metadata, validated; a bad sidecar stops its document rather than being ignored. */
export function parseSidecar(bytes: Buffer, relPath: string): Partial<DocumentMeta> {
  let raw: unknown;
  try {
    raw = JSON.parse(nfc(bytes.toString('utf8')));
  } catch (err) {
    throw new LoadError('UNREADABLE', relPath, `${relPath}: sidecar is not valid JSON (${(err as Error).message}).`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new LoadError('UNREADABLE', relPath, `${relPath}: sidecar must be a JSON object of document metadata.`);
  }
  return checkMeta(raw, relPath, 'sidecar');
}

/** Reads one source file; `sidecar` is its `.meta.json`, already parsed. */
export type FileLoader = (file: SourceFile, sidecar?: Partial<DocumentMeta>) => Promise<LoadResult>;

export interface LoaderOptions {
  /**
   * How scans are read (the PDF pages without a text layer, images): the folder OCR results are
   * cached in (null: none) and a callback per page read. Without it: cached in DEFAULT_OCR_CACHE.
   */
  ocr?: { cacheDir: string | null; onProgress?: (p: OcrProgress) => void };
}

/**
 * The registry with its own OCR settings: an ingest run keeps OCR results under its index
 * folder and reports each page read. The parsers still load with the first file that needs them.
 */
export function createFileLoader(o: LoaderOptions = {}): FileLoader {
  const ocr = o.ocr;
  if (!ocr) return loadFile;
  let reader: Promise<ScanReader> | undefined;
  // One reader for PDFs and images alike: the OCR lexicon is read once, with the first scan.
  const scanReader = () =>
    (reader ??= import('../ocr/index.js').then((m) =>
      m.createScanReader({ cache: m.createOcrCache(ocr.cacheDir), ...(ocr.onProgress ? { onProgress: ocr.onProgress } : {}) })));
  let pdf: Promise<TextExtractor> | undefined;
  let image: Promise<TextExtractor> | undefined;
  const extractScannablePdf: TextExtractor = async (file) =>
    (await (pdf ??= Promise.all([import('./pdf.js'), scanReader()]).then(([m, r]) => m.createPdfExtractor({ ocr: r }))))(file);
  const extractScannedImage: TextExtractor = async (file) =>
    (await (image ??= Promise.all([import('./image.js'), scanReader()]).then(([m, r]) => m.createImageExtractor(r))))(file);
  const extractors: Record<string, TextExtractor> = { ...EXTRACTORS, '.pdf': extractScannablePdf };
  for (const ext of IMAGE_EXTENSIONS) extractors[ext] = extractScannedImage;
  return (file, sidecar) => loadWith(extractors, file, sidecar);
}

/**
 * One source file → what it yields. Documents go through their extractor and the layout reader
 * (buildDocument); metadata from the file itself, then from its sidecar, override the layout.
 */
export function loadFile(file: SourceFile, sidecar?: Partial<DocumentMeta>): Promise<LoadResult> {
  return loadWith(EXTRACTORS, file, sidecar);
}

async function loadWith(extractors: Readonly<Record<string, TextExtractor>>, file: SourceFile, sidecar?: Partial<DocumentMeta>): Promise<LoadResult> {
  const ext = extname(file.relPath).toLowerCase();
  try {
    if (isSidecar(file.relPath)) {
      throw new LoadError('UNSUPPORTED_FORMAT', file.relPath, `${file.relPath}: a sidecar is read with its document, not loaded on its own.`);
    }
    if (CATALOGUE_EXTENSIONS.includes(ext)) return await loadCatalogueFile(file);
    const extract = extractors[ext];
    if (!extract) {
      throw new LoadError('UNSUPPORTED_FORMAT', file.relPath,
        `${file.relPath}: no loader for "${ext || '(no extension)'}"; supported: ${[...DOCUMENT_EXTENSIONS, ...CATALOGUE_EXTENSIONS].join(', ')}.`);
    }
    const extracted = await extract(file);
    if (extracted.text.trim() === '') {
      throw new LoadError('EMPTY', file.relPath, `${file.relPath}: no text to index. / Tệp không có nội dung văn bản.`);
    }
    const doc = buildDocument({ text: extracted.text, sourcePath: file.relPath, overrides: { ...extracted.meta, ...sidecar }, pageStarts: extracted.pageStarts });
    // A link given by front matter, <meta> or a sidecar is checked like a catalogue's (ingest/urls.ts).
    const link = keepLink(doc.url, 'document', 'url');
    if (link.url === undefined) delete doc.url;
    else doc.url = link.url;
    return { documents: [doc], procedures: [], references: [], warnings: link.warning ? [...extracted.warnings, link.warning] : extracted.warnings };
  } catch (err) {
    if (err instanceof LoadError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: ${why}`, { cause: err });
  }
}

// Loaded on first use: the catalogue parser is written alongside this registry.
async function loadCatalogueFile(file: SourceFile): Promise<LoadResult> {
  const { loadCatalogue }: { loadCatalogue: Loader } = await import('./catalogue.js');
  return loadCatalogue(file);
}
