import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { AppContext } from './context.js';
import { installAccessControl } from './access.js';
import { installErrorHandling } from './error-handler.js';
import { ROUTE_MODULES } from './routes/index.js';

/**
 * Library clients cut their base URL at the first "/api", so any context path in front of it
 * (e.g. /MicroStrategyLibrary) must reach the same routes.
 */
export function rewriteToApi(url: string): string {
  if (url.startsWith('/api/') || url === '/api') return url;
  // The web console's own paths are never API paths, even when a console route contains "/api".
  if (/^\/console(?:[/?]|$)/.test(url)) return url;
  const match = /^\/[^?]*?(\/api(?:[/?].*)?)$/.exec(url);
  return match?.[1] ?? url;
}

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  https?: { cert: Buffer; key: Buffer };
}

export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    rewriteUrl: (req) => rewriteToApi(req.url ?? '/'),
    bodyLimit: 1024 * 1024,
    keepAliveTimeout: 10_000,
    trustProxy: false,
    ...(options.https ? { https: options.https } : {}),
  } as FastifyServerOptions);
  installErrorHandling(app);
  installAccessControl(app, ctx.users, ctx.sessions);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  for (const register of ROUTE_MODULES) await register(app, ctx);
  return app;
}
