import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { PUBLIC } from '../access.js';
import { PermissionError, ServiceUnavailableError } from '../../domain/errors.js';
import { checkHealth } from '../../observability/health.js';

function fromLoopback(request: FastifyRequest): boolean {
  const address = request.socket.remoteAddress ?? '';
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

/** What load balancers and monitoring call: readiness and Prometheus metrics. */
export function operationsRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Public: a load balancer's health check carries no session. It reveals only which part is down.
  app.get('/api/health', { config: { access: PUBLIC } }, async (request) => {
    const report = await checkHealth(ctx, (check, error) => request.log.warn({ err: error, check }, 'health check failed'));
    if (!report.ready) {
      const failing = Object.entries(report.checks).filter(([, state]) => state !== 'ok').map(([name, state]) => `${name}: ${state}`);
      throw new ServiceUnavailableError(`This node is not ready. ${failing.join('; ')}`);
    }
    return { status: 'ready', checks: report.checks };
  });

  // Public to the node's own host only: scrape it with an agent beside each node (or through a local proxy).
  app.get('/metrics', { config: { access: PUBLIC } }, async (request, reply) => {
    if (!fromLoopback(request)) throw new PermissionError('Metrics are served to clients on this host (loopback) only.');
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}
