import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { CONFIG_KEYS } from '../config/keys.js';
import type { PackstoreConfig } from '../config/load.js';
import {
  InvalidInputError,
  LibraryError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  STORAGE_DATABASE_UNAVAILABLE,
  UnknownRouteError,
} from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/db/availability.js';

/** Fastify's own errors that mean "the client sent something bad", by code. */
const CLIENT_ERROR_CODES: Record<string, (e: FastifyError) => LibraryError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) => new LibraryError(415, 'ERR006', `Unsupported Content-Type: ${e.message}`),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new PayloadTooLargeError('The request body is too large.'),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new InvalidInputError('Invalid JSON: the body is empty.'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new InvalidInputError('The Content-Length does not match the body.'),
  FST_ERR_CTP_EMPTY_TYPE: () => new InvalidInputError('The Content-Type header is empty.'),
  FST_ERR_CTP_INVALID_TYPE: () => new InvalidInputError('The Content-Type header is invalid.'),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => new InvalidInputError('The request is not multipart/form-data.'),
  FST_REQ_FILE_TOO_LARGE: () => new PayloadTooLargeError('The uploaded file is too large.'),
  FST_PARTS_LIMIT: () => new InvalidInputError('The multipart body has too many parts.'),
  FST_FILES_LIMIT: () => new InvalidInputError('The multipart body has more than one file part.'),
  FST_FIELDS_LIMIT: () => new InvalidInputError('The multipart body has too many fields.'),
  FST_PROTO_VIOLATION: () => new InvalidInputError('Invalid JSON: prototype pollution attempt.'),
  FST_ERR_VALIDATION: (e) => new InvalidInputError(e.message),
};

export function toLibraryError(error: unknown): LibraryError | undefined {
  if (error instanceof LibraryError) return error;
  if (isDatabaseUnavailable(error)) return new ServiceUnavailableError(STORAGE_DATABASE_UNAVAILABLE);
  const fastifyError = error as FastifyError;
  const convert = fastifyError?.code ? CLIENT_ERROR_CODES[fastifyError.code] : undefined;
  if (convert) return convert(fastifyError);
  if (error instanceof SyntaxError) return new InvalidInputError(`Invalid JSON: ${error.message}`);
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new LibraryError(fastifyError.statusCode, 'ERR006', fastifyError.message);
  }
  return undefined;
}

/**
 * A JSON body over the limit names the limit and the key that sets it: a content list of many thousand objects
 * is the usual cause, and the administrator can raise it. (Form bodies have a small fixed limit of their own.)
 */
function bodyTooLarge(request: FastifyRequest, limits: BodyLimits): PayloadTooLargeError {
  const json = /json/i.test(request.headers['content-type'] ?? '');
  if (!json) return new PayloadTooLargeError('The request body is too large.');
  const limit = request.routeOptions.bodyLimit;
  const key = limit === limits.recordBodyLimit ? CONFIG_KEYS.recordBodyLimit.key : CONFIG_KEYS.jsonBodyLimit.key;
  return new PayloadTooLargeError(
    `The request body is larger than the limit of ${limit} bytes (${key}). Send less, or ask the administrator to raise the limit.`,
  );
}

/** The one place where errors become HTTP: the Library shape {code, message, ticketId}. */
type BodyLimits = Pick<PackstoreConfig, 'jsonBodyLimit' | 'recordBodyLimit'>;

export function installErrorHandling(app: FastifyInstance, limits: BodyLimits): void {
  app.setErrorHandler((error, request, reply) => {
    const known = (error as FastifyError)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? bodyTooLarge(request, limits) : toLibraryError(error);
    if (known) {
      if (known.status >= 500) request.log.warn({ code: known.code, ticketId: known.ticketId }, known.message);
      return reply.code(known.status).headers(known.headers).send(known.toBody());
    }
    const internal = new LibraryError(500, 'ERR001', 'Internal server error.');
    request.log.error({ err: error, ticketId: internal.ticketId }, 'unhandled error');
    return reply.code(500).send(internal.toBody());
  });
  app.setNotFoundHandler((_request, reply) => {
    const error = new UnknownRouteError();
    return reply.code(404).send(error.toBody());
  });
}
