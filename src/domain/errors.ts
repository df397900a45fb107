import { randomBytes } from 'node:crypto';

/** Library error codes as real servers send them (three digits, e.g. ERR014). */
export type LibraryErrorCode = 'ERR001' | 'ERR003' | 'ERR004' | 'ERR005' | 'ERR006' | 'ERR007' | 'ERR009' | 'ERR014' | 'ERR015' | 'ERR016' | 'ERR017';

export interface LibraryErrorBody {
  code: LibraryErrorCode;
  message: string;
  ticketId: string;
}

export function newTicketId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The one error family of the server. Routes and domain code throw these; a single
 * Fastify error handler renders them as `{code, message, ticketId}`.
 */
export class LibraryError extends Error {
  readonly ticketId = newTicketId();
  constructor(
    readonly status: number,
    readonly code: LibraryErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): LibraryErrorBody {
    return { code: this.code, message: this.message, ticketId: this.ticketId };
  }
}

export class InvalidInputError extends LibraryError {
  constructor(message: string) {
    super(400, 'ERR006', message);
  }
}

/** A missing resource. Never uses "HTTP 404 Not Found": mstrio reads that text as "endpoint unsupported". */
export class NotFoundError extends LibraryError {
  constructor(message: string) {
    super(404, 'ERR006', message);
  }
}

/** A stored metadata search that does not exist (or expired): ERR004 as the Library answers it, never "HTTP 404 Not Found". */
export class SearchNotFoundError extends LibraryError {
  constructor(message: string) {
    super(404, 'ERR004', message);
  }
}

export class UnknownRouteError extends LibraryError {
  constructor() {
    super(404, 'ERR004', 'HTTP 404 Not Found');
  }
}

export class SessionError extends LibraryError {
  constructor(message = 'The session is invalid or has timed out. Please log in again.') {
    super(401, 'ERR009', message);
  }
}

export class LoginFailedError extends LibraryError {
  constructor(message = 'Login failed: wrong user name or password.') {
    super(401, 'ERR003', message);
  }
}

export class LoginThrottledError extends LibraryError {
  /** `what`: the failed attempts that locked (failed identity tokens name no user). */
  constructor(retryAfterSeconds: number, what = 'failed logins for this user') {
    super(429, 'ERR003', `Too many ${what}. Try again in ${retryAfterSeconds} s.`, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

/** An identity token that cannot be redeemed or validated; the message says why (unknown, expired, used, malformed). */
export class IdentityTokenError extends LibraryError {
  constructor(message: string) {
    super(401, 'ERR003', message);
  }
}

export class PrivilegeError extends LibraryError {
  /** `reason`: why this particular target needs the privilege, when the route's rule alone does not. */
  constructor(privilegeNames: string[], reason?: string) {
    super(403, 'ERR014', `You do not have ${privilegeNames.join(', ')} privilege(s) to perform the task${reason ? `: ${reason}` : '.'}`);
  }
}

/** An object ACL denies the caller (as opposed to a missing privilege). */
export class PermissionError extends LibraryError {
  constructor(message: string) {
    super(403, 'ERR017', message);
  }
}

export class ConflictError extends LibraryError {
  constructor(message: string) {
    super(409, 'ERR015', message);
  }
}

export class PayloadTooLargeError extends LibraryError {
  constructor(message: string) {
    super(413, 'ERR006', message);
  }
}

export class ServiceUnavailableError extends LibraryError {
  constructor(message: string) {
    super(503, 'ERR016', message);
  }
}

/** The storage has no room left (a full disk, a quota): 507, as WebDAV says for "Insufficient Storage". */
export class InsufficientStorageError extends LibraryError {
  constructor(message = 'The Storage Service has no space left; nothing was kept. Ask the administrator to free space or to raise the quota.') {
    super(507, 'ERR016', message);
  }
}

export const STORAGE_NOT_CONFIGURED = 'The Storage Service is not configured properly, please contact your administrator to configure Storage Service';
export const STORAGE_DATABASE_UNAVAILABLE = 'The API requires MicroStrategy Storage Service. Please contact your administrator.';

/** An import that must not commit: the message names the object and the reason, and the record shows it as it is. */
export class ImportRefusedError extends Error {}
