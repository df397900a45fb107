import type { Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import type { Job, JobKind, JobQueue } from './queue.js';

/** Proof, inside a transaction, that this node still holds a job's lease (a fence against a slow node). */
export interface JobLease {
  heldIn(db: Kysely<Database>): Promise<boolean>;
}

export interface JobHandler {
  run(job: Job, lease: JobLease): Promise<void>;
  /** Marks the job's record failed when it can no longer run (too many attempts, or run threw). */
  fail(job: Job, message: string): Promise<void>;
}

export interface JobRunnerOptions {
  pollMs?: number;
  maxAttempts?: number;
  onError?: (error: unknown, job: Job) => void;
  /** Called once a job ends on this node, with how long it ran. */
  onFinished?: (job: Job, outcome: 'done' | 'failed' | 'given_up', seconds: number) => void;
}

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
        this.options.onError?.(error, { id: '', kind: 'import', packageId: '', importId: null, attempts: 0 });
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
    const heartbeat = setInterval(() => void this.queue.heartbeat(job).catch(() => undefined), Math.max(250, this.queue.leaseMs / 3));
    const started = performance.now();
    const finished = (outcome: 'done' | 'failed' | 'given_up') => this.options.onFinished?.(job, outcome, (performance.now() - started) / 1000);
    try {
      if (job.attempts > (this.options.maxAttempts ?? 3)) {
        await handler.fail(job, `The job was interrupted ${job.attempts - 1} times (its server stopped); it was given up.`);
        await this.queue.finish(job, 'too many attempts');
        finished('given_up');
        return;
      }
      await handler.run(job, { heldIn: (db) => this.queue.heldIn(db, job) });
      await this.queue.finish(job);
      finished('done');
    } catch (error) {
      finished('failed');
      this.options.onError?.(error, job);
      const message = error instanceof Error ? error.message : String(error);
      // A node whose lease ran out must not fail a job that another node has taken over.
      const stillOurs = await this.queue.heartbeat(job).catch(() => false);
      if (stillOurs) await handler.fail(job, message).catch((e: unknown) => this.options.onError?.(e, job));
      await this.queue.finish(job, message).catch(() => undefined);
    } finally {
      clearInterval(heartbeat);
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
