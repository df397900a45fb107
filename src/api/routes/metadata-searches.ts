import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { projectScope, stringQuery } from '../object-input.js';
import { objectJson } from '../object-json.js';
import { SEARCH_DOMAIN, metadataSearchInput, pageQuery } from '../search-input.js';
import { CONFIGURATION_PROJECT_ID } from '../../domain/objects.js';
import { InvalidInputError } from '../../domain/errors.js';
import { MAX_RESULTS, SearchService } from '../../services/search.js';
import { SearchInstanceRepository } from '../../store/metadata/search-instances.js';

function searchIdQuery(request: FastifyRequest): string {
  const id = stringQuery(request, 'searchId');
  if (id === undefined || !/^[0-9A-F]{32}$/.test(id)) throw new InvalidInputError(`searchId must be the id a metadata search answered, not ${JSON.stringify(id ?? null)}.`);
  return id;
}

/**
 * Metadata searches (search contract §4.1–4.5): store a search (v1: query only; v2: query and a
 * JSON body), then read its results as a bare array or a folder tree. Dependents and dependencies
 * are the same calls with usesObject / usedByObject.
 */
export function metadataSearchRoutes(app: FastifyInstance, ctx: AppContext): void {
  const service = new SearchService(ctx.metadata, new SearchInstanceRepository(ctx.database.db));
  const access = { config: { access: SIGNED_IN } };

  const store = (withBody: boolean) => async (request: FastifyRequest) => {
    const { filter, domain } = metadataSearchInput(request, withBody, Date.now());
    // Configuration objects (users, groups, sources) are searched with domain 4, mostly without a project header.
    const projectId = domain === SEARCH_DOMAIN.CONFIGURATION ? CONFIGURATION_PROJECT_ID : await projectScope(request, ctx.metadata);
    return service.store(projectId, filter, await accessorOf(request, ctx.users));
  };
  app.post('/api/metadataSearches/results', access, store(false));
  app.post('/api/v2/metadataSearches/results', access, store(true));

  app.get('/api/metadataSearches/results', access, async (request, reply) => {
    const searchId = searchIdQuery(request);
    const accessor = await accessorOf(request, ctx.users);
    const { projectId, listing } = await service.results(searchId, pageQuery(request, MAX_RESULTS), accessor);
    return reply.header('x-mstr-total-count', String(listing.total)).send(listing.objects.map((o) => objectJson(o, projectId, accessor)));
  });

  app.get('/api/metadataSearches/results/tree', access, async (request, reply) => {
    const searchId = searchIdQuery(request);
    const { total, roots } = await service.tree(searchId, pageQuery(request, MAX_RESULTS), await accessorOf(request, ctx.users));
    return reply.header('x-mstr-total-count', String(total)).send({ totalItems: total, folders: roots });
  });
}
