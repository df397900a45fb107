import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../observability/metrics.js';

function declaredLength(value: unknown): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Counts every answered request by route pattern (never the raw URL: ids would explode the label set). */
export function installMetricsHook(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.request(
      request.method,
      route,
      reply.statusCode,
      reply.elapsedTime / 1000,
      declaredLength(request.headers['content-length']),
      declaredLength(reply.getHeader('content-length')),
    );
  });
}
