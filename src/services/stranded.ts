import type { MigrationRepository } from '../store/migrations.js';
import type { JobSystem } from '../jobs/index.js';
import type { JobKind } from '../jobs/queue.js';
import type { MigrationRecord } from '../domain/migrations/records.js';
import { HOLDER_PURPOSE } from './package-holders.js';

export interface StrandedReport {
  requeued: number;
  failed: number;
}

/**
 * The job a working record waits for, if this environment runs it. A source record mirrors its
 * target's import (through the shared storage) and runs nothing here; a target's copy
 * (replicated), an uploaded package and a package holder import here.
 */
function jobOf(record: MigrationRecord): { kind: JobKind; importId: string | null } | undefined {
  if (record.package.status === 'creating') return { kind: 'create_package', importId: null };
  const runsHere = record.package.replicated || record.package.purpose === HOLDER_PURPOSE;
  if (!runsHere) return undefined;
  if (record.import.status === 'importing') return { kind: 'import', importId: record.import.id };
  if (record.import.status === 'undoing') return { kind: 'undo', importId: record.import.id };
  if (record.import.validation?.status === 'validating') return { kind: 'validate', importId: record.import.id };
  return undefined;
}

/**
 * Gives every record in a working state without a live job a job again, or, when its last job
 * failed for good, the failed state with that job's message. Records and jobs are written in one
 * transaction now, so this repairs what older versions or a lost commit left behind.
 */
export async function recoverStrandedWork(migrations: MigrationRepository, jobs: JobSystem): Promise<StrandedReport> {
  const report = { requeued: 0, failed: 0 };
  for (const record of await migrations.working()) {
    const job = jobOf(record);
    if (!job) continue;
    if (await jobs.queue.liveFor(job.kind, record.package.id, job.importId)) continue;
    const failure = await jobs.queue.lastFailure(job.kind, record.package.id, job.importId);
    if (failure) {
      await jobs.failRecord({ kind: job.kind, packageId: record.package.id, importId: job.importId }, failure);
      report.failed++;
      continue;
    }
    const requeued = await jobs.submit({ kind: job.kind, packageId: record.package.id, importId: job.importId }, async () => true);
    if (requeued) report.requeued++;
  }
  return report;
}
