import type { AclEntry, MetadataObject } from '../objects.js';
import { jsonChanges, type FieldChange } from './json-diff.js';

/** The folder path of a folder id, as the target names it (resolved by the caller). */
export type FolderPathOf = (folderId: string | null) => string | null;

const aclKey = (e: AclEntry) => `${e.deny ? 'deny' : 'grant'}:${e.trusteeId}`;
const aclView = (e: AclEntry) => ({
  trustee: e.trusteeName || e.trusteeId,
  trusteeId: e.trusteeId,
  deny: e.deny,
  rights: e.rights,
  inheritable: e.inheritable,
});

/** Both ACLs list the same entries in the same order: nothing to compare key by key (most replaced objects). */
function sameAcl(before: readonly AclEntry[], after: readonly AclEntry[]): boolean {
  if (before.length !== after.length) return false;
  return before.every((b, i) => {
    const a = after[i];
    return a !== undefined && b.trusteeId === a.trusteeId && b.deny === a.deny && b.rights === a.rights && b.inheritable === a.inheritable;
  });
}

/** ACL entries added (before null), removed (after null) or changed, one change each: `acl[grant:<trusteeId>]`. */
function aclChanges(before: readonly AclEntry[], after: readonly AclEntry[]): FieldChange[] {
  if (sameAcl(before, after)) return [];
  const old = new Map(before.map((e) => [aclKey(e), e]));
  const now = new Map(after.map((e) => [aclKey(e), e]));
  const keys = [...new Set([...old.keys(), ...now.keys()])].sort();
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const b = old.get(key);
    const a = now.get(key);
    const bv = b ? aclView(b) : null;
    const av = a ? aclView(a) : null;
    if (bv && av && bv.rights === av.rights && bv.inheritable === av.inheritable) continue;
    changes.push({ field: `acl[${key}]`, before: bv, after: av });
  }
  return changes;
}

/** Dependencies added (before null) or removed (after null): `dependencies[<id>]`. */
function dependencyChanges(before: readonly string[], after: readonly string[]): FieldChange[] {
  if (before.length === after.length && before.every((id, i) => id === after[i])) return [];
  const old = new Set(before);
  const now = new Set(after);
  const removed = before.filter((id) => !now.has(id)).map((id) => ({ field: `dependencies[${id}]`, before: id, after: null }));
  const added = after.filter((id) => !old.has(id)).map((id) => ({ field: `dependencies[${id}]`, before: null, after: id }));
  return [...removed, ...added].sort((x, y) => (x.field < y.field ? -1 : 1));
}

function scalar(field: string, before: unknown, after: unknown): FieldChange[] {
  return before === after ? [] : [{ field, before, after }];
}

const isoDate = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * What changes in one object when `before` (the target's, or none) becomes `after` (what the
 * target will hold, or none): name, description, folder path, definition (path by path), ACL,
 * dependencies, owner, version, dates and visibility. An object that appears or disappears
 * lists every field against null.
 */
export function objectChanges(before: MetadataObject | undefined, after: MetadataObject | undefined, folderPath: FolderPathOf): FieldChange[] {
  // Kept objects: the engine hands back the target's own object, which differs from nothing.
  if (before === after) return [];
  return [
    ...scalar('name', before?.name ?? null, after?.name ?? null),
    ...scalar('description', before?.description ?? null, after?.description ?? null),
    ...scalar('folder', before ? folderPath(before.folderId) : null, after ? folderPath(after.folderId) : null),
    ...jsonChanges(before?.definition ?? null, after?.definition ?? null, 'definition'),
    ...aclChanges(before?.acl ?? [], after?.acl ?? []),
    ...dependencyChanges(before?.uses ?? [], after?.uses ?? []),
    ...scalar('owner', before ? before.ownerName || before.ownerId : null, after ? after.ownerName || after.ownerId : null),
    ...scalar('version', before?.version ?? null, after?.version ?? null),
    ...scalar('dateCreated', isoDate(before?.dateCreated), isoDate(after?.dateCreated)),
    ...scalar('dateModified', isoDate(before?.dateModified), isoDate(after?.dateModified)),
    ...scalar('hidden', before?.hidden ?? null, after?.hidden ?? null),
  ];
}
