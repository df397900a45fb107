import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';
import { routingSqliteDialect } from './sqlite-routing-driver.js';
import { WRITE_NOW, WriteBehind } from './write-behind.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, for logs: never includes a password. */
  describe: string;
  /** Request-path writes that must not wait for a long SQLite transaction (on PostgreSQL they never do). */
  writeBehind: WriteBehind;
}

// int8 (bigint) and numeric come back as strings by default; our sizes and times fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function connectDatabase(url: string): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // A client that loses its connection (a database restart, a cut network) emits 'error'; without
    // a listener node would crash. The pool listens only while a client is idle in it, so a client
    // checked out between two queries of a transaction needs its own; its next query then fails
    // as unreachable, and the pool drops it on release.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const safe = new URL(url);
    safe.password = '';
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      describe: safe.toString(),
      writeBehind: WRITE_NOW,
    };
  }
  const file = url.replace(/^sqlite:(\/\/)?/i, '');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // A second connection only reads (WAL lets it see the last commit while the writer holds a transaction).
  const reader = file === ':memory:' ? undefined : new SQLite(file, { readonly: true });
  reader?.pragma('busy_timeout = 5000');
  const { dialect, writer } = routingSqliteDialect(withStatementCache(sqlite), reader && withStatementCache(reader));
  return { db: new Kysely<Database>({ dialect }), dialect: 'sqlite', describe: path.resolve(file), writeBehind: new WriteBehind(writer) };
}
