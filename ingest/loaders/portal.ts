// One raw record of the national portal crawl (tthc-portal/<ministry>/<code>.json) → a Procedure,
// with the issue kinds met on the way. A record is "clean" when it has no issue at all.
import { Procedure } from '../../domain/records.js';
import { checkLink } from '../urls.js';
import { clean, isBlank, parseChannels, parseLegalBasis, parsePapers } from './portal-tables.js';

export interface PortalParse {
  procedure: Procedure;
  /** Issue kinds, each at most once ("papers:unparsed-tail", "channels:time-unit-missing" …). */
  issues: string[];
}

/** A record that cannot become a procedure at all (no code or no name). */
export class PortalRecordError extends Error {
  override readonly name = 'PortalRecordError';
  constructor(message: string) {
    super(message);
  }
}

/** True when a JSON value looks like a portal record: detected by its fields, not its file name. */
export function isPortalRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>).ma_thu_tuc === 'string' &&
    typeof (value as Record<string, unknown>).ten_thu_tuc === 'string'
  );
}

export function parsePortalRecord(raw: unknown): PortalParse {
  if (!isPortalRecord(raw)) throw new PortalRecordError('không phải bản ghi cổng DVC (thiếu ma_thu_tuc / ten_thu_tuc)');
  const str = (key: string): string | undefined => {
    const v = raw[key];
    return typeof v === 'string' && !isBlank(v) ? clean(v) : undefined;
  };
  const code = str('ma_thu_tuc');
  const name = str('ten_thu_tuc');
  if (!code || !name) throw new PortalRecordError(`bản ghi ${code ?? '?'} thiếu mã hoặc tên thủ tục`);

  const issues: string[] = [];
  const papers = parsePapers(typeof raw.thanh_phan_ho_so === 'string' ? raw.thanh_phan_ho_so : undefined);
  const channels = parseChannels(typeof raw.cach_thuc_thuc_hien === 'string' ? raw.cach_thuc_thuc_hien : undefined);
  const legal = parseLegalBasis(typeof raw.can_cu_phap_ly === 'string' ? raw.can_cu_phap_ly : undefined);
  issues.push(...papers.issues, ...channels.issues, ...legal.issues);

  const link = typeof raw.detail_url === 'string' && !isBlank(raw.detail_url) ? checkLink(raw.detail_url, 'portal') : undefined;
  const url = link?.ok ? link.url : undefined;
  if (link && !link.ok) issues.push('url:invalid');

  const procedure = Procedure.parse({
    code,
    name,
    level: (str('cap_thuc_hien') ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
    field: str('linh_vuc'),
    agency: str('co_quan_thuc_hien') ?? str('co_quan_co_tham_quyen'),
    applicants: str('doi_tuong_thuc_hien'),
    decision: str('so_quyet_dinh'),
    url,
    steps: str('trinh_tu_thuc_hien'),
    papers: papers.value,
    channels: channels.value,
    legalBasis: legal.value,
    conditions: str('yeu_cau_dieu_kien'),
    result: result(raw.ket_qua_xu_ly),
    origin: 'portal',
  });
  return { procedure, issues };
}

/**
 * The result cell carries the portal's page furniture after the results: "Mã: KQ.G15.000031",
 * "Từ khóa…", "Mô tả…", "Chọn cơ quan thực hiện…Nộp hồ sơ". Several results are separated by their codes.
 */
function result(value: unknown): string | undefined {
  if (typeof value !== 'string' || isBlank(value)) return undefined;
  let text = value;
  const cut = text.search(/Từ khóa|Chọn cơ quan thực hiện|Hệ thống chỉ hiển thị/);
  if (cut >= 0) text = text.slice(0, cut);
  const parts = text
    .split(/Mã: ?[\p{Lu}\d][\p{Lu}\d.\-]*?(?=\p{Lu}\p{Ll}|\s|$)/u)
    .map((p) => clean(p.replace(/Mô tả(?:Không có thông tin)?$/, '')).replace(/[;.]$/, ''))
    .filter((p) => !isBlank(p));
  return parts.length > 0 ? parts.join('; ') : undefined;
}
