import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { initialsOf } from '../../domain/users.js';
import { PUBLIC, SIGNED_IN, principalOf } from '../access.js';
import { sendNewSession, sessionCookie } from '../session-reply.js';
import { typed } from '../type-provider.js';
import { Empty, replies } from '../contract/common.js';
import { LoginBody, ServerStatus, SessionInfo, UserInfo } from '../contract/sessions.js';
import { LoginFailedError } from '../../domain/errors.js';

export const LIBRARY_VERSION = '11.5.1000.0100';

/** A text field the schema let through as a string or a number (Library clients send `loginMode: 1`). */
export function stringField(value: string | number | null | undefined): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

const TAGS = ['Authentication'];
/** Signed-in calls answer 204 with no body. */
const NO_BODY = replies({ 204: Empty });

/** Sessions: POST /api/auth/login|logout, /api/sessions, /api/sessions/userInfo, /api/status. */
export function authRoutes(server: FastifyInstance, ctx: AppContext): void {
  const { signIn, config } = ctx;
  const app = typed(server);

  app.post(
    '/api/auth/login',
    {
      config: { access: PUBLIC },
      schema: { tags: TAGS, summary: 'Log in (standard login); the token comes back in X-MSTR-AuthToken', body: LoginBody, response: NO_BODY },
    },
    async (request, reply) => {
      const fields = request.body;
      const loginMode = stringField(fields.loginMode) ?? '1';
      if (loginMode !== '1') throw new LoginFailedError(`Login mode ${loginMode} is not supported here; use standard login (loginMode 1).`);
      const username = stringField(fields.username);
      const password = stringField(fields.password) ?? '';
      if (!username) throw new LoginFailedError();
      const session = await signIn.login(username, password, request.ip);
      request.log.info({ user: session.login }, 'login');
      return sendNewSession(request, reply, session.token);
    },
  );

  // Signed in by the header only (a POST): a cross-site form cannot log a user out with the cookie.
  app.post('/api/auth/logout', { config: { access: SIGNED_IN }, schema: { tags: TAGS, summary: 'Log out', response: NO_BODY } }, async (request, reply) => {
    await signIn.logout(principalOf(request).token);
    return reply
      .code(204)
      .header('set-cookie', sessionCookie(request, '', 0))
      .send();
  });

  app.get(
    '/api/sessions',
    { config: { access: SIGNED_IN }, schema: { tags: TAGS, summary: 'The session', response: replies({ 200: SessionInfo }) } },
    async (request) => {
      const principal = principalOf(request);
      return {
        timeout: config.sessionIdleTimeout,
        workingSet: 10,
        maxSearch: 3,
        userId: principal.userId,
        userFullName: principal.fullName,
        locale: 1033,
      };
    },
  );

  app.put(
    '/api/sessions',
    { config: { access: SIGNED_IN }, schema: { tags: TAGS, summary: 'Keep the session alive', response: NO_BODY } },
    async (request, reply) => {
      await signIn.renew(principalOf(request).token);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/sessions/userInfo',
    { config: { access: SIGNED_IN }, schema: { tags: TAGS, summary: 'The signed-in user and privileges', response: replies({ 200: UserInfo }) } },
    async (request) => {
      const principal = principalOf(request);
      return {
        id: principal.userId,
        name: principal.login,
        fullName: principal.fullName,
        initials: initialsOf(principal.fullName),
        privileges: [...principal.privileges].sort(),
      };
    },
  );

  app.get(
    '/api/status',
    { config: { access: PUBLIC }, schema: { tags: TAGS, summary: 'Server versions', response: replies({ 200: ServerStatus }) } },
    async () => ({
      webVersion: LIBRARY_VERSION,
      iServerVersion: LIBRARY_VERSION,
      deploymentType: 'packstore',
    }),
  );
}
