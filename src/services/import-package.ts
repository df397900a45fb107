import type { JobHandler, JobLease } from '../jobs/runner.js';
import type { Job } from '../jobs/queue.js';
import type { ServiceDeps } from './deps.js';
import { applyPackage, SupersededError } from './apply-package.js';
import { undoPath } from '../domain/storage-keys.js';
import { PackageTocRepository } from '../store/package-toc.js';
import { MigrationRepository } from '../store/migrations.js';
import { OutcomeRepository } from '../store/outcomes.js';
import { CONFIGURATION_PROJECT_ID } from '../domain/objects.js';
import { formatLibraryDate } from '../domain/dates.js';
import { InvalidInputError } from '../domain/errors.js';
import { PackageFormatError } from '../domain/mmp/errors.js';
import { MMP_FORMAT_VERSION, MMP_PLATFORM_VERSION, type PackageHeader } from '../domain/mmp/types.js';
import type { MigrationRecord } from '../domain/migrations/records.js';
import type { ImportStatus } from '../domain/migrations/states.js';
import { publishReplicaStatus } from './replica-status.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import type { SignatureRecord } from '../domain/signature-states.js';
import type { PackageSignature } from '../domain/mmp/signature.js';

const BULK_IMPORT_OBJECTS = 10_000;

/** A target that imported a replicated record tells the source how it went (through the shared storage). */
export async function shareImportStatus(deps: ServiceDeps, record: MigrationRecord, status: ImportStatus, progress: number, message: string): Promise<void> {
  if (!record.package.replicated) return;
  await publishReplicaStatus(deps, record.package.id, record.import.id, { import: { status, progress, message, updatedAt: Date.now() } });
}

export function targetProjectOf(record: MigrationRecord): string {
  // project_security packages carry users and groups, which live at environment level.
  if (record.package.type !== 'project') return CONFIGURATION_PROJECT_ID;
  const id = record.import.project?.id;
  if (!id) throw new InvalidInputError('The import has no target project: send X-MSTR-ProjectID or importInfo.project.id.');
  return id;
}

function undoHeaderFor(record: MigrationRecord, packageHeader: PackageHeader): PackageHeader {
  return {
    formatVersion: MMP_FORMAT_VERSION,
    platformVersion: MMP_PLATFORM_VERSION,
    packageId: record.package.id,
    packageType: packageHeader.packageType,
    purpose: 'undo',
    name: `Undo of ${record.package.name}`,
    createdAt: formatLibraryDate(new Date()),
    creator: record.import.creator ?? record.package.creator,
    sourceEnvironment: record.import.environment,
    sourceProject: record.import.project,
    settings: packageHeader.settings,
    undoOf: { packageId: record.package.id, importId: record.import.id },
  };
}

function checkHeaderAgainst(record: MigrationRecord) {
  return (header: PackageHeader) => {
    if (header.purpose === 'undo') throw new PackageFormatError('header.json: this is an undo package; it cannot be imported as a migration.');
    if (header.packageType !== record.package.type) {
      throw new PackageFormatError(`header.json: the package is a ${header.packageType} package, but its metadata says ${record.package.type}.`);
    }
  };
}

/** Import on the target: importing → imported | import_failed, with an undo package unless keep_both was used. */
export function importPackageHandler(deps: ServiceDeps): JobHandler {
  return {
    async run(job: Job, lease: JobLease) {
      if (!job.importId) throw new Error('import job without an import id');
      const record = await deps.migrations.require(job.packageId, job.importId);
      // A job taken over from a dead node: the transaction either committed (then the status says so) or left nothing.
      if (record.import.status !== 'importing' && record.import.status !== 'pending') return;
      const storage = record.package.storage;
      if (!storage) throw new Error('The package has no stored binary yet.');
      const importing = await deps.migrations.updateImport(record.import, { status: 'importing', progress: 0, message: '' }, ['pending', 'importing']);
      if (!importing) return;
      const projectId = targetProjectOf(record);
      const share = (status: 'importing' | 'imported') => shareImportStatus(deps, record, status, status === 'imported' ? 100 : 0, '');
      await share('importing');
      let verdict: SignatureRecord | undefined;
      const checkSignature = async (signature: PackageSignature | undefined, header: PackageHeader, trx: Kysely<Database>) => {
        verdict = await deps.signing.judge(signature, trx);
        deps.signing.refuse(verdict, header.sourceEnvironment);
      };
      // A package created here, or imported before, has its toc as rows already: the rows of one package's bytes (their
      // sha256 checked as they are read) never change, so they are not written again (a record without a sha256 has its rows written anew).
      const tocKnown = Boolean(storage.sha256) && (await new PackageTocRepository(deps.db).complete(record.package.id));
      const undoSigner = record.import.generateUndo ? await deps.signing.signer() : undefined;
      deps.migrations.progressEnded(importing.id); // an earlier attempt's progress on this node
      const result = await applyPackage({
        db: deps.db,
        dialect: deps.dialect,
        blobs: await deps.storage.blobs(),
        packagePath: storage.path,
        packageSize: storage.size,
        projectId,
        undo: undoSigner
          ? { path: undoPath(record.package.id, record.import.id), header: (packageHeader) => undoHeaderFor(record, packageHeader), signer: undoSigner }
          : undefined,
        expectedSha256: storage.sha256 || undefined,
        dryRun: false,
        checkHeader: checkHeaderAgainst(record),
        checkSignature,
        onProgress: (progress) => void deps.migrations.showProgress(importing, progress).catch(() => undefined),
        onToc: tocKnown
          ? undefined
          : async (trx, rows, firstSeq) => {
              const tocs = new PackageTocRepository(trx);
              if (firstSeq === 0) await tocs.clear(record.package.id);
              await tocs.append(record.package.id, firstSeq, rows);
            },
        onOutcomes: async (trx, outcomes, firstSeq) => {
          const report = new OutcomeRepository(trx);
          if (firstSeq === 0) await report.clear(importing.id);
          await report.append(importing.id, firstSeq, outcomes);
        },
        beforeCommit: async (trx, result) => {
          // A node that lost its lease must not commit: the node that took the job over decides.
          if (!(await lease.finishIn(trx))) throw new SupersededError('The import was taken over by another node.');
          const done = await new MigrationRepository(trx).updateImport(
            importing,
            {
              status: 'imported',
              progress: 100,
              message: '',
              undoStorage: result.undo ? { path: result.undo.path, size: result.undo.size, sha256: result.undo.sha256 } : undefined,
            },
            ['importing'],
          );
          if (!done) throw new SupersededError('The import was finished by another node.');
          const report = new OutcomeRepository(trx);
          if (result.objects === 0) await report.clear(importing.id); // no page cleared an earlier run's report
          await report.close(importing.id);
          // The record shows what the package really holds (an uploaded file's metadata says nothing of it).
          await new MigrationRepository(trx).updatePackage(record.package, {
            request: { ...record.package.request, settings: result.header.settings },
            formatVersion: result.header.formatVersion,
            signature: verdict,
          });
          // Its toc was written page by page (onToc); an empty package wrote none, and clears an earlier one here.
          if (!tocKnown) {
            if (result.objects === 0) await new PackageTocRepository(trx).clear(record.package.id);
            await new PackageTocRepository(trx).close(record.package.id, result.objects);
          }
        },
      })
        .catch(async (error: unknown) => {
          // A refused package still shows who signed it (or that it was tampered with) on its record.
          if (verdict) await deps.migrations.updatePackage(record.package, { signature: verdict }).catch(() => undefined);
          throw error;
        })
        .finally(() => deps.migrations.progressEnded(importing.id));
      // A large import changes the table enough that the planner needs fresh statistics.
      if (result.objects >= BULK_IMPORT_OBJECTS) await deps.metadata.refreshStatistics();
      await share('imported');
    },
    async fail(job: Job, message: string, migrations: MigrationRepository) {
      const record = job.importId ? await migrations.get(job.packageId, job.importId) : undefined;
      if (record) await migrations.updateImport(record.import, { status: 'import_failed', message, progress: 100 }, ['pending', 'importing']);
    },
    async afterFail(job: Job, message: string) {
      const record = job.importId ? await deps.migrations.get(job.packageId, job.importId) : undefined;
      if (record?.import.status === 'import_failed') await shareImportStatus(deps, record, 'import_failed', 100, message);
    },
  };
}
