// A request refused by a route's zod schema (fastify-type-provider-zod's validator) → a 400 whose
// message names the field and what is wrong with it, in Vietnamese and English.
import type { FastifyError, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ZodFastifySchemaValidationError } from 'fastify-type-provider-zod';
import { ApiError } from './errors.js';

/** The bilingual 400 for a zod validation failure, or undefined when the error is another kind. */
export function validationFailure(error: FastifyError, request: FastifyRequest): ApiError | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  const issue = error.validation[0];
  const path = issue ? issue.instancePath.split('/').filter(Boolean) : [];
  const detail = describe(issue, path.join('.'), valueAt(requestPart(request, error.validationContext), path));
  return new ApiError('BAD_REQUEST', { detail: detail.en }, { cause: error, localized: { vi: { detail: detail.vi }, en: { detail: detail.en } } });
}

function requestPart(request: FastifyRequest, context: FastifyError['validationContext']): unknown {
  switch (context) {
    case 'querystring':
      return request.query;
    case 'params':
      return request.params;
    case 'headers':
      return request.headers;
    default:
      return request.body;
  }
}

// The library keeps each zod issue as { keyword: issue.code, instancePath, params: the rest of the issue }.
function describe(issue: ZodFastifySchemaValidationError | undefined, field: string, value: unknown): { vi: string; en: string } {
  if (!issue) return { vi: 'dữ liệu không hợp lệ.', en: 'invalid data.' };
  const code = issue.keyword;
  const params = issue.params as { keys?: unknown; expected?: unknown };
  if (field === 'question' && (code === 'too_small' || code === 'too_big')) {
    return { vi: 'câu hỏi phải có từ 1 đến 1.000 ký tự.', en: 'the question must be 1 to 1,000 characters long.' };
  }
  switch (code) {
    case 'unrecognized_keys': {
      const keys = Array.isArray(params.keys) ? params.keys.join(', ') : '';
      return { vi: `trường không được hỗ trợ: ${keys}.`, en: `unsupported field(s): ${keys}.` };
    }
    case 'invalid_type':
      return value === undefined
        ? { vi: `thiếu trường bắt buộc "${field}".`, en: `missing required field "${field}".` }
        : { vi: `trường "${field}" sai kiểu (cần ${String(params.expected)}).`, en: `field "${field}" has the wrong type (expected ${String(params.expected)}).` };
    case 'too_small':
      return { vi: `trường "${field}" quá ngắn hoặc quá nhỏ.`, en: `field "${field}" is too short or too small.` };
    case 'too_big':
      return { vi: `trường "${field}" quá dài hoặc quá lớn.`, en: `field "${field}" is too long or too large.` };
    case 'invalid_value':
      return { vi: `giá trị của trường "${field}" không được chấp nhận.`, en: `field "${field}" has a value that is not allowed.` };
    default:
      return { vi: `trường "${field}" không hợp lệ.`, en: `field "${field}" is invalid.` };
  }
}

function valueAt(data: unknown, path: string[]): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
