import { CONFIGURATION_TYPES, type AclEntry, type MetadataObject } from '../objects.js';
import { type FieldCheck, type FieldPath, present } from './fields.js';
import { FIELD_LIMITS } from './limits.js';
import type { ContentLevel, PackageEntry, TocRow } from './types.js';
import { CONFLICT_ACTIONS, CONTENT_LEVELS } from './vocabulary.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const UINT32_MAX = 4_294_967_295;

const ENTRY_FIELDS = ['action', 'explicitIncluded', 'level', 'object', 'expectedTargetVersion'] as const;
const OBJECT_FIELDS = [
  'id',
  'type',
  'subtype',
  'name',
  'description',
  'folderId',
  'version',
  'dateCreated',
  'dateModified',
  'ownerId',
  'ownerName',
  'acl',
  'definition',
  'uses',
  'hidden',
] as const;
const ACL_FIELDS = ['deny', 'type', 'rights', 'trusteeId', 'trusteeName', 'trusteeType', 'trusteeSubtype', 'inheritable'] as const;
const TOC_FIELDS = ['id', 'type', 'subtype', 'name', 'version', 'action', 'explicitIncluded', 'level'] as const;

/** Format 1 had no `level`: it followed from the object type, and a reader of format 1 derives it the same way. */
export function levelOfType(type: number): ContentLevel {
  return CONFIGURATION_TYPES.has(type) ? 'configuration_object' : 'project_object';
}

function level(check: FieldCheck, value: unknown, path: FieldPath, type: number, formatVersion: number): ContentLevel {
  if (formatVersion < 2 && value === undefined) return levelOfType(type);
  return check.oneOf(value, path, CONTENT_LEVELS);
}

/** One package entry, checked field by field; `level` is filled in for format 1. */
export function checkEntry(check: FieldCheck, value: unknown, formatVersion: number): PackageEntry {
  const raw = check.fields(value, '', ENTRY_FIELDS);
  const object = checkObject(check.within('object'), raw.object);
  return {
    action: check.oneOf(raw.action, 'action', CONFLICT_ACTIONS),
    explicitIncluded: check.boolean(raw.explicitIncluded, 'explicitIncluded'),
    level: level(check, raw.level, 'level', object.type, formatVersion),
    object,
    ...present(
      'expectedTargetVersion',
      check.optional(raw.expectedTargetVersion, (v) => check.guidOrNull(v, 'expectedTargetVersion')),
    ),
  };
}

// The checks below run for every object of a package: each is given the object's (or ACL entry's) own check,
// so that the path of a field is a constant: the only path parts made for every object are its own check and
// one for each item of its lists; the text is composed only when a field fails.

function checkObject(check: FieldCheck, value: unknown): MetadataObject {
  const raw = check.fields(value, '', OBJECT_FIELDS);
  const uses = check.each(raw.uses, 'uses', FIELD_LIMITS.listItems, (id, itemPath) => check.guid(id, itemPath));
  let previous: string | undefined;
  for (const id of uses) {
    if (previous !== undefined && previous >= id) check.fail('uses', 'must be sorted and without duplicates');
    previous = id;
  }
  return {
    id: check.guid(raw.id, 'id'),
    type: check.integer(raw.type, 'type', INT32_MIN, INT32_MAX),
    subtype: check.integer(raw.subtype, 'subtype', INT32_MIN, INT32_MAX),
    name: check.string(raw.name, 'name', FIELD_LIMITS.nameChars),
    description: check.string(raw.description, 'description', FIELD_LIMITS.descriptionChars),
    folderId: check.guidOrNull(raw.folderId, 'folderId'),
    version: check.guid(raw.version, 'version'),
    dateCreated: check.integer(raw.dateCreated, 'dateCreated', 0, Number.MAX_SAFE_INTEGER),
    dateModified: check.integer(raw.dateModified, 'dateModified', 0, Number.MAX_SAFE_INTEGER),
    ownerId: check.guid(raw.ownerId, 'ownerId'),
    ownerName: check.string(raw.ownerName, 'ownerName', FIELD_LIMITS.nameChars),
    acl: check.each(raw.acl, 'acl', FIELD_LIMITS.listItems, (ace, acePath) => checkAce(check.within(acePath), ace)),
    definition: check.record(raw.definition, 'definition'),
    uses,
    hidden: check.boolean(raw.hidden, 'hidden'),
  };
}

function checkAce(check: FieldCheck, value: unknown): AclEntry {
  const raw = check.fields(value, '', ACL_FIELDS);
  return {
    deny: check.boolean(raw.deny, 'deny'),
    type: check.integer(raw.type, 'type', INT32_MIN, INT32_MAX),
    rights: check.integer(raw.rights, 'rights', 0, UINT32_MAX),
    trusteeId: check.guid(raw.trusteeId, 'trusteeId'),
    trusteeName: check.string(raw.trusteeName, 'trusteeName', FIELD_LIMITS.nameChars),
    trusteeType: check.integer(raw.trusteeType, 'trusteeType', INT32_MIN, INT32_MAX),
    trusteeSubtype: check.integer(raw.trusteeSubtype, 'trusteeSubtype', INT32_MIN, INT32_MAX),
    inheritable: check.boolean(raw.inheritable, 'inheritable'),
  };
}

/** A row of the manifest's toc; `check` is the row's own (`toc[i]`). */
export function checkTocRow(check: FieldCheck, value: unknown, formatVersion: number): TocRow {
  const raw = check.fields(value, '', TOC_FIELDS);
  const type = check.integer(raw.type, 'type', INT32_MIN, INT32_MAX);
  return {
    id: check.guid(raw.id, 'id'),
    type,
    subtype: check.integer(raw.subtype, 'subtype', INT32_MIN, INT32_MAX),
    name: check.string(raw.name, 'name', FIELD_LIMITS.nameChars),
    version: check.guid(raw.version, 'version'),
    action: check.oneOf(raw.action, 'action', CONFLICT_ACTIONS),
    explicitIncluded: check.boolean(raw.explicitIncluded, 'explicitIncluded'),
    level: level(check, raw.level, 'level', type, formatVersion),
  };
}

export function tocRowOf(entry: PackageEntry): TocRow {
  const { object } = entry;
  return {
    id: object.id,
    type: object.type,
    subtype: object.subtype,
    name: object.name,
    version: object.version,
    action: entry.action,
    explicitIncluded: entry.explicitIncluded,
    level: entry.level,
  };
}
