import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { objectName, projectScope } from '../object-input.js';
import { resultsJson } from '../search-results.js';
import { typed } from '../type-provider.js';
import { ProjectHeader, replies } from '../contract/common.js';
import { ObjectIdParams } from '../contract/objects.js';
import { SearchObjectBody, SearchObjectDefinition, SearchObjectPatchBody, SearchObjectRunQuery, SearchResults } from '../contract/searches.js';
import { InvalidInputError } from '../../domain/errors.js';
import { optionalBoolean } from '../../domain/input.js';
import { CONFIGURATION_PROJECT_ID, CONFIGURATION_ROOT_FOLDER_ID, PROJECT_ROOT_FOLDER_ID, type MetadataObject } from '../../domain/objects.js';
import { DEFINITION_FIELDS, parseDefinition, type SearchDefinition } from '../../domain/search/definition.js';
import { MAX_RESULTS } from '../../services/search.js';

const TAGS = ['Search objects'];

/** GET /api/searchObjects/{id}: the stored criteria, with the object's id and name. */
function definitionJson(object: MetadataObject, definition: SearchDefinition) {
  return { id: object.id, name: object.name, ...(object.description ? { description: object.description } : {}), ...definition };
}

/** The criteria a PATCH replaces: `{operationList: [{op: "replace", path: "/nameQuery", value}]}`. */
function patchChanges(operations: readonly Record<string, unknown>[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  operations.forEach((operation, i) => {
    const path = typeof operation.path === 'string' ? operation.path.replace(/^\//, '') : '';
    if (operation.op !== 'replace') throw new InvalidInputError(`operationList[${i}].op must be "replace".`);
    if (!(DEFINITION_FIELDS as readonly string[]).includes(path))
      throw new InvalidInputError(`operationList[${i}].path must be one of /${DEFINITION_FIELDS.join(', /')}.`);
    changes[path] = operation.value ?? null;
  });
  return changes;
}

/** Search objects (type 39, search contract §4.9–4.10): create, read and alter their criteria, and run them. */
export function searchObjectRoutes(server: FastifyInstance, ctx: AppContext): void {
  const service = ctx.search;
  const objects = ctx.objects;
  const app = typed(server);
  const config = { access: SIGNED_IN };
  const ONE = { tags: TAGS, params: ObjectIdParams, headers: ProjectHeader };

  const create = {
    tags: TAGS,
    summary: 'Save a search object',
    headers: ProjectHeader,
    body: SearchObjectBody,
    response: replies({ 201: SearchObjectDefinition }),
  };
  app.post('/api/searchObjects', { config, schema: create }, async (request, reply) => {
    const { name, description, location, ...criteria } = request.body;
    const projectId = await projectScope(request, ctx.objects);
    const input = {
      name: objectName(name) ?? '',
      description: description ?? '',
      // Without a location, the search object is saved in the project's root folder.
      folderId: location ?? (projectId === CONFIGURATION_PROJECT_ID ? CONFIGURATION_ROOT_FOLDER_ID : PROJECT_ROOT_FOLDER_ID),
      definition: parseDefinition(criteria),
    };
    const object = await service.createSearchObject(projectId, input, await accessorOf(request, ctx.accessors));
    return reply.code(201).send(definitionJson(object, input.definition));
  });

  app.get(
    '/api/searchObjects/:id',
    { config, schema: { ...ONE, summary: "A search object's criteria", response: replies({ 200: SearchObjectDefinition }) } },
    async (request) => {
      const projectId = await projectScope(request, ctx.objects);
      const { object, definition } = await service.searchObjectDefinition(projectId, request.params.id, await accessorOf(request, ctx.accessors));
      return definitionJson(object, definition);
    },
  );

  const alter = {
    ...ONE,
    summary: "Replace some of a search object's criteria",
    body: SearchObjectPatchBody,
    response: replies({ 200: SearchObjectDefinition }),
  };
  app.patch('/api/searchObjects/:id', { config, schema: alter }, async (request) => {
    const changes = patchChanges(request.body.operationList);
    const projectId = await projectScope(request, ctx.objects);
    const { object, definition } = await service.alterSearchObject(projectId, request.params.id, changes, await accessorOf(request, ctx.accessors));
    return definitionJson(object, definition);
  });

  const run = { ...ONE, summary: 'Run a search object', querystring: SearchObjectRunQuery(MAX_RESULTS), response: replies({ 200: SearchResults }) };
  app.get('/api/searchObjects/:id/results', { config, schema: run }, async (request, reply) => {
    const { offset = 0, limit = -1, 'result.subtypes': subtype = 0 } = request.query;
    const ancestors = optionalBoolean(request.query.includeAncestors, 'includeAncestors') ?? false;
    const accessor = await accessorOf(request, ctx.accessors);
    const projectId = await projectScope(request, ctx.objects);
    const listing = await service.runSearchObject(projectId, request.params.id, subtype > 0 ? subtype : undefined, { offset, limit }, accessor);
    const result = await resultsJson(objects, listing.objects, projectId, accessor, ancestors);
    return reply.header('x-mstr-total-count', String(listing.total)).send({ totalItems: listing.total, result });
  });
}
