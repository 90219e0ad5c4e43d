// The procedure catalogue loader (.json / .csv): our catalogue JSON, document references JSON,
// the flat catalogue CSV (see catalogue-csv.ts), and raw national portal crawl records.
// The JSON shape is recognised by its fields, never by the file name.
import { DocumentMeta, emptyLoadResult, Procedure } from '../../domain/records.js';
import type { LoadResult } from '../../domain/records.js';
import { CatalogueCsvError, parseCatalogueCsv } from './catalogue-csv.js';
import { isPortalRecord, parsePortalRecord } from './portal.js';
import { keepLink, type LinkKind } from '../urls.js';
import { LoadError } from './types.js';
import type { Loader, SourceFile } from './types.js';

export const CATALOGUE_FORMAT = 'tthc-catalogue/v1';
export const REFERENCES_FORMAT = 'document-references/v1';
/** Reference data the answer engine reads itself (ingest/unit-directory.ts): nothing to index. */
export const UNIT_SUCCESSION_FORMAT = 'unit-succession/v1';
const ACCEPTED =
  `{"format":"${CATALOGUE_FORMAT}","procedures":[…]}, {"format":"${REFERENCES_FORMAT}","documents":[…]}, ` +
  'a national portal record (ma_thu_tuc, ten_thu_tuc) or an array of them, or the catalogue CSV';

export const loadCatalogue: Loader = async (file: SourceFile) => {
  const text = file.bytes.toString('utf8').replace(/^\ufeff/, '');
  if (/\.csv$/i.test(file.relPath)) return loadCsv(file.relPath, text);

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new LoadError('UNREADABLE', file.relPath, `${file.relPath}: JSON không hợp lệ (invalid JSON): ${jsonWhere(text, err)}`, {
      cause: err,
    });
  }
  const format = isObject(data) && typeof data.format === 'string' ? data.format : undefined;
  if (format === CATALOGUE_FORMAT && isObject(data)) return loadProcedures(file.relPath, data.procedures);
  if (format === REFERENCES_FORMAT && isObject(data)) return loadReferences(file.relPath, data.documents);
  if (format === UNIT_SUCCESSION_FORMAT) return emptyLoadResult();
  if (format === undefined && (isPortalRecord(data) || (Array.isArray(data) && data.some(isPortalRecord)))) {
    return loadPortal(file.relPath, Array.isArray(data) ? data : [data]);
  }
  throw new LoadError(
    'UNSUPPORTED_FORMAT',
    file.relPath,
    `${file.relPath}: không nhận ra dạng JSON${format ? ` "${format}"` : ''} (unknown JSON shape). Accepted: ${ACCEPTED}`,
  );
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "line 3, column 7" from the parser's message ("… at position 42"), else the message itself. */
function jsonWhere(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const pos = /position (\d+)/.exec(message);
  if (!pos) return message;
  const before = text.slice(0, Number(pos[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (dòng ${line}, cột ${column})`;
}

function zodReason(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(bản ghi)'}: ${i.message}`).join('; ');
}

function loadProcedures(relPath: string, records: unknown): LoadResult {
  if (!Array.isArray(records)) {
    throw new LoadError('INVALID_RECORD', relPath, `${relPath}: "procedures" phải là một mảng (must be an array)`);
  }
  if (records.length === 0) throw new LoadError('EMPTY', relPath, `${relPath}: danh mục không có thủ tục nào`);
  const result = emptyLoadResult();
  records.forEach((record, i) => {
    const code = isObject(record) && typeof record.code === 'string' ? ` (${record.code})` : '';
    const linked = withCheckedLink(record, 'portal', `${relPath}: procedures[${i}]${code}`, result.warnings);
    const withOrigin = isObject(linked) && linked.origin === undefined ? { ...linked, origin: 'curated' } : linked;
    const parsed = Procedure.safeParse(withOrigin);
    if (parsed.success) result.procedures.push(parsed.data);
    else {
      result.warnings.push(`${relPath}: procedures[${i}]${code} bị bỏ qua: ${zodReason(parsed.error)}`);
    }
  });
  if (result.procedures.length === 0) {
    throw new LoadError('INVALID_RECORD', relPath, `${relPath}: không bản ghi nào hợp lệ. ${result.warnings.slice(0, 3).join(' | ')}`);
  }
  return result;
}

/**
 * The record with its `url` checked (ingest/urls.ts): a link that may not be shown is dropped
 * with a warning and the record kept, rather than the record failing the schema or the link
 * reaching an answer.
 */
function withCheckedLink(record: unknown, kind: LinkKind, where: string, warnings: string[]): unknown {
  if (!isObject(record) || !('url' in record)) return record;
  const { url: raw, ...rest } = record;
  const { url, warning } = keepLink(raw, kind, where);
  if (warning) warnings.push(warning);
  return url === undefined ? rest : { ...rest, url };
}

function loadReferences(relPath: string, records: unknown): LoadResult {
  if (!Array.isArray(records)) {
    throw new LoadError('INVALID_RECORD', relPath, `${relPath}: "documents" phải là một mảng (must be an array)`);
  }
  if (records.length === 0) throw new LoadError('EMPTY', relPath, `${relPath}: không có văn bản nào`);
  const result = emptyLoadResult();
  records.forEach((record, i) => {
    const id = isObject(record) && typeof record.id === 'string' ? ` (${record.id})` : '';
    const linked = withCheckedLink(record, 'document', `${relPath}: documents[${i}]${id}`, result.warnings);
    // A reference is a short record of a cited document: it never carries full text.
    const parsed = DocumentMeta.safeParse(isObject(linked) ? { ...linked, summaryOnly: true } : linked);
    if (parsed.success) result.references.push(parsed.data);
    else {
      result.warnings.push(`${relPath}: documents[${i}]${id} bị bỏ qua: ${zodReason(parsed.error)}`);
    }
  });
  if (result.references.length === 0) {
    throw new LoadError('INVALID_RECORD', relPath, `${relPath}: không bản ghi nào hợp lệ. ${result.warnings.slice(0, 3).join(' | ')}`);
  }
  return result;
}

function loadPortal(relPath: string, records: unknown[]): LoadResult {
  const result = emptyLoadResult();
  const stats = { records: records.length, clean: 0, partial: 0 };
  records.forEach((record, i) => {
    try {
      const { procedure, issues } = parsePortalRecord(record);
      result.procedures.push(procedure);
      if (issues.length === 0) stats.clean++;
      else {
        stats.partial++;
        result.warnings.push(`${relPath}: ${procedure.code} đọc được một phần: ${issues.join(', ')}`);
      }
    } catch (err) {
      result.warnings.push(`${relPath}: bản ghi [${i}] bị bỏ qua: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  result.stats = stats;
  if (result.procedures.length === 0) {
    throw new LoadError('INVALID_RECORD', relPath, `${relPath}: không bản ghi cổng DVC nào đọc được. ${result.warnings.slice(0, 3).join(' | ')}`);
  }
  return result;
}

function loadCsv(relPath: string, text: string): LoadResult {
  let parsed;
  try {
    parsed = parseCatalogueCsv(text);
  } catch (err) {
    if (err instanceof CatalogueCsvError) {
      throw new LoadError('UNREADABLE', relPath, `${relPath}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  if (parsed.rows === 0) throw new LoadError('EMPTY', relPath, `${relPath}: tệp CSV chỉ có dòng tiêu đề`);
  const result = emptyLoadResult();
  result.procedures = parsed.procedures;
  result.warnings = parsed.warnings.map((w) => `${relPath}: ${w}`);
  if (result.procedures.length === 0) {
    throw new LoadError('INVALID_RECORD', relPath, `${relPath}: không dòng nào hợp lệ. ${result.warnings.slice(0, 3).join(' | ')}`);
  }
  return result;
}
