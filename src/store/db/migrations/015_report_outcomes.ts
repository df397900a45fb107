import { sql, type Kysely } from 'kysely';
import { summarize } from '../../../domain/migrations/report.js';
import type { ObjectOutcome } from '../../../domain/migrations/records.js';

/** Imports whose JSON report is moved per statement: a report may hold many objects. */
const IMPORTS_PER_STEP = 20;
const ROWS_PER_INSERT = 500;

/**
 * The per-object report (issue 17): one row per object in import_outcomes, so that a report of a
 * million objects is read a page at a time, filtered and sorted in SQL. The counts by action and type
 * are kept on the import as they are written (report_summary), so a page never counts the whole report.
 * The JSON column `imports.report` is moved into the table, then dropped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_outcomes')
    .addColumn('import_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('object_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('conflict', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('target_id', 'varchar(32)')
    .addColumn('message', 'text')
    .addPrimaryKeyConstraint('import_outcomes_pk', ['import_id', 'seq'])
    .execute();
  // The filters and sorts a report page uses, each ending in seq so that pages keep the package order.
  await db.schema.createIndex('import_outcomes_action_idx').on('import_outcomes').columns(['import_id', 'action', 'seq']).execute();
  await db.schema.createIndex('import_outcomes_type_idx').on('import_outcomes').columns(['import_id', 'type', 'seq']).execute();
  await db.schema.createIndex('import_outcomes_name_idx').on('import_outcomes').columns(['import_id', 'name', 'seq']).execute();
  await db.schema.alterTable('imports').addColumn('report_summary', 'text').execute();
  await moveReports(db);
  await db.schema.alterTable('imports').dropColumn('report').execute();
}

async function moveReports(db: Kysely<unknown>): Promise<void> {
  for (let after = ''; ; ) {
    const rows = await sql<{
      id: string;
      report: string;
    }>`SELECT id, report FROM imports WHERE report IS NOT NULL AND id > ${after} ORDER BY id LIMIT ${IMPORTS_PER_STEP}`.execute(db);
    if (rows.rows.length === 0) return;
    for (const row of rows.rows) {
      const outcomes = JSON.parse(row.report) as ObjectOutcome[];
      for (let i = 0; i < outcomes.length; i += ROWS_PER_INSERT) {
        const values = outcomes
          .slice(i, i + ROWS_PER_INSERT)
          .map((o, j) => sql`(${row.id}, ${i + j}, ${o.id}, ${o.type}, ${o.name}, ${o.conflict}, ${o.action}, ${o.targetId ?? null}, ${o.message ?? null})`);
        await sql`INSERT INTO import_outcomes (import_id, seq, object_id, type, name, conflict, action, target_id, message) VALUES ${sql.join(values)}`.execute(
          db,
        );
      }
      await sql`UPDATE imports SET report_summary = ${JSON.stringify(summarize(outcomes))} WHERE id = ${row.id}`.execute(db);
      after = row.id;
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('imports').addColumn('report', 'text').execute();
  await db.schema.alterTable('imports').dropColumn('report_summary').execute();
  await db.schema.dropTable('import_outcomes').execute();
}
