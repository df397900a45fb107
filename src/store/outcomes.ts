import { sql, type Insertable, type Kysely } from 'kysely';
import type { ImportOutcomesTable } from './db/migration-tables.js';
import type { Database } from './db/schema.js';
import type { ObjectOutcome } from '../domain/migrations/records.js';
import { EMPTY_SUMMARY, summarize, summaryOf, type ReportQuery, type ReportSort, type ReportSummary } from '../domain/migrations/report.js';
import { contains } from './sql-like.js';
import { insertRows, type ColumnTypes } from './db/insert-rows.js';

/** Rows per INSERT: well under either dialect's limit on bound parameters (9 a row). */
const ROWS_PER_INSERT = 500;
const OUTCOME_TYPES: ColumnTypes<Insertable<ImportOutcomesTable>> = {
  import_id: 'varchar',
  seq: 'integer',
  object_id: 'varchar',
  type: 'integer',
  name: 'text',
  conflict: 'varchar',
  action: 'varchar',
  target_id: 'varchar',
  message: 'text',
};

const ORDER: Record<ReportSort, { column: 'seq' | 'name' | 'type' | 'action' | 'conflict'; direction: 'asc' | 'desc' }> = {
  package: { column: 'seq', direction: 'asc' },
  name: { column: 'name', direction: 'asc' },
  '-name': { column: 'name', direction: 'desc' },
  type: { column: 'type', direction: 'asc' },
  '-type': { column: 'type', direction: 'desc' },
  action: { column: 'action', direction: 'asc' },
  '-action': { column: 'action', direction: 'desc' },
  conflict: { column: 'conflict', direction: 'asc' },
  '-conflict': { column: 'conflict', direction: 'desc' },
};

/** The per-object report of an import's last run (import or validation), one row per object. */
export class OutcomeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Replaces the import's report and its counts; call it in the transaction that records the run's end. */
  async record(importId: string, outcomes: readonly ObjectOutcome[]): Promise<void> {
    await this.clear(importId);
    await this.append(importId, 0, outcomes);
    await this.keepSummary(importId, summarize(outcomes));
  }

  /** A report written page by page (in the run's transaction): clear it, append each page, then close it. */
  async clear(importId: string): Promise<void> {
    await this.db.deleteFrom('import_outcomes').where('import_id', '=', importId).execute();
  }

  /** One page of the report; `firstSeq` is the package position of its first object. */
  async append(importId: string, firstSeq: number, outcomes: readonly ObjectOutcome[]): Promise<void> {
    for (let i = 0; i < outcomes.length; i += ROWS_PER_INSERT) {
      const rows = outcomes.slice(i, i + ROWS_PER_INSERT).map((o, j) => ({
        import_id: importId,
        seq: firstSeq + i + j,
        object_id: o.id,
        type: o.type,
        name: o.name,
        conflict: o.conflict,
        action: o.action,
        target_id: o.targetId ?? null,
        message: o.message ?? null,
      }));
      await insertRows(this.db, 'import_outcomes', OUTCOME_TYPES, rows).execute();
    }
  }

  /** Counts the appended report in the database and keeps the counts. */
  async close(importId: string): Promise<void> {
    const rows = await this.db
      .selectFrom('import_outcomes')
      .select(['action', 'type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('import_id', '=', importId)
      .groupBy(['action', 'type'])
      .execute();
    const actions = new Map<string, number>();
    const types = new Map<number, number>();
    for (const { action, type, n } of rows) {
      actions.set(action, (actions.get(action) ?? 0) + Number(n));
      types.set(type, (types.get(type) ?? 0) + Number(n));
    }
    await this.keepSummary(importId, summaryOf(actions, types));
  }

  private async keepSummary(importId: string, summary: ReportSummary): Promise<void> {
    await this.db
      .updateTable('imports')
      .set({ report_summary: JSON.stringify(summary) })
      .where('id', '=', importId)
      .execute();
  }

  /** Counts by action and type, kept when the report was written: nothing is counted here. */
  async summary(importId: string): Promise<ReportSummary> {
    const row = await this.db.selectFrom('imports').select('report_summary').where('id', '=', importId).executeTakeFirst();
    return row?.report_summary ? (JSON.parse(row.report_summary) as ReportSummary) : EMPTY_SUMMARY;
  }

  /** One page, filtered and ordered in SQL; `total` counts what the filters match. */
  async page(importId: string, query: ReportQuery, summary: ReportSummary): Promise<{ total: number; outcomes: ObjectOutcome[] }> {
    let base = this.db.selectFrom('import_outcomes').where('import_id', '=', importId);
    if (query.action !== undefined) base = base.where('action', '=', query.action);
    if (query.type !== undefined) base = base.where('type', '=', query.type);
    const q = query.q?.trim();
    if (q) base = base.where((eb) => eb.or([contains(sql.ref('name'), q), contains(sql.ref('object_id'), q)]));
    const filtered = query.action !== undefined || query.type !== undefined || Boolean(q);
    // Unfiltered, the kept counts give the total: a million-object report is not counted per page.
    const total = filtered ? Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n) : summary.total;
    const order = ORDER[query.sort];
    const rows = await base
      .selectAll()
      .orderBy(order.column, order.direction)
      .orderBy('seq', order.direction)
      .offset(query.offset)
      .limit(query.limit)
      .execute();
    const outcomes = rows.map((r) => ({
      id: r.object_id,
      type: r.type,
      name: r.name,
      conflict: r.conflict,
      action: r.action,
      ...(r.target_id ? { targetId: r.target_id } : {}),
      ...(r.message ? { message: r.message } : {}),
    }));
    return { total, outcomes };
  }
}
