import type { ImportRecord, PackageRecord } from './records.js';

/**
 * Whether a package's records say that work on it is under way: being created, imported, undone
 * or validated. A job whose records are already final is only finishing its bookkeeping (sharing
 * its status, marking itself done): a client that saw the final status need not wait for it.
 */
export function workUnderWay(pkg: PackageRecord, imports: readonly ImportRecord[]): boolean {
  if (pkg.status === 'creating') return true;
  return imports.some((i) => i.status === 'importing' || i.status === 'undoing' || i.validation?.status === 'validating');
}
