import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { AppContext } from '../../app-context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { projectScope } from '../object-input.js';
import { objectJson } from '../object-json.js';
import { SEARCH_DOMAIN, metadataSearchInput } from '../search-input.js';
import { typed } from '../type-provider.js';
import { ProjectHeader, replies } from '../contract/common.js';
import { ObjectList } from '../contract/objects.js';
import { MetadataSearchBody, MetadataSearchQuery, SearchIdQuery, SearchTree, StoredSearch } from '../contract/searches.js';
import { CONFIGURATION_PROJECT_ID } from '../../domain/objects.js';
import { MAX_RESULTS } from '../../services/search.js';

const TAGS = ['Searches'];

/**
 * Metadata searches (search contract §4.1–4.5): store a search (v1: query only; v2: query and a
 * JSON body), then read its results as a bare array or a folder tree. Dependents and dependencies
 * are the same calls with usesObject / usedByObject.
 */
export function metadataSearchRoutes(server: FastifyInstance, ctx: AppContext): void {
  const service = ctx.search;
  const app = typed(server);
  const config = { access: SIGNED_IN };

  type StoreRequest = FastifyRequest<{ Querystring: Static<typeof MetadataSearchQuery>; Body: Static<typeof MetadataSearchBody> | undefined }>;
  const store = async (request: StoreRequest) => {
    const { filter, domain } = metadataSearchInput(request.query, request.body ?? undefined, Date.now());
    // Configuration objects (users, groups, sources) are searched with domain 4, mostly without a project header.
    const projectId = domain === SEARCH_DOMAIN.CONFIGURATION ? CONFIGURATION_PROJECT_ID : await projectScope(request, ctx.objects);
    return service.store(projectId, filter, await accessorOf(request, ctx.accessors));
  };
  const storeSchema = { tags: TAGS, querystring: MetadataSearchQuery, headers: ProjectHeader, response: replies({ 200: StoredSearch }) };
  app.post('/api/metadataSearches/results', { config, schema: { ...storeSchema, summary: 'Store a metadata search (criteria in the query)' } }, store);
  app.post(
    '/api/v2/metadataSearches/results',
    { config, schema: { ...storeSchema, summary: 'Store a metadata search (criteria in the query and the body)', body: MetadataSearchBody } },
    store,
  );

  const results = {
    tags: TAGS,
    summary: "A stored search's results (the total in X-MSTR-Total-Count)",
    querystring: SearchIdQuery(MAX_RESULTS),
    response: replies({ 200: ObjectList }),
  };
  app.get('/api/metadataSearches/results', { config, schema: results }, async (request, reply) => {
    const { searchId, offset = 0, limit = -1 } = request.query;
    const accessor = await accessorOf(request, ctx.accessors);
    const { projectId, listing } = await service.results(searchId, { offset, limit }, accessor);
    return reply.header('x-mstr-total-count', String(listing.total)).send(listing.objects.map((o) => objectJson(o, projectId, accessor)));
  });

  const tree = {
    tags: TAGS,
    summary: "A stored search's results as a folder tree",
    querystring: SearchIdQuery(MAX_RESULTS),
    response: replies({ 200: SearchTree }),
  };
  app.get('/api/metadataSearches/results/tree', { config, schema: tree }, async (request, reply) => {
    const { searchId, offset = 0, limit = -1 } = request.query;
    const { total, roots } = await service.tree(searchId, { offset, limit }, await accessorOf(request, ctx.accessors));
    return reply.header('x-mstr-total-count', String(total)).send({ totalItems: total, folders: roots });
  });
}
