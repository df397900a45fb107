import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { PUBLIC } from '../access.js';
import { PACKSTORE_EXTENSIONS, replies } from '../contract/common.js';
import { HealthReply, MetricsText } from '../contract/operations.js';
import { PermissionError, ServiceUnavailableError } from '../../domain/errors.js';
import { addressMatcher } from '../../domain/address-ranges.js';
import { checkHealth, type HealthReport } from '../../observability/health.js';

function notReady(report: HealthReport): ServiceUnavailableError {
  const failing = Object.entries(report.checks)
    .filter(([, state]) => state !== 'ok')
    .map(([name, state]) => `${name}: ${state}`);
  return new ServiceUnavailableError(`This node is not ready. ${failing.join('; ')}`);
}

/** What load balancers, orchestrators and monitoring call: liveness, readiness and Prometheus metrics. */
export function operationsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const schema = (summary: string, ok: typeof HealthReply | typeof MetricsText) => ({ tags: [PACKSTORE_EXTENSIONS], summary, response: replies({ 200: ok }) });
  const health = (log: FastifyInstance['log']) => checkHealth(ctx, (check, error) => log.warn({ err: error, check }, 'health check failed'));

  // Public: a load balancer's health check carries no session. It reveals only which part is down.
  app.get(
    '/api/health',
    { config: { access: PUBLIC }, schema: schema('Readiness (as /api/health/ready, without the drain check)', HealthReply) },
    async (request) => {
      const report = await health(request.log);
      if (!report.ready) throw notReady(report);
      return { status: 'ready', checks: report.checks };
    },
  );

  // Liveness: the process answers. Nothing else is checked, so a database outage never gets a node restarted.
  app.get('/api/health/live', { config: { access: PUBLIC }, schema: schema('Liveness: the process answers', HealthReply) }, async () => ({ status: 'live' }));

  // Readiness: send this node traffic. 503 while it drains for a shutdown, before the database is even asked.
  app.get(
    '/api/health/ready',
    { config: { access: PUBLIC }, schema: schema('Readiness: the database, storage and job runner work, and the node is not draining', HealthReply) },
    async (request) => {
      if (ctx.lifecycle.draining) throw new ServiceUnavailableError('This node is shutting down.');
      const report = await health(request.log);
      if (!report.ready) throw notReady(report);
      return { status: 'ready', checks: report.checks };
    },
  );

  // Only to the configured addresses (metrics.allow; loopback by default). The TCP peer is checked,
  // never X-Forwarded-For, so a proxy in front cannot open the metrics to everyone it forwards.
  const mayScrape = addressMatcher(ctx.config.metricsAllow);
  app.get(
    '/metrics',
    { config: { access: PUBLIC }, schema: schema('Prometheus metrics, to the addresses in metrics.allow', MetricsText) },
    async (request, reply) => {
      if (!mayScrape(request.socket.remoteAddress ?? '')) throw new PermissionError('Metrics are served only to the addresses in metrics.allow.');
      return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    },
  );
}
