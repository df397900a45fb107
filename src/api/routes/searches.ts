import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { projectScope } from '../object-input.js';
import { resultsJson } from '../search-results.js';
import { patternOf } from '../search-input.js';
import { typeList } from '../query-values.js';
import { typed } from '../type-provider.js';
import { ProjectHeader, replies } from '../contract/common.js';
import { ObjectsByIdBody, ObjectsByIdQuery, QuickSearchQuery, SearchResults, SuggestionQuery, Suggestions } from '../contract/searches.js';
import { InvalidInputError } from '../../domain/errors.js';
import { optionalBoolean } from '../../domain/input.js';
import { SEARCH_PATTERN } from '../../domain/search/criteria.js';
import { MAX_RESULTS } from '../../services/search.js';

const CERTIFIED_STATUSES = ['ALL', 'CERTIFIED_ONLY', 'NOT_CERTIFIED_ONLY', 'OFF'];
const MAX_SUGGESTIONS = 100;
const MAX_IDS = 1000;
const TAGS = ['Searches'];

/**
 * mstrio joins the suggestion parameters with `?` (search contract §4.7), so a standard parser
 * sees one `key` holding `Day?count=4?isCrossCluster=None`: split it back.
 */
function suggestionInput(query: { key?: string; count?: string }): { key: string; count: number } {
  const [key = '', ...rest] = (query.key ?? '').split('?');
  const extra = new URLSearchParams(rest.join('&'));
  const rawCount = extra.get('count') ?? query.count ?? '4';
  const count = Number(rawCount);
  if (!/^\d+$/.test(rawCount) || count < 1 || count > MAX_SUGGESTIONS)
    throw new InvalidInputError(`count must be an integer from 1 to ${MAX_SUGGESTIONS}, not ${JSON.stringify(rawCount)}.`);
  return { key, count };
}

/** {projectId: objectIds} of POST /api/searches/objects (the schema checked the ids). */
function idsByProject(list: readonly { projectId: string; objectIds: string[] }[]): Map<string, string[]> {
  const byProject = new Map<string, string[]>();
  for (const entry of list) byProject.set(entry.projectId, [...(byProject.get(entry.projectId) ?? []), ...entry.objectIds]);
  if ([...byProject.values()].flat().length > MAX_IDS) throw new InvalidInputError(`projectIdAndObjectIds may name at most ${MAX_IDS} objects.`);
  return byProject;
}

/** Quick search (GET /api/searches/results), suggestions, and objects by id (POST /api/searches/objects). */
export function searchRoutes(server: FastifyInstance, ctx: AppContext): void {
  const objects = ctx.objects;
  const service = ctx.search;
  const app = typed(server);
  const config = { access: SIGNED_IN };

  const quick = {
    tags: TAGS,
    summary: 'Quick search by name, types and root folder',
    querystring: QuickSearchQuery(MAX_RESULTS),
    headers: ProjectHeader,
    response: replies({ 200: SearchResults }),
  };
  app.get('/api/searches/results', { config, schema: quick }, async (request, reply) => {
    const { query } = request;
    const { name, root, offset = 0, limit = -1 } = query;
    const hidden = optionalBoolean(query['result.hidden'], 'result.hidden');
    const certified = (query.certifiedStatus ?? 'ALL').toUpperCase();
    if (!CERTIFIED_STATUSES.includes(certified)) throw new InvalidInputError(`certifiedStatus must be one of ${CERTIFIED_STATUSES.join(', ')}.`);
    const accessor = await accessorOf(request, ctx.accessors);
    const projectId = await projectScope(request, ctx.objects);
    const filter = {
      ...(name ? { name, pattern: patternOf(query.pattern) } : {}),
      ...typeList(query.type),
      ...(root ? { folderId: root, recursive: true } : {}),
      ...(hidden !== undefined ? { hidden } : {}),
      // Packstore has no certified objects.
      ...(certified === 'CERTIFIED_ONLY' ? { none: true } : {}),
    };
    const listing = await service.find(projectId, filter, { offset, limit }, accessor);
    const ancestors = optionalBoolean(query.getAncestors, 'getAncestors') ?? false;
    return reply
      .header('x-mstr-total-count', String(listing.total))
      .send({ totalItems: listing.total, result: await resultsJson(objects, listing.objects, projectId, accessor, ancestors) });
  });

  const suggestions = {
    tags: TAGS,
    summary: 'Names that start with the key',
    querystring: SuggestionQuery,
    headers: ProjectHeader,
    response: replies({ 200: Suggestions }),
  };
  app.get('/api/searches/suggestions', { config, schema: suggestions }, async (request) => {
    const { key, count } = suggestionInput(request.query);
    const accessor = await accessorOf(request, ctx.accessors);
    const projectId = await projectScope(request, ctx.objects);
    if (key.trim() === '') return { suggestions: [] };
    const listing = await service.find(projectId, { name: key, pattern: SEARCH_PATTERN.BEGIN_WITH_PHRASE }, { offset: 0, limit: count }, accessor);
    return { suggestions: listing.objects.map((o) => ({ name: o.name })) };
  });

  const byId = {
    tags: TAGS,
    summary: 'Objects by id, across projects',
    querystring: ObjectsByIdQuery,
    body: ObjectsByIdBody,
    response: replies({ 200: SearchResults }),
  };
  app.post('/api/searches/objects', { config, schema: byId }, async (request) => {
    const ancestors = optionalBoolean(request.query.includeAncestors, 'includeAncestors') ?? false;
    const accessor = await accessorOf(request, ctx.accessors);
    const result = [];
    for (const [projectId, ids] of idsByProject(request.body.projectIdAndObjectIds)) {
      result.push(...(await resultsJson(objects, await service.byIds(projectId, ids, accessor), projectId, accessor, ancestors)));
    }
    return { result };
  });
}
