import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { AppContext } from '../../app-context.js';
import { principalOf, requires } from '../access.js';
import { receiveFilePart } from '../multipart.js';
import { sendDownload } from '../send-download.js';
import { typed } from '../type-provider.js';
import { BinaryReply, Empty, Page, RangeHeaders, replies } from '../contract/common.js';
import { FileIdParams, FileListQuery, SharedFile, SharedFileBody, UPLOAD_DESCRIPTION } from '../contract/files.js';
import { parseSharedFileInput, sharedFileView } from '../../domain/shared-files.js';
import { importedIntoView } from '../../domain/migrations/views.js';
import { guidFromFileId } from '../../domain/ids.js';
import { listFiltersOf } from '../list-filters.js';
import { commaList } from '../query-values.js';
import {
  beginUpload,
  createSharedFile,
  deleteSharedFile,
  duplicateOf,
  guidOf,
  listSharedFiles,
  openBinary,
  storedFile,
} from '../../services/shared-file-service.js';

const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
const DEFAULT_LIST_LIMIT = 100;
const TAGS = ['Storage Service'];

const MANAGE = requires('MANAGE_MIGRATION_PACKAGES');
/** Adding or removing packages changes what this environment offers: administrators only. */
const MANAGE_AND_ADMINISTER = requires('MANAGE_MIGRATION_PACKAGES', 'ADMINISTER_ENVIRONMENT');

/** The Shared File Store of the seed: package metadata, binary upload and download, list, delete. */
export async function fileRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Scoped so that the multipart parser exists only for these routes.
  await app.register(async (plain) => {
    await plain.register(multipart, { limits: { files: 1, fields: 0, parts: 1, headerPairs: 16 } });
    const scope = typed(plain);

    scope.post(
      FILES,
      {
        config: { access: MANAGE_AND_ADMINISTER },
        schema: { tags: TAGS, summary: "Create a package file's metadata", body: SharedFileBody, response: replies({ 200: SharedFile }) },
      },
      async (request) => {
        const input = parseSharedFileInput(request.body, ctx.config.maxPackageSize);
        const principal = principalOf(request);
        const { file, warning } = await createSharedFile(ctx, input, { id: principal.userId, name: principal.fullName });
        return sharedFileView(file, warning);
      },
    );

    const upload = {
      tags: TAGS,
      summary: "Upload the file's bytes",
      description: UPLOAD_DESCRIPTION,
      consumes: ['multipart/form-data'],
      params: FileIdParams,
      response: replies({ 200: SharedFile }),
    };
    scope.put(`${FILES}/:fileId/binary`, { config: { access: MANAGE_AND_ADMINISTER }, schema: upload }, async (request, reply) => {
      const upload = await beginUpload(ctx, guidOf(request.params.fileId));
      try {
        await receiveFilePart(request, upload.file.size, (file) => upload.receive(file));
        const stored = await upload.commit();
        return sharedFileView(stored, await duplicateOf(ctx, stored));
      } catch (error) {
        await upload.abort();
        // The rest of a refused body is not worth reading: answer and close the connection.
        if (!request.raw.complete) reply.header('connection', 'close');
        throw error;
      }
    });

    scope.get(
      `${FILES}/:fileId/binary`,
      {
        config: { access: MANAGE },
        schema: {
          tags: TAGS,
          summary: 'Download the file (HTTP Range supported)',
          params: FileIdParams,
          headers: RangeHeaders,
          response: replies(BinaryReply),
        },
      },
      async (request, reply) => {
        const file = await storedFile(ctx, guidOf(request.params.fileId));
        return sendDownload(request, reply, {
          size: file.size,
          sha256: file.sha256,
          fileName: file.name,
          open: (range) => openBinary(ctx, file, range),
        });
      },
    );

    scope.get(
      FILES,
      {
        config: { access: MANAGE },
        schema: { tags: TAGS, summary: 'List package files', querystring: FileListQuery, response: replies({ 200: Page(SharedFile) }) },
      },
      async (request) => {
        const { offset = 0, limit = DEFAULT_LIST_LIMIT, sort = '-created' } = request.query;
        const filters = listFiltersOf(request.query, request.query.packageType);
        // A whole file id (as the list shows it) is found by the GUID inside it.
        const q = filters.q && (guidFromFileId(filters.q) ?? filters.q);
        const page = await listSharedFiles(ctx, offset, limit, { ...filters, q, purposes: commaList(request.query.purpose), sort });
        // Only files that were imported say so: the list item of any other file stays the Library's shape.
        const view = (file: (typeof page.files)[number]) => {
          const into = page.imports.get(file.guid);
          return into ? { ...sharedFileView(file), importedInto: into.map(importedIntoView) } : sharedFileView(file);
        };
        return { total: page.total, data: page.files.map(view) };
      },
    );

    scope.delete(
      `${FILES}/:fileId`,
      {
        config: { access: MANAGE_AND_ADMINISTER },
        schema: { tags: TAGS, summary: 'Delete the file and its bytes', params: FileIdParams, response: replies({ 204: Empty }) },
      },
      async (request, reply) => {
        await deleteSharedFile(ctx, guidOf(request.params.fileId));
        return reply.code(204).send();
      },
    );
  });
}
