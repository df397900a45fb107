import type { FastifyRequest } from 'fastify';
import type { Accessor } from '../domain/acl.js';
import type { AccessorService } from '../services/accessors.js';
import { principalOf } from './access.js';

/** The signed-in caller as object ACLs see it: user, groups, and the Bypass privilege. */
export function accessorOf(request: FastifyRequest, accessors: AccessorService): Promise<Accessor> {
  return accessors.ofCaller(principalOf(request));
}
