import { RIGHTS, hasRights, type Accessor } from '../acl.js';
import type { AclEntry } from '../objects.js';

export interface AclSet {
  aclKey: string;
  acl: AclEntry[];
}

/** Which ACL keys a search keeps: the shorter of the two lists, so the SQL stays small. */
export type AclKeyFilter = { only: string[] } | { exclude: string[] };

/**
 * The ACLs under which the accessor may browse an object, as a filter a query applies before paging
 * and counting. Undefined when every ACL lets the accessor browse (and always with Bypass).
 */
export function browseFilter(sets: readonly AclSet[], accessor: Accessor): AclKeyFilter | undefined {
  if (accessor.bypass) return undefined;
  const visible: string[] = [];
  const hidden: string[] = [];
  for (const set of sets) (hasRights({ id: '', name: '', acl: set.acl }, accessor, RIGHTS.BROWSE) ? visible : hidden).push(set.aclKey);
  if (hidden.length === 0) return undefined;
  return visible.length < hidden.length ? { only: visible } : { exclude: hidden };
}
