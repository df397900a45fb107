import type { JobHandler } from './runner.js';
import type { Job } from './queue.js';
import type { JobDeps } from './deps.js';
import { applyPackage } from './apply-package.js';
import { targetProjectOf } from './import-package.js';
import { publishReplicaStatus } from './replica-status.js';
import { MMP_FORMAT_VERSION } from '../domain/mmp/types.js';
import type { ValidationState } from '../domain/migrations/records.js';

/** A dry run of the import: the whole engine runs, the transaction is rolled back, the report is kept. */
export function validatePackageHandler(deps: JobDeps): JobHandler {
  const finish = async (importId: string, status: ValidationState['status'], message: string) => {
    const imp = await deps.migrations.getImport(importId);
    if (!imp?.validation) return;
    const finishedAt = Date.now();
    await deps.migrations.updateImport(imp, { validation: { ...imp.validation, status, message, progress: 100, updatedAt: finishedAt } });
    await publishReplicaStatus(deps, imp.packageId, importId, { validation: { status, message, finishedAt } });
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
      const imp = await deps.migrations.getImport(job.importId);
      if (imp) await deps.migrations.updateImport(imp, { report: result.outcomes });
      if (olderFormat) {
        await finish(job.importId, 'validation_failed', 'The package was created by an earlier platform version: it can be imported, but not validated.');
      } else if (result.refusal) {
        await finish(job.importId, 'validation_failed', result.refusal);
      } else {
        await finish(job.importId, 'validated', '');
      }
    },
    async fail(job: Job, message: string) {
      if (job.importId) await finish(job.importId, 'validation_failed', message);
    },
  };
}
