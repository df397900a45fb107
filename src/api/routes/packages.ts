import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { principalOf, requires, requiresAny } from '../access.js';
import { sendDownload } from '../send-download.js';
import { receiveFilePart } from '../multipart.js';
import { holderId, holderImportStatus, holderStatus, parseHolderId } from '../../domain/migrations/holders.js';
import { parseCreatePackage } from '../../domain/migrations/requests.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { isGuid } from '../../domain/ids.js';
import { optionalBoolean } from '../../domain/input.js';
import { CONFIGURATION_PROJECT_ID } from '../../domain/objects.js';
import type { MigrationRecord } from '../../domain/migrations/records.js';

interface IdParams {
  id: string;
}

function projectOf(request: FastifyRequest): string {
  const header = request.headers['x-mstr-projectid'];
  if (typeof header !== 'string' || header === '') return CONFIGURATION_PROJECT_ID;
  if (!isGuid(header)) throw new InvalidInputError('X-MSTR-ProjectID must be a project id (32 upper-case hex).');
  return header;
}

/** The older package-holder API (contract §5), over the same engine as /api/migrations. */
export async function packageHolderRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const holders = ctx.packageHolders;
  const caller = (request: FastifyRequest) => ({ id: principalOf(request).userId, name: principalOf(request).fullName });
  const view = (record: MigrationRecord, projectId: string) => ({ id: holderId(projectId, record.package.id), status: holderStatus(record.package) });

  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { files: 1, fields: 0, parts: 1, headerPairs: 16 } });

    scope.post('/api/packages', { config: { access: requires('CREATE_PACKAGE') } }, async (request, reply) => {
      const projectId = projectOf(request);
      return reply.code(201).send(view(await holders.createEmpty(projectId, caller(request)), projectId));
    });

    scope.put<{ Params: IdParams }>('/api/packages/:id', { config: { access: requires('CREATE_PACKAGE') } }, async (request, reply) => {
      const { projectId, guid } = parseHolderId(request.params.id);
      const body = request.body as Record<string, unknown> | undefined;
      const input = parseCreatePackage({ packageInfo: { type: body?.type, tocView: { settings: body?.settings, content: body?.content } } });
      return reply.code(202).send(view(await holders.fill(guid, projectId, input.type, input.request), projectId));
    });

    scope.get<{ Params: IdParams; Querystring: { showContent?: string } }>('/api/packages/:id', { config: { access: requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE') } }, async (request) => {
      const { projectId, guid } = parseHolderId(request.params.id);
      const record = await holders.require(guid);
      const showContent = optionalBoolean(request.query.showContent, 'showContent') ?? false;
      return {
        ...view(record, projectId),
        type: record.package.type,
        settings: record.package.request.settings,
        ...(showContent ? { content: await holders.content(record, projectId) } : {}),
      };
    });

    scope.get<{ Params: IdParams }>('/api/packages/:id/binary', { config: { access: requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE') } }, async (request, reply) => {
      const record = await holders.require(parseHolderId(request.params.id).guid);
      const storage = record.package.storage;
      if (!storage) throw new NotFoundError(`The package is ${holderStatus(record.package)}: it has no binary.`);
      const blobs = await ctx.storage.blobs();
      return sendDownload(request, reply, { ...storage, fileName: record.package.name, open: (range) => blobs.get(storage.path, { range }) });
    });

    scope.put<{ Params: IdParams }>('/api/packages/:id/binary', { config: { access: requires('CREATE_PACKAGE') } }, async (request) => {
      const { projectId, guid } = parseHolderId(request.params.id);
      const record = await holders.require(guid);
      let stored: MigrationRecord | undefined;
      await receiveFilePart(request, ctx.config.maxPackageSize, async (file) => {
        stored = await holders.upload(record, file);
      });
      return view(stored ?? record, projectId);
    });

    scope.delete<{ Params: IdParams }>('/api/packages/:id', { config: { access: requires('CREATE_PACKAGE') } }, async (request, reply) => {
      const id = request.params.id;
      await ctx.migrationService.deletePackage(parseHolderId(id).guid, principalOf(request).privileges);
      return reply.code(202).send({ id, status: 'DELETING' });
    });

    scope.post<{ Querystring: { packageId?: string; generateUndo?: string } }>('/api/packages/imports', { config: { access: requires('APPLY_PACKAGE', 'CREATE_PACKAGE') } }, async (request, reply) => {
      const packageId = request.query.packageId;
      if (!packageId) throw new InvalidInputError('packageId is required.');
      const { guid } = parseHolderId(packageId, 'packageId');
      const projectId = projectOf(request);
      const generateUndo = optionalBoolean(request.query.generateUndo, 'generateUndo') ?? false;
      const imp = await holders.startImport(guid, projectId, generateUndo, caller(request));
      return reply.code(202).send({ id: holderId(projectId, imp.id), status: holderImportStatus(imp), undoPackageCreated: false, progress: imp.progress });
    });

    scope.get<{ Params: IdParams }>('/api/packages/imports/:id', { config: { access: requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE') } }, async (request) => {
      const imp = await holders.requireImport(parseHolderId(request.params.id).guid);
      return { id: request.params.id, status: holderImportStatus(imp), undoPackageCreated: imp.undoStorage !== undefined, progress: imp.progress, ...(imp.message ? { message: imp.message } : {}) };
    });

    scope.delete<{ Params: IdParams }>('/api/packages/imports/:id', { config: { access: requires('APPLY_PACKAGE') } }, async (request, reply) => {
      await holders.deleteImport(parseHolderId(request.params.id).guid, principalOf(request).privileges);
      return reply.code(202).send();
    });

    scope.get<{ Params: IdParams }>('/api/packages/imports/:id/undoPackage/binary', { config: { access: requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE') } }, async (request, reply) => {
      const imp = await holders.requireImport(parseHolderId(request.params.id).guid);
      const undo = imp.undoStorage;
      if (!undo) throw new NotFoundError('This import has no undo package.');
      const blobs = await ctx.storage.blobs();
      return sendDownload(request, reply, { size: undo.size, fileName: `undo-${imp.id}`, open: (range) => blobs.get(undo.path, { range }) });
    });
  });
}
