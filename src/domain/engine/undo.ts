import type { MetadataObject } from '../objects.js';
import type { PackageEntry } from '../mmp/types.js';

/**
 * Why an undo entry can no longer be applied (the target changed since the import), or undefined.
 * `expected` is the version the import left: null when it deleted the object.
 */
export function changedSinceImport(object: MetadataObject, current: MetadataObject | undefined, expected: string | null | undefined): string | undefined {
  if (expected === undefined) return undefined;
  if (expected === null) {
    return current ? `'${object.name}' (${object.id}) was created again after the import deleted it` : undefined;
  }
  if (!current) return `'${object.name}' (${object.id}) was deleted after the import`;
  return current.version === expected
    ? undefined
    : `'${current.name}' (${object.id}) was changed after the import (version ${current.version}, the import wrote ${expected})`;
}

/** What an undo entry does: delete what the import created, or put back the object it replaced or deleted. */
export function undoEffect(entry: PackageEntry, current: MetadataObject | undefined): 'delete' | 'replace' | 'create' {
  if (entry.action === 'delete') return 'delete';
  return current ? 'replace' : 'create';
}
