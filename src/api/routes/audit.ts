import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { requires } from '../access.js';
import { intQuery, stringQuery } from '../object-input.js';
import { InvalidInputError } from '../../domain/errors.js';
import { parseLibraryDate } from '../../domain/dates.js';
import { auditView } from '../../domain/audit.js';

const MAX_LIMIT = 1000;

/** A time bound: a Library/ISO date or epoch milliseconds. */
function timeQuery(request: FastifyRequest, name: string): number | undefined {
  const raw = stringQuery(request, name);
  if (raw === undefined || raw === '') return undefined;
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  const date = parseLibraryDate(raw);
  if (!date) throw new InvalidInputError(`${name} must be a date such as 2026-03-01T10:20:30.456+0000 or epoch milliseconds, not ${JSON.stringify(raw)}.`);
  return date.getTime();
}

/** GET /api/audit: the audit log, newest first, for environment administrators. Append-only: no other verbs. */
export function auditRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/audit', { config: { access: requires('ADMINISTER_ENVIRONMENT') } }, async (request) => {
    const page = await ctx.audit.query({
      user: stringQuery(request, 'user') || undefined,
      action: stringQuery(request, 'action') || undefined,
      from: timeQuery(request, 'from'),
      to: timeQuery(request, 'to'),
      offset: intQuery(request, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
      limit: intQuery(request, 'limit', 100, 1, MAX_LIMIT),
    });
    return { total: page.total, data: page.records.map(auditView) };
  });
}
