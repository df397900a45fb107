import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { SIGNED_IN } from '../access.js';
import { typed } from '../type-provider.js';
import { PACKSTORE_EXTENSIONS, replies } from '../contract/common.js';
import { User, UserIdParams } from '../contract/sessions.js';
import { NotFoundError } from '../../domain/errors.js';
import { CONFIGURATION_PROJECT_ID } from '../../domain/objects.js';

const USER_SUBTYPE = 8704;

export function initialsOf(fullName: string): string {
  return fullName.split(/\s+/).filter(Boolean).map((w) => w[0]!.toUpperCase()).join('').slice(0, 2);
}

/** GET /api/users/{id}: enough of a user for clients that look one up (mstrio's User(conn, id=…), e.g. to certify). */
export function userRoutes(server: FastifyInstance, ctx: AppContext): void {
  const schema = { tags: [PACKSTORE_EXTENSIONS], summary: 'A user, enough for clients that look one up', params: UserIdParams, response: replies({ 200: User }) };
  typed(server).get('/api/users/:id', { config: { access: SIGNED_IN }, schema }, async (request) => {
    const { id } = request.params;
    const account = await ctx.users.findById(id);
    if (account) {
      return { id, name: account.fullName, username: account.login, fullName: account.fullName, initials: initialsOf(account.fullName), enabled: account.enabled, type: 34, subtype: USER_SUBTYPE };
    }
    const object = await ctx.metadata.getObject(CONFIGURATION_PROJECT_ID, id);
    if (!object || object.type !== 34 || object.subtype !== USER_SUBTYPE) throw new NotFoundError(`User ${id} does not exist.`);
    return { id, name: object.name, username: object.name, fullName: object.name, initials: initialsOf(object.name), enabled: true, type: 34, subtype: USER_SUBTYPE };
  });
}
