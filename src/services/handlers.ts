import type { ServiceDeps } from './deps.js';
import type { JobKind } from '../jobs/queue.js';
import type { JobHandler } from '../jobs/runner.js';
import { createPackageHandler } from './create-package.js';
import { importPackageHandler } from './import-package.js';
import { undoImportHandler } from './undo-import.js';
import { validatePackageHandler } from './validate-package.js';
import { diffHandler } from './package-diff.js';

/** The use case that runs each kind of job. */
export function jobHandlers(deps: ServiceDeps): Record<JobKind, JobHandler> {
  return {
    create_package: createPackageHandler(deps),
    import: importPackageHandler(deps),
    undo: undoImportHandler(deps),
    validate: validatePackageHandler(deps),
    diff: diffHandler(deps),
  };
}
