import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { objectName, projectScope } from '../object-input.js';
import { objectJson, projectObjectJson } from '../object-json.js';
import { typed } from '../type-provider.js';
import { Empty, ProjectHeader, replies } from '../contract/common.js';
import { MetadataObject, ObjectCopyBody, ObjectIdParams, ObjectTypeQuery, ObjectUpdateBody } from '../contract/objects.js';
import { InvalidInputError } from '../../domain/errors.js';
import { OBJECT_TYPE } from '../../domain/objects.js';

const TAGS = ['Objects'];
/** Every /api/objects call names the object by id and type, in the project of X-MSTR-ProjectID. */
const ADDRESS = { tags: TAGS, params: ObjectIdParams, querystring: ObjectTypeQuery, headers: ProjectHeader };

function refuseProjectType(type: number): void {
  if (type === OBJECT_TYPE.PROJECT) throw new InvalidInputError('type: projects cannot be changed through /api/objects.');
}

/** GET/PUT/DELETE /api/objects/{id}?type= and POST /api/objects/{id}/copy?type=. */
export function objectRoutes(server: FastifyInstance, ctx: AppContext): void {
  const service = ctx.objects;
  const app = typed(server);
  const config = { access: SIGNED_IN };

  app.get(
    '/api/objects/:id',
    { config, schema: { ...ADDRESS, summary: 'An object (type 32: a project)', response: replies({ 200: MetadataObject }) } },
    async (request) => {
      const { id } = request.params;
      const { type } = request.query;
      const accessor = await accessorOf(request, ctx.accessors);
      if (type === OBJECT_TYPE.PROJECT) {
        return projectObjectJson(await ctx.objects.project(id), accessor);
      }
      const projectId = await projectScope(request, ctx.objects, type);
      const object = await service.read(projectId, id, type, accessor);
      return objectJson(object, projectId, accessor, await service.ancestors(projectId, object));
    },
  );

  app.put(
    '/api/objects/:id',
    { config, schema: { ...ADDRESS, summary: 'Rename, describe or move an object', body: ObjectUpdateBody, response: replies({ 200: MetadataObject }) } },
    async (request) => {
      const { id } = request.params;
      const { type } = request.query;
      refuseProjectType(type);
      const fields = request.body ?? {};
      const changes = { name: objectName(fields.name), description: fields.description ?? undefined, folderId: fields.folderId ?? undefined };
      const accessor = await accessorOf(request, ctx.accessors);
      const projectId = await projectScope(request, ctx.objects, type);
      const object = await service.update(projectId, id, type, changes, accessor);
      return objectJson(object, projectId, accessor, await service.ancestors(projectId, object));
    },
  );

  app.post(
    '/api/objects/:id/copy',
    { config, schema: { ...ADDRESS, summary: 'Copy an object', body: ObjectCopyBody, response: replies({ 201: MetadataObject }) } },
    async (request, reply) => {
      const { id } = request.params;
      const { type } = request.query;
      refuseProjectType(type);
      const fields = request.body ?? {};
      const input = { name: objectName(fields.name), folderId: fields.folderId ?? undefined };
      const accessor = await accessorOf(request, ctx.accessors);
      const projectId = await projectScope(request, ctx.objects, type);
      const copy = await service.copy(projectId, id, type, input, accessor);
      return reply.code(201).send(objectJson(copy, projectId, accessor, await service.ancestors(projectId, copy)));
    },
  );

  app.delete('/api/objects/:id', { config, schema: { ...ADDRESS, summary: 'Delete an object', response: replies({ 204: Empty }) } }, async (request, reply) => {
    const { id } = request.params;
    const { type } = request.query;
    refuseProjectType(type);
    const accessor = await accessorOf(request, ctx.accessors);
    const projectId = await projectScope(request, ctx.objects, type);
    await service.remove(projectId, id, type, accessor);
    return reply.code(204).send();
  });
}
