import { PostgresAdapter, sql, type Insertable, type InsertQueryBuilder, type InsertResult, type Kysely } from 'kysely';

/** The PostgreSQL type of each column a bulk insert writes: what its array is cast to. */
export type ColumnTypes<Row> = { readonly [Column in keyof Row]-?: 'text' | 'varchar' | 'integer' | 'bigint' };

/**
 * An INSERT of many rows. On PostgreSQL the rows go as one array a column, unnested: the statement has as
 * many parameters as the table has columns, whatever the number of rows, where a multi-row VALUES has one a
 * value, and PostgreSQL parsed and planned those thousands of parameters for every statement (a page of an
 * import's outcomes took twice as long). SQLite prepares the VALUES list in microseconds: it keeps it.
 * Callers chunk the rows within SQLite's limit on parameters, and may add ON CONFLICT.
 */
export function insertRows<DB, Table extends keyof DB & string>(
  db: Kysely<DB>,
  table: Table,
  types: ColumnTypes<Insertable<DB[Table]>>,
  rows: readonly Insertable<DB[Table]>[],
): InsertQueryBuilder<DB, Table, InsertResult> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return db.insertInto(table).values(rows);
  const columns = Object.keys(types) as (keyof Insertable<DB[Table]> & string)[];
  // An insertable row's keys are the table's columns; Kysely's generic types cannot show it.
  const tableColumns = columns as unknown as readonly (keyof DB[Table] & string)[];
  const arrays = columns.map((column) => sql`${rows.map((row) => row[column] ?? null)}::${sql.raw(types[column])}[]`);
  return db
    .insertInto(table)
    .columns(tableColumns)
    .expression(sql`SELECT * FROM unnest(${sql.join(arrays)})`);
}
