import { dayFolder } from '../domain/dates.js';

export function packagePath(packageId: string, createdAt: Date): string {
  return `mstr/shared/migrations/packages/${dayFolder(createdAt)}/${packageId}.mmp`;
}

export function undoPath(packageId: string, importId: string): string {
  return `mstr/shared/migrations/undo/${packageId}/${importId}.mmp`;
}
