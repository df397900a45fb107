import { randomBytes } from 'node:crypto';

const GUID = /^[0-9A-F]{32}$/;
const FILE_ID_PREFIX = 'migrations.packages:';

/** A Library object id: 32 upper-case hex characters. */
export function newGuid(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** Shared-file ids are base64("migrations.packages:<GUID>"); with upper-case hex they never contain + or /. */
export function fileIdFromGuid(guid: string): string {
  return Buffer.from(FILE_ID_PREFIX + guid, 'utf8').toString('base64');
}

/** The GUID inside a shared-file id, or undefined when the id is not one of ours. */
export function guidFromFileId(fileId: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(fileId)) return undefined;
  const decoded = Buffer.from(fileId, 'base64').toString('utf8');
  if (!decoded.startsWith(FILE_ID_PREFIX)) return undefined;
  const guid = decoded.slice(FILE_ID_PREFIX.length);
  return isGuid(guid) && fileIdFromGuid(guid) === fileId ? guid : undefined;
}

export interface MigrationId {
  packageId: string;
  importId: string;
}

export function formatMigrationId(id: MigrationId): string {
  return `${id.packageId}:${id.importId}`;
}

export function parseMigrationId(value: string): MigrationId | undefined {
  const [packageId, importId, extra] = value.split(':');
  if (extra !== undefined || !isGuid(packageId) || !isGuid(importId)) return undefined;
  return { packageId, importId };
}
