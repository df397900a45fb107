import { createHash } from 'node:crypto';
import type { JobHandler, JobLease } from '../jobs/runner.js';
import type { Job } from '../jobs/queue.js';
import type { ServiceDeps } from './deps.js';
import { SupersededError } from './apply-package.js';
import { measured } from './streams.js';
import { ImportRefusedError } from '../domain/errors.js';
import { shareImportStatus, targetProjectOf } from './import-package.js';
import { MetadataRepository } from '../store/metadata/repository.js';
import { ImportMarks } from '../store/import-marks.js';
import { MigrationRepository } from '../store/migrations.js';
import { openStoredPackage } from './stored-package.js';
import { PackageFormatError } from '../domain/mmp/errors.js';
import { changedSinceImport, undoEffect } from '../domain/engine/undo.js';

/** Undo on the target: undoing → undo_success | undo_failed; restores the project exactly, or refuses. */
export function undoImportHandler(deps: ServiceDeps): JobHandler {
  return {
    async run(job: Job, lease: JobLease) {
      if (!job.importId) throw new Error('undo job without an import id');
      const record = await deps.migrations.require(job.packageId, job.importId);
      if (record.import.status !== 'undoing') return;
      const undo = record.import.undoStorage;
      if (!undo) throw new Error('This import has no undo package (keep_both was used, or undo was not generated).');
      const projectId = targetProjectOf(record);
      // Hashed as it is read: checked against the sha256 the import recorded before anything commits.
      const hash = createHash('sha256');
      const reader = await openStoredPackage(measured(await (await deps.storage.blobs()).get(undo.path), hash, () => undefined));
      if (reader.header.purpose !== 'undo' || reader.header.undoOf?.importId !== record.import.id) {
        reader.close();
        throw new PackageFormatError(`${undo.path} is not the undo package of import ${record.import.id}.`);
      }
      await deps.db.transaction().execute(async (trx) => {
        const repo = MetadataRepository.forLongTransaction(trx);
        const marks = await ImportMarks.open(trx);
        for await (const page of reader.entries()) {
          const current = await repo.getObjects(
            projectId,
            page.map((e) => e.object.id),
          );
          const conflicts = page.map((e) => changedSinceImport(e.object, current.get(e.object.id), e.expectedTargetVersion)).filter((m): m is string => !!m);
          if (conflicts.length > 0) {
            throw new ImportRefusedError(
              `Undo refused: ${conflicts.slice(0, 3).join('; ')}${conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : ''}. The project was left unchanged.`,
            );
          }
          const deletes = page.filter((e) => undoEffect(e, current.get(e.object.id)) === 'delete').map((e) => e.object.id);
          const restores = page.filter((e) => undoEffect(e, current.get(e.object.id)) !== 'delete').map((e) => e.object);
          if (deletes.length > 0) await repo.deleteObjects(projectId, deletes);
          if (restores.length > 0) await repo.upsertObjects(projectId, restores);
          await marks.deleted(deletes);
        }
        const actual = hash.digest('hex');
        if (undo.sha256 && actual !== undo.sha256) {
          throw new ImportRefusedError(
            `Undo refused: the stored undo package's sha256 is ${actual}, not ${undo.sha256} as the import recorded: it was changed or damaged in storage. The project was left unchanged.`,
          );
        }
        const blocked = await marks.firstBlockedDelete(projectId);
        if (blocked) {
          throw new ImportRefusedError(
            `Undo refused: ${blocked.id}, created by the import, is now used by ${blocked.users.join(', ')}. The project was left unchanged.`,
          );
        }
        await marks.close();
        await repo.bumpDeferredRevisions();
        if (!(await lease.finishIn(trx))) throw new SupersededError('The undo was taken over by another node.');
        const done = await new MigrationRepository(trx).updateImport(record.import, { status: 'undo_success', progress: 100, message: '' }, ['undoing']);
        if (!done) throw new SupersededError('The undo was finished by another node.');
      });
      await shareImportStatus(deps, record, 'undo_success', 100, '');
    },
    async fail(job: Job, message: string, migrations: MigrationRepository) {
      const record = job.importId ? await migrations.get(job.packageId, job.importId) : undefined;
      if (record) await migrations.updateImport(record.import, { status: 'undo_failed', message, progress: 100 }, ['undoing']);
    },
    async afterFail(job: Job, message: string) {
      const record = job.importId ? await deps.migrations.get(job.packageId, job.importId) : undefined;
      if (record?.import.status === 'undo_failed') await shareImportStatus(deps, record, 'undo_failed', 100, message);
    },
  };
}
