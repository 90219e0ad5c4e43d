// The OpenAPI document as @fastify/swagger serves it: valid OpenAPI 3.1 (checked against the
// official schema), with the admin Bearer scheme declared and examples that the routes accept.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import type { ZodType } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zaloWebhookPlugin } from '../../../bot/zalo.js';
import { AskRequest, AskResponse } from '../../../domain/contract.js';
import type { AdminBackend } from '../../../server/http/admin.js';
import { EXAMPLES } from '../../../server/http/openapi-examples.js';
import { DocumentList, ErrorBody, FeedbackAccepted, FeedbackList, FeedbackRequest, IngestJobView, IngestStarted, SearchResponse, UnansweredList } from '../../../server/http/schemas.js';
import { buildTestApp, testEngine } from './setup.js';

// Ajv follows "$dynamicRef": "#meta" only in part; with no dialect extending the schema it means
// the schema's own #/$defs/schema (its $dynamicAnchor "meta"), which a plain $ref says the same.
const OAS_31 = JSON.parse(
  readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/openapi/oas-3.1-schema.json'), 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"'),
);
const backend: AdminBackend = { saveUpload: async (name) => ({ name, path: `uploads/${name}` }), startIngest: () => ({ jobId: 'j' }), ingestJob: () => undefined, listDocuments: async () => [], removeDocument: async () => false };

let app: FastifyInstance;
let doc: Record<string, any>;
beforeAll(async () => {
  app = await buildTestApp({ admin: backend, adminToken: 'docs-test-token-0123456789' });
  // The admin's view: the admin operations are in the document only for the admin token.
  const res = await app.inject({ url: '/docs/json', headers: { authorization: 'Bearer docs-test-token-0123456789' } });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => app.close());

describe('the OpenAPI document at /docs/json', () => {
  it('is valid OpenAPI 3.1 by the official schema', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(OAS_31);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    // The validator does refuse a broken document (an info without title and version).
    expect(validate({ ...doc, info: {} })).toBe(false);
  });

  it('is the same document at its older address, /docs/openapi.json', async () => {
    expect((await app.inject({ url: '/docs/openapi.json', headers: { authorization: 'Bearer docs-test-token-0123456789' } })).json()).toEqual(doc);
  });

  it('declares the admin Bearer scheme and requires it on every admin route, and on no public one', () => {
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>).flatMap(([p, ops]) => Object.values(ops).map((op) => [p, op.security] as const));
    const admin = operations.filter(([p]) => p.startsWith('/admin/'));
    expect(admin.length).toBeGreaterThanOrEqual(6);
    for (const [, security] of admin) expect(security).toEqual([{ adminToken: [] }]);
    for (const [p, security] of operations.filter(([p]) => !p.startsWith('/admin/'))) expect(security, p).toBeUndefined();
  });

  it('describes the upload as a multipart form with a file', () => {
    expect(doc.paths['/admin/documents'].post.requestBody.content['multipart/form-data'].schema).toMatchObject({ required: ['file'] });
  });

  it('lists only this API, not the docs UI’s own routes', () => {
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/docs'))).toEqual(['/docs/openapi.json']);
  });

  it('carries request and response examples that the routes’ own schemas accept', () => {
    const ask = doc.paths['/api/ask'].post;
    expect(ask.requestBody.content['application/json'].example).toEqual(EXAMPLES['POST /api/ask']!.request);
    expect(ask.responses['200'].content['application/json'].example.procedure.code).toBe('1.001193');
    expect(doc.paths['/admin/ingest/{id}'].get.responses['200'].content['application/json'].example.summary.failed[0].file).toBe('hong.docx');
    const schemas: Record<string, { request?: ZodType; responses?: Record<string, ZodType> }> = {
      'POST /api/ask': { request: AskRequest, responses: { '200': AskResponse, '400': ErrorBody } },
      'POST /api/ask/stream': { request: AskRequest },
      'POST /api/feedback': { request: FeedbackRequest, responses: { '201': FeedbackAccepted } },
      'GET /api/search': { responses: { '200': SearchResponse } },
      'GET /api/procedures/:code': { responses: { '404': ErrorBody } },
      'POST /admin/ingest': { responses: { '202': IngestStarted, '401': ErrorBody, '409': ErrorBody } },
      'GET /admin/ingest/:id': { responses: { '200': IngestJobView } },
      'GET /admin/documents': { responses: { '200': DocumentList, '401': ErrorBody } },
      'GET /admin/unanswered': { responses: { '200': UnansweredList } },
      'GET /admin/feedback': { responses: { '200': FeedbackList } },
    };
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const [key, examples] of Object.entries(EXAMPLES)) {
      if (examples.request !== undefined) expect(schemas[key]!.request!.safeParse(examples.request).success, key).toBe(true);
      for (const [status, value] of Object.entries(examples.responses ?? {})) expect(schemas[key]!.responses![status]!.safeParse(value).success, `${key} ${status}`).toBe(true);
    }
  });
});

describe('a channel webhook added to the app (as service.ts adds Zalo’s)', () => {
  it('keeps fastify’s JSON Schema compilers and stays out of the document', async () => {
    const withWebhook = await buildTestApp();
    const client = { sendText: async () => ({}), refreshTokens: async () => {} };
    await withWebhook.register(zaloWebhookPlugin, { appId: '4291763606161179100', oaSecretKey: 'oa-secret-docs-test', client, engine: await testEngine() });
    try {
      const forged = await withWebhook.inject({ method: 'POST', url: '/webhooks/zalo', headers: { 'content-type': 'application/json', 'x-zevent-signature': 'mac=00' }, payload: { event_name: 'user_send_text', timestamp: '1' } });
      expect(forged.statusCode).toBe(401);
      expect(forged.json()).toEqual({ code: 'ZALO_BAD_SIGNATURE', message: 'invalid signature' });
      const document = (await withWebhook.inject({ url: '/docs/json' })).json();
      expect(Object.keys(document.paths)).not.toContain('/webhooks/zalo');
      expect(Object.keys(document.paths)).toContain('/api/ask');
    } finally {
      await withWebhook.close();
    }
  });
});
