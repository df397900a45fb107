/** The migration purposes, for the console and the CLI: a list they send, not only a type. */
export { MIGRATION_PURPOSES, isMigrationPurpose, type MigrationPurpose } from '../../domain/migrations/purposes.js';
