import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { projectScope, typeList } from '../object-input.js';
import { objectJson } from '../object-json.js';
import { typed } from '../type-provider.js';
import { ProjectHeader, replies } from '../contract/common.js';
import { MAX_PAGE, SearchQuery, SearchResults } from '../contract/objects.js';
import { ObjectService } from '../../store/metadata/object-service.js';

const DEFAULT_PAGE = 50;

/** GET /api/searches/results: quick search by name, types and root folder, to choose package content. */
export function searchRoutes(server: FastifyInstance, ctx: AppContext): void {
  const service = new ObjectService(ctx.metadata);
  const schema = { tags: ['Searches'], summary: 'Quick search by name, types and root folder', querystring: SearchQuery, headers: ProjectHeader, response: replies({ 200: SearchResults }) };

  typed(server).get('/api/searches/results', { config: { access: SIGNED_IN }, schema }, async (request, reply) => {
    const { name, offset = 0, limit = DEFAULT_PAGE } = request.query;
    const root = request.query.root || undefined;
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata);
    const listing = await service.search(
      { projectId, name, ...typeList(request.query.type), ...(root ? { folderId: root, recursive: true } : {}), offset, limit: limit < 0 ? MAX_PAGE : limit },
      accessor,
    );
    return reply
      .header('x-mstr-total-count', String(listing.total))
      .send({ totalItems: listing.total, result: listing.objects.map((o) => objectJson(o, projectId, accessor)) });
  });
}
