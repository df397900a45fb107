import type { FastifyRequest } from 'fastify';
import { PassThrough, pipeline, type Readable } from 'node:stream';
import '@fastify/multipart';
import { InvalidInputError } from '../domain/errors.js';

const FILE_CHUNK_BYTES = 1024 * 1024;

/**
 * RFC 2046 allows boundaries of up to 70 characters; clients stay well inside (python-requests sends 32).
 * Busboy fails on very long ones with an error of its own (a 500), so anything past a lenient bound is
 * refused before busboy sees it.
 */
export const MAX_BOUNDARY_CHARS = 200;

function refuseLongBoundary(contentType: string | undefined): void {
  const boundary = /;\s*boundary=(?:"([^"]*)"|([^;]*))/i.exec(contentType ?? '');
  const length = (boundary?.[1] ?? boundary?.[2] ?? '').trim().length;
  if (length > MAX_BOUNDARY_CHARS) {
    throw new InvalidInputError(`The multipart boundary is ${length} characters long; at most ${MAX_BOUNDARY_CHARS} are accepted (RFC 2046 allows 70).`);
  }
}

/** Busboy's and Node's texts for a body that is not a whole multipart form; no error code comes with them. */
const MALFORMED = /Boundary not found|terminated early|Unexpected end of multipart|Malformed part header|Premature close/i;

function asClientError(error: unknown): unknown {
  if (!(error instanceof Error) || !MALFORMED.test(error.message)) return error;
  return new InvalidInputError(`Malformed multipart body: ${error.message}. Send one part named "file" with the package bytes.`);
}

/**
 * Busboy destroys a part's stream without an error when the form ends early, possibly before the
 * part even reaches us; a consumer that attached later would wait forever. So a part that is
 * already destroyed is refused, and the rest is piped at once into a PassThrough, which records
 * any later failure as its own error.
 */
function guarded(file: Readable): Readable {
  if (file.destroyed) throw new InvalidInputError('Malformed multipart body: the file part ended before the closing boundary.');
  const through = new PassThrough({ highWaterMark: 1024 * 1024 });
  pipeline(file, through, () => undefined);
  return through;
}

/**
 * Reads a multipart body that must hold exactly one part: a file part named `file` of at most
 * `declaredSize` bytes. `consume` gets the part's stream; busboy stops after one byte more than
 * declared, so a consumer that counts bytes sees the overrun at once. Anything else in the body
 * (a second part, a field, a truncated form) is a 400.
 */
export async function receiveFilePart(request: FastifyRequest, declaredSize: number, consume: (file: Readable) => Promise<void>): Promise<void> {
  refuseLongBoundary(request.headers['content-type']);
  try {
    const parts = request
      .parts({
        limits: { files: 1, fields: 0, parts: 1, headerPairs: 16, fieldNameSize: 100, fieldSize: 1024, fileSize: declaredSize + 1 },
        // Busboy's default of 16 KiB per file chunk means a pipeline step (hash, write) every 16 KiB.
        fileHwm: FILE_CHUNK_BYTES,
      })
      [Symbol.asyncIterator]();
    const first = await parts.next();
    if (first.done) throw new InvalidInputError('The multipart body has no part named "file".');
    const part = first.value;
    if (part.type !== 'file' || part.fieldname !== 'file') {
      throw new InvalidInputError(`The multipart body must hold one file part named "file"; got a ${part.type} part named "${part.fieldname}".`);
    }
    await consume(guarded(part.file));
    if (!(await parts.next()).done) throw new InvalidInputError('The multipart body must hold only the part named "file".');
  } catch (error) {
    throw asClientError(error);
  }
}
