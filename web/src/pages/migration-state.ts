import type { Migration } from '../api/types.js';
import { words } from '../format.js';

const BUSY_IMPORT = new Set(['importing', 'undoing']);

/** Work is going on: the record will change without anybody acting. */
export function isBusy(m: Migration): boolean {
  return m.packageInfo.status === 'creating' || BUSY_IMPORT.has(m.importInfo?.status ?? '') || m.validation?.status === 'validating';
}

export function canUndo(m: Migration): boolean {
  return m.importInfo?.status === 'imported' && m.importInfo.undoRequestStatus !== 'approved';
}

/** The progress that matters now: the package while it is made, otherwise the import. */
export function progressOf(m: Migration): number {
  if (m.packageInfo.status === 'creating') return m.packageInfo.progress ?? 0;
  return m.importInfo?.progress ?? 0;
}

/** What a screen reader hears when the state of a migration changes. */
export function stateLine(m: Migration): string {
  const parts = [`package ${words(m.packageInfo.status).toLowerCase()}`];
  if (m.importInfo?.status) parts.push(`import ${words(m.importInfo.status).toLowerCase()}`);
  if (m.validation?.status) parts.push(`validation ${words(m.validation.status).toLowerCase()}`);
  return parts.join(', ');
}

const FINISHED_IMPORT = new Set(['imported', 'import_failed', 'undo_success', 'undo_failed']);
const FINISHED_PACKAGE = new Set(['created', 'create_failed', 'locked']);

/** When the work of a record started and, once it ended, when: its import's, or else its package's creation. */
export function timesOf(m: Migration): { started?: string; finished?: string } {
  const imp = m.importInfo;
  if (imp?.status && FINISHED_IMPORT.has(imp.status)) return { started: imp.creationDate ?? undefined, finished: imp.lastUpdatedDate ?? undefined };
  if (imp?.status && imp.status !== 'pending') return { started: imp.creationDate ?? undefined };
  const pkg = m.packageInfo;
  return { started: pkg.creationDate ?? undefined, finished: FINISHED_PACKAGE.has(pkg.status ?? '') ? (pkg.lastUpdatedDate ?? undefined) : undefined };
}
