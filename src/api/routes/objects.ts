import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { bodyFields, descriptionField, guidField, idParam, nameField, projectScope, typeQuery } from '../object-input.js';
import { objectJson, projectObjectJson } from '../object-json.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { OBJECT_TYPE } from '../../domain/objects.js';
import { ObjectService } from '../../store/metadata/object-service.js';

function refuseProjectType(type: number): void {
  if (type === OBJECT_TYPE.PROJECT) throw new InvalidInputError('type: projects cannot be changed through /api/objects.');
}

/** GET/PUT/DELETE /api/objects/{id}?type= and POST /api/objects/{id}/copy?type=. */
export function objectRoutes(app: FastifyInstance, ctx: AppContext): void {
  const service = new ObjectService(ctx.metadata);
  const access = { config: { access: SIGNED_IN } };

  app.get('/api/objects/:id', access, async (request) => {
    const id = idParam(request);
    const type = typeQuery(request);
    const accessor = await accessorOf(request, ctx.users);
    if (type === OBJECT_TYPE.PROJECT) {
      const project = await ctx.metadata.getProject(id);
      if (!project) throw new NotFoundError(`No project with id ${id}.`);
      return projectObjectJson(project, accessor);
    }
    const projectId = await projectScope(request, ctx.metadata, type);
    const object = await service.read(projectId, id, type, accessor);
    return objectJson(object, projectId, accessor, await service.ancestors(projectId, object));
  });

  app.put('/api/objects/:id', access, async (request) => {
    const id = idParam(request);
    const type = typeQuery(request);
    refuseProjectType(type);
    const fields = bodyFields(request, ['name', 'description', 'folderId']);
    const changes = {
      name: nameField(fields, 'name', false),
      description: descriptionField(fields, 'description'),
      folderId: guidField(fields, 'folderId', false),
    };
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata, type);
    const object = await service.update(projectId, id, type, changes, accessor);
    return objectJson(object, projectId, accessor, await service.ancestors(projectId, object));
  });

  app.post('/api/objects/:id/copy', access, async (request, reply) => {
    const id = idParam(request);
    const type = typeQuery(request);
    refuseProjectType(type);
    const fields = bodyFields(request, ['name', 'folderId']);
    const input = { name: nameField(fields, 'name', false), folderId: guidField(fields, 'folderId', false) };
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata, type);
    const copy = await service.copy(projectId, id, type, input, accessor);
    return reply.code(201).send(objectJson(copy, projectId, accessor, await service.ancestors(projectId, copy)));
  });

  app.delete('/api/objects/:id', access, async (request, reply) => {
    const id = idParam(request);
    const type = typeQuery(request);
    refuseProjectType(type);
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata, type);
    await service.remove(projectId, id, type, accessor);
    return reply.code(204).send();
  });
}
