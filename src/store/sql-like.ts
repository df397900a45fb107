import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** The LIKE form of a needle: lower case, its wildcards escaped (ESCAPE '\'). */
export function likeEscaped(needle: string): string {
  return needle.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Case-insensitive LIKE on both dialects (PostgreSQL's LIKE heeds case; lower() on both sides does not). */
export function like(column: RawBuilder<unknown>, pattern: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`;
}

/** The column holds the needle anywhere, in any case. */
export function contains(column: RawBuilder<unknown>, needle: string): RawBuilder<SqlBool> {
  return like(column, `%${likeEscaped(needle)}%`);
}
