import type { Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import { MigrationRepository } from '../store/migrations.js';
import { newTicketId } from '../domain/errors.js';
import type { Job, JobKind, JobQueue } from './queue.js';
import { givenUp, isTransient, publicFailure, retryDelayMs } from './failures.js';

/** What a handler holds while it runs a job. */
export interface JobLease {
  /**
   * Ends the job inside the transaction that writes its record's final state; false when another
   * node has taken the job over (a fence against a slow node), and then the caller must not commit.
   */
  finishIn(db: Kysely<Database>): Promise<boolean>;
  /**
   * Renews the lease inside the caller's transaction, for a write the job makes before its end (on PostgreSQL
   * the job's row stays locked until that commit); false when another node has taken the job over.
   */
  holdIn(db: Kysely<Database>): Promise<boolean>;
}

export interface JobHandler {
  run(job: Job, lease: JobLease): Promise<void>;
  /**
   * Marks the job's record failed when it can no longer run (too many attempts, or a permanent
   * failure), through `migrations`, in the transaction that also ends the job.
   */
  fail(job: Job, message: string, migrations: MigrationRepository): Promise<void>;
  /** After that commit: tells whoever waits elsewhere (a source sharing the storage). */
  afterFail?(job: Job, message: string): Promise<void>;
}

export interface JobRunnerOptions {
  pollMs?: number;
  /** Attempts in all, interrupted ones and transient failures alike, before a job is given up. */
  maxAttempts?: number;
  /** The first retry's delay; each later one doubles it, up to a minute. */
  retryBaseMs?: number;
  onError?: (error: unknown, job: Job, detail: { ticketId?: string; retryInMs?: number }) => void;
  /** Called once a job ends on this node, with how long it ran. */
  onFinished?: (job: Job, outcome: 'done' | 'failed' | 'given_up' | 'retried', seconds: number) => void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/** Claims jobs from the queue one at a time and runs them; any node can run any job. */
export class JobRunner {
  private running = false;
  private current?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wakeUp?: () => void;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: Record<JobKind, JobHandler>,
    private readonly options: JobRunnerOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.current = this.loop();
  }

  /** Lets a freshly enqueued job start now instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.current;
  }

  get isRunning(): boolean {
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let job: Job | undefined;
      try {
        job = await this.queue.claim();
      } catch (error) {
        this.options.onError?.(error, { id: '', kind: 'import', packageId: '', importId: null, attempts: 0 }, {});
      }
      if (job) {
        await this.execute(job);
        continue;
      }
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        this.timer = setTimeout(resolve, this.options.pollMs ?? 500);
      });
      clearTimeout(this.timer);
      this.wakeUp = undefined;
    }
  }

  private async execute(job: Job): Promise<void> {
    const handler = this.handlers[job.kind];
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const heartbeat = setInterval(() => void this.queue.heartbeat(job).catch(() => undefined), Math.max(250, this.queue.leaseMs / 3));
    const started = performance.now();
    const finished = (outcome: 'done' | 'failed' | 'given_up' | 'retried') => this.options.onFinished?.(job, outcome, (performance.now() - started) / 1000);
    try {
      if (job.attempts > maxAttempts) {
        await this.failForGood(job, givenUp(job.kind, job.attempts - 1));
        finished('given_up');
        return;
      }
      await handler.run(job, { finishIn: (db) => this.queue.finishIn(db, job), holdIn: (db) => this.queue.heartbeat(job, Date.now(), db) });
      await this.queue.finish(job);
      finished('done');
    } catch (error) {
      await this.failed(job, error, maxAttempts);
      finished(isTransient(error) && job.attempts < maxAttempts ? 'retried' : 'failed');
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** A transient failure runs again after a backoff; any other, or the last attempt, fails the record. */
  private async failed(job: Job, error: unknown, maxAttempts: number): Promise<void> {
    // A node whose lease ran out must not touch a job that another node has taken over.
    const stillOurs = await this.queue.heartbeat(job).catch(() => false);
    if (stillOurs && isTransient(error) && job.attempts < maxAttempts) {
      const retryInMs = retryDelayMs(job.attempts, this.options.retryBaseMs);
      this.options.onError?.(error, job, { retryInMs });
      await this.queue.retry(job, retryInMs, errorText(error)).catch((e: unknown) => this.options.onError?.(e, job, {}));
      return;
    }
    const ticketId = newTicketId();
    this.options.onError?.(error, job, { ticketId });
    if (stillOurs) await this.failForGood(job, publicFailure(error, job.kind, ticketId));
  }

  /** The record's failed state and the end of its job commit together. */
  private async failForGood(job: Job, message: string): Promise<void> {
    const handler = this.handlers[job.kind];
    try {
      if (await this.queue.failWith(job, message, (db) => handler.fail(job, message, new MigrationRepository(db)))) await handler.afterFail?.(job, message);
    } catch (error) {
      this.options.onError?.(error, job, {});
    }
  }

  /** Resolves once the queue has nothing left for this node (tests and the demo use it). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.wake();
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
