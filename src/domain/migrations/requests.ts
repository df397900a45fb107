import { InvalidInputError } from '../errors.js';
import { guid, integer, isRecord, namedRef, oneOf, optionalBoolean, optionalRecord, optionalText, record, text, type JsonObject } from '../input.js';
import type { ConflictAction, PackageSettings } from '../mmp/types.js';
import type { PackageRequest } from './records.js';
import { PACKAGE_TYPES, REQUEST_STATUSES, type RequestStatus } from './states.js';

export const CONFLICT_ACTIONS: readonly ConflictAction[] = ['use_existing', 'replace', 'keep_both', 'use_newer', 'use_older', 'force_replace', 'delete'];
const ACL_ON_REPLACING = ['use_existing', 'replace', 'keep_both'] as const;
const ACL_ON_NEW = ['keep_acl_as_source_object', 'inherit_acl_as_dest_folder'] as const;
const UPDATE_SCHEMA = ['recal_table_logical_size', 'recal_table_keys_fact_entry_level', 'update_schema_logical_info'] as const;
const TRANSLATION_ACTIONS = ['not_merged', 'use_existing', 'replace', 'force_replace', 'existing'] as const;
const MAX_CONTENT_ROWS = 1_000_000;

/** A string or an array of strings: mstrio sends either for aclOnNewObjects and updateSchema. */
function stringList<T extends string>(value: unknown, allowed: readonly T[], field: string): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => oneOf(v, allowed, `${field}[${i}]`));
}

function actionList<T>(value: unknown, field: string, parse: (row: JsonObject, f: string) => T): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new InvalidInputError(`${field} must be an array.`);
  return value.map((row, i) => parse(record(row, `${field}[${i}]`), `${field}[${i}]`));
}

export function parseSettings(value: unknown, field = 'packageInfo.tocView.settings'): PackageSettings {
  const s = optionalRecord(value, field) ?? {};
  const action = (v: unknown, f: string) => oneOf(v, CONFLICT_ACTIONS, f);
  const settings: PackageSettings = {
    defaultAction: s.defaultAction === undefined ? 'use_existing' : action(s.defaultAction, `${field}.defaultAction`),
    aclOnReplacingObjects: s.aclOnReplacingObjects === undefined || s.aclOnReplacingObjects === null ? 'use_existing' : oneOf(s.aclOnReplacingObjects, ACL_ON_REPLACING, `${field}.aclOnReplacingObjects`),
    aclOnNewObjects: stringList(s.aclOnNewObjects, ACL_ON_NEW, `${field}.aclOnNewObjects`) ?? ['keep_acl_as_source_object'],
  };
  const updateSchema = stringList(s.updateSchema, UPDATE_SCHEMA, `${field}.updateSchema`);
  if (updateSchema) settings.updateSchema = updateSchema;
  const validateDependencies = optionalBoolean(s.validateDependencies, `${field}.validateDependencies`);
  if (validateDependencies !== undefined) settings.validateDependencies = validateDependencies;
  if (s.translationAction !== undefined && s.translationAction !== null) {
    settings.translationAction = oneOf(s.translationAction, TRANSLATION_ACTIONS, `${field}.translationAction`);
  }
  const folderActions = actionList(s.folderActions, `${field}.folderActions`, (r, f) => ({ id: guid(r.id, `${f}.id`), action: action(r.action, `${f}.action`) }));
  if (folderActions) settings.folderActions = folderActions;
  const objectActions = actionList(s.objectActions, `${field}.objectActions`, (r, f) => ({ id: guid(r.id, `${f}.id`), action: action(r.action, `${f}.action`) }));
  if (objectActions) settings.objectActions = objectActions;
  const objectTypeActions = actionList(s.objectTypeActions, `${field}.objectTypeActions`, (r, f) => {
    const subtype = r.subtype ?? r.subType;
    return {
      type: integer(r.type, `${f}.type`, 0, 1_000_000),
      ...(subtype === undefined || subtype === null ? {} : { subtype: integer(subtype, `${f}.subtype`, 0, 1_000_000) }),
      action: action(r.action, `${f}.action`),
    };
  });
  if (objectTypeActions) settings.objectTypeActions = objectTypeActions;
  return settings;
}

export interface CreatePackageInput {
  name?: string;
  type: (typeof PACKAGE_TYPES)[number];
  purpose: 'object_migration' | 'project_merge';
  request: PackageRequest;
  importEnvironment?: { id: string; name: string };
}

/** POST /api/migrations with a tocView (object migration or project merge). */
export function parseCreatePackage(body: unknown): CreatePackageInput {
  const root = record(body, 'body');
  const info = record(root.packageInfo, 'packageInfo');
  const purpose = info.purpose === undefined || info.purpose === null ? 'object_migration' : oneOf(info.purpose, ['object_migration', 'project_merge'] as const, 'packageInfo.purpose');
  const type = oneOf(info.type, PACKAGE_TYPES, 'packageInfo.type');
  const toc = optionalRecord(info.tocView, 'packageInfo.tocView') ?? {};
  const rawContent = toc.content ?? [];
  if (!Array.isArray(rawContent)) throw new InvalidInputError('packageInfo.tocView.content must be an array.');
  if (rawContent.length > MAX_CONTENT_ROWS) throw new InvalidInputError(`packageInfo.tocView.content may list at most ${MAX_CONTENT_ROWS} objects.`);
  if (purpose === 'object_migration' && rawContent.length === 0) throw new InvalidInputError('packageInfo.tocView.content must list at least one object.');
  const seen = new Set<string>();
  const content = rawContent.map((raw, i) => {
    const f = `packageInfo.tocView.content[${i}]`;
    const row = record(raw, f);
    const id = guid(row.id, `${f}.id`);
    if (seen.has(id)) throw new InvalidInputError(`${f}.id ${id} is listed twice.`);
    seen.add(id);
    const action = row.action === undefined || row.action === null ? undefined : oneOf(row.action, CONFLICT_ACTIONS, `${f}.action`);
    const includeDependents = optionalBoolean(row.includeDependents, `${f}.includeDependents`);
    const name = optionalText(row.name, `${f}.name`, 250);
    return { id, type: integer(row.type, `${f}.type`, 0, 1_000_000), ...(action ? { action } : {}), ...(includeDependents !== undefined ? { includeDependents } : {}), ...(name ? { name } : {}) };
  });
  const importInfo = optionalRecord(root.importInfo, 'importInfo');
  return {
    name: optionalText(info.name, 'packageInfo.name', 250)?.trim(),
    type,
    purpose,
    request: { settings: parseSettings(toc.settings), content, ...(info.treeView !== undefined ? { treeView: info.treeView } : {}) },
    importEnvironment: importInfo?.environment ? namedRef(importInfo.environment, 'importInfo.environment') : undefined,
  };
}

export interface ImportFromFileInput {
  fileId: string;
  project?: { id: string; name: string };
  environment?: { id: string; name: string };
}

/** POST /api/migrations with purpose migration_from_shared_file_store (the seed's step 4). */
export function parseImportFromFile(body: unknown): ImportFromFileInput {
  const root = record(body, 'body');
  const info = record(root.packageInfo, 'packageInfo');
  const storage = record(info.storage, 'packageInfo.storage');
  const files = record(record(storage.sharedFileStore, 'packageInfo.storage.sharedFileStore').files, 'packageInfo.storage.sharedFileStore.files');
  const fileId = text(files.id, 'packageInfo.storage.sharedFileStore.files.id', 200);
  const importInfo = optionalRecord(root.importInfo, 'importInfo') ?? {};
  const project = importInfo.project ?? info.project;
  return {
    fileId,
    project: project === undefined || project === null ? undefined : namedRef(project, 'importInfo.project', { idIsGuid: true }),
    environment: importInfo.environment === undefined || importInfo.environment === null ? undefined : namedRef(importInfo.environment, 'importInfo.environment'),
  };
}

export function isImportFromFile(body: unknown): boolean {
  return isRecord(body) && isRecord(body.packageInfo) && body.packageInfo.purpose === 'migration_from_shared_file_store';
}

export interface MigrationPatch {
  packageName?: string;
  environment?: { id: string; name: string };
  project?: { id: string; name: string };
  importRequestStatus?: RequestStatus;
  undoRequestStatus?: RequestStatus;
  validationStatus?: 'validating' | 'validated' | 'validation_failed';
}

/** PATCH /api/migrations/{id}: a whitelist merge; every other field is ignored. */
export function parseMigrationPatch(body: unknown): MigrationPatch {
  const root = record(body ?? {}, 'body');
  const info = optionalRecord(root.packageInfo, 'packageInfo') ?? {};
  const imp = optionalRecord(root.importInfo, 'importInfo') ?? {};
  const validation = optionalRecord(root.validation, 'validation') ?? {};
  const patch: MigrationPatch = {};
  if (info.name !== undefined && info.name !== null) patch.packageName = text(info.name, 'packageInfo.name', 250).trim();
  if (imp.environment !== undefined && imp.environment !== null) patch.environment = namedRef(imp.environment, 'importInfo.environment');
  if (imp.project !== undefined && imp.project !== null) patch.project = namedRef(imp.project, 'importInfo.project', { idIsGuid: true });
  if (imp.importRequestStatus !== undefined) patch.importRequestStatus = oneOf(imp.importRequestStatus, REQUEST_STATUSES, 'importInfo.importRequestStatus');
  if (imp.undoRequestStatus !== undefined) patch.undoRequestStatus = oneOf(imp.undoRequestStatus, REQUEST_STATUSES, 'importInfo.undoRequestStatus');
  if (validation.status !== undefined) patch.validationStatus = oneOf(validation.status, ['validating', 'validated', 'validation_failed'] as const, 'validation.status');
  return patch;
}
