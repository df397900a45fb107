import { InvalidInputError } from '../errors.js';
import { guid, integer, isRecord, namedRef, oneOf, optionalBoolean, optionalRecord, optionalText, record, text, type JsonObject } from '../input.js';
import type { ConflictAction, PackageSettings } from '../mmp/types.js';
import type { Certification, PackageRequest } from './records.js';
import { MIGRATION_PURPOSES, PACKAGE_TYPES, REQUEST_STATUSES, isOneOf, type MigrationPurpose, type RequestStatus } from './states.js';
import { misplacedObject } from './package-kinds.js';

export const CONFLICT_ACTIONS: readonly ConflictAction[] = ['use_existing', 'replace', 'keep_both', 'use_newer', 'use_older', 'force_replace', 'delete'];
const ACL_ON_REPLACING = ['use_existing', 'replace', 'keep_both'] as const;
const ACL_ON_NEW = ['keep_acl_as_source_object', 'inherit_acl_as_dest_folder'] as const;
const UPDATE_SCHEMA = ['recal_table_logical_size', 'recal_table_keys_fact_entry_level', 'update_schema_logical_info'] as const;
const TRANSLATION_ACTIONS = ['not_merged', 'use_existing', 'replace', 'force_replace', 'existing'] as const;
const MAX_CONTENT_ROWS = 1_000_000;
const USER_TYPE = 34;

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
    aclOnReplacingObjects:
      s.aclOnReplacingObjects === undefined || s.aclOnReplacingObjects === null
        ? 'use_existing'
        : oneOf(s.aclOnReplacingObjects, ACL_ON_REPLACING, `${field}.aclOnReplacingObjects`),
    aclOnNewObjects: stringList(s.aclOnNewObjects, ACL_ON_NEW, `${field}.aclOnNewObjects`) ?? ['keep_acl_as_source_object'],
  };
  const updateSchema = stringList(s.updateSchema, UPDATE_SCHEMA, `${field}.updateSchema`);
  if (updateSchema) settings.updateSchema = updateSchema;
  const validateDependencies = optionalBoolean(s.validateDependencies, `${field}.validateDependencies`);
  if (validateDependencies !== undefined) settings.validateDependencies = validateDependencies;
  if (s.translationAction !== undefined && s.translationAction !== null) {
    settings.translationAction = oneOf(s.translationAction, TRANSLATION_ACTIONS, `${field}.translationAction`);
  }
  const folderActions = actionList(s.folderActions, `${field}.folderActions`, (r, f) => ({
    id: guid(r.id, `${f}.id`),
    action: action(r.action, `${f}.action`),
  }));
  if (folderActions) settings.folderActions = folderActions;
  const objectActions = actionList(s.objectActions, `${field}.objectActions`, (r, f) => ({
    id: guid(r.id, `${f}.id`),
    action: action(r.action, `${f}.action`),
  }));
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

/** GET /api/migrations?packageInfo.purpose=: a comma list of purposes, object_migration when absent. */
export function parsePurposeList(raw: string | undefined): MigrationPurpose[] {
  const purposes = (raw ?? 'object_migration')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of purposes)
    if (!isOneOf(MIGRATION_PURPOSES, p))
      throw new InvalidInputError(`packageInfo.purpose must list values of ${MIGRATION_PURPOSES.join(', ')}; got ${JSON.stringify(p)}.`);
  return purposes as MigrationPurpose[];
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
  const purpose =
    info.purpose === undefined || info.purpose === null
      ? 'object_migration'
      : oneOf(info.purpose, ['object_migration', 'project_merge'] as const, 'packageInfo.purpose');
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
    return {
      id,
      type: integer(row.type, `${f}.type`, 0, 1_000_000),
      ...(action ? { action } : {}),
      ...(includeDependents !== undefined ? { includeDependents } : {}),
      ...(name ? { name } : {}),
    };
  });
  if (type === 'project_security') {
    const other = content.findIndex((row) => row.type !== USER_TYPE);
    if (other >= 0)
      throw new InvalidInputError(`packageInfo.tocView.content[${other}]: a project_security package holds only users and user groups (type ${USER_TYPE}).`);
  }
  content.forEach((row, i) => {
    const problem = misplacedObject(type, row);
    if (problem) throw new InvalidInputError(`packageInfo.tocView.content[${i}]: ${problem}`);
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
    environment:
      importInfo.environment === undefined || importInfo.environment === null ? undefined : namedRef(importInfo.environment, 'importInfo.environment'),
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
  /** Only a request for a validation: its result is set by the validation run itself. */
  validationStatus?: 'validating';
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
  if (validation.status !== undefined) patch.validationStatus = requestedValidation(validation.status);
  return patch;
}

/**
 * A client asks for a validation (mstrio's trigger_validation PATCHes `validating`); `validated` and
 * `validation_failed` are results only a validation run may record. 400, not 403: no caller, whatever
 * their privileges, may set a result, so the request itself is wrong.
 */
function requestedValidation(status: unknown): 'validating' {
  if (status === 'validated' || status === 'validation_failed') {
    throw new InvalidInputError(
      `validation.status cannot be set to ${status}: only a validation run (PUT /api/migrations/{id}/validation) records its result; a client may only request one with validating.`,
    );
  }
  return oneOf(status, ['validating'] as const, 'validation.status');
}

/** What a target needs from the source's record (the showContent=all body of M5 and M8). */
export interface ReplicatedRecordInput {
  packageId: string;
  importId: string;
  name: string;
  type: (typeof PACKAGE_TYPES)[number];
  purpose: 'object_migration' | 'project_merge' | 'migration_from_shared_file_store';
  status?: string;
  storage: { path: string; size: number; sha256?: string };
  creator: { id: string; name: string };
  sourceEnvironment: { id: string; name: string };
  sourceProject?: { id: string; name: string };
  targetEnvironment?: { id: string; name: string };
  targetProject?: { id: string; name: string };
  request: PackageRequest;
  certification?: Certification;
}

/** PUT /api/migrations/{id} and PUT …/validation: the source record, as the source returned it. */
export function parseReplicatedRecord(body: unknown, packageId: string, importId: string): ReplicatedRecordInput {
  const root = record(body, 'body');
  const info = record(root.packageInfo, 'packageInfo');
  const imp = optionalRecord(root.importInfo, 'importInfo') ?? {};
  if (info.id !== undefined && info.id !== packageId)
    throw new InvalidInputError(`packageInfo.id ${JSON.stringify(info.id)} is not the package of migration ${packageId}:${importId}.`);
  if (imp.id !== undefined && imp.id !== importId)
    throw new InvalidInputError(`importInfo.id ${JSON.stringify(imp.id)} is not the import of migration ${packageId}:${importId}.`);
  const storage = record(info.storage, 'packageInfo.storage');
  const path = text(storage.path, 'packageInfo.storage.path', 512);
  const size = integer(storage.size, 'packageInfo.storage.size', 1, Number.MAX_SAFE_INTEGER);
  const sha256 = storage.sha256 === undefined || storage.sha256 === null ? undefined : text(storage.sha256, 'packageInfo.storage.sha256', 64);
  if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256)) throw new InvalidInputError('packageInfo.storage.sha256 must be 64 hexadecimal characters.');
  const toc = optionalRecord(info.tocView, 'packageInfo.tocView') ?? {};
  const content = Array.isArray(toc.content)
    ? toc.content.filter(isRecord).map((row) => ({
        id: String(row.id),
        type: Number(row.type),
        ...(typeof row.action === 'string' ? { action: row.action } : {}),
        ...(typeof row.name === 'string' ? { name: row.name } : {}),
      }))
    : [];
  const creator = optionalRecord(info.creator, 'packageInfo.creator');
  return {
    packageId,
    importId,
    name: text(info.name, 'packageInfo.name', 250),
    type: oneOf(info.type, PACKAGE_TYPES, 'packageInfo.type'),
    purpose:
      info.purpose === undefined || info.purpose === null
        ? 'object_migration'
        : oneOf(info.purpose, ['object_migration', 'project_merge', 'migration_from_shared_file_store'] as const, 'packageInfo.purpose'),
    status: typeof info.status === 'string' ? info.status : undefined,
    storage: { path, size, ...(sha256 ? { sha256: sha256.toLowerCase() } : {}) },
    creator: creator && typeof creator.id === 'string' ? { id: creator.id, name: typeof creator.name === 'string' ? creator.name : '' } : { id: '', name: '' },
    sourceEnvironment: info.environment ? namedRef(info.environment, 'packageInfo.environment') : { id: '', name: '' },
    sourceProject: info.project ? namedRef(info.project, 'packageInfo.project', { idIsGuid: true }) : undefined,
    targetEnvironment: imp.environment ? namedRef(imp.environment, 'importInfo.environment') : undefined,
    targetProject: imp.project ? namedRef(imp.project, 'importInfo.project', { idIsGuid: true }) : undefined,
    request: { settings: parseSettings(toc.settings), content },
    ...(isRecord(info.certification)
      ? {
          certification: {
            ...parseCertification(info.certification),
            lastUpdatedDate: typeof info.certification.lastUpdatedDate === 'string' ? info.certification.lastUpdatedDate : null,
          },
        }
      : {}),
  };
}

export interface CertificationInput {
  status: 'uncertified' | 'requested' | 'certified' | 'rejected';
  operator: { id: string; name: string; fullName?: string };
  lastUpdatedDate?: string;
}

/** PATCH …/packageInfo/certification: mstrio's flat body or the docs' wrapped one. */
export function parseCertification(body: unknown): CertificationInput {
  const root = record(body, 'body');
  const wrapped = isRecord(root.packageInfo) && isRecord(root.packageInfo.certification) ? root.packageInfo.certification : root;
  const status = oneOf(wrapped.status, ['uncertified', 'requested', 'certified', 'rejected'] as const, 'certification.status');
  const operator = record(wrapped.operator, 'certification.operator');
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    status,
    operator: {
      id: guid(operator.id, 'certification.operator.id'),
      name: str(operator.name),
      ...(typeof operator.fullName === 'string' ? { fullName: operator.fullName } : {}),
    },
    ...(typeof wrapped.lastUpdatedDate === 'string' ? { lastUpdatedDate: wrapped.lastUpdatedDate } : {}),
  };
}

/** POST /api/migrations?packageId= (reuse): where the new import goes. */
export function parseReuse(body: unknown): { environment?: { id: string; name: string }; project?: { id: string; name: string } } {
  const root = optionalRecord(body, 'body') ?? {};
  const imp = optionalRecord(root.importInfo, 'importInfo') ?? {};
  return {
    environment: imp.environment ? namedRef(imp.environment, 'importInfo.environment') : undefined,
    project: imp.project ? namedRef(imp.project, 'importInfo.project', { idIsGuid: true }) : undefined,
  };
}

/** PUT /api/migrations/{id}/packageInfo (edit): a new name and content; type and purpose cannot change. */
export function parsePackageEdit(body: unknown, current: { type: string; purpose: string }): { name?: string; request: PackageRequest } {
  const root = record(body, 'body');
  const info = isRecord(root.packageInfo) ? root.packageInfo : root;
  if (info.type !== undefined && info.type !== current.type) throw new InvalidInputError(`type cannot change (it is ${current.type}).`);
  if (info.purpose !== undefined && info.purpose !== current.purpose) throw new InvalidInputError(`purpose cannot change (it is ${current.purpose}).`);
  const parsed = parseCreatePackage({
    packageInfo: { ...info, type: current.type, purpose: current.purpose === 'project_merge' ? 'project_merge' : 'object_migration' },
  });
  return { name: parsed.name, request: parsed.request };
}
