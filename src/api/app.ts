import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { AppContext } from '../app-context.js';
import { installAccessControl } from './access.js';
import { installAuditHook } from './audit-hook.js';
import { installMetricsHook } from './metrics-hook.js';
import { installErrorHandling } from './error-handler.js';
import { installJsonParser } from './json-body.js';
import { installControlCharacterGuard } from './control-characters.js';
import { clientErrorHandler, installIdleTimeout, serverTimeoutOptions } from './connection-limits.js';
import { ROUTE_MODULES } from './routes/index.js';
import { installSchemaValidation } from './schema-validation.js';
import { installOpenApi } from './openapi.js';

/**
 * Library clients cut their base URL at the first "/api", so any context path in front of it
 * (e.g. /MicroStrategyLibrary) must reach the same routes.
 */
export function rewriteToApi(url: string): string {
  if (url.startsWith('/api/') || url === '/api') return url;
  // The web console's own paths are never API paths, even when a console route contains "/api".
  if (/^\/console(?:[/?]|$)/.test(url)) return url;
  // The OpenAPI description lives beside the API (/api-docs/…), as the Library's does.
  const match = /^\/[^?]*?(\/api(?:-docs)?(?:[/?].*)?)$/.exec(url);
  return match?.[1] ?? url;
}

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  https?: { cert: Buffer; key: Buffer };
}

/**
 * Secrets that must never reach a log line. @fastify/multipart logs its busboy options, request
 * headers included, at trace level; the rest guards against serializers that start logging headers.
 */
const SECRET_HEADERS = ['cookie', 'authorization', 'x-mstr-authtoken', 'x-mstr-identitytoken', 'set-cookie'];
const REDACTED_PATHS = ['req', 'res', 'busboyOptions'].flatMap((owner) => SECRET_HEADERS.map((name) => `${owner}.headers["${name}"]`));

function withRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  return typeof logger === 'object' && logger !== null ? { ...logger, redact: REDACTED_PATHS } : (logger ?? false);
}

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const timeouts = serverTimeoutOptions({ headersMs: ctx.config.httpHeadersTimeout * 1000, idleMs: ctx.config.httpIdleTimeout * 1000 });
  const app = Fastify({
    logger: withRedaction(options.logger),
    rewriteUrl: (req) => rewriteToApi(req.url ?? '/'),
    bodyLimit: ctx.config.jsonBodyLimit,
    keepAliveTimeout: 10_000,
    trustProxy: ctx.config.trustProxy,
    // While draining, a request on a kept-alive connection is still answered (readiness with the
    // Library's 503), and the answer closes the connection: see the onSend hook below.
    return503OnClosing: false,
    clientErrorHandler,
    http: timeouts,
    ...(options.https ? { https: { ...options.https, ...timeouts } } : {}),
  } as FastifyServerOptions);
  installIdleTimeout(app.server, ctx.config.httpIdleTimeout * 1000);
  // Draining for a shutdown: each answer ends its connection, so keep-alive clients reconnect to another node.
  app.addHook('onSend', async (_request, reply) => {
    if (ctx.lifecycle.draining) reply.header('connection', 'close');
  });
  installErrorHandling(app, ctx.config);
  installJsonParser(app);
  installAccessControl(app, ctx.users, ctx.sessions);
  installAuditHook(app, ctx);
  installMetricsHook(app, ctx.metrics);
  installControlCharacterGuard(app);
  installSchemaValidation(app);
  await installOpenApi(app);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  for (const register of ROUTE_MODULES) await register(app, ctx);
  return app;
}
