// buildApp(deps): the fastify app for the public API, the widget and the admin surface.
// It never listens; the caller (main.ts, tests) decides where.
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyServerOptions } from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import swagger from '@fastify/swagger';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AnswerEngine } from '../../domain/contract.js';
import { loadWidgetAssets } from '../widget/assets.js';
import { DEFAULT_CONNECTION_LIMITS, guardConnections, serverTimeouts } from './connections.js';
import type { ConnectionLimits } from './connections.js';
import { adminRoutes } from './admin.js';
import type { AdminBackend } from './admin.js';
import type { TokenThrottleOptions } from './admin-throttle.js';
import { ApiError, apiError, errorBody, fromEngine, pickLanguage } from './errors.js';
import { createMetrics } from './metrics.js';
import type { Metrics } from './metrics.js';
import { openApiOptions } from './openapi.js';
import { askRoutes } from './routes/ask.js';
import { catalogueRoutes } from './routes/catalogue.js';
import { documentRoutes } from './routes/documents.js';
import type { DocumentFiles } from '../document-files.js';
import { docsRoutes } from './routes/docs.js';
import { feedbackRoutes } from './routes/feedback.js';
import { opsRoutes } from './routes/ops.js';
import { staticRoutes } from './routes/static.js';
import { widgetRoutes } from './routes/widget.js';
import { rememberingQuestions } from './stores.js';
import type { FeedbackStore, UnansweredLog } from './stores.js';
import { validationFailure } from './validation.js';

export interface AppDeps {
  engine: AnswerEngine;
  isReady: () => boolean;
  /** Origins of the sites that embed the widget (exact, e.g. "https://hanoi.gov.vn"). */
  widgetOrigins: string[];
  /** Per client IP, on /api/*. Default: 60 requests a minute. */
  rateLimit?: { max: number; timeWindowMs: number };
  /**
   * Shares the per-client counts between replicas (REDIS_URL; state/redis.ts makes the client).
   * The keys start with `nameSpace` (default "tthc-rl:"). Without it each process counts alone.
   */
  rateLimitRedis?: { client: Redis; nameSpace?: string };
  /** Timeouts for slow clients and the cap on one client's slow requests (defaults: DEFAULT_CONNECTION_LIMITS). */
  connections?: Partial<ConnectionLimits>;
  /** JSON body limit. Default 16 KiB. */
  bodyLimitBytes?: number;
  /** Admin routes exist only when both a backend and a token are given. */
  admin?: AdminBackend;
  adminToken?: string;
  /** Wrong admin tokens one client may send before a 429 (default: 10 a minute). */
  adminThrottle?: Partial<TokenThrottleOptions>;
  /** Upload size limit for POST /admin/documents. Default 20 MiB. */
  uploadLimitBytes?: number;
  feedback: FeedbackStore;
  unanswered: UnansweredLog;
  metrics?: Metrics;
  /** When set, GET /metrics needs it as a Bearer token (METRICS_TOKEN). */
  metricsToken?: string | undefined;
  logger?: boolean | object;
  /** The service's one logger (wins over `logger`): request lines go where every other line goes. */
  loggerInstance?: FastifyBaseLogger;
  trustProxy?: boolean;
  /** Folder with widget.js, index.html, admin.html … (default: server/widget/static). */
  staticDir?: string;
  /** The indexed files GET /api/documents/:id/source serves (citations of scans link their page); the route is off without it. */
  documents?: DocumentFiles;
}

const KIB = 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const metrics = deps.metrics ?? createMetrics();
  const assets = await loadWidgetAssets(deps.staticDir);
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...deps.connections };

  const app = Fastify({
    ...(deps.loggerInstance ? { loggerInstance: deps.loggerInstance } : { logger: loggerOptions(deps.logger) }),
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: deps.bodyLimitBytes ?? 16 * KIB,
    // Fastify leaves node's request timeout off: a body sent a byte at a time would hold its connection forever.
    ...serverTimeouts(limits),
  });
  // First of all hooks: a client over its cap of slow requests is refused before anything else runs.
  guardConnections(app, limits);
  // The API speaks JSON only; a text/plain body is refused (415) rather than parsed as a string.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const failure = validationFailure(error, request) ?? toApiError(error);
    if (failure.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    const language = pickLanguage(request.body, request.headers['accept-language']);
    return reply.code(failure.statusCode).type('application/json; charset=utf-8').send(errorBody(failure, language));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).type('application/json; charset=utf-8').send(errorBody(apiError('NOT_FOUND'), pickLanguage(undefined, request.headers['accept-language']))),
  );
  app.addHook('onResponse', async (request, reply) => {
    metrics.request(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // Scripts only from files we serve: the demo and admin pages have no inline script.
        scriptSrc: ["'self'"],
        // The widget styles its shadow root with a constructed stylesheet (adoptedStyleSheets),
        // which style-src does not govern, so no 'unsafe-inline' is needed here nor on host sites.
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
        // No upgrade-insecure-requests: TLS is the reverse proxy's job (it also sets HSTS), and
        // the directive would break plain-HTTP intranet installs.
      },
    },
  });

  // Before any route: the document is built from every route registered after it.
  await app.register(swagger, openApiOptions());
  // The house's routes validate and serialise with their zod schemas (fastify-type-provider-zod).
  // The scope keeps those compilers to them: plugins added to the app later (the channel
  // webhooks) declare JSON Schema and keep fastify's own compilers.
  await app.register(async (house) => {
    house.setValidatorCompiler(validatorCompiler);
    house.setSerializerCompiler(serializerCompiler);
    await houseRoutes(house, deps, metrics, assets);
  });

  return app;
}

async function houseRoutes(app: FastifyInstance, deps: AppDeps, metrics: Metrics, assets: Awaited<ReturnType<typeof loadWidgetAssets>>): Promise<void> {
  await app.register(
    async (api) => {
      await api.register(cors, {
        origin: (origin, cb) => cb(null, origin !== undefined && deps.widgetOrigins.includes(origin)),
        methods: ['GET', 'POST'],
        allowedHeaders: ['Content-Type', 'Accept-Language'],
        maxAge: 600,
      });
      const limit = deps.rateLimit ?? { max: 60, timeWindowMs: 60_000 };
      const shared = deps.rateLimitRedis;
      await api.register(rateLimit, {
        max: limit.max,
        timeWindow: limit.timeWindowMs,
        ...(shared
          ? {
              redis: shared.client,
              nameSpace: shared.nameSpace ?? 'tthc-rl:',
              // Fail open: with Redis away, requests are served without a limit (the client logs
              // the outage) rather than refused. The limit guards fairness; refusing would turn a
              // Redis outage into an outage of every citizen's questions. The per-client cap on
              // slow requests and the body limits still hold, and the admin token's throttle
              // does not depend on Redis. The client fails a command at once or within 300 ms.
              skipOnError: true,
            }
          : {}),
        errorResponseBuilder: (request, context) => {
          const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
          return new ApiError('RATE_LIMITED', { after: `${seconds} seconds` }, {
            localized: { vi: { after: `${seconds} giây` }, en: { after: `${seconds} seconds` } },
          });
        },
      });
      await askRoutes(api, { engine: rememberingQuestions(deps.engine, deps.feedback), unanswered: deps.unanswered, metrics });
      await catalogueRoutes(api, { engine: deps.engine });
      if (deps.documents) await documentRoutes(api, { files: deps.documents });
      await feedbackRoutes(api, { feedback: deps.feedback });
    },
    { prefix: '/api' },
  );

  await app.register(async (ops) => opsRoutes(ops, { isReady: deps.isReady, metrics, metricsToken: deps.metricsToken }));
  await app.register(async (docs) => docsRoutes(docs, { adminToken: deps.admin ? deps.adminToken : undefined }));
  await app.register(async (pages) => staticRoutes(pages, { assets }));
  await app.register(async (widget) => widgetRoutes(widget, { widgetOrigins: deps.widgetOrigins }));

  const { admin, adminToken } = deps;
  if (admin && adminToken) {
    await app.register(
      async (scope) =>
        adminRoutes(scope, {
          backend: admin,
          token: adminToken,
          ...(deps.adminThrottle ? { throttle: deps.adminThrottle } : {}),
          ...(deps.rateLimitRedis ? { throttleRedis: deps.rateLimitRedis } : {}),
          uploadLimitBytes: deps.uploadLimitBytes ?? 20 * KIB * KIB,
          feedback: deps.feedback,
          unanswered: deps.unanswered,
        }),
      { prefix: '/admin' },
    );
  }
}

/** Any error → a coded one. Only ApiErrors and fastify's own request errors keep their meaning. */
function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  const engineFailure = fromEngine(error);
  if (engineFailure) return engineFailure;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return apiError('UNSUPPORTED_MEDIA_TYPE', {}, error);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return apiError('BODY_TOO_LARGE', {}, error);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return apiError('INVALID_JSON', {}, error);
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return apiError('INVALID_JSON', {}, error);
  const status = error.statusCode ?? 500;
  if (status === 413) return apiError('BODY_TOO_LARGE', {}, error);
  if (status >= 400 && status < 500) return apiError('BAD_REQUEST', {}, error);
  return apiError('INTERNAL', {}, error);
}

function loggerOptions(logger: AppDeps['logger']): NonNullable<FastifyServerOptions['logger']> {
  if (!logger) return false;
  // The admin token travels in the Authorization header; keep it out of every log line.
  const redact = { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' };
  return logger === true ? { level: 'info', redact } : { redact, ...logger };
}
