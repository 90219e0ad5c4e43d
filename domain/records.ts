// The domain types, defined once. Zod schemas where data crosses a boundary (files in,
// the index on disk, HTTP); everything else uses the inferred types.
import { z } from 'zod';

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const Language = z.enum(['vi', 'en']);
export type Language = z.infer<typeof Language>;

/** Types of official documents (Decree 30/2020/NĐ-CP). */
export const DocumentType = z.enum([
  'cong-van', // Công văn: dispatch
  'ke-hoach', // Kế hoạch: plan
  'quyet-dinh', // Quyết định: decision
  'nghi-quyet', // Nghị quyết: resolution
  'chi-thi', // Chỉ thị: directive
  'chuong-trinh', // Chương trình: programme
  'bao-cao', // Báo cáo: report
  'thong-bao', // Thông báo: notice
  'thong-tu', // Thông tư: circular
  'nghi-dinh', // Nghị định: decree
  'luat', // Luật: law
  'khac',
]);
export type DocumentType = z.infer<typeof DocumentType>;

/** What is known of an official document: read from its layout, or given by a sidecar/front matter. */
export const DocumentMeta = z.object({
  /** Stable id: derived from the number when there is one ("2458-ubnd-snv-2023"), else from the path. */
  id: z.string().min(1),
  number: z.string().optional(), // "2458/UBND-SNV"
  type: DocumentType.optional(),
  title: z.string().min(1), // a human title: "Công văn 2458/UBND-SNV về …"
  subject: z.string().optional(), // "V/v …" or the plan's name
  issuer: z.string().optional(), // "Ủy ban nhân dân thành phố Hà Nội"
  date: IsoDate.optional(),
  year: z.number().int().optional(),
  place: z.string().optional(),
  addressees: z.array(z.string()).default([]), // "Kính gửi"
  recipients: z.array(z.string()).default([]), // "Nơi nhận"
  /** The signature block: "KT. Chủ tịch, Phó Chủ tịch" and the signer's name when the text gives it. */
  signer: z.object({ title: z.string().min(1), name: z.string().optional() }).optional(),
  language: Language.default('vi'),
  url: z.string().url().optional(),
  /** For a rendition: the id of the document it renders, and a note saying it is a rendition. */
  translationOf: z.string().optional(),
  note: z.string().optional(),
  /** Only a short record (a document cited by another); no full text is held. */
  summaryOnly: z.boolean().default(false),
  /** Read by OCR from a scan (all pages, or the listed pages of a mixed PDF): how sure the reading is. */
  ocr: z.lazy(() => OcrProvenance).optional(),
  /** What this document changes in others it names (deadlines moved, documents repealed …). */
  amends: z.array(z.lazy(() => Amendment)).optional(),
});
export type DocumentMeta = z.infer<typeof DocumentMeta>;

/** How a scanned document was read: by OCR, with what confidence, and where to doubt it. */
export const OcrProvenance = z.object({
  engine: z.string(), // "tesseract 5 (vie)"
  /** Pages read by OCR (1-based); the others of a mixed PDF had a text layer. */
  pages: z.array(z.number().int().positive()),
  /** Mean word confidence, 0..100. */
  confidence: z.number().min(0).max(100),
  /** Pages whose confidence is below the threshold: worth a look by a person. */
  lowConfidencePages: z.array(z.number().int().positive()).default([]),
  /** Dates and numbers that could not be read for sure, as read ("3?/11/2026"). */
  uncertain: z.array(z.string()).default([]),
  /** SHA-256 of the file that was read: a correction applies to these bytes only. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /**
   * The document's text by page as indexed (every page of the file, OCR'd or not): what the admin
   * page shows for correction. Kept for scans only, whose text is otherwise not in the index.
   */
  text: z.array(z.string()).optional(),
  /** A person corrected the text on the admin page; the text indexed is theirs, not the scanner's. */
  corrected: z.object({ at: z.iso.datetime(), by: z.literal('admin') }).optional(),
});
export type OcrProvenance = z.infer<typeof OcrProvenance>;

/**
 * A person's correction of a scan's text, kept beside the file as `<file>.ocr-corrected.json`
 * (a sidecar like `<file>.meta.json`): beside the source it survives a rebuild of the index and
 * travels with the data folder. It holds for the bytes it was made for (`sha256`): a new scan
 * saved under the same name is read by OCR again, and the run says the correction was set aside.
 */
export const OcrCorrection = z
  .object({
    format: z.literal('tthc-ocr-correction/v1'),
    /** SHA-256 of the source file the correction was made for. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** The corrected text, page by page (page 1 first). */
    pages: z.array(z.string().max(200_000)).min(1).max(1000),
    /** How the scan was read before the correction (engine, confidence, low pages), kept as history. */
    ocr: OcrProvenance.omit({ text: true, corrected: true, sha256: true }),
    correctedAt: z.iso.datetime(),
  })
  .strict();
export type OcrCorrection = z.infer<typeof OcrCorrection>;

/** The name of a source's correction sidecar: `cv.pdf` → `cv.pdf.ocr-corrected.json`. */
export const OCR_CORRECTION_SUFFIX = '.ocr-corrected.json';

/** A loaded official document: metadata plus NFC text. */
export const OfficialDocument = DocumentMeta.extend({
  text: z.string(),
  sourcePath: z.string(),
  /** Where each page of the source file starts in `text` (character offsets, page 1 at 0), when the format has pages. */
  pageStarts: z.array(z.number().int().nonnegative()).optional(),
});
export type OfficialDocument = z.infer<typeof OfficialDocument>;

/** A paper to submit or present, with its count as written ("1 bản chính, 1 bản sao"). */
export const RequiredPaper = z.object({
  name: z.string().min(1),
  copies: z.string().default(''), // as written
  original: z.number().int().nonnegative().optional(), // bản chính
  copy: z.number().int().nonnegative().optional(), // bản sao
  form: z.string().optional(), // the form's name when the paper is a form (Mẫu …)
});
export type RequiredPaper = z.infer<typeof RequiredPaper>;

/** Papers of one case ("Trường hợp …"); case null is the usual case. */
export const PaperGroup = z.object({
  case: z.string().nullable().default(null),
  kind: z.enum(['submit', 'present']).default('submit'), // phải nộp / phải xuất trình
  papers: z.array(RequiredPaper),
  /**
   * Rows of the table that are not papers to bring (rules for the receiving officer, "Lưu ý …",
   * conditions without a count), as written: kept for citations, never listed as papers.
   */
  notes: z.array(z.string()).optional(),
});
export type PaperGroup = z.infer<typeof PaperGroup>;

export const ChannelKind = z.enum(['online', 'in-person', 'postal']);
export type ChannelKind = z.infer<typeof ChannelKind>;

/** How a procedure is filed: per channel, the processing time and the fee as written. */
export const FilingChannel = z.object({
  channel: ChannelKind,
  time: z.string().default(''), // "5 Ngày làm việc"
  fee: z.string().default(''), // "Miễn phí", "Lệ phí : 50.000 Đồng"
  note: z.string().optional(),
});
export type FilingChannel = z.infer<typeof FilingChannel>;

export const LegalBasis = z.object({ title: z.string().min(1), number: z.string().optional() });
export type LegalBasis = z.infer<typeof LegalBasis>;

/** A procedure (thủ tục hành chính) of the catalogue. */
export const Procedure = z.object({
  code: z.string().min(1), // "1.001193"
  name: z.string().min(1), // "Thủ tục đăng ký khai sinh"
  nameEn: z.string().optional(),
  level: z.array(z.string()).default([]), // "Cấp xã", "Cấp tỉnh", "Cấp bộ"
  field: z.string().optional(), // lĩnh vực
  agency: z.string().optional(), // where to file, under the 2025 two-tier system
  applicants: z.string().optional(), // đối tượng thực hiện
  decision: z.string().optional(), // publishing decision
  url: z.string().url().optional(), // portal page, from the data
  steps: z.string().optional(),
  papers: z.array(PaperGroup).default([]),
  channels: z.array(FilingChannel).default([]),
  legalBasis: z.array(LegalBasis).default([]),
  conditions: z.string().optional(),
  result: z.string().optional(),
  aliases: z.array(z.string()).default([]), // colloquial names: "làm sổ đỏ", "bằng lái"
  origin: z.enum(['curated', 'portal']).default('portal'),
  /** Where a curated fact came from (e.g. the portal record it restates). */
  provenance: z.string().optional(),
});
export type Procedure = z.infer<typeof Procedure>;

/** Groups that dispatches assign tasks to. A unit belongs to some of them. */
export const UnitGroup = z.enum([
  'so-ban-nganh', // các sở, ban, ngành
  'ubnd-quan-huyen', // UBND các quận, huyện, thị xã (before 1 July 2025)
  'ubnd-xa-phuong', // UBND các xã, phường (, thị trấn)
  'don-vi-su-nghiep', // các đơn vị sự nghiệp
  'tat-ca', // các cơ quan, đơn vị (everyone)
]);
export type UnitGroup = z.infer<typeof UnitGroup>;

export const DeadlineKind = z.enum(['date', 'month', 'quarter', 'period', 'year', 'recurring', 'none']);

/** A deadline as written plus its normalised form. `due` is the last day it allows. */
export const Deadline = z.object({
  text: z.string(), // as written: "trong tháng 9/2023"
  kind: DeadlineKind,
  date: IsoDate.optional(), // exact date, when written as one
  month: z.string().regex(/^\d{4}-\d{2}$/).optional(), // "2023-09"
  quarter: z.string().regex(/^\d{4}-Q[1-4]$/).optional(), // "2023-Q4"
  year: z.number().int().optional(),
  /** For periods: the first and last day ("5 tháng cuối năm 2023" → 2023-08-01..2023-12-31). */
  from: IsoDate.optional(),
  due: IsoDate.optional(),
  /** "trước ngày 25 hằng tháng" → { day: 25, every: 'month' } */
  recurring: z.object({ day: z.number().int().min(1).max(31), every: z.enum(['month', 'quarter', 'year']) }).optional(),
});
export type Deadline = z.infer<typeof Deadline>;

/** A task a document assigns, to named units and/or unit groups. */
export const Task = z.object({
  id: z.string(),
  documentId: z.string(),
  text: z.string().min(1),
  section: z.string().optional(), // "2.1" or "Mục II"
  units: z.array(z.string()).default([]), // as written: "Sở Nội vụ", "UBND các quận, huyện, thị xã"
  groups: z.array(UnitGroup).default([]), // groups among `units`, normalised
  deadline: Deadline,
  /** Units named as helping ("phối hợp với Sở Nội vụ"): they support, `units` lead. */
  support: z.array(z.string()).optional(),
  /** The text says who leads ("Sở Tư pháp chủ trì"), so `units` are leads, not merely assignees. */
  leadStated: z.boolean().optional(),
  /** What the task delivers, from a task table's "Sản phẩm" column ("Quyết định của UBND Thành phố"). */
  product: z.string().optional(),
  /** The page of the source file the task is written on (PDFs and scans). */
  page: z.number().int().positive().optional(),
});
export type Task = z.infer<typeof Task>;

/**
 * What an amending document does to another it names: moves a deadline of one of its items,
 * adds to it, replaces or repeals it (whole, or one item when `section` is given), or declares
 * it no longer in force.
 */
export const Amendment = z.object({
  kind: z.enum(['deadline', 'supplement', 'replace', 'repeal', 'expire']),
  /** The amended document's number as written: "1234/UBND-KSTTHC". */
  target: z.string().min(1),
  /** The item named: "4", "3.b". */
  section: z.string().optional(),
  /** The deadline in force from the amendment on (kind 'deadline'). */
  deadline: Deadline.optional(),
  /** The amending sentence, for the citation. */
  text: z.string(),
});
export type Amendment = z.infer<typeof Amendment>;

/** A retrievable passage with its document's metadata and section. */
export const Chunk = z.object({
  id: z.string(), // stable: hash of source id + section + text
  sourceId: z.string(), // document id or procedure code
  kind: z.enum(['procedure', 'document']),
  section: z.string(), // "papers", "channels", "1.", "Mục II" …
  title: z.string(), // the document's or procedure's title
  text: z.string(),
  language: Language.default('vi'),
  /** The page of the source file the passage starts on (PDFs and scans). */
  page: z.number().int().positive().optional(),
});
export type Chunk = z.infer<typeof Chunk>;

/** Whatever one source file yields. A loader returns this; the pipeline chunks and indexes it. */
export interface LoadResult {
  documents: OfficialDocument[];
  procedures: Procedure[];
  /** Short records of documents (cited documents), indexed without full text. */
  references: DocumentMeta[];
  /** Things that parsed only in part; the file is still ingested and the warning counted. */
  warnings: string[];
  /** Per-file parse statistics (e.g. portal records parsed cleanly / in part). */
  stats?: { records: number; clean: number; partial: number };
}

export function emptyLoadResult(): LoadResult {
  return { documents: [], procedures: [], references: [], warnings: [] };
}
