import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { demand, principalOf, requires, requiresAny } from '../access.js';
import { sendDownload } from '../send-download.js';
import { listFiltersOf } from '../list-filters.js';
import { commaList } from '../query-values.js';
import { projectIdOf } from '../project-header.js';
import { typed } from '../type-provider.js';
import { BinaryReply, Empty, PACKSTORE_EXTENSIONS, ProjectHeader, RangeHeaders, replies } from '../contract/common.js';
import {
  AutoSyncQuery,
  CertificationBody,
  EditReply,
  GenerateUndoQuery,
  ListQuery,
  Migration,
  MigrationBody,
  MigrationIdParams,
  MigrationPage,
  MigrationPatchBody,
  PackageEditBody,
  PackageIdParams,
  PackageIdQuery,
  ReplicatedBody,
  Report,
  REPORT_PAGE_MAX,
  ReportQuery,
  ReuseQuery,
  SHOW_CONTENT,
  ShowQuery,
} from '../contract/migrations.js';
import { fullView, shortView } from '../../domain/migrations/views.js';
import {
  isImportFromFile,
  parseCertification,
  parseCreatePackage,
  parseImportFromFile,
  parseMigrationPatch,
  parsePackageEdit,
  parsePurposeList,
  parseReplicatedRecord,
  parseReuse,
} from '../../domain/migrations/requests.js';
import { isOneOf } from '../../domain/migrations/states.js';
import { InvalidInputError } from '../../domain/errors.js';
import { parseMigrationId } from '../../domain/ids.js';
import { optionalBoolean } from '../../domain/input.js';

const READ_MIGRATIONS = requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE', 'MANAGE_MIGRATION_PACKAGES');
const TAGS = ['Migrations'];

/** The schema's pattern has checked the form; this splits it. */
function migrationIdOf(raw: string) {
  const id = parseMigrationId(raw);
  if (!id) throw new InvalidInputError(`Migration id must be <packageId>:<importId> (two 32-hex ids); got ${JSON.stringify(raw)}.`);
  return id;
}

function caller(request: FastifyRequest) {
  const p = principalOf(request);
  return { id: p.userId, name: p.fullName };
}

/** The Migrations API (contract §3): create, list, get, PATCH, delete, download. */
export function migrationRoutes(server: FastifyInstance, ctx: AppContext): void {
  const { migrationService: service } = ctx;
  const app = typed(server);
  /**
   * Bodies that carry a whole migration record or package content: mstrio sends the record with its
   * table of contents (about 200 bytes an object), so a project merge of a large project needs far
   * more than other routes allow. Access is checked before a body is read.
   */
  const RECORD_BODY_LIMIT = ctx.config.recordBodyLimit;

  app.post(
    '/api/migrations',
    {
      bodyLimit: RECORD_BODY_LIMIT,
      config: { access: requiresAny('CREATE_PACKAGE', 'MANAGE_MIGRATION_PACKAGES') },
      schema: {
        tags: TAGS,
        summary: 'Create a package, import an uploaded one, or reuse a package (?packageId=)',
        querystring: ReuseQuery,
        headers: ProjectHeader,
        body: MigrationBody,
        response: replies({ 201: Migration }),
      },
    },
    async (request, reply) => {
      const reused = request.query.packageId;
      if (reused !== undefined) {
        demand(request, 'CREATE_PACKAGE');
        return reply.code(201).send(shortView(await service.reuse(reused, parseReuse(request.body), caller(request))));
      }
      if (isImportFromFile(request.body)) {
        // The seed: importing into this environment needs all three.
        demand(request, 'MANAGE_MIGRATION_PACKAGES', 'CREATE_PACKAGE', 'BYPASS_ACCESS_CHECKS');
        const record = await service.importFromFile(parseImportFromFile(request.body), caller(request), projectIdOf(request));
        return reply.code(201).send(shortView(record));
      }
      demand(request, 'CREATE_PACKAGE');
      const record = await service.createPackage(parseCreatePackage(request.body), caller(request), projectIdOf(request));
      return reply.code(201).send(shortView(record));
    },
  );

  app.get(
    '/api/migrations',
    {
      config: { access: READ_MIGRATIONS },
      schema: { tags: TAGS, summary: 'List migrations', querystring: ListQuery, response: replies({ 200: MigrationPage }) },
    },
    async (request) => {
      const { offset = 0, limit = 1000, sort, origin } = request.query;
      const filters = listFiltersOf(request.query, request.query.type);
      const page = await service.list({
        ...filters,
        purposes: parsePurposeList(request.query['packageInfo.purpose']),
        statuses: commaList(request.query.status),
        origin,
        sort,
        offset,
        limit,
      });
      return { total: page.total, data: page.records.map((r) => fullView(r)) };
    },
  );

  app.get(
    '/api/migrations/:id',
    {
      config: { access: READ_MIGRATIONS },
      schema: { tags: TAGS, summary: 'A migration', params: MigrationIdParams, querystring: ShowQuery, response: replies({ 200: Migration }) },
    },
    async (request) => {
      const id = migrationIdOf(request.params.id);
      const show = (request.query.showContent ?? 'default').toLowerCase();
      if (!isOneOf(SHOW_CONTENT, show)) throw new InvalidInputError(`showContent must be one of ${SHOW_CONTENT.join(', ')}.`);
      const record = await ctx.crossEnvironment.sync(await service.require(id.packageId, id.importId));
      return fullView(show === 'tocview' || show === 'all' ? await service.withContent(record) : record, show);
    },
  );

  app.get(
    '/api/migrations/:id/report',
    {
      config: { access: READ_MIGRATIONS },
      schema: {
        tags: [PACKSTORE_EXTENSIONS],
        summary: 'What the last import or validation did (or would do) to each object: a page, with counts by action and type',
        params: MigrationIdParams,
        querystring: ReportQuery,
        response: replies({ 200: Report }),
      },
    },
    async (request) => {
      const id = migrationIdOf(request.params.id);
      const { offset = 0, limit = REPORT_PAGE_MAX, action, type, q, sort = 'package' } = request.query;
      return service.report(id.packageId, id.importId, { offset, limit, action, type, q, sort });
    },
  );

  app.put(
    '/api/migrations/:id',
    {
      bodyLimit: RECORD_BODY_LIMIT,
      config: { access: requires('MANAGE_MIGRATION_PACKAGES', 'CREATE_PACKAGE', 'BYPASS_ACCESS_CHECKS') },
      schema: {
        tags: TAGS,
        summary: 'Import a record replicated through the shared storage',
        params: MigrationIdParams,
        querystring: GenerateUndoQuery,
        headers: ProjectHeader,
        body: ReplicatedBody,
        response: replies({ 201: Migration }),
      },
    },
    async (request, reply) => {
      const id = migrationIdOf(request.params.id);
      const input = parseReplicatedRecord(request.body, id.packageId, id.importId);
      const record = await ctx.crossEnvironment.importReplicated(
        input,
        caller(request),
        projectIdOf(request),
        optionalBoolean(request.query.generateUndo, 'generateUndo') ?? true,
      );
      return reply.code(201).send(shortView(record));
    },
  );

  app.put(
    '/api/migrations/:id/validation',
    {
      bodyLimit: RECORD_BODY_LIMIT,
      config: { access: requires('CREATE_PACKAGE', 'APPLY_PACKAGE', 'BYPASS_ACCESS_CHECKS') },
      schema: {
        tags: TAGS,
        summary: 'Validate a replicated record (a dry-run import)',
        params: MigrationIdParams,
        headers: ProjectHeader,
        body: ReplicatedBody,
        response: replies({ 202: Empty }),
      },
    },
    async (request, reply) => {
      const id = migrationIdOf(request.params.id);
      await ctx.crossEnvironment.startValidation(parseReplicatedRecord(request.body, id.packageId, id.importId), caller(request), projectIdOf(request));
      return reply.code(202).send();
    },
  );

  app.patch(
    '/api/migrations/:id/packageInfo/certification',
    {
      config: { access: READ_MIGRATIONS },
      schema: {
        tags: TAGS,
        summary: 'Certify a package',
        params: MigrationIdParams,
        querystring: AutoSyncQuery,
        body: CertificationBody,
        response: replies({ 204: Empty }),
      },
    },
    async (request, reply) => {
      const id = migrationIdOf(request.params.id);
      const record = await service.require(id.packageId, id.importId);
      const body = request.body;
      const autoSync = optionalBoolean(request.query.autoSync, 'autoSync') ?? false;
      await service.certify(record, autoSync && (body === undefined || body === null) ? undefined : parseCertification(body));
      return reply.code(204).send();
    },
  );

  app.put(
    '/api/migrations/:id/packageInfo',
    {
      bodyLimit: RECORD_BODY_LIMIT,
      config: { access: requires('CREATE_PACKAGE') },
      schema: {
        tags: TAGS,
        summary: 'Edit a package (name, content)',
        params: MigrationIdParams,
        body: PackageEditBody,
        response: replies({ 202: EditReply }),
      },
    },
    async (request, reply) => {
      const id = migrationIdOf(request.params.id);
      const record = await service.require(id.packageId, id.importId);
      const edited = await service.edit(record, parsePackageEdit(request.body, record.package));
      return reply.code(202).send({ id: edited.package.id, status: edited.package.status, progress: edited.package.progress });
    },
  );

  app.patch(
    '/api/migrations/:id',
    {
      config: { access: READ_MIGRATIONS },
      schema: {
        tags: TAGS,
        summary: 'Request, approve or reject an import, an undo or a validation',
        params: MigrationIdParams,
        headers: ProjectHeader,
        body: MigrationPatchBody,
        response: replies({ 200: Migration }),
      },
    },
    async (request) => {
      const id = migrationIdOf(request.params.id);
      const patch = parseMigrationPatch(request.body);
      if (patch.undoRequestStatus === 'approved') demand(request, 'MANAGE_MIGRATION_PACKAGES', 'BYPASS_ACCESS_CHECKS');
      const record = await service.patch(await service.require(id.packageId, id.importId), patch, projectIdOf(request));
      return shortView(record);
    },
  );

  app.delete(
    '/api/migrations',
    {
      config: { access: requires('MANAGE_MIGRATION_PACKAGES') },
      schema: { tags: TAGS, summary: 'Delete a package and its records', querystring: PackageIdQuery, response: replies({ 204: Empty }) },
    },
    async (request, reply) => {
      await service.deletePackage(request.query.packageId, principalOf(request).privileges);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/migrations/packages/:packageId/binary',
    {
      config: { access: requires('MANAGE_MIGRATION_PACKAGES') },
      schema: {
        tags: TAGS,
        summary: 'Download a package (HTTP Range supported)',
        params: PackageIdParams,
        headers: RangeHeaders,
        response: replies(BinaryReply),
      },
    },
    async (request, reply) => sendDownload(request, reply, await service.download(request.params.packageId)),
  );
}
