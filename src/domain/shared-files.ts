import { InvalidInputError } from './errors.js';
import { isRecord, oneOf, text } from './input.js';
import { MIGRATION_PURPOSES as PACKAGE_PURPOSES, PACKAGE_TYPES } from './migrations/states.js';

export { PACKAGE_PURPOSES, PACKAGE_TYPES };
import { formatLibraryDate } from './dates.js';
import { fileIdFromGuid } from './ids.js';
import type { PackageSource } from './package-source.js';
import type { SignatureRecord } from './signature-states.js';

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
  /** Undefined when the client left it to the package's header (the console sends only the file). */
  environment: Named | undefined;
  packageType: PackageType | undefined;
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
  /** As the client declared them; undefined when it left them to the header. */
  environment: Named | undefined;
  packageId: string;
  packageType: PackageType | undefined;
  packagePurpose: PackagePurpose;
  path: string;
  /** What the package's header says, recorded when the binary is uploaded. */
  source?: PackageSource;
  /** Who signed the uploaded package; undefined before the upload, or when the binary is not a package. */
  signature?: SignatureRecord;
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
    throw new InvalidInputError("sha256 must be the 64 hexadecimal characters of the file's SHA-256.");
  }
  const extraInfo = isRecord(body.extraInfo) ? body.extraInfo : {};
  return {
    name,
    size,
    sha256: body.sha256.toLowerCase(),
    environment: absent(body.environment) ? undefined : environmentOf(body.environment),
    packageType: absent(extraInfo.packageType) ? undefined : oneOf(extraInfo.packageType, PACKAGE_TYPES, 'extraInfo.packageType'),
    packagePurpose: absent(extraInfo.packagePurpose)
      ? 'migration_from_shared_file_store'
      : oneOf(extraInfo.packagePurpose, PACKAGE_PURPOSES, 'extraInfo.packagePurpose'),
  };
}

const absent = (value: unknown) => value === undefined || value === null;

function environmentOf(value: unknown): Named {
  if (!isRecord(value)) throw new InvalidInputError('environment must be an object with id and name.');
  return {
    id: text(value.id, 'environment.id', MAX_ENVIRONMENT_TEXT),
    name: text(value.name, 'environment.name', MAX_ENVIRONMENT_TEXT),
  };
}

/** A file sent without a name is named after its own id, so it stays unique and traceable. */
export function defaultFileName(guid: string): string {
  return `uploaded_${guid}`;
}

/**
 * A declared package type that the header contradicts: the header is what the bytes are, so the upload is
 * refused rather than recorded under the wrong type.
 */
export function contradiction(file: SharedFile, source: PackageSource): string | undefined {
  if (file.packageType === undefined || file.packageType === source.packageType) return undefined;
  return (
    `The file was declared as a ${file.packageType} package, but its header says it is a ${source.packageType} package ` +
    `(package ${source.packageId} from ${source.environment.name || source.environment.id}). Nothing was kept.`
  );
}

/**
 * The Library's JSON for a shared file, as POST, PUT .../binary and the list return it. Once the binary is in,
 * the header's values fill what the client left out, and `source` carries the lineage (mstrio ignores it).
 */
export function sharedFileView(file: SharedFile, warning?: DuplicateWarning) {
  const environment = file.environment ?? file.source?.environment ?? { id: '', name: '' };
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
    environment: { id: environment.id, name: environment.name },
    creationDate: formatLibraryDate(file.createdAt),
    lastUpdatedDate: formatLibraryDate(file.updatedAt),
    extraInfo: { packageId: file.packageId, packageType: file.packageType ?? file.source?.packageType ?? '', packagePurpose: file.packagePurpose },
    ...(file.source ? { source: file.source } : {}),
    ...(warning ? { warning } : {}),
    // A Packstore extension (mstrio ignores unknown keys): who signed the uploaded package.
    ...(file.signature ? { signature: file.signature } : {}),
  };
}

/** Said when a file's bytes are already stored under another file. */
export interface DuplicateWarning {
  code: 'duplicate';
  message: string;
  existingFileId: string;
}

export function duplicateWarning(existing: SharedFile): DuplicateWarning {
  const id = fileIdFromGuid(existing.guid);
  return { code: 'duplicate', message: `The same bytes (sha256 ${existing.sha256}) are already stored as ${existing.name} (${id}).`, existingFileId: id };
}
