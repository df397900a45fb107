import type { Accessor } from '../domain/acl.js';
import type { Privilege } from '../domain/privileges.js';
import type { UserRepository } from '../store/users.js';

/** A signed-in caller as the session holds it. */
export interface Caller {
  userId: string;
  fullName: string;
  privileges: ReadonlySet<Privilege>;
}

/** The ACL identity of users: who they are, their groups, and whether they bypass access checks. */
export class AccessorService {
  constructor(private readonly users: UserRepository) {}

  /** A caller of a request, with the privileges its session carries. */
  async ofCaller(caller: Caller): Promise<Accessor> {
    return {
      userId: caller.userId,
      userName: caller.fullName,
      groupIds: await this.users.groupIdsOf(caller.userId),
      bypass: caller.privileges.has('BYPASS_ACCESS_CHECKS'),
    };
  }

  /** A user as the user is now (a job runs later than its request: privileges may have changed since). */
  async ofUser(user: { id: string; name: string }): Promise<Accessor> {
    const [privileges, groupIds] = await Promise.all([this.users.privilegesOf(user.id), this.users.groupIdsOf(user.id)]);
    return { userId: user.id, userName: user.name, groupIds, bypass: privileges.has('BYPASS_ACCESS_CHECKS') };
  }
}
