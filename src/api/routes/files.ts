import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { AppContext } from '../context.js';
import { principalOf, requires } from '../access.js';
import { receiveFilePart } from '../multipart.js';
import { sendDownload } from '../send-download.js';
import { InvalidInputError } from '../../domain/errors.js';
import { parseSharedFileInput, SHARED_FILE_TYPE, sharedFileView } from '../../domain/shared-files.js';
import {
  beginUpload,
  createSharedFile,
  deleteSharedFile,
  guidOf,
  listSharedFiles,
  openBinary,
  storedFile,
} from '../../store/shared-file-service.js';

const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
const MAX_LIST_LIMIT = 1000;
const DEFAULT_LIST_LIMIT = 100;

const MANAGE = requires('MANAGE_MIGRATION_PACKAGES');
/** Adding or removing packages changes what this environment offers: administrators only. */
const MANAGE_AND_ADMINISTER = requires('MANAGE_MIGRATION_PACKAGES', 'ADMINISTER_ENVIRONMENT');

type FileParams = { Params: { fileId: string } };
type ListQuery = { Querystring: Record<string, string | undefined> };

function wholeNumber(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new InvalidInputError(`${name} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}.`);
  return n;
}

/** The Shared File Store of the seed: package metadata, binary upload and download, list, delete. */
export async function fileRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // Scoped so that the multipart parser exists only for these routes.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { files: 1, fields: 0, parts: 1, headerPairs: 16 } });

    scope.post(FILES, { config: { access: MANAGE_AND_ADMINISTER } }, async (request) => {
      const input = parseSharedFileInput(request.body, ctx.config.maxPackageSize);
      const principal = principalOf(request);
      return sharedFileView(await createSharedFile(ctx, input, { id: principal.userId, name: principal.fullName }));
    });

    scope.put<FileParams>(`${FILES}/:fileId/binary`, { config: { access: MANAGE_AND_ADMINISTER } }, async (request, reply) => {
      const upload = await beginUpload(ctx, guidOf(request.params.fileId));
      try {
        await receiveFilePart(request, upload.file.size, (file) => upload.receive(file));
        return sharedFileView(await upload.commit());
      } catch (error) {
        await upload.abort();
        // The rest of a refused body is not worth reading: answer and close the connection.
        if (!request.raw.complete) reply.header('connection', 'close');
        throw error;
      }
    });

    scope.get<FileParams>(`${FILES}/:fileId/binary`, { config: { access: MANAGE } }, async (request, reply) => {
      const file = await storedFile(ctx, guidOf(request.params.fileId));
      return sendDownload(request, reply, {
        size: file.size,
        sha256: file.sha256,
        fileName: file.name,
        open: (range) => openBinary(ctx, file, range),
      });
    });

    scope.get<ListQuery>(FILES, { config: { access: MANAGE } }, async (request) => {
      const { type, offset, limit } = request.query;
      if (type !== undefined && type !== SHARED_FILE_TYPE) throw new InvalidInputError(`type must be ${SHARED_FILE_TYPE}; got ${JSON.stringify(type)}.`);
      const page = await listSharedFiles(
        ctx,
        wholeNumber(offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
        wholeNumber(limit, 'limit', DEFAULT_LIST_LIMIT, 1, MAX_LIST_LIMIT),
      );
      return { total: page.total, data: page.files.map(sharedFileView) };
    });

    scope.delete<FileParams>(`${FILES}/:fileId`, { config: { access: MANAGE_AND_ADMINISTER } }, async (request, reply) => {
      await deleteSharedFile(ctx, guidOf(request.params.fileId));
      return reply.code(204).send();
    });
  });
}
