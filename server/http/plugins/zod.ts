// Zod as fastify's validator and serializer: requests are parsed by the route's zod schemas,
// responses are parsed (unknown keys stripped) before JSON, so nothing leaks by accident.
// Plugins written against plain JSON Schema (the channel webhooks) keep working: their
// schemas go through fastify's own compilers (ajv, fast-json-stringify), which also drop
// unknown keys from responses.
import { Ajv } from 'ajv';
import fastJson from 'fast-json-stringify';
import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';
import { ApiError } from '../errors.js';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

const isZod = (schema: unknown): schema is z.ZodType => schema instanceof z.ZodType;

const ajv = new Ajv({ removeAdditional: true, coerceTypes: 'array', useDefaults: true });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema }) => {
  if (!isZod(schema)) return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  return (data: unknown) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: validationError(result.error, data) };
  };
};

export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  if (!isZod(schema)) return fastJson(schema as Parameters<typeof fastJson>[0]);
  return (data: unknown) => JSON.stringify(schema.parse(data));
};

/** One zod error → a 400 with a message in both languages about its first issue. */
export function validationError(error: z.ZodError, data?: unknown): ApiError {
  const issue = error.issues[0];
  const field = issue ? issue.path.map(String).join('.') : '';
  const detail = describe(issue, field, issue ? valueAt(data, issue.path) : undefined);
  return new ApiError('BAD_REQUEST', { detail: detail.en }, { cause: error, localized: { vi: { detail: detail.vi }, en: { detail: detail.en } } });
}

function describe(issue: z.core.$ZodIssue | undefined, field: string, value: unknown): { vi: string; en: string } {
  if (!issue) return { vi: 'dữ liệu không hợp lệ.', en: 'invalid data.' };
  if (field === 'question' && (issue.code === 'too_small' || issue.code === 'too_big')) {
    return { vi: 'câu hỏi phải có từ 1 đến 1.000 ký tự.', en: 'the question must be 1 to 1,000 characters long.' };
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.join(', ');
      return { vi: `trường không được hỗ trợ: ${keys}.`, en: `unsupported field(s): ${keys}.` };
    }
    case 'invalid_type':
      return value === undefined
        ? { vi: `thiếu trường bắt buộc "${field}".`, en: `missing required field "${field}".` }
        : { vi: `trường "${field}" sai kiểu (cần ${issue.expected}).`, en: `field "${field}" has the wrong type (expected ${issue.expected}).` };
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

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
