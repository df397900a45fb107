import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { initialsOf } from './users.js';
import { PUBLIC, SIGNED_IN, principalOf } from '../access.js';
import { sendNewSession, sessionCookie } from '../session-reply.js';
import { InvalidInputError, LoginFailedError, LoginThrottledError } from '../../domain/errors.js';
import { DUMMY_PASSWORD_HASH, MAX_PASSWORD_LENGTH, verifyPassword } from '../../domain/passwords.js';

export const LIBRARY_VERSION = '11.5.1000.0100';

export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new InvalidInputError(`${name} must be a string.`);
}

/** Sessions: POST /api/auth/login|logout, /api/sessions, /api/sessions/userInfo, /api/status. */
export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { users, sessions, loginThrottle, config } = ctx;

  app.post('/api/auth/login', { config: { access: PUBLIC } }, async (request, reply) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInputError('The login body must be a form or a JSON object.');
    const fields = body as Record<string, unknown>;
    const loginMode = stringField(fields, 'loginMode') ?? '1';
    if (loginMode !== '1') throw new LoginFailedError(`Login mode ${loginMode} is not supported here; use standard login (loginMode 1).`);
    const username = stringField(fields, 'username');
    const password = stringField(fields, 'password') ?? '';
    if (!username) throw new LoginFailedError();
    // The attempt is reserved before anything is checked, and the same way for unknown names.
    const admission = await loginThrottle.admit(username, request.ip);
    if (!admission.allowed) throw new LoginThrottledError(admission.retryAfterSeconds);
    const user = await users.findByLogin(username);
    // Over-long passwords are never valid and are not hashed: scrypt's work grows with the input.
    const valid = password.length <= MAX_PASSWORD_LENGTH && (await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH));
    if (!user || !valid || !user.enabled) throw new LoginFailedError();
    await loginThrottle.succeeded(username, request.ip, admission);
    const token = await sessions.create(user.id, Date.now());
    request.log.info({ user: user.login }, 'login');
    return sendNewSession(request, reply, token);
  });

  // Signed in by the header only (a POST): a cross-site form cannot log a user out with the cookie.
  app.post('/api/auth/logout', { config: { access: SIGNED_IN } }, async (request, reply) => {
    await sessions.destroy(principalOf(request).token);
    return reply.code(204).header('set-cookie', sessionCookie(request, '', 0)).send();
  });

  app.get('/api/sessions', { config: { access: SIGNED_IN } }, async (request) => {
    const principal = principalOf(request);
    return {
      timeout: config.sessionIdleTimeout,
      workingSet: 10,
      maxSearch: 3,
      userId: principal.userId,
      userFullName: principal.fullName,
      locale: 1033,
    };
  });

  app.put('/api/sessions', { config: { access: SIGNED_IN } }, async (request, reply) => {
    await sessions.renew(principalOf(request).token);
    return reply.code(204).send();
  });

  app.get('/api/sessions/userInfo', { config: { access: SIGNED_IN } }, async (request) => {
    const principal = principalOf(request);
    return { id: principal.userId, name: principal.login, fullName: principal.fullName, initials: initialsOf(principal.fullName), privileges: [...principal.privileges].sort() };
  });

  app.get('/api/status', { config: { access: PUBLIC } }, async () => ({
    webVersion: LIBRARY_VERSION,
    iServerVersion: LIBRARY_VERSION,
    deploymentType: 'packstore',
  }));
}
