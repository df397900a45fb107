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
