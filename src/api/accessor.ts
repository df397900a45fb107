import type { FastifyRequest } from 'fastify';
import type { Accessor } from '../domain/acl.js';
import type { UserRepository } from '../store/users.js';
import { principalOf } from './access.js';

/** The signed-in caller as object ACLs see it: user, groups, and the Bypass privilege. */
export async function accessorOf(request: FastifyRequest, users: UserRepository): Promise<Accessor> {
  const principal = principalOf(request);
  return {
    userId: principal.userId,
    userName: principal.fullName,
    groupIds: await users.groupIdsOf(principal.userId),
    bypass: principal.privileges.has('BYPASS_ACCESS_CHECKS'),
  };
}
