/**
 * What a migration package is for, and what kind it is: the one list of each, which the server checks, the
 * contract declares and the console and the CLI send. It imports nothing, so the console can carry it.
 */
export const PACKAGE_TYPES = ['project', 'configuration', 'project_security'] as const;

export const MIGRATION_PURPOSES = ['object_migration', 'project_merge', 'migration_from_shared_file_store'] as const;
export type MigrationPurpose = (typeof MIGRATION_PURPOSES)[number];

export function isMigrationPurpose(value: unknown): value is MigrationPurpose {
  return typeof value === 'string' && (MIGRATION_PURPOSES as readonly string[]).includes(value);
}
