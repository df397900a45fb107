import type { JobHandler, JobLease } from '../jobs/runner.js';
import type { Job } from '../jobs/queue.js';
import type { ServiceDeps } from './deps.js';
import { applyPackage, SupersededError } from './apply-package.js';
import { MigrationRepository } from '../store/migrations.js';
import { OutcomeRepository } from '../store/outcomes.js';
import { targetProjectOf } from './import-package.js';
import { publishReplicaStatus } from './replica-status.js';
import { MMP_FORMAT_VERSION } from '../domain/mmp/types.js';
import type { MigrationRecord, ObjectOutcome, ValidationState } from '../domain/migrations/records.js';

/** A dry run of the import: the whole engine runs, the transaction is rolled back, the report is kept. */
export function validatePackageHandler(deps: ServiceDeps): JobHandler {
  const result = (validation: ValidationState, status: ValidationState['status'], message: string): ValidationState => ({
    ...validation,
    status,
    message,
    progress: 100,
    updatedAt: Date.now(),
  });
  /** Only a target's copy of a source record has a source waiting for the result. */
  const publish = async (record: MigrationRecord, validation: ValidationState) => {
    if (!record.package.replicated) return;
    await publishReplicaStatus(deps, record.package.id, record.import.id, {
      validation: { status: validation.status, message: validation.message, finishedAt: validation.updatedAt },
    });
  };
  /** The record a validation job works on: the job names its import. */
  const recordOf = (job: Job) => {
    if (!job.importId) throw new Error('validation job without an import id');
    return deps.migrations.require(job.packageId, job.importId);
  };
  /** The result and the end of the job commit together. */
  const finish = async (job: Job, lease: JobLease, status: ValidationState['status'], message: string, report: ObjectOutcome[]) => {
    const record = await recordOf(job);
    if (!record.import.validation) return;
    const validation = result(record.import.validation, status, message);
    await deps.db.transaction().execute(async (trx) => {
      if (!(await lease.finishIn(trx))) throw new SupersededError('The validation was taken over by another node.');
      await new MigrationRepository(trx).updateImport(record.import, { validation });
      await new OutcomeRepository(trx).record(record.import.id, report);
    });
    await publish(record, validation);
  };
  return {
    async run(job: Job, lease: JobLease) {
      const record = await recordOf(job);
      if (record.import.validation?.status !== 'validating') return;
      const storage = record.package.storage;
      if (!storage) throw new Error('The package has no stored binary yet.');
      let olderFormat = false;
      const applied = await applyPackage({
        db: deps.db,
        dialect: deps.dialect,
        blobs: await deps.storage.blobs(),
        packagePath: storage.path,
        packageSize: storage.size,
        projectId: targetProjectOf(record),
        dryRun: true,
        checkHeader: (header) => {
          olderFormat = header.formatVersion < MMP_FORMAT_VERSION;
        },
        checkSignature: async (signature, header, trx) => deps.signing.refuse(await deps.signing.judge(signature, trx), header.sourceEnvironment),
        onProgress: () => undefined,
      });
      if (olderFormat) {
        await finish(
          job,
          lease,
          'validation_failed',
          'The package was created by an earlier platform version: it can be imported, but not validated.',
          applied.outcomes,
        );
      } else if (applied.refusal) {
        await finish(job, lease, 'validation_failed', applied.refusal, applied.outcomes);
      } else {
        await finish(job, lease, 'validated', '', applied.outcomes);
      }
    },
    async fail(job: Job, message: string, migrations: MigrationRepository) {
      const record = job.importId ? await migrations.get(job.packageId, job.importId) : undefined;
      if (record?.import.validation)
        await migrations.updateImport(record.import, { validation: result(record.import.validation, 'validation_failed', message) });
    },
    async afterFail(job: Job) {
      const record = job.importId ? await deps.migrations.get(job.packageId, job.importId) : undefined;
      if (record?.import.validation?.status === 'validation_failed') await publish(record, record.import.validation);
    },
  };
}
