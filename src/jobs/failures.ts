import { ImportRefusedError, InsufficientStorageError, LibraryError } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/db/availability.js';
import type { JobKind } from './queue.js';

/** SQLite's "try again" codes, and PostgreSQL's serialization failure and deadlock. */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', '40001', '40P01']);

/**
 * A failure that says nothing about the job itself and may pass: the database or the storage was
 * unreachable or busy. The job runs again later; anything else fails it for good.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof InsufficientStorageError) return false; // an operator must act first
  if (error instanceof LibraryError) return error.status >= 500;
  if (isDatabaseUnavailable(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && BUSY_CODES.has(code);
}

/** Exponential backoff from one second, doubled per attempt, capped at a minute. */
export function retryDelayMs(attempt: number, baseMs = 1000, capMs = 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

const WHAT: Record<JobKind, string> = {
  create_package: 'The package could not be created',
  import: 'The import failed',
  undo: 'The undo failed',
  validate: 'The validation could not run',
  diff: 'The diff could not be computed',
};

/**
 * What a record shows of a job's failure. Our own errors were written for users and keep their
 * message; anything else is an internal error whose text goes to the log only, under the ticket.
 */
export function publicFailure(error: unknown, kind: JobKind, ticketId: string): string {
  if (error instanceof LibraryError || error instanceof ImportRefusedError) return `${error.message} (ticket ${ticketId})`;
  return `${WHAT[kind]} because of an internal error (ticket ${ticketId}); the administrator finds its cause in the server log.`;
}

/** What a record shows when its job kept being interrupted (its server stopped) or kept failing. */
export function givenUp(kind: JobKind, attempts: number): string {
  return `${WHAT[kind]}: it was interrupted or failed ${attempts} times (its server stopped, or the database or storage was unreachable), and was given up.`;
}
