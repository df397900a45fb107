import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** How many distinct statements stay prepared; queries with `in (…)` lists of many lengths make many. */
const CACHED_STATEMENTS = 500;
/**
 * How much SQL text the kept statements may hold in all. A prepared statement's native memory grows with its
 * text (30 to 70 bytes a character, measured): a multi-row INSERT of 30,000 parameters is 2.7 MB, and an
 * import or package creation makes one of a new length for every page's last chunk. Kept by count alone, they
 * held hundreds of MB outside the JavaScript heap for as long as the process lived.
 */
export const CACHED_SQL_CHARS = 256 * 1024;

/**
 * Kysely's SQLite driver prepares every query anew; for a short search, preparing costs about as
 * much as running it. This keeps the most recently used statements prepared, keyed by their SQL,
 * within a count and a budget of SQL text (least recently used go first).
 * A statement still being iterated (a streamed query) is busy: the same SQL then gets a fresh one.
 * SQLite re-prepares a cached statement by itself when the schema changes.
 */
export function withStatementCache(db: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  let chars = 0;
  const keep = (sql: string, statement: SQLite.Statement) => {
    if (sql.length > CACHED_SQL_CHARS) return;
    cache.set(sql, statement);
    chars += sql.length;
    // Map order is insertion order: the first key is the least recently used.
    for (const oldest of cache.keys()) {
      if (cache.size <= CACHED_STATEMENTS && chars <= CACHED_SQL_CHARS) break;
      cache.delete(oldest);
      chars -= oldest.length;
    }
  };
  return {
    close: () => db.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Moving it to the end keeps the least recently used first.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      if (!cached) keep(sql, statement);
      return statement;
    },
  };
}
