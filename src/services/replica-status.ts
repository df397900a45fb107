import { Readable } from 'node:stream';
import { json } from 'node:stream/consumers';
import type { ServiceDeps } from './deps.js';
import type { ImportStatus } from '../domain/migrations/states.js';
import { IMPORT_STATUSES, isOneOf } from '../domain/migrations/states.js';
import type { MigrationRecord, ValidationState } from '../domain/migrations/records.js';
import { isRecord } from '../domain/input.js';
import { replicaStatusPath } from '../domain/storage-keys.js';

/**
 * What a target tells the source about one migration, through the Storage Service both share:
 * the validation result and the state of the import. The migration id is the same on both sides,
 * so the source can show what happened on the target.
 */
export interface ReplicaStatus {
  validation?: { status: ValidationState['status']; message: string; finishedAt: number };
  import?: { status: ImportStatus; progress: number; message: string; updatedAt: number };
}

async function read(deps: ServiceDeps, path: string): Promise<ReplicaStatus | undefined> {
  const blobs = await deps.storage.blobs();
  if (!(await blobs.head(path))) return undefined;
  const value = await json(await blobs.get(path));
  return isRecord(value) ? (value as ReplicaStatus) : undefined;
}

/**
 * On the target: records a change for the source. Best effort: the migration itself already
 * succeeded or failed here, so a storage hiccup must not turn it into a failure.
 */
export async function publishReplicaStatus(deps: ServiceDeps, packageId: string, importId: string, change: ReplicaStatus): Promise<void> {
  try {
    const path = replicaStatusPath(packageId, importId);
    const merged = { ...(await read(deps, path)), ...change };
    await (await deps.storage.blobs()).put(path, Readable.from([Buffer.from(JSON.stringify(merged))]));
  } catch (error) {
    deps.log('could not share the migration status with the source', { packageId, importId, error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * On the source: picks up what the target published. The source never takes the undo package
 * over — undo stays the target's business, so a source record can never undo into its own project.
 */
export async function syncFromReplica(deps: ServiceDeps, record: MigrationRecord): Promise<MigrationRecord> {
  if (record.package.replicated) return record;
  const validating = record.import.validation?.status === 'validating';
  const awaitingTarget = record.import.importRequestStatus === 'approved' && record.import.status !== 'undo_success' && record.import.status !== 'undo_failed';
  if (!validating && !awaitingTarget) return record;
  const status = await read(deps, replicaStatusPath(record.package.id, record.import.id)).catch(() => undefined);
  if (!status) return record;
  let imp = record.import;
  const v = status.validation;
  if (imp.validation && validating && v && (v.status === 'validated' || v.status === 'validation_failed')) {
    const validation: ValidationState = {
      ...imp.validation,
      status: v.status,
      message: String(v.message ?? ''),
      progress: 100,
      updatedAt: Number(v.finishedAt) || Date.now(),
    };
    imp = await deps.migrations.updateImport(imp, { validation });
  }
  const i = status.import;
  if (awaitingTarget && i && isOneOf(IMPORT_STATUSES, i.status) && i.status !== imp.status) {
    imp = await deps.migrations.updateImport(imp, { status: i.status, progress: Number(i.progress) || 0, message: String(i.message ?? '') });
  }
  return { package: record.package, import: imp };
}
