import type { Kysely } from 'kysely';
import { loadConfig } from '../config/load.js';
import type { Database } from '../store/db/schema.js';

/** Where a command finds the environment: its data dir, and a config file if any. */
export interface StoreOptions {
  dataDir: string;
  config?: string;
}

/**
 * An environment's database for commands that only read (`audit`, `users list`): no schema
 * migration, no storage recovery, no seeding. A database at an older schema is refused, not upgraded.
 */
export async function withReadOnlyDatabase<T>(opts: StoreOptions, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir: opts.dataDir, configFile: opts.config });
  // The database drivers load only when a command runs, so that `packstore --help` stays fast.
  const [{ connectDatabase }, { schemaIsCurrent }] = await Promise.all([import('../store/db/connect.js'), import('../store/db/migrate.js')]);
  const { db, describe } = connectDatabase(config.databaseUrl);
  try {
    if (!(await schemaIsCurrent(db))) {
      throw new Error(`The database at ${describe} has an older schema (or none): start the server once to bring it up to date.`);
    }
    return await work(db);
  } finally {
    await db.destroy();
  }
}
