import { InvalidInputError } from './errors.js';
import { isRecord, oneOf, text } from './input.js';
import { MIGRATION_PURPOSES as PACKAGE_PURPOSES, PACKAGE_TYPES } from './migrations/states.js';

export { PACKAGE_PURPOSES, PACKAGE_TYPES };
import { formatLibraryDate } from './dates.js';
import { fileIdFromGuid } from './ids.js';

export const SHARED_FILE_TYPE = 'migrations.packages';
export const SHARED_FILE_EXTENSION = 'mmp';
export const MAX_NAME_LENGTH = 250;
/** The files table keeps environment ids and names in varchar(2000). */
const MAX_ENVIRONMENT_TEXT = 2000;

export type PackageType = (typeof PACKAGE_TYPES)[number];
export type PackagePurpose = (typeof PACKAGE_PURPOSES)[number];

export interface Named {
  id: string;
  name: string;
}

/** What a client asks for in POST .../sharedFileStore/files, checked. */
export interface SharedFileInput {
  /** Undefined when the client sent none (mstrio sends null when its caller gave no name). */
  name: string | undefined;
  size: number;
  sha256: string;
  environment: Named;
  packageType: PackageType;
  packagePurpose: PackagePurpose;
}

/** A shared file's metadata; `path` is both its wire path and its blob key. */
export interface SharedFile {
  guid: string;
  name: string;
  size: number;
  sha256: string;
  existing: boolean;
  creator: Named;
  environment: Named;
  packageId: string;
  packageType: PackageType;
  packagePurpose: PackagePurpose;
  path: string;
  createdAt: Date;
  updatedAt: Date;
}

function exactly(value: unknown, expected: string, field: string): void {
  if (value !== expected) throw new InvalidInputError(`${field} must be "${expected}"; got ${JSON.stringify(value ?? null)}.`);
}

/** Checks the metadata body of a new shared file; every violation names its field. */
export function parseSharedFileInput(body: unknown, maxSize: number): SharedFileInput {
  if (!isRecord(body)) throw new InvalidInputError('The request body must be a JSON object describing the file.');
  exactly(body.type, SHARED_FILE_TYPE, 'type');
  exactly(body.extension, SHARED_FILE_EXTENSION, 'extension');
  const name = body.name === null || body.name === undefined ? undefined : text(body.name, 'name', MAX_NAME_LENGTH).trim();
  const size = body.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > maxSize) {
    throw new InvalidInputError(`size must be a whole number of bytes from 1 to ${maxSize}; got ${JSON.stringify(size ?? null)}.`);
  }
  if (typeof body.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(body.sha256)) {
    throw new InvalidInputError('sha256 must be the 64 hexadecimal characters of the file\'s SHA-256.');
  }
  if (!isRecord(body.environment)) throw new InvalidInputError('environment must be an object with id and name.');
  const environment = {
    id: text(body.environment.id, 'environment.id', MAX_ENVIRONMENT_TEXT),
    name: text(body.environment.name, 'environment.name', MAX_ENVIRONMENT_TEXT),
  };
  const extraInfo = isRecord(body.extraInfo) ? body.extraInfo : {};
  return {
    name,
    size,
    sha256: body.sha256.toLowerCase(),
    environment,
    packageType: oneOf(extraInfo.packageType, PACKAGE_TYPES, 'extraInfo.packageType'),
    packagePurpose: oneOf(extraInfo.packagePurpose, PACKAGE_PURPOSES, 'extraInfo.packagePurpose'),
  };
}

/** A file sent without a name is named after its own id, so it stays unique and traceable. */
export function defaultFileName(guid: string): string {
  return `uploaded_${guid}`;
}

/** The Library's JSON for a shared file, as POST, PUT .../binary and the list return it. */
export function sharedFileView(file: SharedFile) {
  return {
    id: fileIdFromGuid(file.guid),
    type: SHARED_FILE_TYPE,
    name: file.name,
    path: file.path,
    sha256: file.sha256,
    existing: file.existing,
    size: file.size,
    extension: SHARED_FILE_EXTENSION,
    creator: { id: file.creator.id, name: file.creator.name },
    environment: { id: file.environment.id, name: file.environment.name },
    creationDate: formatLibraryDate(file.createdAt),
    lastUpdatedDate: formatLibraryDate(file.updatedAt),
    extraInfo: { packageId: file.packageId, packageType: file.packageType, packagePurpose: file.packagePurpose },
  };
}
