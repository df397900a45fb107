import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** How many distinct statements stay prepared; queries with `in (…)` lists of many lengths make many. */
const CACHED_STATEMENTS = 500;

/**
 * Kysely's SQLite driver prepares every query anew; for a short search, preparing costs about as
 * much as running it. This keeps the most recently used statements prepared, keyed by their SQL.
 * A statement still being iterated (a streamed query) is busy: the same SQL then gets a fresh one.
 * SQLite re-prepares a cached statement by itself when the schema changes.
 */
export function withStatementCache(db: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Map order is insertion order: moving it to the end keeps the least recently used first.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        const oldest = cache.keys().next();
        if (cache.size > CACHED_STATEMENTS && !oldest.done) cache.delete(oldest.value);
      }
      return statement;
    },
  };
}
