import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { JobQueue } from './queue.js';
import { JobRunner } from './runner.js';
import type { JobDeps } from './deps.js';
import { createPackageHandler } from './create-package.js';
import { importPackageHandler } from './import-package.js';
import { undoImportHandler } from './undo-import.js';
import { validatePackageHandler } from './validate-package.js';

export interface JobSystem {
  queue: JobQueue;
  runner: JobRunner;
}

const LEASE_MS = 30_000;

export function createJobSystem(deps: JobDeps): JobSystem {
  const queue = new JobQueue(deps.db, deps.dialect, `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, LEASE_MS);
  const runner = new JobRunner(
    queue,
    {
      create_package: createPackageHandler(deps),
      import: importPackageHandler(deps),
      undo: undoImportHandler(deps),
      validate: validatePackageHandler(deps),
    },
    { onError: (error, job) => deps.log('job failed', { job: job.id, kind: job.kind, error: error instanceof Error ? error.message : String(error) }) },
  );
  return { queue, runner };
}
