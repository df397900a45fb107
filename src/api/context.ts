import type { PackstoreConfig } from '../config/load.js';
import type { DatabaseHandle } from '../store/db/connect.js';
import type { SessionRepository } from '../store/sessions.js';
import type { StorageService } from '../store/storage-settings.js';
import type { UserRepository } from '../store/users.js';

/** What routes may use. Built once per server by src/server.ts. */
export interface AppContext {
  config: PackstoreConfig;
  database: DatabaseHandle;
  users: UserRepository;
  sessions: SessionRepository;
  storage: StorageService;
  /** This environment as Library records show it: {id: public URL, name}. */
  environment: { id: string; name: string };
}
