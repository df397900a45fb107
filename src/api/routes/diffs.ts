import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { principalOf, requires } from '../access.js';
import { projectIdOf } from '../project-header.js';
import { typed } from '../type-provider.js';
import { commaList } from '../query-values.js';
import { PACKSTORE_EXTENSIONS, ProjectHeader, replies } from '../contract/common.js';
import { Diff, DiffBody, DiffIdParams, DiffQuery } from '../contract/diffs.js';
import type { DiffView } from '../../services/package-diff.js';
import type { DiffSource } from '../../store/diffs.js';
import { InvalidInputError } from '../../domain/errors.js';
import { formatLibraryDate } from '../../domain/dates.js';

/** Like a validation, a diff shows the target's objects (definitions, ACLs) to whoever asks: the same privileges. */
const DIFF_ACCESS = requires('CREATE_PACKAGE', 'APPLY_PACKAGE', 'BYPASS_ACCESS_CHECKS');
const TAGS = [PACKSTORE_EXTENSIONS];
const DEFAULT_LIMIT = 100;

function sourceOf(body: DiffBody): DiffSource {
  const fileId = body.packageInfo.storage?.sharedFileStore.files.id;
  const migrationId = body.packageInfo.id;
  if ((fileId === undefined) === (migrationId === undefined)) {
    throw new InvalidInputError('packageInfo needs exactly one of id (a migration id) and storage.sharedFileStore.files.id (an uploaded file).');
  }
  return fileId !== undefined ? { kind: 'file', id: fileId, undo: body.undo ?? false } : { kind: 'migration', id: migrationId ?? '', undo: body.undo ?? false };
}

function wire(view: DiffView): Diff {
  const { header, page } = view;
  return {
    id: header.id,
    status: header.status,
    ...(header.message ? { message: header.message } : {}),
    projectId: header.projectId,
    source: header.source,
    createdAt: formatLibraryDate(new Date(header.createdAt)),
    ...(header.summary ? { summary: header.summary } : {}),
    ...(header.fingerprint ? { targetFingerprint: header.fingerprint } : {}),
    ...(view.currentFingerprint ? { currentFingerprint: view.currentFingerprint, stale: view.stale ?? false } : {}),
    ...(page
      ? {
          total: page.total,
          objects: page.rows.map((r) => ({
            id: r.id,
            type: r.type,
            name: r.name,
            action: r.action,
            ...(r.targetId ? { targetId: r.targetId } : {}),
            ...(r.blocked ? { blocked: r.blocked } : {}),
            changes: r.changes,
          })),
        }
      : {}),
  };
}

/**
 * The diff preview: what an import (or an undo) would change in its target, object by object and
 * field by field. It changes nothing in the target: audit-exempt like the other reads.
 */
export function diffRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = typed(server);
  const diffs = ctx.packageDiffs;

  app.post(
    '/api/migrations/diff',
    {
      config: { access: DIFF_ACCESS },
      schema: {
        tags: TAGS,
        summary: "Diff a package (an uploaded file or a migration's) or an undo against its target: 200 when small, else 202 and page by id",
        headers: ProjectHeader,
        querystring: DiffQuery,
        body: DiffBody,
        response: replies({ 200: Diff, 202: Diff }),
      },
    },
    async (request, reply) => {
      const body = request.body;
      const header = await diffs.start({
        source: sourceOf(body),
        projectId: body.importInfo?.project?.id ?? projectIdOf(request),
        userId: principalOf(request).userId,
      });
      if (header.status === 'running') return reply.code(202).send(wire({ header }));
      return reply.code(200).send(wire(await diffs.read(header.id, filterOf(request.query))));
    },
  );

  app.get(
    '/api/migrations/diff/:id',
    {
      config: { access: DIFF_ACCESS },
      schema: {
        tags: TAGS,
        summary: 'A page of a diff, and whether its target changed since (stale)',
        params: DiffIdParams,
        querystring: DiffQuery,
        response: replies({ 200: Diff, 202: Diff }),
      },
    },
    async (request, reply) => {
      const view = await diffs.read(request.params.id, filterOf(request.query));
      return reply.code(view.header.status === 'running' ? 202 : 200).send(wire(view));
    },
  );
}

function filterOf(query: DiffQuery) {
  return {
    offset: query.offset ?? 0,
    limit: query.limit ?? DEFAULT_LIMIT,
    actions: commaList(query.action),
    types: commaList(query.type).map(Number),
    q: query.q?.trim() || undefined,
  };
}
