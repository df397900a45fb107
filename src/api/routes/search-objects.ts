import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { boolQuery, bodyFields, descriptionField, guidField, idParam, intQuery, nameField, projectScope } from '../object-input.js';
import { resultsJson } from '../search-results.js';
import { pageQuery } from '../search-input.js';
import { InvalidInputError } from '../../domain/errors.js';
import { isRecord } from '../../domain/input.js';
import { CONFIGURATION_PROJECT_ID, CONFIGURATION_ROOT_FOLDER_ID, PROJECT_ROOT_FOLDER_ID, type MetadataObject } from '../../domain/objects.js';
import { DEFINITION_FIELDS, parseDefinition, type SearchDefinition } from '../../domain/search/definition.js';
import { MAX_RESULTS, SearchService } from '../../services/search.js';
import { ObjectService } from '../../store/metadata/object-service.js';
import { SearchInstanceRepository } from '../../store/metadata/search-instances.js';

const CREATE_FIELDS = ['name', 'description', 'location', 'lcidQuery', ...DEFINITION_FIELDS];
const MAX_OPERATIONS = 50;

/** GET /api/searchObjects/{id}: the stored criteria, with the object's id and name. */
function definitionJson(object: MetadataObject, definition: SearchDefinition) {
  return { id: object.id, name: object.name, ...(object.description ? { description: object.description } : {}), ...definition };
}

/** The criteria a PATCH replaces: `{operationList: [{op: "replace", path: "/nameQuery", value}]}`. */
function patchChanges(request: FastifyRequest): Record<string, unknown> {
  const operations = bodyFields(request, ['operationList']).operationList;
  if (!Array.isArray(operations) || operations.length === 0 || operations.length > MAX_OPERATIONS) {
    throw new InvalidInputError(`operationList must be an array of 1 to ${MAX_OPERATIONS} operations.`);
  }
  const changes: Record<string, unknown> = {};
  operations.forEach((operation, i) => {
    const path = isRecord(operation) && typeof operation.path === 'string' ? operation.path.replace(/^\//, '') : '';
    if (!isRecord(operation) || operation.op !== 'replace') throw new InvalidInputError(`operationList[${i}].op must be "replace".`);
    if (!(DEFINITION_FIELDS as readonly string[]).includes(path)) throw new InvalidInputError(`operationList[${i}].path must be one of /${DEFINITION_FIELDS.join(', /')}.`);
    changes[path] = operation.value ?? null;
  });
  return changes;
}

/** Search objects (type 39, search contract §4.9–4.10): create, read and alter their criteria, and run them. */
export function searchObjectRoutes(app: FastifyInstance, ctx: AppContext): void {
  const service = new SearchService(ctx.metadata, new SearchInstanceRepository(ctx.database.db));
  const objects = new ObjectService(ctx.metadata);
  const access = { config: { access: SIGNED_IN } };

  app.post('/api/searchObjects', access, async (request, reply) => {
    const fields = bodyFields(request, CREATE_FIELDS);
    const { name: _name, description: _description, location: _location, ...criteria } = fields;
    const projectId = await projectScope(request, ctx.metadata);
    const input = {
      name: nameField(fields, 'name', true) ?? '',
      description: descriptionField(fields, 'description') ?? '',
      // Without a location, the search object is saved in the project's root folder.
      folderId: guidField(fields, 'location', false) ?? (projectId === CONFIGURATION_PROJECT_ID ? CONFIGURATION_ROOT_FOLDER_ID : PROJECT_ROOT_FOLDER_ID),
      definition: parseDefinition(criteria),
    };
    const object = await service.createSearchObject(projectId, input, await accessorOf(request, ctx.users));
    return reply.code(201).send(definitionJson(object, input.definition));
  });

  app.get('/api/searchObjects/:id', access, async (request) => {
    const id = idParam(request);
    const projectId = await projectScope(request, ctx.metadata);
    const { object, definition } = await service.searchObjectDefinition(projectId, id, await accessorOf(request, ctx.users));
    return definitionJson(object, definition);
  });

  app.patch('/api/searchObjects/:id', access, async (request) => {
    const id = idParam(request);
    const changes = patchChanges(request);
    const projectId = await projectScope(request, ctx.metadata);
    const { object, definition } = await service.alterSearchObject(projectId, id, changes, await accessorOf(request, ctx.users));
    return definitionJson(object, definition);
  });

  app.get('/api/searchObjects/:id/results', access, async (request, reply) => {
    const id = idParam(request);
    const page = pageQuery(request, MAX_RESULTS);
    const ancestors = boolQuery(request, 'includeAncestors') ?? false;
    boolQuery(request, 'includeAcl');
    const subtype = intQuery(request, 'result.subtypes', 0, 0, 99_999);
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata);
    const listing = await service.runSearchObject(projectId, id, subtype > 0 ? subtype : undefined, page, accessor);
    const result = await resultsJson(objects, listing.objects, projectId, accessor, ancestors);
    return reply.header('x-mstr-total-count', String(listing.total)).send({ totalItems: listing.total, result });
  });
}
