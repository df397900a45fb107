import type { MetadataObject } from '../objects.js';
import type { ConflictAction } from '../mmp/types.js';

/** What the target holds for a package object, as validation reports it. */
export type Conflict = 'new' | 'exists_identically' | 'identical_except_path' | 'exists_differently';

/** What an import does to one object. */
export type Effect =
  | 'create' // not in the target: written as is
  | 'replace' // target version replaced by the source's
  | 'move' // same version, moved to the source's folder (replace fixes path-only differences)
  | 'keep' // target left as it is
  | 'copy' // keep_both: source saved beside the target under a new id
  | 'delete' // removed from the target
  | 'skip'; // nothing to do (delete of an object the target does not have)

/** What decides an object's conflict: its version, its folder and when it was last changed (a target row, read whole or not). */
export type ConflictState = Pick<MetadataObject, 'version' | 'folderId' | 'dateModified'>;

export function classify(source: ConflictState, target: ConflictState | undefined): Conflict {
  if (!target) return 'new';
  if (source.version !== target.version) return 'exists_differently';
  return source.folderId === target.folderId ? 'exists_identically' : 'identical_except_path';
}

/** The seven conflict rules, as the Library documents them. */
export function decide(action: ConflictAction, source: ConflictState, target: ConflictState | undefined): Effect {
  const conflict = classify(source, target);
  if (action === 'delete') return conflict === 'new' ? 'skip' : 'delete';
  if (conflict === 'new' || !target) return 'create';
  switch (action) {
    case 'use_existing':
      return 'keep';
    case 'force_replace':
      return 'replace';
    case 'replace':
      if (conflict === 'exists_identically') return 'keep';
      return conflict === 'identical_except_path' ? 'move' : 'replace';
    case 'use_newer':
      return conflict !== 'exists_differently' || source.dateModified <= target.dateModified ? 'keep' : 'replace';
    case 'use_older':
      return conflict !== 'exists_differently' || source.dateModified >= target.dateModified ? 'keep' : 'replace';
    case 'keep_both':
      return conflict === 'exists_differently' ? 'copy' : 'keep';
  }
}
