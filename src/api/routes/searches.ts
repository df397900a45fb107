import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { intQuery, optionalGuidQuery, projectScope, stringQuery, typeListQuery } from '../object-input.js';
import { objectJson } from '../object-json.js';
import { ObjectService } from '../../store/metadata/object-service.js';
import { MAX_PAGE } from './folders.js';

const DEFAULT_PAGE = 50;

/** GET /api/searches/results: quick search by name, types and root folder, to choose package content. */
export function searchRoutes(app: FastifyInstance, ctx: AppContext): void {
  const service = new ObjectService(ctx.metadata);

  app.get('/api/searches/results', { config: { access: SIGNED_IN } }, async (request, reply) => {
    const name = stringQuery(request, 'name');
    const types = typeListQuery(request);
    const root = optionalGuidQuery(request, 'root');
    const offset = intQuery(request, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intQuery(request, 'limit', DEFAULT_PAGE, -1, MAX_PAGE);
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata);
    const listing = await service.search(
      { projectId, name, ...types, ...(root ? { folderId: root, recursive: true } : {}), offset, limit: limit < 0 ? MAX_PAGE : limit },
      accessor,
    );
    return reply
      .header('x-mstr-total-count', String(listing.total))
      .send({ totalItems: listing.total, result: listing.objects.map((o) => objectJson(o, projectId, accessor)) });
  });
}
