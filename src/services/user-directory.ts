import { NotFoundError } from '../domain/errors.js';
import { CONFIGURATION_PROJECT_ID, OBJECT_TYPE } from '../domain/objects.js';
import { initialsOf } from '../domain/users.js';
import type { MetadataRepository } from '../store/metadata/repository.js';
import type { UserRepository } from '../store/users.js';

const USER_SUBTYPE = 8704;

export interface DirectoryUser {
  id: string;
  name: string;
  username: string;
  fullName: string;
  initials: string;
  enabled: boolean;
  type: number;
  subtype: number;
}

/** Users as clients look them up: accounts that sign in here, and users that exist only as metadata objects. */
export class UserDirectory {
  constructor(
    private readonly users: UserRepository,
    private readonly metadata: MetadataRepository,
  ) {}

  async lookUp(id: string): Promise<DirectoryUser> {
    const account = await this.users.findById(id);
    if (account) return this.entry(id, account.login, account.fullName, account.enabled);
    // A package may carry users (project_security) that never sign in here: they are configuration objects.
    const object = await this.metadata.getObject(CONFIGURATION_PROJECT_ID, id);
    if (!object || object.type !== OBJECT_TYPE.USER || object.subtype !== USER_SUBTYPE) throw new NotFoundError(`User ${id} does not exist.`);
    return this.entry(id, object.name, object.name, true);
  }

  private entry(id: string, username: string, fullName: string, enabled: boolean): DirectoryUser {
    return { id, name: fullName, username, fullName, initials: initialsOf(fullName), enabled, type: OBJECT_TYPE.USER, subtype: USER_SUBTYPE };
  }
}
