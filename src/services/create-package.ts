import { tempFileSpool } from '../store/temp-spool.js';
import { PassThrough } from 'node:stream';
import type { JobHandler, JobLease } from '../jobs/runner.js';
import type { Job } from '../jobs/queue.js';
import type { ServiceDeps } from './deps.js';
import { AccessorService } from './accessors.js';
import { assertMergeable, selectedPages, wholeProjectPages } from './package-content.js';
import { packagePath } from '../domain/storage-keys.js';
import { abortStream } from './streams.js';
import { writePackage } from '../domain/mmp/index.js';
import { MMP_FORMAT_VERSION, MMP_PLATFORM_VERSION, type PackageEntry, type PackageHeader, type PackageType, type TocRow } from '../domain/mmp/types.js';
import { CONFIGURATION_PROJECT_ID } from '../domain/objects.js';
import { formatLibraryDate } from '../domain/dates.js';
import type { PackageRecord } from '../domain/migrations/records.js';
import { MigrationRepository, type PackageChanges } from '../store/migrations.js';
import { PackageTocRepository } from '../store/package-toc.js';
import { SupersededError } from './apply-package.js';
import { BlobExistsError } from '../store/blob/errors.js';
import type { StoredBlob } from '../store/blob/blob-store.js';

function headerOf(pkg: PackageRecord): PackageHeader {
  return {
    formatVersion: MMP_FORMAT_VERSION,
    platformVersion: MMP_PLATFORM_VERSION,
    packageId: pkg.id,
    packageType: pkg.type as PackageType,
    purpose: pkg.purpose === 'project_merge' ? 'project_merge' : 'object_migration',
    name: pkg.name,
    createdAt: formatLibraryDate(new Date(pkg.createdAt)),
    creator: pkg.creator,
    sourceEnvironment: pkg.environment,
    sourceProject: pkg.project,
    settings: pkg.request.settings,
  };
}

async function markCreated(deps: ServiceDeps, lease: JobLease, pkg: PackageRecord, changes: PackageChanges, objects: number): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await lease.finishIn(trx))) return; // another node took the job over: its attempt decides
    if (await new MigrationRepository(trx).updatePackageIf(pkg, changes, ['creating'])) await new PackageTocRepository(trx).close(pkg.id, objects);
  });
}

/** Package creation in the source: creating → created | create_failed. */
export function createPackageHandler(deps: ServiceDeps): JobHandler {
  return {
    async run(job: Job, lease: JobLease) {
      const pkg = await deps.migrations.getPackage(job.packageId);
      if (pkg?.status !== 'creating') return; // already finished by an earlier attempt, or deleted
      // Users and groups (configuration and project_security packages) live at environment level.
      const projectId = pkg.type === 'project' ? pkg.project?.id : CONFIGURATION_PROJECT_ID;
      if (!projectId) throw new Error('A project package needs its source project.');
      const accessor = await new AccessorService(deps.users).ofUser(pkg.creator);
      const packageType = pkg.type as PackageType;
      let pages: () => AsyncIterable<PackageEntry[]>;
      if (pkg.purpose === 'project_merge') {
        await assertMergeable(deps.metadata, projectId);
        pages = () => wholeProjectPages(deps.metadata, projectId, packageType, pkg.request.settings, accessor);
      } else {
        pages = () => selectedPages(deps.metadata, projectId, packageType, pkg.request, accessor);
      }
      await deps.migrations.updatePackage(pkg, { progress: 10 });
      const blobs = await deps.storage.blobs();
      const path = packagePath(pkg.id, new Date(pkg.createdAt));
      const signer = await deps.signing.signer();
      let objects = 0;
      const write = async () => {
        // The toc goes to package_toc page by page, each page in a transaction of its own that holds the job's
        // lease (a slow node that lost it must not clear or mix in rows); the record shows it once it is closed,
        // as the package is marked created. A retried attempt starts it again.
        const fenced = (write: (tocs: PackageTocRepository) => Promise<void>) =>
          deps.db.transaction().execute(async (trx) => {
            if (!(await lease.holdIn(trx))) throw new SupersededError('The package creation was taken over by another node.');
            await write(new PackageTocRepository(trx));
          });
        await fenced((tocs) => tocs.clear(pkg.id));
        let seq = 0;
        const onRows = async (rows: TocRow[]) => {
          const first = seq;
          await fenced((tocs) => tocs.append(pkg.id, first, rows));
          seq += rows.length;
        };
        const body = new PassThrough();
        const stored = blobs.put(path, body, { createOnly: true });
        // A store that fails (a full disk) stops the writer at once, instead of leaving it waiting on a body nobody reads.
        const storeFailure = stored.then(
          () => undefined,
          (error: unknown) => {
            abortStream(body, error);
            return error;
          },
        );
        try {
          ({ objects } = await writePackage(body, headerOf(pkg), pages(), signer, { spool: await tempFileSpool(), onRows }));
        } catch (error) {
          abortStream(body, error);
          // The store's error says what went wrong (no space, storage unreachable); the writer's only that its output closed.
          throw (await storeFailure) ?? error;
        }
        return stored;
      };
      let blob: StoredBlob;
      try {
        blob = await write();
      } catch (error) {
        if (!(error instanceof BlobExistsError)) throw error;
        // Left by an attempt of this job whose node died after writing it; we hold the lease now.
        await blobs.delete(path);
        blob = await write();
      }
      const storage = { path, size: blob.size, sha256: blob.sha256 };
      // The record becomes 'created' only now that the whole blob exists, and only while this node still owns the job.
      const signature = { state: 'signed-trusted' as const, environmentId: signer.environmentId, keyId: signer.keyId };
      await markCreated(deps, lease, pkg, { status: 'created', progress: 100, message: '', storage, formatVersion: MMP_FORMAT_VERSION, signature }, objects);
    },
    async fail(job: Job, message: string, migrations: MigrationRepository) {
      const pkg = await migrations.getPackage(job.packageId);
      const failed = pkg && (await migrations.updatePackageIf(pkg, { status: 'create_failed', message, progress: 100 }, ['creating']));
      // The toc rows a failed attempt wrote (up to one an object) go with it, in the same transaction.
      if (failed) await migrations.updatePackage(failed, { toc: undefined });
    },
  };
}
