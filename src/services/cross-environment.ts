import { projectRef, type ServiceDeps } from './deps.js';
import type { JobSystem } from '../jobs/index.js';
import type { ImportRecord, MigrationRecord, NamedRef, PackageRecord, ValidationState } from '../domain/migrations/records.js';
import type { ReplicatedRecordInput } from '../domain/migrations/requests.js';
import { ConflictError, InvalidInputError } from '../domain/errors.js';
import { normaliseEnvironmentId } from '../domain/input.js';
import type { Caller } from './migration-service.js';
import { syncFromReplica } from './replica-status.js';

/**
 * The flow between environments that share one Storage Service: the target imports or validates
 * the package at the path of the source's record; what happens there travels back through that
 * shared storage (replica-status.ts).
 */
export class CrossEnvironmentFlow {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly jobs: JobSystem,
    private readonly environment: NamedRef,
  ) {}

  private async targetProject(input: ReplicatedRecordInput, header: string | undefined): Promise<NamedRef | undefined> {
    if (input.type === 'configuration') return undefined;
    const id = header ?? input.targetProject?.id;
    if (!id) throw new InvalidInputError('The target project is required: send X-MSTR-ProjectID or importInfo.project.id.');
    return projectRef(this.deps.metadata, id);
  }

  /** The package must be in this environment's storage: that is what sharing a Storage Service means. */
  private async assertShared(input: ReplicatedRecordInput): Promise<void> {
    const blobs = await this.deps.storage.blobs();
    const found = await blobs.head(input.storage.path);
    if (!found) {
      throw new InvalidInputError(
        `The package ${input.storage.path} is not in this environment's Storage Service: the two environments do not share storage. ` +
          'Download the package from the source environment (GET /api/migrations/packages/{packageId}/binary), upload it here ' +
          '(POST and PUT /api/mstrServices/library/storage/sharedFileStore/files) and import it with purpose migration_from_shared_file_store.',
      );
    }
    if (found.size !== input.storage.size) {
      throw new InvalidInputError(`The shared package ${input.storage.path} has ${found.size} bytes; the source record says ${input.storage.size}.`);
    }
  }

  /** The target's copy of the source record, under the same migration id. */
  private async replicate(input: ReplicatedRecordInput, caller: Caller, project: NamedRef | undefined, imp: Partial<ImportRecord>): Promise<MigrationRecord> {
    const now = Date.now();
    const existing = await this.deps.migrations.get(input.packageId, input.importId);
    // The same environment can be source and target (between two projects): then the record exists already.
    if (existing) {
      if (existing.import.status !== 'pending' || existing.import.project?.id === project?.id) return existing;
      const retargeted = await this.deps.migrations.updateImport(existing.import, { project }, ['pending']);
      return { package: existing.package, import: retargeted ?? existing.import };
    }
    const pkg: PackageRecord = {
      id: input.packageId,
      name: input.name,
      type: input.type,
      purpose: input.purpose,
      status: 'locked',
      progress: 100,
      message: '',
      replicated: true,
      creator: input.creator.id ? input.creator : caller,
      environment: { id: normaliseEnvironmentId(input.sourceEnvironment.id), name: input.sourceEnvironment.name },
      project: input.sourceProject,
      storage: { path: input.storage.path, size: input.storage.size, sha256: input.storage.sha256 ?? '' },
      request: input.request,
      ...(input.certification ? { certification: input.certification } : {}),
      createdAt: now,
      updatedAt: now,
    };
    const record: MigrationRecord = {
      package: (await this.deps.migrations.getPackage(input.packageId)) ?? pkg,
      import: {
        id: input.importId,
        packageId: input.packageId,
        status: 'pending',
        importRequestStatus: 'approved',
        undoRequestStatus: 'pending',
        progress: 0,
        message: '',
        creator: caller,
        environment: input.targetEnvironment ?? this.environment,
        project,
        generateUndo: true,
        createdAt: now,
        updatedAt: now,
        ...imp,
      },
    };
    if (record.package === pkg) await this.deps.migrations.insert(record);
    else await this.deps.migrations.insertImport(record.import);
    return record;
  }

  /** M5: import on the target from the replicated record. Idempotent: a re-sent PUT does not import twice. */
  async importReplicated(input: ReplicatedRecordInput, caller: Caller, projectHeader: string | undefined, generateUndo: boolean): Promise<MigrationRecord> {
    const project = await this.targetProject(input, projectHeader);
    await this.assertShared(input);
    const record = await this.replicate(input, caller, project, { generateUndo });
    if (record.import.status !== 'pending') return record;
    const started = await this.jobs.submit({ kind: 'import', packageId: input.packageId, importId: input.importId }, (migrations) =>
      migrations.updateImport(record.import, { status: 'importing', generateUndo, project }, ['pending']),
    );
    if (!started) return (await this.deps.migrations.get(input.packageId, input.importId)) ?? record;
    return { package: record.package, import: started };
  }

  /** M8: a dry run on the target; the result is kept here and left in shared storage for the source. */
  async startValidation(input: ReplicatedRecordInput, caller: Caller, projectHeader: string | undefined): Promise<MigrationRecord> {
    if (input.status !== undefined && input.status !== 'created') {
      throw new ConflictError(`A package can be validated only while it is created; it is ${input.status}.`);
    }
    const project = await this.targetProject(input, projectHeader);
    await this.assertShared(input);
    const record = await this.replicate(input, caller, project, {});
    if (record.import.validation?.status === 'validating') return record;
    const now = Date.now();
    const validation: ValidationState = { status: 'validating', progress: 0, message: '', createdAt: now, updatedAt: now };
    const imp = await this.jobs.submit({ kind: 'validate', packageId: input.packageId, importId: input.importId }, (migrations) =>
      migrations.updateImport(record.import, { validation }),
    );
    return { package: record.package, import: imp };
  }

  /** What the target did with this migration, when it shares the storage (see replica-status.ts). */
  sync(record: MigrationRecord): Promise<MigrationRecord> {
    return syncFromReplica(this.deps, record);
  }
}
