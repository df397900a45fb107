import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import type { DialectName } from '../store/db/connect.js';
import { newGuid } from '../domain/ids.js';

/** `diff` jobs carry the diff's id as their package id. */
export type JobKind = 'create_package' | 'import' | 'undo' | 'validate' | 'diff';

export interface Job {
  id: string;
  kind: JobKind;
  packageId: string;
  importId: string | null;
  attempts: number;
}

/**
 * A table-backed job queue. A claim is a conditional UPDATE, so of several nodes exactly one
 * wins a job; a job whose lease ran out (its node died) can be claimed again.
 */
export class JobQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    readonly nodeId: string,
    readonly leaseMs: number,
  ) {}

  /** Pass the transaction that writes the job's record: the two commit together or not at all. */
  async enqueue(db: Kysely<Database>, kind: JobKind, packageId: string, importId: string | null): Promise<string> {
    const now = Date.now();
    const id = newGuid();
    await db
      .insertInto('jobs')
      .values({
        id,
        kind,
        package_id: packageId,
        import_id: importId,
        state: 'queued',
        owner: null,
        lease_until: 0,
        attempts: 0,
        error: null,
        created_at: now,
        updated_at: now,
        run_after: 0,
      })
      .execute();
    return id;
  }

  async claim(now = Date.now()): Promise<Job | undefined> {
    return this.dialect === 'postgres' ? this.claimSkipLocked(now) : this.claimOptimistic(now);
  }

  /** PostgreSQL: nodes polling at once skip each other's locked rows instead of queueing behind them. */
  private async claimSkipLocked(now: number): Promise<Job | undefined> {
    const { rows } = await sql<{ id: string; kind: JobKind; package_id: string; import_id: string | null; attempts: number }>`
      UPDATE jobs SET state = 'running', owner = ${this.nodeId}, lease_until = ${now + this.leaseMs}, attempts = attempts + 1, updated_at = ${now}
      WHERE id = (
        SELECT id FROM jobs
        WHERE (state = 'queued' AND run_after <= ${now}) OR (state = 'running' AND lease_until < ${now})
        ORDER BY created_at LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, kind, package_id, import_id, attempts`.execute(this.db);
    const row = rows[0];
    return row && { id: row.id, kind: row.kind, packageId: row.package_id, importId: row.import_id, attempts: row.attempts };
  }

  /** SQLite has one writer: a conditional UPDATE is enough for the in-process queue. */
  private async claimOptimistic(now: number): Promise<Job | undefined> {
    const candidates = await this.db
      .selectFrom('jobs')
      .select(['id', 'kind', 'package_id', 'import_id', 'attempts', 'state', 'lease_until'])
      .where((eb) =>
        eb.or([eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]), eb.and([eb('state', '=', 'running'), eb('lease_until', '<', now)])]),
      )
      .orderBy('created_at')
      .limit(5)
      .execute();
    for (const c of candidates) {
      const result = await this.db
        .updateTable('jobs')
        .set({ state: 'running', owner: this.nodeId, lease_until: now + this.leaseMs, attempts: c.attempts + 1, updated_at: now })
        .where('id', '=', c.id)
        .where('state', '=', c.state)
        .where('lease_until', '=', c.lease_until)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) {
        return { id: c.id, kind: c.kind as JobKind, packageId: c.package_id, importId: c.import_id, attempts: c.attempts + 1 };
      }
    }
    return undefined;
  }

  /** Extends the lease; false when another node has taken the job over. */
  async heartbeat(job: Job, now = Date.now(), db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db
      .updateTable('jobs')
      .set({ lease_until: now + this.leaseMs, updated_at: now })
      .where('id', '=', job.id)
      .where('owner', '=', this.nodeId)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Ends `job` inside the caller's transaction, the one that writes its record's final state, so
   * that a client who sees that state never finds the job still holding the record. False when
   * this node no longer owns the job (another took it over): the caller must not commit. On
   * PostgreSQL the row stays locked until commit, so no other node can claim the job in between.
   */
  finishIn(db: Kysely<Database>, job: Job): Promise<boolean> {
    return this.endIn(db, job);
  }

  /** Ends a job this node still runs; a job already ended in its record's transaction stays as it is. */
  async finish(job: Job, error?: string): Promise<void> {
    await this.endIn(this.db, job, error);
  }

  private async endIn(db: Kysely<Database>, job: Job, error?: string): Promise<boolean> {
    const result = await db
      .updateTable('jobs')
      .set({ state: error === undefined ? 'done' : 'failed', error: error ?? null, updated_at: Date.now() })
      .where('id', '=', job.id)
      .where('owner', '=', this.nodeId)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Puts a job that failed for a passing reason back in the queue, to run again after `delayMs`. */
  async retry(job: Job, delayMs: number, error: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ state: 'queued', owner: null, lease_until: 0, run_after: now + delayMs, error, updated_at: now })
      .where('id', '=', job.id)
      .where('owner', '=', this.nodeId)
      .where('state', '=', 'running')
      .execute();
  }

  async activeFor(packageId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('jobs')
      .select('id')
      .where('package_id', '=', packageId)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Fails a job this node still runs, in one transaction with `write` (its record's failed state).
   * False, and nothing written, when another node has taken the job over.
   */
  async failWith(job: Job, message: string, write: (db: Kysely<Database>) => Promise<void>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.endIn(trx, job, message))) return false;
      await write(trx);
      return true;
    });
  }

  /** Whether a queued or running job exists for this record (package, and import when given). */
  async liveFor(kind: JobKind, packageId: string, importId: string | null): Promise<boolean> {
    let query = this.db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', kind)
      .where('package_id', '=', packageId)
      .where('state', 'in', ['queued', 'running']);
    query = importId === null ? query : query.where('import_id', '=', importId);
    return (await query.executeTakeFirst()) !== undefined;
  }

  /** The last error of the newest job that ended in failure for this record, if any. */
  async lastFailure(kind: JobKind, packageId: string, importId: string | null): Promise<string | undefined> {
    let query = this.db.selectFrom('jobs').select('error').where('kind', '=', kind).where('package_id', '=', packageId).where('state', '=', 'failed');
    query = importId === null ? query : query.where('import_id', '=', importId);
    const row = await query.orderBy('updated_at', 'desc').executeTakeFirst();
    return row?.error ?? undefined;
  }

  async pending(): Promise<number> {
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Queued and running jobs of every node, for the metrics. */
  async depth(): Promise<{ queued: number; running: number }> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['queued', 'running'])
      .groupBy('state')
      .execute();
    const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
    return { queued: count('queued'), running: count('running') };
  }
}
