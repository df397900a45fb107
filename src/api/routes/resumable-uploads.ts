import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { PUBLIC, requires } from '../access.js';
import { bodyUntilCut } from '../tus-body.js';
import { typed } from '../type-provider.js';
import { Empty, PACKSTORE_EXTENSIONS, replies } from '../contract/common.js';
import { CHUNK_TYPE_DESCRIPTION, CreateUploadHeaders, PatchUploadHeaders, TusHeaders, UploadParams, UploadsParams, UploadStatus } from '../contract/uploads.js';
import { LibraryError, NotFoundError } from '../../domain/errors.js';
import { fileIdFromGuid } from '../../domain/ids.js';
import {
  isUploadId,
  parseUploadChecksum,
  parseUploadLength,
  parseUploadOffset,
  requireTusVersion,
  TUS_BODY_TYPE,
  TUS_VERSION,
  tusAdvertisement,
  type ResumableUpload,
} from '../../domain/resumable-uploads.js';
import { guidOf } from '../../services/shared-file-service.js';
import { appendChunk, createResumableUpload, liveUpload, terminateUpload } from '../../services/resumable-uploads.js';

const UPLOADS = '/api/mstrServices/library/storage/sharedFileStore/files/:fileId/uploads';
const UPLOAD = `${UPLOADS}/:uploadId`;
const TAGS = [PACKSTORE_EXTENSIONS];
/** The same rule as the multipart PUT of the binary (routes/files.ts). */
const MANAGE_AND_ADMINISTER = requires('MANAGE_MIGRATION_PACKAGES', 'ADMINISTER_ENVIRONMENT');

function uploadIdOf(uploadId: string): string {
  if (!isUploadId(uploadId)) throw new NotFoundError(`No resumable upload ${uploadId}: it is not an upload id.`);
  return uploadId;
}

/** A chunk body is application/offset+octet-stream; anything else is 415, as tus says. */
function requireChunkType(request: FastifyRequest): void {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== TUS_BODY_TYPE) throw new LibraryError(415, 'ERR006', `A chunk's Content-Type must be ${TUS_BODY_TYPE}, not ${type ?? 'missing'}.`);
}

function hasBody(request: FastifyRequest): boolean {
  return (
    request.headers['content-type'] !== undefined && (request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0)
  );
}

function progressHeaders(reply: FastifyReply, upload: ResumableUpload): FastifyReply {
  return reply.headers({ 'Upload-Offset': String(upload.received), 'Upload-Expires': new Date(upload.expiresAt).toUTCString(), 'Cache-Control': 'no-store' });
}

/**
 * tus 1.0 resumable uploads of a shared file's binary: POST creates (its Location is where HEAD,
 * PATCH and DELETE go), PATCH appends a chunk, HEAD tells the offset, DELETE terminates. The bytes
 * end up checked and committed exactly as the multipart PUT's (services/resumable-uploads.ts).
 */
export async function resumableUploadRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (plain) => {
    // Chunks stream from the raw request into the store: no parser reads them, so no body limit buffers them.
    plain.addContentTypeParser(TUS_BODY_TYPE, (_request, _payload, done) => done(null, undefined));
    plain.addHook('onSend', async (request, reply) => {
      reply.header('Tus-Resumable', TUS_VERSION);
      // A chunk refused before it was read (a wrong offset, a stale session) is not worth reading: close instead.
      if (reply.statusCode >= 400 && !request.raw.complete) reply.header('connection', 'close');
    });
    const scope = typed(plain);

    scope.options(
      UPLOADS,
      {
        config: { access: PUBLIC },
        schema: {
          tags: TAGS,
          summary: 'The tus versions, extensions and checksum algorithms this server speaks',
          params: UploadsParams,
          response: replies({ 204: Empty }),
        },
      },
      async (_request, reply) => {
        return reply.code(204).headers(tusAdvertisement()).send();
      },
    );

    const create = {
      tags: TAGS,
      summary: "Create a resumable (tus) upload of the file's bytes",
      description: `Optionally with the first bytes (creation-with-upload): ${CHUNK_TYPE_DESCRIPTION}`,
      params: UploadsParams,
      headers: CreateUploadHeaders,
      response: replies({ 201: Empty }),
    };
    scope.post(UPLOADS, { config: { access: MANAGE_AND_ADMINISTER }, schema: create }, async (request, reply) => {
      requireTusVersion(request.headers['tus-resumable']);
      const fileGuid = guidOf(request.params.fileId);
      let upload = await createResumableUpload(ctx, fileGuid, parseUploadLength(request.headers['upload-length']));
      const location = `${request.originalUrl.replace(/\?.*$/, '').replace(/\/$/, '')}/${upload.id}`;
      reply.header('Location', location);
      if (hasBody(request)) {
        requireChunkType(request);
        upload = await appendChunk(ctx, fileGuid, upload.id, {
          offset: 0,
          body: bodyUntilCut(request.raw),
          sha256: parseUploadChecksum(request.headers['upload-checksum']),
        });
      }
      return progressHeaders(reply, upload).code(201).send();
    });

    // HEAD (Fastify's copy of this GET) is what tus clients ask; GET adds the same as JSON.
    const status = {
      tags: TAGS,
      summary: 'Where a resumable upload stands (HEAD: the tus headers only)',
      params: UploadParams,
      headers: TusHeaders,
      response: replies({ 200: UploadStatus }),
    };
    scope.get(UPLOAD, { config: { access: MANAGE_AND_ADMINISTER }, schema: status }, async (request, reply) => {
      if (request.method === 'HEAD') requireTusVersion(request.headers['tus-resumable']);
      const upload = await liveUpload(ctx, guidOf(request.params.fileId), uploadIdOf(request.params.uploadId));
      progressHeaders(reply, upload).header('Upload-Length', String(upload.length));
      return {
        id: upload.id,
        fileId: fileIdFromGuid(upload.fileGuid),
        offset: upload.received,
        length: upload.length,
        expires: new Date(upload.expiresAt).toISOString(),
      };
    });

    const patch = {
      tags: TAGS,
      summary: 'Append a chunk to a resumable upload; the last one commits the file',
      description: CHUNK_TYPE_DESCRIPTION,
      params: UploadParams,
      headers: PatchUploadHeaders,
      response: replies({ 204: Empty }),
    };
    scope.patch(UPLOAD, { config: { access: MANAGE_AND_ADMINISTER }, schema: patch }, async (request, reply) => {
      requireTusVersion(request.headers['tus-resumable']);
      requireChunkType(request);
      const chunk = {
        offset: parseUploadOffset(request.headers['upload-offset']),
        body: bodyUntilCut(request.raw),
        sha256: parseUploadChecksum(request.headers['upload-checksum']),
      };
      const upload = await appendChunk(ctx, guidOf(request.params.fileId), uploadIdOf(request.params.uploadId), chunk);
      return progressHeaders(reply, upload).code(204).send();
    });

    const terminate = {
      tags: TAGS,
      summary: 'Terminate a resumable upload: what it received is removed',
      params: UploadParams,
      headers: TusHeaders,
      response: replies({ 204: Empty }),
    };
    scope.delete(UPLOAD, { config: { access: MANAGE_AND_ADMINISTER }, schema: terminate }, async (request, reply) => {
      requireTusVersion(request.headers['tus-resumable']);
      await terminateUpload(ctx, guidOf(request.params.fileId), uploadIdOf(request.params.uploadId));
      return reply.code(204).send();
    });
  });
}
