import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { principalOf, requires, requiresAny } from '../access.js';
import { sendDownload } from '../send-download.js';
import { receiveFilePart } from '../multipart.js';
import { projectIdOf } from '../project-header.js';
import { typed } from '../type-provider.js';
import { BinaryReply, Empty, ProjectHeader, RangeHeaders, replies } from '../contract/common.js';
import { Holder, HolderBody, HolderDetails, HolderIdParams, HolderImport, HolderImportQuery, ShowContentQuery } from '../contract/packages.js';
import { UPLOAD_DESCRIPTION } from '../contract/files.js';
import { holderId, holderImportStatus, holderStatus, parseHolderId } from '../../domain/migrations/holders.js';
import { parseCreatePackage } from '../../domain/migrations/requests.js';
import { optionalBoolean } from '../../domain/input.js';
import { CONFIGURATION_PROJECT_ID } from '../../domain/objects.js';
import type { MigrationRecord } from '../../domain/migrations/records.js';

const TAGS = ['Packages'];
const ID = { tags: TAGS, params: HolderIdParams };

/** The holder API works in the project of X-MSTR-ProjectID, or the configuration. */
const projectOf = (request: FastifyRequest) => projectIdOf(request) ?? CONFIGURATION_PROJECT_ID;

/** The older package-holder API (contract §5), over the same engine as /api/migrations. */
export async function packageHolderRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const holders = ctx.packageHolders;
  const caller = (request: FastifyRequest) => ({ id: principalOf(request).userId, name: principalOf(request).fullName });
  const view = (record: MigrationRecord, projectId: string) => ({ id: holderId(projectId, record.package.id), status: holderStatus(record.package) });

  await app.register(async (plain) => {
    await plain.register(multipart, { limits: { files: 1, fields: 0, parts: 1, headerPairs: 16 } });
    const scope = typed(plain);

    scope.post(
      '/api/packages',
      {
        config: { access: requires('CREATE_PACKAGE') },
        schema: { tags: TAGS, summary: 'Create an empty package holder', headers: ProjectHeader, response: replies({ 201: Holder }) },
      },
      async (request, reply) => {
        const projectId = projectOf(request);
        return reply.code(201).send(view(await holders.createEmpty(projectId, caller(request)), projectId));
      },
    );

    scope.put(
      '/api/packages/:id',
      {
        config: { access: requires('CREATE_PACKAGE') },
        schema: { ...ID, summary: 'Fill a holder: build its package', body: HolderBody, response: replies({ 202: Holder }) },
      },
      async (request, reply) => {
        const { projectId, guid } = parseHolderId(request.params.id);
        const { type, settings, content } = request.body;
        const input = parseCreatePackage({ packageInfo: { type, tocView: { settings, content } } });
        return reply.code(202).send(view(await holders.fill(guid, projectId, input.type, input.request), projectId));
      },
    );

    scope.get(
      '/api/packages/:id',
      {
        config: { access: requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE') },
        schema: { ...ID, summary: 'A holder', querystring: ShowContentQuery, response: replies({ 200: HolderDetails }) },
      },
      async (request) => {
        const { projectId, guid } = parseHolderId(request.params.id);
        const record = await holders.require(guid);
        const showContent = optionalBoolean(request.query.showContent, 'showContent') ?? false;
        return {
          ...view(record, projectId),
          type: record.package.type,
          settings: record.package.request.settings,
          ...(showContent ? { content: await holders.content(record, projectId) } : {}),
        };
      },
    );

    scope.get(
      '/api/packages/:id/binary',
      {
        config: { access: requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE') },
        schema: { ...ID, summary: "Download the holder's package", headers: RangeHeaders, response: replies(BinaryReply) },
      },
      async (request, reply) => sendDownload(request, reply, await holders.download(parseHolderId(request.params.id).guid)),
    );

    const upload = {
      ...ID,
      summary: 'Upload a package into a holder',
      description: UPLOAD_DESCRIPTION,
      consumes: ['multipart/form-data'],
      response: replies({ 200: Holder }),
    };
    scope.put('/api/packages/:id/binary', { config: { access: requires('CREATE_PACKAGE') }, schema: upload }, async (request) => {
      const { projectId, guid } = parseHolderId(request.params.id);
      const record = await holders.require(guid);
      let stored: MigrationRecord | undefined;
      await receiveFilePart(request, ctx.config.maxPackageSize, async (file) => {
        stored = await holders.upload(record, file);
      });
      return view(stored ?? record, projectId);
    });

    scope.delete(
      '/api/packages/:id',
      { config: { access: requires('CREATE_PACKAGE') }, schema: { ...ID, summary: 'Delete a holder and its package', response: replies({ 202: Holder }) } },
      async (request, reply) => {
        const id = request.params.id;
        await ctx.migrationService.deletePackage(parseHolderId(id).guid, principalOf(request).privileges);
        return reply.code(202).send({ id, status: 'DELETING' });
      },
    );

    const startImport = {
      tags: TAGS,
      summary: "Import a holder's package into the project",
      querystring: HolderImportQuery,
      headers: ProjectHeader,
      response: replies({ 202: HolderImport }),
    };
    scope.post('/api/packages/imports', { config: { access: requires('APPLY_PACKAGE', 'CREATE_PACKAGE') }, schema: startImport }, async (request, reply) => {
      const { guid } = parseHolderId(request.query.packageId, 'packageId');
      const projectId = projectOf(request);
      const generateUndo = optionalBoolean(request.query.generateUndo, 'generateUndo') ?? false;
      const imp = await holders.startImport(guid, projectId, generateUndo, caller(request));
      return reply.code(202).send({ id: holderId(projectId, imp.id), status: holderImportStatus(imp), undoPackageCreated: false, progress: imp.progress });
    });

    scope.get(
      '/api/packages/imports/:id',
      { config: { access: requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE') }, schema: { ...ID, summary: 'An import', response: replies({ 200: HolderImport }) } },
      async (request) => {
        const imp = await holders.requireImport(parseHolderId(request.params.id).guid);
        return {
          id: request.params.id,
          status: holderImportStatus(imp),
          undoPackageCreated: imp.undoStorage !== undefined,
          progress: imp.progress,
          ...(imp.message ? { message: imp.message } : {}),
        };
      },
    );

    scope.delete(
      '/api/packages/imports/:id',
      { config: { access: requires('APPLY_PACKAGE') }, schema: { ...ID, summary: 'Delete an import and its undo package', response: replies({ 202: Empty }) } },
      async (request, reply) => {
        await holders.deleteImport(parseHolderId(request.params.id).guid, principalOf(request).privileges);
        return reply.code(202).send();
      },
    );

    scope.get(
      '/api/packages/imports/:id/undoPackage/binary',
      {
        config: { access: requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE') },
        schema: { ...ID, summary: "Download an import's undo package", headers: RangeHeaders, response: replies(BinaryReply) },
      },
      async (request, reply) => sendDownload(request, reply, await holders.undoDownload(parseHolderId(request.params.id).guid)),
    );
  });
}
