import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { PUBLIC, SIGNED_IN, principalOf } from '../access.js';
import { sendNewSession } from '../session-reply.js';
import { stringField } from './auth.js';
import { typed } from '../type-provider.js';
import { Empty, replies } from '../contract/common.js';
import { DelegateBody, IdentityTokenHeader } from '../contract/sessions.js';
import { IdentityTokenError, InvalidInputError, LoginFailedError, LoginThrottledError } from '../../domain/errors.js';
import { IDENTITY_TOKEN_REFUSALS, identityTokenAuditId, isWellFormedIdentityToken } from '../../domain/identity-tokens.js';
import type { UserWithSecret } from '../../store/users.js';

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

/** A stored token's user and, when it cannot be used now, why; undefined when it names no user. */
async function lookUp(ctx: AppContext, token: string): Promise<{ owner: UserWithSecret; refusal?: string } | undefined> {
  const found = isWellFormedIdentityToken(token) ? await ctx.identityTokens.inspect(token) : undefined;
  const owner = found && (await ctx.users.findById(found.userId));
  if (!found || !owner) return undefined;
  if (found.state !== 'valid') return { owner, refusal: IDENTITY_TOKEN_REFUSALS[found.state] };
  return { owner, refusal: owner.enabled ? undefined : IDENTITY_TOKEN_REFUSALS.userDisabled };
}

const nobodysTokenRefusal = (token: string) => (isWellFormedIdentityToken(token) ? IDENTITY_TOKEN_REFUSALS.unknown : IDENTITY_TOKEN_REFUSALS.malformed);

/**
 * Trades a token for its user, counting every failure toward the same lockout as failed logins: under the
 * token's user (per login and address) when the token names one, else under the address alone. A user
 * locked out from this address gets 429 and the token dies; a refused token stays counted.
 */
async function redeem(ctx: AppContext, request: FastifyRequest, token: string): Promise<UserWithSecret> {
  const { identityTokens, loginThrottle } = ctx;
  const held = await lookUp(ctx, token);
  if (!held) {
    const admission = await loginThrottle.admitUnknownIdentityToken(request.ip);
    if (!admission.allowed) throw new LoginThrottledError(admission.retryAfterSeconds, 'failed identity tokens from this address');
    throw new IdentityTokenError(nobodysTokenRefusal(token));
  }
  const { owner, refusal } = held;
  request.auditSubject = { target: identityTokenAuditId(token), userId: owner.id, userName: owner.login };
  const admission = await loginThrottle.admit(owner.login, request.ip);
  if (!admission.allowed) {
    await identityTokens.revoke(token);
    throw new LoginThrottledError(admission.retryAfterSeconds);
  }
  if (refusal) throw new IdentityTokenError(refusal);
  // Checked above, but another connection may have redeemed it (or it expired) since: the update decides.
  if ((await identityTokens.redeem(token)) === undefined) throw new IdentityTokenError(IDENTITY_TOKEN_REFUSALS.used);
  await loginThrottle.succeeded(owner.login, request.ip, admission);
  return owner;
}

/**
 * Workstation-style delegation (mstrio's get_connection and Connection(identity_token=…)): a session makes
 * an identity token, another connection redeems it for a session of the same user, whose privileges are
 * that user's own at every request.
 */
export function identityTokenRoutes(server: FastifyInstance, ctx: AppContext): void {
  const { identityTokens, sessions } = ctx;
  const app = typed(server);

  app.post('/api/auth/identityToken', { config: { access: SIGNED_IN }, schema: { tags: TAGS, summary: 'Make an identity token (X-MSTR-IdentityToken) for delegation', response: replies({ 201: Empty }) } }, async (request, reply) => {
    const token = await identityTokens.create(principalOf(request).userId);
    request.auditSubject = { target: identityTokenAuditId(token) };
    return reply.code(201).header('X-MSTR-IdentityToken', token).send();
  });

  // Validates without using the token.
  app.get('/api/auth/identityToken', { config: { access: SIGNED_IN }, schema: { tags: TAGS, summary: 'Validate an identity token without using it', headers: IdentityTokenHeader, response: replies({ 204: Empty }) } }, async (request, reply) => {
    const token = request.headers['x-mstr-identitytoken'];
    request.auditSubject = { target: identityTokenAuditId(token) };
    const held = await lookUp(ctx, token);
    const refusal = held ? held.refusal : nobodysTokenRefusal(token);
    if (refusal) throw new IdentityTokenError(refusal);
    return reply.code(204).send();
  });

  app.post('/api/auth/delegate', { config: { access: PUBLIC }, schema: { tags: TAGS, summary: 'Redeem an identity token for a session', body: DelegateBody, response: replies({ 204: Empty }) } }, async (request, reply) => {
    const token = delegatedToken(request.body);
    request.auditSubject = { target: identityTokenAuditId(token) };
    const user = await redeem(ctx, request, token);
    const session = await sessions.create(user.id);
    request.log.info({ user: user.login }, 'delegated login');
    return sendNewSession(request, reply, session);
  });
}
