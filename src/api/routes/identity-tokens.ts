import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { PUBLIC, SIGNED_IN, principalOf } from '../access.js';
import { sendNewSession } from '../session-reply.js';
import { stringField } from './auth.js';
import { typed } from '../type-provider.js';
import { Empty, replies } from '../contract/common.js';
import { DelegateBody, IdentityTokenHeader } from '../contract/sessions.js';
import { InvalidInputError, LoginFailedError } from '../../domain/errors.js';
import { identityTokenAuditId } from '../../domain/identity-tokens.js';

const TAGS = ['Authentication'];
/** The only login mode of POST /api/auth/delegate, as mstrio sends it. */
const DELEGATION_LOGIN_MODE = '-1';

/** The token of POST /api/auth/delegate's body ({"loginMode": "-1", "identityToken": "…"}). */
function delegatedToken(body: DelegateBody): string {
  const loginMode = stringField(body.loginMode) ?? DELEGATION_LOGIN_MODE;
  if (loginMode !== DELEGATION_LOGIN_MODE) throw new LoginFailedError(`Login mode ${loginMode} is not supported for delegation; use loginMode -1.`);
  const token = stringField(body.identityToken);
  if (!token) throw new InvalidInputError('identityToken is required: the token from POST /api/auth/identityToken.');
  return token;
}

/**
 * Workstation-style delegation (mstrio's get_connection and Connection(identity_token=…)): a session makes
 * an identity token, another connection redeems it for a session of the same user, whose privileges are
 * that user's own at every request.
 */
export function identityTokenRoutes(server: FastifyInstance, ctx: AppContext): void {
  const { signIn } = ctx;
  const app = typed(server);

  app.post(
    '/api/auth/identityToken',
    {
      config: { access: SIGNED_IN },
      schema: { tags: TAGS, summary: 'Make an identity token (X-MSTR-IdentityToken) for delegation', response: replies({ 201: Empty }) },
    },
    async (request, reply) => {
      const token = await signIn.makeIdentityToken(principalOf(request).userId);
      request.auditSubject = { target: identityTokenAuditId(token) };
      return reply.code(201).header('X-MSTR-IdentityToken', token).send();
    },
  );

  // Validates without using the token.
  app.get(
    '/api/auth/identityToken',
    {
      config: { access: SIGNED_IN },
      schema: { tags: TAGS, summary: 'Validate an identity token without using it', headers: IdentityTokenHeader, response: replies({ 204: Empty }) },
    },
    async (request, reply) => {
      const token = request.headers['x-mstr-identitytoken'];
      request.auditSubject = { target: identityTokenAuditId(token) };
      await signIn.checkIdentityToken(token);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/auth/delegate',
    {
      config: { access: PUBLIC },
      schema: { tags: TAGS, summary: 'Redeem an identity token for a session', body: DelegateBody, response: replies({ 204: Empty }) },
    },
    async (request, reply) => {
      const token = delegatedToken(request.body);
      request.auditSubject = { target: identityTokenAuditId(token) };
      const session = await signIn.redeem(token, request.ip, (owner) => {
        request.auditSubject = { target: identityTokenAuditId(token), userId: owner.id, userName: owner.login };
      });
      request.log.info({ user: session.login }, 'delegated login');
      return sendNewSession(request, reply, session.token);
    },
  );
}
