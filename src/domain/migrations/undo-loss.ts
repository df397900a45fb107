import { PrivilegeError } from '../errors.js';
import { PRIVILEGES, type Privilege } from '../privileges.js';
import type { ImportRecord, PackageRecord } from './records.js';

/** An import that can still be undone: imported, with its undo package stored. */
export function canStillBeUndone(imp: ImportRecord): boolean {
  return imp.status === 'imported' && imp.undoStorage !== undefined;
}

/**
 * Deleting a package or an import deletes the undo packages with it, so an import can no longer
 * be undone: that needs Environment Administrator on top of what the delete needs anyway, and the
 * refusal says what would be lost.
 */
export function assertMayDiscardUndo(pkg: PackageRecord, imports: readonly ImportRecord[], held: ReadonlySet<Privilege>): void {
  if (held.has('ADMINISTER_ENVIRONMENT')) return;
  const undoable = imports.filter(canStillBeUndone);
  const first = undoable[0];
  if (!first) return;
  const target = pkg.type === 'project' && first.project ? `project ${first.project.name} (${first.project.id})` : 'the environment configuration';
  const more = undoable.length > 1 ? ` and ${undoable.length - 1} more import(s) of package ${pkg.id}` : '';
  throw new PrivilegeError(
    [PRIVILEGES.ADMINISTER_ENVIRONMENT],
    `deleting it would delete the undo package of import ${first.id} into ${target}${more}, so that import could no longer be undone.`,
  );
}
