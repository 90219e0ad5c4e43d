// Coded HTTP errors (one factory per failure, like fastify's FST_ERR_*), with the message
// a user reads in Vietnamese or English. Internal detail goes to `cause` and the log only.
import type { Language } from '../../domain/records.js';
import { EngineNotReadyError } from '../answer/engine.js';
import { StateUnavailableError } from '../../domain/state.js';

type Params = Record<string, string>;
type Text = (p: Params) => string;

const CATALOGUE = {
  BAD_REQUEST: {
    status: 400,
    vi: (p: Params) => `Yêu cầu không hợp lệ${p.detail ? `: ${p.detail}` : '.'}`,
    en: (p: Params) => `Invalid request${p.detail ? `: ${p.detail}` : '.'}`,
  },
  INVALID_JSON: {
    status: 400,
    vi: () => 'Nội dung gửi lên không phải JSON hợp lệ.',
    en: () => 'The request body is not valid JSON.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    vi: () => 'Định dạng nội dung không được hỗ trợ; hãy gửi JSON (application/json).',
    en: () => 'Unsupported content type; send JSON (application/json).',
  },
  BODY_TOO_LARGE: {
    status: 413,
    vi: () => 'Nội dung gửi lên quá lớn.',
    en: () => 'The request body is too large.',
  },
  NOT_FOUND: {
    status: 404,
    vi: () => 'Không tìm thấy địa chỉ yêu cầu.',
    en: () => 'Not found.',
  },
  PROCEDURE_NOT_FOUND: {
    status: 404,
    vi: (p: Params) => `Không tìm thấy thủ tục hành chính có mã ${p.code ?? ''}.`,
    en: (p: Params) => `No administrative procedure has the code ${p.code ?? ''}.`,
  },
  RATE_LIMITED: {
    status: 429,
    vi: (p: Params) => `Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau ${p.after ?? 'ít phút'}.`,
    en: (p: Params) => `Too many requests; please try again in ${p.after ?? 'a few minutes'}.`,
  },
  REQUEST_TIMEOUT: {
    status: 408,
    vi: () => 'Yêu cầu gửi đến quá lâu nên kết nối đã bị đóng; vui lòng gửi lại.',
    en: () => 'The request took too long to arrive, so the connection was closed; please send it again.',
  },
  UNAUTHORIZED: {
    status: 401,
    vi: () => 'Cần mã truy cập quản trị hợp lệ.',
    en: () => 'A valid admin token is required.',
  },
  METRICS_UNAUTHORIZED: {
    status: 401,
    vi: () => 'Cần mã truy cập số liệu vận hành (METRICS_TOKEN) hợp lệ.',
    en: () => 'A valid metrics token (METRICS_TOKEN) is required.',
  },
  NOT_READY: {
    status: 503,
    vi: () => 'Dịch vụ đang khởi động, vui lòng thử lại sau.',
    en: () => 'The service is starting; please try again shortly.',
  },
  STATE_UNAVAILABLE: {
    status: 503,
    vi: () => 'Dịch vụ tạm thời không truy cập được cơ sở dữ liệu; vui lòng thử lại sau ít phút.',
    en: () => 'The service cannot reach its database right now; please try again in a few minutes.',
  },
  INGEST_BUSY: {
    status: 409,
    vi: () => 'Một lượt cập nhật dữ liệu đang chạy; vui lòng chờ lượt đó kết thúc.',
    en: () => 'An ingest run is already in progress; wait for it to finish.',
  },
  JOB_NOT_FOUND: {
    status: 404,
    vi: (p: Params) => `Không tìm thấy lượt cập nhật ${p.id ?? ''}.`,
    en: (p: Params) => `No ingest job ${p.id ?? ''}.`,
  },
  DOCUMENT_NOT_FOUND: {
    status: 404,
    vi: (p: Params) => `Không tìm thấy tài liệu ${p.id ?? ''}.`,
    en: (p: Params) => `No document ${p.id ?? ''}.`,
  },
  REDEFINITION_NOT_FOUND: {
    status: 404,
    vi: (p: Params) => `Không có bản định nghĩa lại thủ tục ${p.code ?? ''} trong tệp ${p.file ?? ''} đang chờ xác nhận (tệp có thể đã đổi; hãy tải lại danh sách).`,
    en: (p: Params) => `No redefinition of procedure ${p.code ?? ''} by ${p.file ?? ''} is listed (the file may have changed; reload the list).`,
  },
  UPLOAD_REJECTED: {
    status: 400,
    vi: (p: Params) => `Tệp không được chấp nhận: ${p.reason ?? ''}`,
    en: (p: Params) => `File refused: ${p.reason ?? ''}`,
  },
  UPLOAD_TOO_LARGE: {
    status: 413,
    vi: (p: Params) => `Tệp vượt quá giới hạn ${p.limit ?? ''}.`,
    en: (p: Params) => `The file exceeds the ${p.limit ?? ''} limit.`,
  },
  INTERNAL: {
    status: 500,
    vi: () => 'Đã có lỗi trong hệ thống; vui lòng thử lại sau.',
    en: () => 'Something went wrong on our side; please try again later.',
  },
} satisfies Record<string, { status: number; vi: Text; en: Text }>;

export type ErrorCode = keyof typeof CATALOGUE;

/** An error whose code, status and user message are known. `params` fill the message. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly params: Params;
  /** Per-language detail (e.g. a validation message already written in both languages). */
  readonly localized: { vi: Params; en: Params } | undefined;

  constructor(code: ErrorCode, params: Params = {}, options?: { cause?: unknown; localized?: { vi: Params; en: Params } }) {
    super(`${code}: ${CATALOGUE[code].en(params)}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = CATALOGUE[code].status;
    this.params = params;
    this.localized = options?.localized;
  }

  localize(language: Language): string {
    const params = this.localized ? this.localized[language] : this.params;
    return CATALOGUE[this.code][language](params);
  }
}

export const apiError = (code: ErrorCode, params: Params = {}, cause?: unknown): ApiError =>
  new ApiError(code, params, { cause });

/**
 * The engine's failures that are not ours to hide behind a 500: no index version is loaded yet
 * (first build, or a version that failed to load) → 503 NOT_READY, and a store whose database is
 * away (PostgreSQL down) → 503 STATE_UNAVAILABLE, so a client retries.
 */
export function fromEngine(error: unknown): ApiError | undefined {
  if (error instanceof EngineNotReadyError) return apiError('NOT_READY', {}, error);
  if (error instanceof StateUnavailableError) return apiError('STATE_UNAVAILABLE', {}, error);
  return undefined;
}

/** Thrown by an AdminBackend's startIngest when a run is going (→ 409). */
export const ingestBusy = (): ApiError => new ApiError('INGEST_BUSY');

/** The JSON body of every error response. */
export function errorBody(error: ApiError, language: Language): { code: ErrorCode; message: string } {
  return { code: error.code, message: error.localize(language) };
}

/** The user's language: the body's `language`, else Accept-Language, else Vietnamese. */
export function pickLanguage(body: unknown, acceptLanguage: string | undefined): Language {
  if (body && typeof body === 'object' && 'language' in body) {
    const lang = (body as { language: unknown }).language;
    if (lang === 'vi' || lang === 'en') return lang;
  }
  if (!acceptLanguage) return 'vi';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...rest] = part.trim().toLowerCase().split(';');
      const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'vi' || tag.startsWith('vi-')) return 'vi';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'vi';
}
