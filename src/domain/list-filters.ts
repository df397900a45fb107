/**
 * Filters and orders of the package and migration lists (issue 17): an administrator finds a record
 * by text, type, status, creator and time, in an order of their choosing, a page at a time.
 */

/** `-` first: newest, last or Z first. `created` is when a record was made (an import: when it started). */
export const MIGRATION_SORTS = ['-created', 'created', '-updated', 'updated', 'name', '-name', 'status', '-status'] as const;
export type MigrationSort = (typeof MIGRATION_SORTS)[number];

export const FILE_SORTS = ['-created', 'created', 'name', '-name', 'size', '-size'] as const;
export type FileSort = (typeof FILE_SORTS)[number];

/** Where a migration's package came from: made here from a tocView, uploaded as a file, or a source's record replicated here. */
export const MIGRATION_ORIGINS = ['created', 'uploaded', 'replicated'] as const;
export type MigrationOrigin = (typeof MIGRATION_ORIGINS)[number];

export interface ListFilters {
  /** Text found in the name or an id, in any case. */
  q?: string;
  /** Package types (project, configuration, project_security). */
  types: string[];
  /** Text found in the creator's name or id. */
  creator?: string;
  /** Made at or after, at or before: epoch milliseconds. */
  from?: number;
  to?: number;
}

/** A sort name as its column key and direction. */
export function sortOrder<K extends string>(sort: `-${K}` | K): { key: K; direction: 'asc' | 'desc' } {
  return sort.startsWith('-') ? { key: sort.slice(1) as K, direction: 'desc' } : { key: sort as K, direction: 'asc' };
}
