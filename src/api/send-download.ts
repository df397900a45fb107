import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LibraryError } from '../domain/errors.js';
import type { Download } from '../services/download.js';
import { parseRange } from './http-range.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** mstrio takes everything after `filename=` as the name: no quotes, and nothing that would end the header. */
export function safeFileName(name: string): string {
  // Only printable ASCII can travel in a header; quotes, `;` and slashes would change the name mstrio sees.
  return name.replace(/[^\x20-\x7e]|["\\/;]/g, '_').trim() || 'package';
}

/**
 * Streams a package with Content-Length, an ETag and HTTP Range, so that a broken download can
 * resume with `Range` + `If-Range`.
 */
export async function sendDownload(request: FastifyRequest, reply: FastifyReply, download: Download): Promise<FastifyReply> {
  const etag = download.sha256 ? `"${download.sha256}"` : `W/"${download.size}"`;
  const wanted = parseRange(header(request, 'range'), download.size, header(request, 'if-range'), etag);
  if (wanted.kind === 'unsatisfiable') {
    throw new LibraryError(416, 'ERR006', `The requested range is outside the file's ${download.size} bytes.`, {
      'content-range': `bytes */${download.size}`,
    });
  }
  const range = wanted.kind === 'part' ? wanted.range : undefined;
  const opened = await download.open(range);
  // HEAD answers as GET would (a stored file gone from the store is a 404 to both), without the body, which
  // Fastify would read whole to throw away.
  if (request.method === 'HEAD') opened.destroy();
  const body = request.method === 'HEAD' ? Readable.from([]) : opened;
  reply
    .code(range ? 206 : 200)
    .type('application/octet-stream')
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('content-length', String(range ? range.end - range.start + 1 : download.size))
    .header('content-disposition', `attachment; filename=${safeFileName(download.fileName)}.mmp`);
  if (range) reply.header('content-range', `bytes ${range.start}-${range.end}/${download.size}`);
  return reply.send(body);
}
