/** The migration purposes and package types, for the console and the CLI: lists they send, not only types. */
export { MIGRATION_PURPOSES, PACKAGE_TYPES, isMigrationPurpose, type MigrationPurpose } from '../../domain/migrations/purposes.js';
