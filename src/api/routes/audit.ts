import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { requires } from '../access.js';
import { typed } from '../type-provider.js';
import { PACKSTORE_EXTENSIONS, Page, replies } from '../contract/common.js';
import { AuditQuery, AuditRecord } from '../contract/operations.js';
import { InvalidInputError } from '../../domain/errors.js';
import { parseLibraryDate } from '../../domain/dates.js';
import { auditView } from '../../domain/audit.js';

/** A time bound: a Library/ISO date or epoch milliseconds. */
function timeBound(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  const date = parseLibraryDate(raw);
  if (!date) throw new InvalidInputError(`${name} must be a date such as 2026-03-01T10:20:30.456+0000 or epoch milliseconds, not ${JSON.stringify(raw)}.`);
  return date.getTime();
}

/** GET /api/audit: the audit log, newest first, for environment administrators. Append-only: no other verbs. */
export function auditRoutes(server: FastifyInstance, ctx: AppContext): void {
  const schema = { tags: [PACKSTORE_EXTENSIONS], summary: 'The audit log, newest first', querystring: AuditQuery, response: replies({ 200: Page(AuditRecord) }) };
  typed(server).get('/api/audit', { config: { access: requires('ADMINISTER_ENVIRONMENT') }, schema }, async (request) => {
    const { user, action, from, to, offset = 0, limit = 100 } = request.query;
    const page = await ctx.audit.query({ user: user || undefined, action: action || undefined, from: timeBound(from, 'from'), to: timeBound(to, 'to'), offset, limit });
    return { total: page.total, data: page.records.map(auditView) };
  });
}
