import type { AclEntry, MetadataObject } from '../objects.js';
import type { PackageSettings } from '../mmp/types.js';

function mergeAcl(primary: AclEntry[], secondary: AclEntry[]): AclEntry[] {
  const key = (e: AclEntry) => `${e.trusteeId}:${e.deny}`;
  const seen = new Set(primary.map(key));
  return [...primary, ...secondary.filter((e) => !seen.has(key(e)))];
}

/** The ACL an object gets in the target, by aclOnNewObjects / aclOnReplacingObjects. */
export function aclForImport(
  settings: PackageSettings,
  source: MetadataObject,
  target: MetadataObject | undefined,
  destinationFolder: MetadataObject | undefined,
): AclEntry[] {
  if (!target) {
    const inherit = settings.aclOnNewObjects.includes('inherit_acl_as_dest_folder') && destinationFolder;
    return inherit ? destinationFolder.acl.filter((e) => e.inheritable).map((e) => ({ ...e, inheritable: false })) : source.acl;
  }
  switch (settings.aclOnReplacingObjects) {
    case 'use_existing':
      return target.acl;
    case 'replace':
      return source.acl;
    case 'keep_both':
      return mergeAcl(source.acl, target.acl);
  }
}
