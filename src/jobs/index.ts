import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { JobQueue, type JobKind } from './queue.js';
import { MigrationRepository } from '../store/migrations.js';
import { JobRunner, type JobHandler, type JobRunnerOptions } from './runner.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import type { DialectName } from '../store/db/connect.js';

export interface JobSystem {
  queue: JobQueue;
  runner: JobRunner;
  /**
   * Writes a record and enqueues its job in one transaction, so that a crash leaves both or
   * neither; `write` returning undefined (a conditional update that matched nothing) enqueues nothing.
   * The answer is what `write` returned, so an unconditional write answers a record.
   */
  submit<T>(job: JobTarget, write: (migrations: MigrationRepository, trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Fails a record whose job is gone (recovery), as its handler would. */
  failRecord(job: JobTarget, message: string): Promise<void>;
}

export interface JobTarget {
  kind: JobKind;
  packageId: string;
  importId: string | null;
}

/** What the queue and the runner need: the database their transactions run on, and a log. */
export interface JobSystemBase {
  db: Kysely<Database>;
  dialect: DialectName;
  log: (message: string, detail?: Record<string, unknown>) => void;
}

/**
 * The queue and the runner over the handlers of each kind of job (the use cases, in src/services/).
 * `leaseMs` is a job's lease: a node that stops heartbeating for this long is taken for dead and its
 * jobs run elsewhere.
 */
export function createJobSystem(
  deps: JobSystemBase,
  handlers: Record<JobKind, JobHandler>,
  leaseMs: number,
  onFinished?: JobRunnerOptions['onFinished'],
): JobSystem {
  const queue = new JobQueue(deps.db, deps.dialect, `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, leaseMs);
  const runner = new JobRunner(queue, handlers, {
    onFinished,
    // The whole cause goes to the log, under the ticket the record shows; a retry says when.
    onError: (error, job, detail) =>
      deps.log(detail.retryInMs === undefined ? 'job failed' : 'job failed, will retry', {
        job: job.id,
        kind: job.kind,
        attempt: job.attempts,
        ...detail,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  });
  const submit: JobSystem['submit'] = async (job, write) => {
    const written = await deps.db.transaction().execute(async (trx) => {
      const result = await write(new MigrationRepository(trx), trx);
      if (result !== undefined) await queue.enqueue(trx, job.kind, job.packageId, job.importId);
      return result;
    });
    if (written !== undefined) runner.wake();
    return written;
  };
  const failRecord: JobSystem['failRecord'] = async (target, message) => {
    const job = { id: '', attempts: 0, ...target };
    const handler = handlers[target.kind];
    await deps.db.transaction().execute((trx) => handler.fail(job, message, new MigrationRepository(trx)));
    await handler.afterFail?.(job, message);
  };
  return { queue, runner, submit, failRecord };
}
