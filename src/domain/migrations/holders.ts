import { guid } from '../input.js';
import { InvalidInputError } from '../errors.js';
import type { ImportRecord, PackageRecord } from './records.js';

/**
 * The older /api/packages API (contract §5) names packages and imports by
 * base64("<projectId>:<GUID>") and shows upper-case statuses.
 */
export function holderId(projectId: string, guidValue: string): string {
  return Buffer.from(`${projectId}:${guidValue}`, 'utf8').toString('base64');
}

export function parseHolderId(value: string, field = 'id'): { projectId: string; guid: string } {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64').toString('utf8') : '';
  const [projectId, id, extra] = decoded.split(':');
  if (extra !== undefined || holderId(projectId ?? '', id ?? '') !== value)
    throw new InvalidInputError(`${field} is not a package id of this API (base64 of "<projectId>:<id>").`);
  return { projectId: guid(projectId, `${field} (project part)`), guid: guid(id, `${field} (id part)`) };
}

const PACKAGE_STATUS: Record<PackageRecord['status'], string> = {
  empty: 'EMPTY',
  creating: 'PROCESSING',
  created: 'READY',
  locked: 'READY',
  create_failed: 'FAILED',
  unknown: 'UNKNOWN',
};

export function holderStatus(pkg: PackageRecord): string {
  return PACKAGE_STATUS[pkg.status];
}

export function holderImportStatus(imp: ImportRecord): string {
  switch (imp.status) {
    case 'pending':
    case 'importing':
      return 'PROCESSING';
    case 'imported':
      return 'IMPORTED';
    case 'import_failed':
      return 'FAILED';
    case 'undoing':
      return 'UNDOING';
    case 'undo_success':
      return 'UNDONE';
    case 'undo_failed':
      return 'UNDO_FAILED';
  }
}
