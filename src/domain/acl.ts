import type { AclEntry } from './objects.js';
import { PermissionError } from './errors.js';
import { ADMINISTRATOR_USER_ID, EVERYONE_GROUP_ID, SYSTEM_ADMINISTRATORS_GROUP_ID } from './privileges.js';

/** Object rights bits (object-model §2.1). */
export const RIGHTS = {
  BROWSE: 1,
  USE_EXECUTE: 2,
  READ: 4,
  WRITE: 8,
  DELETE: 16,
  CONTROL: 32,
  USE: 64,
  EXECUTE: 128,
  FULL_CONTROL: 255,
} as const;

/** "View" as Workstation grants it: everything but Write, Delete and Control. */
export const VIEW_RIGHTS = 199;

const RIGHT_NAMES: ReadonlyArray<[number, string]> = [
  [RIGHTS.BROWSE, 'Browse'],
  [RIGHTS.READ, 'Read'],
  [RIGHTS.WRITE, 'Write'],
  [RIGHTS.DELETE, 'Delete'],
  [RIGHTS.CONTROL, 'Control'],
  [RIGHTS.USE, 'Use'],
  [RIGHTS.EXECUTE, 'Execute'],
];

/** Whom an ACL is checked against: a user, the groups it belongs to, and whether it bypasses ACLs. */
export interface Accessor {
  userId: string;
  userName: string;
  groupIds: readonly string[];
  /** Holds the "Bypass all objects security check" privilege. */
  bypass: boolean;
}

export interface Protected {
  id: string;
  name: string;
  acl: readonly AclEntry[];
}

/** Rights granted to any of the user's principals, minus those denied to any of them: deny wins. */
export function effectiveRights(acl: readonly AclEntry[], accessor: Accessor): number {
  if (accessor.bypass) return RIGHTS.FULL_CONTROL;
  // Every user is a member of Everyone, whether or not the membership is stored.
  const principals = new Set([accessor.userId, EVERYONE_GROUP_ID, ...accessor.groupIds]);
  let granted = 0;
  let denied = 0;
  for (const entry of acl) {
    if (!principals.has(entry.trusteeId)) continue;
    if (entry.deny) denied |= entry.rights;
    else granted |= entry.rights;
  }
  return granted & ~denied & RIGHTS.FULL_CONTROL;
}

export function hasRights(object: Protected, accessor: Accessor, needed: number): boolean {
  return (effectiveRights(object.acl, accessor) & needed) === needed;
}

/** Throws 403 ERR017 naming the missing rights unless the accessor holds all of `needed` on the object. */
export function demandRights(object: Protected, accessor: Accessor, needed: number): void {
  const missing = needed & ~effectiveRights(object.acl, accessor);
  if (missing === 0) return;
  const names = RIGHT_NAMES.filter(([bit]) => (missing & bit) !== 0).map(([, name]) => name);
  throw new PermissionError(`${accessor.userName} lacks ${names.join(', ')} permission on '${object.name}' (${object.id}).`);
}

export function aclEntry(
  trustee: { id: string; name: string; subtype: number },
  rights: number,
  options: { deny?: boolean; inheritable?: boolean } = {},
): AclEntry {
  return {
    deny: options.deny ?? false,
    type: 1,
    rights,
    trusteeId: trustee.id,
    trusteeName: trustee.name,
    trusteeType: 34,
    trusteeSubtype: trustee.subtype,
    inheritable: options.inheritable ?? false,
  };
}

export const ADMINISTRATOR_TRUSTEE = { id: ADMINISTRATOR_USER_ID, name: 'Administrator', subtype: 8704 };
export const SYSTEM_ADMINISTRATORS_TRUSTEE = { id: SYSTEM_ADMINISTRATORS_GROUP_ID, name: 'System Administrators', subtype: 8705 };
export const EVERYONE_TRUSTEE = { id: EVERYONE_GROUP_ID, name: 'Everyone', subtype: 8705 };

/** The ACL project objects get by default: administrators full control, everyone else View. */
export function defaultProjectAcl(inheritable: boolean): AclEntry[] {
  return [
    aclEntry(ADMINISTRATOR_TRUSTEE, RIGHTS.FULL_CONTROL, { inheritable }),
    aclEntry(SYSTEM_ADMINISTRATORS_TRUSTEE, RIGHTS.FULL_CONTROL, { inheritable }),
    aclEntry(EVERYONE_TRUSTEE, VIEW_RIGHTS, { inheritable }),
  ];
}

/** Configuration objects (users, roles, sources): administrators full control, everyone may only browse. */
export function defaultConfigurationAcl(inheritable: boolean): AclEntry[] {
  return [
    aclEntry(ADMINISTRATOR_TRUSTEE, RIGHTS.FULL_CONTROL, { inheritable }),
    aclEntry(SYSTEM_ADMINISTRATORS_TRUSTEE, RIGHTS.FULL_CONTROL, { inheritable }),
    aclEntry(EVERYONE_TRUSTEE, RIGHTS.BROWSE, { inheritable }),
  ];
}

/** The ACL of an object created in a folder: the folder's inheritable entries, plus full control for the creator. */
export function aclForNewObject(folderAcl: readonly AclEntry[], creator: { id: string; name: string }, isFolder: boolean): AclEntry[] {
  const inherited = folderAcl.filter((e) => e.inheritable && e.trusteeId !== creator.id).map((e) => ({ ...e, inheritable: isFolder }));
  return [aclEntry({ id: creator.id, name: creator.name, subtype: 8704 }, RIGHTS.FULL_CONTROL, { inheritable: isFolder }), ...inherited];
}
