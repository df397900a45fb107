import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './access.js';

export function sessionCookie(request: FastifyRequest, token: string, maxAgeSeconds?: number): string {
  const parts = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${maxAgeSeconds}`);
  // Secure only over HTTPS: a Secure cookie would never come back from a client on plain HTTP.
  if (request.protocol === 'https') parts.push('Secure');
  return parts.join('; ');
}

/** A new session as login and delegation answer it: 204, the token header and the session cookie. */
export function sendNewSession(request: FastifyRequest, reply: FastifyReply, token: string): FastifyReply {
  return reply.code(204).header('X-MSTR-AuthToken', token).header('set-cookie', sessionCookie(request, token)).send();
}
