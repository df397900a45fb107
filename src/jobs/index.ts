import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { JobQueue } from './queue.js';
import { JobRunner, type JobRunnerOptions } from './runner.js';
import type { JobDeps } from './deps.js';
import { createPackageHandler } from './create-package.js';
import { importPackageHandler } from './import-package.js';
import { undoImportHandler } from './undo-import.js';
import { validatePackageHandler } from './validate-package.js';

export interface JobSystem {
  queue: JobQueue;
  runner: JobRunner;
}

/** A job's lease: a node that stops heartbeating for this long is taken for dead and its jobs run elsewhere. */
export function createJobSystem(deps: JobDeps, leaseMs: number, onFinished?: JobRunnerOptions['onFinished']): JobSystem {
  const queue = new JobQueue(deps.db, deps.dialect, `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, leaseMs);
  const runner = new JobRunner(
    queue,
    {
      create_package: createPackageHandler(deps),
      import: importPackageHandler(deps),
      undo: undoImportHandler(deps),
      validate: validatePackageHandler(deps),
    },
    { onFinished, onError: (error, job) => deps.log('job failed', { job: job.id, kind: job.kind, error: error instanceof Error ? error.message : String(error) }) },
  );
  return { queue, runner };
}
