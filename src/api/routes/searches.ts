import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { boolQuery, bodyFields, listQuery, optionalGuidQuery, projectScope, stringQuery, typeListQuery } from '../object-input.js';
import { resultsJson } from '../search-results.js';
import { pageQuery, patternQuery } from '../search-input.js';
import { InvalidInputError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import { isRecord } from '../../domain/input.js';
import { SEARCH_PATTERN } from '../../domain/search/criteria.js';
import { MAX_RESULTS, SearchService } from '../../services/search.js';
import { ObjectService } from '../../store/metadata/object-service.js';
import { SearchInstanceRepository } from '../../store/metadata/search-instances.js';

const CERTIFIED_STATUSES = ['ALL', 'CERTIFIED_ONLY', 'NOT_CERTIFIED_ONLY', 'OFF'];
const MAX_SUGGESTIONS = 100;
const MAX_IDS = 1000;

/**
 * mstrio joins the suggestion parameters with `?` (search contract §4.7), so a standard parser
 * sees one `key` holding `Day?count=4?isCrossCluster=None`: split it back.
 */
function suggestionInput(request: FastifyRequest): { key: string; count: number } {
  const [key = '', ...rest] = (stringQuery(request, 'key') ?? '').split('?');
  const extra = new URLSearchParams(rest.join('&'));
  const rawCount = extra.get('count') ?? stringQuery(request, 'count') ?? '4';
  const count = Number(rawCount);
  if (!/^\d+$/.test(rawCount) || count < 1 || count > MAX_SUGGESTIONS) throw new InvalidInputError(`count must be an integer from 1 to ${MAX_SUGGESTIONS}, not ${JSON.stringify(rawCount)}.`);
  return { key, count };
}

/** {projectId: objectIds} of POST /api/searches/objects. */
function idsByProject(request: FastifyRequest): Map<string, string[]> {
  const list = bodyFields(request, ['projectIdAndObjectIds']).projectIdAndObjectIds;
  if (!Array.isArray(list)) throw new InvalidInputError('projectIdAndObjectIds must be an array of {projectId, objectIds}.');
  const byProject = new Map<string, string[]>();
  for (const entry of list) {
    const ids = isRecord(entry) ? entry.objectIds : undefined;
    if (!isRecord(entry) || !isGuid(entry.projectId) || !Array.isArray(ids) || !ids.every(isGuid)) {
      throw new InvalidInputError('projectIdAndObjectIds: each entry must be {projectId, objectIds} with 32-hex ids.');
    }
    byProject.set(entry.projectId, [...(byProject.get(entry.projectId) ?? []), ...(ids as string[])]);
  }
  if ([...byProject.values()].flat().length > MAX_IDS) throw new InvalidInputError(`projectIdAndObjectIds may name at most ${MAX_IDS} objects.`);
  return byProject;
}

/** Quick search (GET /api/searches/results), suggestions, and objects by id (POST /api/searches/objects). */
export function searchRoutes(app: FastifyInstance, ctx: AppContext): void {
  const objects = new ObjectService(ctx.metadata);
  const service = new SearchService(ctx.metadata, new SearchInstanceRepository(ctx.database.db));
  const access = { config: { access: SIGNED_IN } };

  app.get('/api/searches/results', access, async (request, reply) => {
    const name = stringQuery(request, 'name');
    const pattern = patternQuery(request);
    const types = typeListQuery(request);
    const root = optionalGuidQuery(request, 'root');
    const page = pageQuery(request, MAX_RESULTS);
    const ancestors = boolQuery(request, 'getAncestors') ?? false;
    const hidden = boolQuery(request, 'result.hidden');
    boolQuery(request, 'isCrossCluster');
    const certified = (stringQuery(request, 'certifiedStatus') ?? 'ALL').toUpperCase();
    if (!CERTIFIED_STATUSES.includes(certified)) throw new InvalidInputError(`certifiedStatus must be one of ${CERTIFIED_STATUSES.join(', ')}.`);
    if (!listQuery(request, 'tenantIds').every(isGuid)) throw new InvalidInputError('tenantIds must be 32-hex ids.');
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata);
    const filter = {
      ...(name ? { name, pattern } : {}),
      ...types,
      ...(root ? { folderId: root, recursive: true } : {}),
      ...(hidden !== undefined ? { hidden } : {}),
      // Packstore has no certified objects.
      ...(certified === 'CERTIFIED_ONLY' ? { none: true } : {}),
    };
    const listing = await service.find(projectId, filter, page, accessor);
    return reply
      .header('x-mstr-total-count', String(listing.total))
      .send({ totalItems: listing.total, result: await resultsJson(objects, listing.objects, projectId, accessor, ancestors) });
  });

  app.get('/api/searches/suggestions', access, async (request) => {
    const { key, count } = suggestionInput(request);
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata);
    if (key.trim() === '') return { suggestions: [] };
    const listing = await service.find(projectId, { name: key, pattern: SEARCH_PATTERN.BEGIN_WITH_PHRASE }, { offset: 0, limit: count }, accessor);
    return { suggestions: listing.objects.map((o) => ({ name: o.name })) };
  });

  app.post('/api/searches/objects', access, async (request) => {
    const ancestors = boolQuery(request, 'includeAncestors') ?? false;
    boolQuery(request, 'showNavigationPath');
    const accessor = await accessorOf(request, ctx.users);
    const result = [];
    for (const [projectId, ids] of idsByProject(request)) {
      result.push(...(await resultsJson(objects, await service.byIds(projectId, ids, accessor), projectId, accessor, ancestors)));
    }
    return { result };
  });
}
