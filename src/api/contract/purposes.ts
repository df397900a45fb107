/** The migration purposes and package types, for the console and the CLI: lists they send, not only types. */
export { MIGRATION_PURPOSES, isMigrationPurpose, type MigrationPurpose } from '../../domain/migrations/purposes.js';
export { PACKAGE_TYPES } from '../../domain/migrations/states.js';
