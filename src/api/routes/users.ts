import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { SIGNED_IN } from '../access.js';
import { typed } from '../type-provider.js';
import { PACKSTORE_EXTENSIONS, replies } from '../contract/common.js';
import { User, UserIdParams } from '../contract/sessions.js';

/** GET /api/users/{id}: enough of a user for clients that look one up (mstrio's User(conn, id=…), e.g. to certify). */
export function userRoutes(server: FastifyInstance, ctx: AppContext): void {
  const schema = {
    tags: [PACKSTORE_EXTENSIONS],
    summary: 'A user, enough for clients that look one up',
    params: UserIdParams,
    response: replies({ 200: User }),
  };
  typed(server).get('/api/users/:id', { config: { access: SIGNED_IN }, schema }, async (request) => ctx.userDirectory.lookUp(request.params.id));
}
