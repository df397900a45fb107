import { parseLibraryDate } from '../dates.js';
import { type FieldCheck, present } from './fields.js';
import { FIELD_LIMITS } from './limits.js';
import { MMP_FORMAT_VERSION, MMP_OLDEST_READABLE_FORMAT, type PackageHeader, type PackageSettings } from './types.js';
import { ACL_ON_NEW, ACL_ON_REPLACING, CONFLICT_ACTIONS, PACKAGE_PURPOSES, PACKAGE_TYPES } from './vocabulary.js';

const HEADER_FIELDS = [
  'formatVersion',
  'platformVersion',
  'packageId',
  'packageType',
  'purpose',
  'name',
  'createdAt',
  'creator',
  'sourceEnvironment',
  'sourceProject',
  'settings',
  'undoOf',
] as const;
const SETTINGS_FIELDS = [
  'defaultAction',
  'aclOnReplacingObjects',
  'aclOnNewObjects',
  'updateSchema',
  'validateDependencies',
  'folderActions',
  'objectTypeActions',
  'objectActions',
  'translationAction',
] as const;
const PLATFORM_VERSION = /^\d{1,4}(\.\d{1,6}){1,3}$/;

/**
 * The format version is checked before any other field: a newer format may have changed the rest, and
 * "too new" is the message its reader deserves.
 */
export function checkFormatVersion(check: FieldCheck, value: unknown): number {
  const version = check.integer(value, 'formatVersion', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (version > MMP_FORMAT_VERSION) {
    check.fail('format version', `${version} is newer than this server reads (${MMP_FORMAT_VERSION})`);
  }
  if (version < MMP_OLDEST_READABLE_FORMAT) {
    check.fail('format version', `${version} is older than this server reads (${MMP_OLDEST_READABLE_FORMAT} to ${MMP_FORMAT_VERSION})`);
  }
  return version;
}

export function checkHeader(check: FieldCheck, value: unknown): PackageHeader {
  const formatVersion = checkFormatVersion(check, check.record(value, '').formatVersion);
  const raw = check.fields(value, '', HEADER_FIELDS);
  const createdAt = check.string(raw.createdAt, 'createdAt', 64);
  if (!parseLibraryDate(createdAt)) check.fail('createdAt', 'must be a date such as 2022-09-07T06:30:01.537+0000');
  const platformVersion = check.string(raw.platformVersion, 'platformVersion', 64);
  if (!PLATFORM_VERSION.test(platformVersion)) check.fail('platformVersion', 'must be a version such as 11.5.1000.0100');
  return {
    formatVersion,
    platformVersion,
    packageId: check.guid(raw.packageId, 'packageId'),
    packageType: check.oneOf(raw.packageType, 'packageType', PACKAGE_TYPES),
    purpose: check.oneOf(raw.purpose, 'purpose', PACKAGE_PURPOSES),
    name: check.string(raw.name, 'name', FIELD_LIMITS.nameChars),
    createdAt,
    creator: checkNamed(check.within('creator'), raw.creator, true),
    sourceEnvironment: checkNamed(check.within('sourceEnvironment'), raw.sourceEnvironment, false),
    settings: checkSettings(check.within('settings'), raw.settings),
    ...present(
      'sourceProject',
      check.optional(raw.sourceProject, (v) => checkNamed(check.within('sourceProject'), v, true)),
    ),
    ...present(
      'undoOf',
      check.optional(raw.undoOf, (v) => checkUndoOf(check.within('undoOf'), v)),
    ),
  };
}

// Each check below is given the value's own check (`within` its path), and names fields relative to it.

function checkUndoOf(check: FieldCheck, value: unknown): NonNullable<PackageHeader['undoOf']> {
  const raw = check.fields(value, '', ['packageId', 'importId']);
  return { packageId: check.guid(raw.packageId, 'packageId'), importId: check.guid(raw.importId, 'importId') };
}

/** `{id, name}`: a GUID id for users and projects, a URL for environments. */
function checkNamed(check: FieldCheck, value: unknown, guidId: boolean): { id: string; name: string } {
  const raw = check.fields(value, '', ['id', 'name']);
  return {
    id: guidId ? check.guid(raw.id, 'id') : check.nonEmptyString(raw.id, 'id', FIELD_LIMITS.environmentIdChars),
    name: check.string(raw.name, 'name', FIELD_LIMITS.nameChars),
  };
}

function checkSettings(check: FieldCheck, value: unknown): PackageSettings {
  const raw = check.fields(value, '', SETTINGS_FIELDS);
  const items = FIELD_LIMITS.listItems;
  return {
    defaultAction: check.oneOf(raw.defaultAction, 'defaultAction', CONFLICT_ACTIONS),
    aclOnReplacingObjects: check.oneOf(raw.aclOnReplacingObjects, 'aclOnReplacingObjects', ACL_ON_REPLACING),
    aclOnNewObjects: check.each(raw.aclOnNewObjects, 'aclOnNewObjects', items, (v, p) => check.oneOf(v, p, ACL_ON_NEW)),
    ...present(
      'updateSchema',
      check.optional(raw.updateSchema, (v) => check.each(v, 'updateSchema', items, (item, p) => check.string(item, p, FIELD_LIMITS.keywordChars))),
    ),
    ...present(
      'validateDependencies',
      check.optional(raw.validateDependencies, (v) => check.boolean(v, 'validateDependencies')),
    ),
    ...present(
      'folderActions',
      check.optional(raw.folderActions, (v) => checkIdActions(check, v, 'folderActions')),
    ),
    ...present(
      'objectTypeActions',
      check.optional(raw.objectTypeActions, (v) => check.each(v, 'objectTypeActions', items, (item, p) => checkTypeAction(check.within(p), item))),
    ),
    ...present(
      'objectActions',
      check.optional(raw.objectActions, (v) => checkIdActions(check, v, 'objectActions')),
    ),
    ...present(
      'translationAction',
      check.optional(raw.translationAction, (v) => check.string(v, 'translationAction', FIELD_LIMITS.keywordChars)),
    ),
  };
}

type TypeAction = NonNullable<PackageSettings['objectTypeActions']>[number];

function checkTypeAction(check: FieldCheck, value: unknown): TypeAction {
  const row = check.fields(value, '', ['type', 'subtype', 'action']);
  return {
    type: check.integer(row.type, 'type', 0, Number.MAX_SAFE_INTEGER),
    ...present(
      'subtype',
      check.optional(row.subtype, (s) => check.integer(s, 'subtype', 0, Number.MAX_SAFE_INTEGER)),
    ),
    action: check.oneOf(row.action, 'action', CONFLICT_ACTIONS),
  };
}

/** A list of `{id, action}` at `path` of `check`. */
function checkIdActions(check: FieldCheck, value: unknown, path: string): Array<{ id: string; action: PackageSettings['defaultAction'] }> {
  return check.each(value, path, FIELD_LIMITS.listItems, (item, p) => {
    const at = check.within(p);
    const row = at.fields(item, '', ['id', 'action']);
    return { id: at.guid(row.id, 'id'), action: at.oneOf(row.action, 'action', CONFLICT_ACTIONS) };
  });
}
