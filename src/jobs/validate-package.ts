import type { JobHandler } from './runner.js';
import type { Job } from './queue.js';
import type { JobDeps } from './deps.js';
import { applyPackage } from './apply-package.js';
import { targetProjectOf } from './import-package.js';
import { publishReplicaStatus } from './replica-status.js';
import { MMP_FORMAT_VERSION } from '../domain/mmp/types.js';
import type { ObjectOutcome, ValidationState } from '../domain/migrations/records.js';

/** A dry run of the import: the whole engine runs, the transaction is rolled back, the report is kept. */
export function validatePackageHandler(deps: JobDeps): JobHandler {
  const finish = async (job: Job, status: ValidationState['status'], message: string, report?: ObjectOutcome[]) => {
    const record = job.importId ? await deps.migrations.get(job.packageId, job.importId) : undefined;
    if (!record?.import.validation) return;
    const finishedAt = Date.now();
    const validation = { ...record.import.validation, status, message, progress: 100, updatedAt: finishedAt };
    await deps.migrations.updateImport(record.import, report ? { validation, report } : { validation });
    // Only a target's copy of a source record has a source waiting for the result.
    if (record.package.replicated) await publishReplicaStatus(deps, record.package.id, record.import.id, { validation: { status, message, finishedAt } });
  };
  return {
    async run(job: Job) {
      if (!job.importId) throw new Error('validation job without an import id');
      const record = await deps.migrations.require(job.packageId, job.importId);
      if (record.import.validation?.status !== 'validating') return;
      const storage = record.package.storage;
      if (!storage) throw new Error('The package has no stored binary yet.');
      let olderFormat = false;
      const result = await applyPackage({
        db: deps.db,
        blobs: await deps.storage.blobs(),
        packagePath: storage.path,
        packageSize: storage.size,
        projectId: targetProjectOf(record),
        dryRun: true,
        checkHeader: (header) => {
          olderFormat = header.formatVersion < MMP_FORMAT_VERSION;
        },
        onProgress: () => undefined,
      });
      if (olderFormat) {
        await finish(job, 'validation_failed', 'The package was created by an earlier platform version: it can be imported, but not validated.', result.outcomes);
      } else if (result.refusal) {
        await finish(job, 'validation_failed', result.refusal, result.outcomes);
      } else {
        await finish(job, 'validated', '', result.outcomes);
      }
    },
    async fail(job: Job, message: string) {
      await finish(job, 'validation_failed', message);
    },
  };
}
