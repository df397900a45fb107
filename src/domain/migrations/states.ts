import { ConflictError } from '../errors.js';

export const PACKAGE_STATUSES = ['locked', 'created', 'create_failed', 'creating', 'empty', 'unknown'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

export const IMPORT_STATUSES = ['pending', 'importing', 'imported', 'import_failed', 'undoing', 'undo_success', 'undo_failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const REQUEST_STATUSES = ['unknown', 'pending', 'requested', 'rejected', 'approved'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export { MIGRATION_PURPOSES, PACKAGE_TYPES, type MigrationPurpose } from './purposes.js';

/** Import requests: pending → requested → approved | rejected; a rejected request may be asked again. */
const IMPORT_REQUEST_TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  unknown: ['requested'],
  pending: ['requested'],
  requested: ['approved', 'rejected', 'pending'],
  rejected: ['requested', 'pending'],
  approved: [],
};

/** Undo requests: requested → approved starts the undo. */
const UNDO_REQUEST_TRANSITIONS: Record<RequestStatus, readonly RequestStatus[]> = {
  unknown: ['requested'],
  pending: ['requested'],
  requested: ['approved', 'rejected', 'pending'],
  rejected: ['requested'],
  approved: [],
};

function assertTransition(table: Record<RequestStatus, readonly RequestStatus[]>, field: string, from: RequestStatus, to: RequestStatus): void {
  if (from === to) return;
  if (!table[from].includes(to)) {
    throw new ConflictError(`${field} cannot change from ${from} to ${to}; it is ${from} now.`);
  }
}

export function assertImportRequestTransition(from: RequestStatus, to: RequestStatus): void {
  assertTransition(IMPORT_REQUEST_TRANSITIONS, 'importInfo.importRequestStatus', from, to);
}

export function assertUndoRequestTransition(from: RequestStatus, to: RequestStatus): void {
  assertTransition(UNDO_REQUEST_TRANSITIONS, 'importInfo.undoRequestStatus', from, to);
}

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}
