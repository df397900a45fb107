import type { Database } from './schema.js';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m001 from './migrations/001_auth_and_files.js';
import * as m002 from './migrations/002_metadata.js';
import * as m003 from './migrations/003_migrations.js';
import * as m004 from './migrations/004_audit.js';
import * as m005 from './migrations/005_upload_claim_time.js';
import * as m006 from './migrations/006_login_throttle.js';
import * as m007 from './migrations/007_ownership_and_retries.js';
import * as m008 from './migrations/008_identity_tokens.js';
import * as m009 from './migrations/009_search.js';
import * as m011 from './migrations/011_package_signing.js';
import * as m012 from './migrations/012_resumable_uploads.js';
import * as m013 from './migrations/013_diffs.js';
import * as m014 from './migrations/014_package_source.js';
import * as m015 from './migrations/015_report_outcomes.js';
import * as m016 from './migrations/016_project_revisions.js';
import * as m017 from './migrations/017_package_toc.js';
import * as m018 from './migrations/018_undo_checksum.js';

/** Migrations are listed here, in order, so that a bundled or compiled build needs no directory scan. */
const MIGRATIONS: Record<string, Migration> = {
  '001_auth_and_files': m001,
  '002_metadata': m002,
  '003_migrations': m003,
  '004_audit': m004,
  '005_upload_claim_time': m005,
  '006_login_throttle': m006,
  '007_ownership_and_retries': m007,
  '008_identity_tokens': m008,
  '009_search': m009,
  '011_package_signing': m011,
  '012_resumable_uploads': m012,
  '013_diffs': m013,
  '014_package_source': m014,
  '015_report_outcomes': m015,
  '016_project_revisions': m016,
  '017_package_toc': m017,
  '018_undo_checksum': m018,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

function migratorFor(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableName: 'packstore_migrations',
    migrationLockTableName: 'packstore_migrations_lock',
  });
}

/** True when every schema migration has run: read-only tools use a database only then, and never migrate it. */
export async function schemaIsCurrent(db: Kysely<Database>): Promise<boolean> {
  const migrations = await migratorFor(db).getMigrations();
  return migrations.every((m) => m.executedAt !== undefined);
}

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const { error, results } = await migratorFor(db).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Schema migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
