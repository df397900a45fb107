import type { Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import type { DialectName } from '../store/db/connect.js';
import type { MetadataRepository } from '../store/metadata/repository.js';
import type { MigrationRepository } from '../store/migrations.js';
import type { StorageService } from '../store/storage-settings.js';
import type { UserRepository } from '../store/users.js';
import type { Accessor } from '../domain/acl.js';

/** What job handlers need: the database (for their own transactions) and the stores over it. */
export interface JobDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  metadata: MetadataRepository;
  migrations: MigrationRepository;
  storage: StorageService;
  users: UserRepository;
  log: (message: string, detail?: Record<string, unknown>) => void;
}

/** The ACL identity of a user, as the user is now (privileges may have changed since the request). */
export async function accessorOf(users: UserRepository, user: { id: string; name: string }): Promise<Accessor> {
  const [privileges, groupIds] = await Promise.all([users.privilegesOf(user.id), users.groupIdsOf(user.id)]);
  return { userId: user.id, userName: user.name, groupIds, bypass: privileges.has('BYPASS_ACCESS_CHECKS') };
}
