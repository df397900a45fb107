import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { boolQuery, bodyFields, descriptionField, guidField, idParam, intQuery, nameField, projectScope, typeListQuery } from '../object-input.js';
import { objectJson } from '../object-json.js';
import { ObjectService } from '../../store/metadata/object-service.js';

export const MAX_PAGE = 5000;

/** POST /api/folders and GET /api/folders/{id} (a folder's children). */
export function folderRoutes(app: FastifyInstance, ctx: AppContext): void {
  const service = new ObjectService(ctx.metadata);
  const access = { config: { access: SIGNED_IN } };

  app.post('/api/folders', access, async (request, reply) => {
    const fields = bodyFields(request, ['name', 'description', 'parent']);
    const input = {
      name: nameField(fields, 'name', true) ?? '',
      description: descriptionField(fields, 'description') ?? '',
      parent: guidField(fields, 'parent', true) ?? '',
    };
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata);
    const folder = await service.createFolder(projectId, input, accessor);
    return reply.code(201).send(objectJson(folder, projectId, accessor, await service.ancestors(projectId, folder)));
  });

  app.get('/api/folders/:id', access, async (request, reply) => {
    const id = idParam(request);
    const types = typeListQuery(request);
    const hidden = boolQuery(request, 'hidden');
    const offset = intQuery(request, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intQuery(request, 'limit', -1, -1, MAX_PAGE);
    const accessor = await accessorOf(request, ctx.users);
    const projectId = await projectScope(request, ctx.metadata);
    const listing = await service.children(
      projectId,
      id,
      // hidden=false leaves hidden objects out; without the parameter every child is listed.
      { ...types, ...(hidden === false ? { hidden: false } : {}), offset, limit: limit < 0 ? MAX_PAGE : limit },
      accessor,
    );
    return reply.header('x-mstr-total-count', String(listing.total)).send(listing.objects.map((o) => objectJson(o, projectId, accessor)));
  });
}
