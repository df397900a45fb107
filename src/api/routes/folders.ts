import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { SIGNED_IN } from '../access.js';
import { accessorOf } from '../accessor.js';
import { objectName, projectScope } from '../object-input.js';
import { typeList } from '../query-values.js';
import { objectJson } from '../object-json.js';
import { typed } from '../type-provider.js';
import { ProjectHeader, replies } from '../contract/common.js';
import { FolderBody, FolderQuery, MAX_PAGE, MetadataObject, ObjectIdParams, ObjectList } from '../contract/objects.js';
import { optionalBoolean } from '../../domain/input.js';

const TAGS = ['Folders'];

/** POST /api/folders and GET /api/folders/{id} (a folder's children). */
export function folderRoutes(server: FastifyInstance, ctx: AppContext): void {
  const service = ctx.objects;
  const app = typed(server);
  const config = { access: SIGNED_IN };

  app.post(
    '/api/folders',
    { config, schema: { tags: TAGS, summary: 'Create a folder', headers: ProjectHeader, body: FolderBody, response: replies({ 201: MetadataObject }) } },
    async (request, reply) => {
      const { name, description, parent } = request.body;
      const input = { name: objectName(name) ?? '', description: description ?? '', parent };
      const accessor = await accessorOf(request, ctx.accessors);
      const projectId = await projectScope(request, ctx.objects);
      const folder = await service.createFolder(projectId, input, accessor);
      return reply.code(201).send(objectJson(folder, projectId, accessor, await service.ancestors(projectId, folder)));
    },
  );

  const children = {
    tags: TAGS,
    summary: "A folder's children (the total in X-MSTR-Total-Count)",
    params: ObjectIdParams,
    querystring: FolderQuery,
    headers: ProjectHeader,
    response: replies({ 200: ObjectList }),
  };
  app.get('/api/folders/:id', { config, schema: children }, async (request, reply) => {
    const { id } = request.params;
    const { offset = 0, limit = -1 } = request.query;
    const hidden = optionalBoolean(request.query.hidden, 'hidden');
    const accessor = await accessorOf(request, ctx.accessors);
    const projectId = await projectScope(request, ctx.objects);
    const listing = await service.children(
      projectId,
      id,
      // hidden=false leaves hidden objects out; without the parameter every child is listed.
      { ...typeList(request.query.type), ...(hidden === false ? { hidden: false } : {}), offset, limit: limit < 0 ? MAX_PAGE : limit },
      accessor,
    );
    return reply.header('x-mstr-total-count', String(listing.total)).send(listing.objects.map((o) => objectJson(o, projectId, accessor)));
  });
}
