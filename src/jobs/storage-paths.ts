import { dayFolder } from '../domain/dates.js';

/** The Library's keys (clients see them): one per package and one per import, whatever the attempt. */
export function packagePath(packageId: string, createdAt: Date): string {
  return `mstr/shared/migrations/packages/${dayFolder(createdAt)}/${packageId}.mmp`;
}

export function undoPath(packageId: string, importId: string): string {
  return `mstr/shared/migrations/undo/${packageId}/${importId}.mmp`;
}
