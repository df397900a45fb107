import { PostgresAdapter, sql, type Insertable, type InsertQueryBuilder, type InsertResult, type Kysely, type RawBuilder } from 'kysely';

/** The PostgreSQL type an unnested column's array is cast to. */
export type ColumnType = 'text' | 'varchar' | 'integer' | 'bigint';

/** The PostgreSQL type of each column of a row: a text type for strings, an integer type for numbers. */
export type ColumnTypes<Row> = { readonly [Column in keyof Row]-?: NonNullable<Row[Column]> extends number ? 'integer' | 'bigint' : 'text' | 'varchar' };

/** One column of rows to insert: its values in row order, and their type. */
export interface Column {
  type: ColumnType;
  values: readonly unknown[];
}

/**
 * Rows given as columns (of equal length), as the source of `INSERT … SELECT`, for PostgreSQL: one array a
 * column, unnested. The statement has as many parameters as columns, whatever the number of rows, where a
 * multi-row VALUES has one a value, and PostgreSQL parsed and planned those thousands of parameters for every
 * statement (a page of an import's outcomes took twice as long).
 */
function unnested(columns: readonly Column[]): RawBuilder<unknown> {
  const arrays = columns.map(({ type, values }) => sql`${values}::${sql.raw(type)}[]`);
  return sql`SELECT * FROM unnest(${sql.join(arrays)})`;
}

/** Rows given as columns as an INSERT's source: unnested arrays on PostgreSQL (`unnested`), a multi-row VALUES elsewhere. */
export function rowSource(postgres: boolean, columns: readonly Column[]): RawBuilder<unknown> {
  if (postgres) return unnested(columns);
  const rows = Array.from({ length: columns[0]?.values.length ?? 0 }, (_, row) => sql`(${sql.join(columns.map((column) => column.values[row]))})`);
  return sql`VALUES ${sql.join(rows)}`;
}

/**
 * An INSERT of many whole rows: unnested arrays on PostgreSQL (`unnested`); a multi-row VALUES on SQLite,
 * which prepares it in microseconds. Rows are whole: a column one leaves out would be NULL on PostgreSQL and its
 * default on SQLite. Callers chunk the rows within SQLite's limit on parameters, and may add ON CONFLICT.
 */
export function insertRows<DB, Table extends keyof DB & string>(
  db: Kysely<DB>,
  table: Table,
  types: ColumnTypes<Insertable<DB[Table]>>,
  rows: readonly Insertable<DB[Table]>[],
): InsertQueryBuilder<DB, Table, InsertResult> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return db.insertInto(table).values(rows);
  const names = Object.keys(types) as (keyof Insertable<DB[Table]> & string)[];
  const columns = names.map((name) => ({ type: types[name], values: rows.map((row) => row[name] ?? null) }));
  // An insertable row's keys are the table's columns; Kysely's generic types cannot show it.
  const tableColumns = names as unknown as readonly (keyof DB[Table] & string)[];
  return db.insertInto(table).columns(tableColumns).expression(unnested(columns));
}
