import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { requires } from '../access.js';
import { typed } from '../type-provider.js';
import { PACKSTORE_EXTENSIONS, Page, replies } from '../contract/common.js';
import { AuditQuery, AuditRecord } from '../contract/operations.js';
import { parseTimeBound } from '../../domain/dates.js';

/** GET /api/audit: the audit log, newest first, for environment administrators. Append-only: no other verbs. */
export function auditRoutes(server: FastifyInstance, ctx: AppContext): void {
  const schema = {
    tags: [PACKSTORE_EXTENSIONS],
    summary: 'The audit log, newest first',
    querystring: AuditQuery,
    response: replies({ 200: Page(AuditRecord) }),
  };
  typed(server).get('/api/audit', { config: { access: requires('ADMINISTER_ENVIRONMENT') }, schema }, async (request) => {
    const { user, action, from, to, offset = 0, limit = 100 } = request.query;
    return ctx.auditReader.page({
      user: user || undefined,
      action: action || undefined,
      from: parseTimeBound(from, 'from'),
      to: parseTimeBound(to, 'to'),
      offset,
      limit,
    });
  });
}
