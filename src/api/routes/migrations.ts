import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { demand, principalOf, requires, requiresAny } from '../access.js';
import { sendDownload } from '../send-download.js';
import { fullView, shortView, type ShowContent } from '../../domain/migrations/views.js';
import {
  isImportFromFile,
  parseCertification,
  parseCreatePackage,
  parseImportFromFile,
  parseMigrationPatch,
  parsePackageEdit,
  parseReplicatedRecord,
  parseReuse,
} from '../../domain/migrations/requests.js';
import { MIGRATION_PURPOSES, isOneOf } from '../../domain/migrations/states.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { isGuid, parseMigrationId } from '../../domain/ids.js';
import { integer, optionalBoolean } from '../../domain/input.js';

/**
 * Bodies that carry a whole migration record or package content: mstrio sends the record with its
 * table of contents (about 200 bytes an object), so a project merge of a large project needs far
 * more than the 1 MiB other routes allow. Access is checked before a body is read.
 */
const RECORD_BODY_LIMIT = 64 * 1024 * 1024;

const READ_MIGRATIONS = requiresAny('CREATE_PACKAGE', 'APPLY_PACKAGE', 'MANAGE_MIGRATION_PACKAGES');
const SHOW_CONTENT: readonly ShowContent[] = ['default', 'tocview', 'treeview', 'all'];

interface IdParams {
  id: string;
}

function projectHeader(request: FastifyRequest): string | undefined {
  const value = request.headers['x-mstr-projectid'];
  if (typeof value !== 'string' || value === '') return undefined;
  if (!isGuid(value)) throw new InvalidInputError(`X-MSTR-ProjectID must be a project id (32 upper-case hex); got ${JSON.stringify(value)}.`);
  return value;
}

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
export function migrationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { migrationService: service, migrations } = ctx;

  app.post<{ Querystring: { packageId?: string } }>('/api/migrations', { bodyLimit: RECORD_BODY_LIMIT, config: { access: requiresAny('CREATE_PACKAGE', 'MANAGE_MIGRATION_PACKAGES') } }, async (request, reply) => {
    const reused = request.query.packageId;
    if (reused !== undefined) {
      demand(request, 'CREATE_PACKAGE');
      if (!isGuid(reused)) throw new InvalidInputError('packageId must be a package id (32 upper-case hex).');
      return reply.code(201).send(shortView(await service.reuse(reused, parseReuse(request.body), caller(request))));
    }
    if (isImportFromFile(request.body)) {
      // The seed: importing into this environment needs all three.
      demand(request, 'MANAGE_MIGRATION_PACKAGES', 'CREATE_PACKAGE', 'BYPASS_ACCESS_CHECKS');
      const record = await service.importFromFile(parseImportFromFile(request.body), caller(request), projectHeader(request));
      return reply.code(201).send(shortView(record));
    }
    demand(request, 'CREATE_PACKAGE');
    const record = await service.createPackage(parseCreatePackage(request.body), caller(request), projectHeader(request));
    return reply.code(201).send(shortView(record));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/migrations', { config: { access: READ_MIGRATIONS } }, async (request) => {
    const q = request.query;
    const purposes = String(q['packageInfo.purpose'] ?? 'object_migration').split(',').map((p) => p.trim()).filter(Boolean);
    for (const p of purposes) if (!isOneOf(MIGRATION_PURPOSES, p)) throw new InvalidInputError(`packageInfo.purpose must list values of ${MIGRATION_PURPOSES.join(', ')}; got ${JSON.stringify(p)}.`);
    const offset = q.offset === undefined ? 0 : integer(q.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = q.limit === undefined ? 1000 : integer(q.limit, 'limit', 1, 1000);
    const page = await migrations.list({ purposes, offset, limit });
    return { total: page.total, data: page.records.map((r) => fullView(r)) };
  });

  app.get<{ Params: IdParams; Querystring: { showContent?: string } }>('/api/migrations/:id', { config: { access: READ_MIGRATIONS } }, async (request) => {
    const id = migrationIdOf(request.params.id);
    const show = String(request.query.showContent ?? 'default').toLowerCase();
    if (!isOneOf(SHOW_CONTENT, show)) throw new InvalidInputError(`showContent must be one of ${SHOW_CONTENT.join(', ')}.`);
    return fullView(await ctx.crossEnvironment.sync(await migrations.require(id.packageId, id.importId)), show);
  });

  // A Packstore extension: what the last import or validation did (or would do) to each object.
  app.get<{ Params: IdParams }>('/api/migrations/:id/report', { config: { access: READ_MIGRATIONS } }, async (request) => {
    const id = migrationIdOf(request.params.id);
    const report = (await migrations.require(id.packageId, id.importId)).import.report ?? [];
    return { total: report.length, data: report };
  });

  app.put<{ Params: IdParams; Querystring: { generateUndo?: string } }>('/api/migrations/:id', { bodyLimit: RECORD_BODY_LIMIT, config: { access: requires('MANAGE_MIGRATION_PACKAGES', 'CREATE_PACKAGE', 'BYPASS_ACCESS_CHECKS') } }, async (request, reply) => {
    const id = migrationIdOf(request.params.id);
    const generateUndo = optionalBoolean(request.query.generateUndo, 'generateUndo') ?? true;
    const input = parseReplicatedRecord(request.body, id.packageId, id.importId);
    const record = await ctx.crossEnvironment.importReplicated(input, caller(request), projectHeader(request), generateUndo);
    return reply.code(201).send(shortView(record));
  });

  app.put<{ Params: IdParams }>('/api/migrations/:id/validation', { bodyLimit: RECORD_BODY_LIMIT, config: { access: requires('CREATE_PACKAGE', 'APPLY_PACKAGE', 'BYPASS_ACCESS_CHECKS') } }, async (request, reply) => {
    const id = migrationIdOf(request.params.id);
    await ctx.crossEnvironment.startValidation(parseReplicatedRecord(request.body, id.packageId, id.importId), caller(request), projectHeader(request));
    return reply.code(202).send();
  });

  app.patch<{ Params: IdParams; Querystring: { autoSync?: string } }>('/api/migrations/:id/packageInfo/certification', { config: { access: READ_MIGRATIONS } }, async (request, reply) => {
    const id = migrationIdOf(request.params.id);
    const record = await migrations.require(id.packageId, id.importId);
    const autoSync = optionalBoolean(request.query.autoSync, 'autoSync') ?? false;
    const body = request.body;
    await service.certify(record, autoSync && (body === undefined || body === null) ? undefined : parseCertification(body));
    return reply.code(204).send();
  });

  app.put<{ Params: IdParams }>('/api/migrations/:id/packageInfo', { bodyLimit: RECORD_BODY_LIMIT, config: { access: requires('CREATE_PACKAGE') } }, async (request, reply) => {
    const id = migrationIdOf(request.params.id);
    const record = await migrations.require(id.packageId, id.importId);
    const edited = await service.edit(record, parsePackageEdit(request.body, record.package));
    return reply.code(202).send({ id: edited.package.id, status: edited.package.status, progress: edited.package.progress });
  });

  app.patch<{ Params: IdParams }>('/api/migrations/:id', { config: { access: READ_MIGRATIONS } }, async (request) => {
    const id = migrationIdOf(request.params.id);
    const patch = parseMigrationPatch(request.body);
    if (patch.undoRequestStatus === 'approved') demand(request, 'MANAGE_MIGRATION_PACKAGES', 'BYPASS_ACCESS_CHECKS');
    const record = await service.patch(await migrations.require(id.packageId, id.importId), patch, projectHeader(request));
    return shortView(record);
  });

  app.delete<{ Querystring: { packageId?: string } }>('/api/migrations', { config: { access: requires('MANAGE_MIGRATION_PACKAGES') } }, async (request, reply) => {
    const packageId = request.query.packageId;
    if (!isGuid(packageId)) throw new InvalidInputError('packageId must be a package id (32 upper-case hex).');
    await service.deletePackage(packageId, principalOf(request).privileges);
    return reply.code(204).send();
  });

  app.get<{ Params: { packageId: string } }>('/api/migrations/packages/:packageId/binary', { config: { access: requires('MANAGE_MIGRATION_PACKAGES') } }, async (request, reply) => {
    const { packageId } = request.params;
    if (!isGuid(packageId)) throw new InvalidInputError('packageId must be a package id (32 upper-case hex).');
    const pkg = await migrations.getPackage(packageId);
    if (!pkg) throw new NotFoundError(`Package ${packageId} does not exist.`);
    const storage = pkg.storage;
    if (!storage) throw new NotFoundError(`Package ${packageId} has no binary: it is ${pkg.status}.`);
    const blobs = await ctx.storage.blobs();
    return sendDownload(request, reply, { size: storage.size, sha256: storage.sha256, fileName: pkg.name, open: (range) => blobs.get(storage.path, { range }) });
  });
}
