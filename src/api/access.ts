import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, RouteOptions } from 'fastify';
import { PrivilegeError, SessionError } from '../domain/errors.js';
import { PRIVILEGES, missingPrivileges, type Privilege } from '../domain/privileges.js';
import type { SessionRepository } from '../store/sessions.js';
import type { UserRepository } from '../store/users.js';

/**
 * Who may call a route. Every route must declare one: an endpoint cannot be added without
 * deciding who may call it (checked when the route is registered).
 */
export type RouteAccess = { public: true } | { privileges: readonly Privilege[]; anyOf?: readonly Privilege[] };

export const PUBLIC: RouteAccess = { public: true };
export const SIGNED_IN: RouteAccess = { privileges: [] };
export const requires = (...privileges: Privilege[]): RouteAccess => ({ privileges });
/** At least one of these privileges. */
export const requiresAny = (...anyOf: Privilege[]): RouteAccess => ({ privileges: [], anyOf });

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    /** Every route with its access rule, in registration order (the privilege matrix walks it). */
    declaredRoutes: readonly DeclaredRoute[];
  }
}

export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
  /** The route's declared wire contract (test/contract.test.ts requires one on every route). */
  schema?: FastifySchema;
}

export interface Principal {
  userId: string;
  login: string;
  fullName: string;
  token: string;
  privileges: ReadonlySet<Privilege>;
}

export const AUTH_HEADER = 'x-mstr-authtoken';
export const SESSION_COOKIE = 'PACKSTORE_SESSION';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The token comes from X-MSTR-AuthToken. The session cookie alone is accepted only on safe
 * methods (a browser download link), so a cross-site form cannot act with a user's cookie.
 */
export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers[AUTH_HEADER];
  if (typeof header === 'string' && header.length > 0) return header;
  if (!SAFE_METHODS.has(request.method)) return undefined;
  return readCookie(request.headers.cookie, SESSION_COOKIE);
}

export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export function installAccessControl(app: FastifyInstance, users: UserRepository, sessions: SessionRepository): void {
  const declared: DeclaredRoute[] = [];
  app.decorate('declaredRoutes', declared);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule.`);
    for (const method of [route.method].flat()) declared.push({ method, url: route.url, access, schema: route.schema });
  });

  // onRequest, before the body is read: an anonymous or unprivileged caller never gets a body parsed.
  app.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const access = request.routeOptions.config.access;
    if (!access || 'public' in access) return;
    const token = tokenOf(request);
    if (!token) throw new SessionError('No session: log in and send the X-MSTR-AuthToken header.');
    const userId = await sessions.resolve(token);
    const user = userId ? await users.findById(userId) : undefined;
    if (!user?.enabled) throw new SessionError();
    const privileges = await users.privilegesOf(user.id);
    request.principal = { userId: user.id, login: user.login, fullName: user.fullName, token, privileges };
    const missing = missingPrivileges(privileges, access.privileges);
    if (missing.length > 0) throw new PrivilegeError(missing.map((p) => PRIVILEGES[p]));
    if (access.anyOf && !access.anyOf.some((p) => privileges.has(p))) {
      throw new PrivilegeError([access.anyOf.map((p) => PRIVILEGES[p]).join(' or ')]);
    }
  });
}

/** The signed-in caller; routes behind an access rule always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new SessionError();
  return request.principal;
}

/** For checks that depend on the request body (e.g. Bypass only when dependents are included). */
export function demand(request: FastifyRequest, ...privileges: Privilege[]): void {
  const missing = missingPrivileges(principalOf(request).privileges, privileges);
  if (missing.length > 0) throw new PrivilegeError(missing.map((p) => PRIVILEGES[p]));
}
