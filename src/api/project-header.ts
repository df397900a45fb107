import type { FastifyRequest } from 'fastify';

/**
 * The project a call names in X-MSTR-ProjectID, or undefined when it names none. Routes that read it
 * declare `ProjectHeader` (contract/common.ts), so a value here is always a well-formed project id.
 */
export function projectIdOf(request: FastifyRequest): string | undefined {
  const value = request.headers['x-mstr-projectid'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
