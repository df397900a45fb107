import type { Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import type { DialectName } from '../store/db/connect.js';
import type { MetadataRepository } from '../store/metadata/repository.js';
import type { MigrationRepository } from '../store/migrations.js';
import type { StorageService } from '../store/storage-settings.js';
import type { UserRepository } from '../store/users.js';
import { NotFoundError } from '../domain/errors.js';

/** What the use cases need: the database (for their own transactions) and the stores over it. */
export interface ServiceDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  metadata: MetadataRepository;
  migrations: MigrationRepository;
  storage: StorageService;
  users: UserRepository;
  log: (message: string, detail?: Record<string, unknown>) => void;
}

/** A project of this environment as records name it, or 404. */
export async function projectRef(metadata: MetadataRepository, id: string): Promise<{ id: string; name: string }> {
  const project = await metadata.getProject(id);
  if (!project) throw new NotFoundError(`Project ${id} does not exist in this environment.`);
  return { id: project.id, name: project.name };
}
