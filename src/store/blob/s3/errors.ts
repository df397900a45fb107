import { LibraryError } from '../../../domain/errors.js';
import { BlobExistsError, BlobNotFoundError, BlobStoreUnavailableError } from '../errors.js';

interface S3ErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);
const ACCESS_NAMES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'AuthorizationHeaderMalformed']);

function shapeOf(error: unknown): S3ErrorShape {
  return typeof error === 'object' && error !== null ? (error as S3ErrorShape) : {};
}

/** The HTTP status of an S3 service error; undefined for network and client-side errors. */
export function s3Status(error: unknown): number | undefined {
  return shapeOf(error).$metadata?.httpStatusCode;
}

/** True for what an S3-compatible server answers to an operation it does not implement. */
export function isUnsupported(error: unknown): boolean {
  const status = s3Status(error);
  return status === 405 || status === 501 || shapeOf(error).name === 'NotImplemented' || shapeOf(error).name === 'MethodNotAllowed';
}

/**
 * S3's errors as the Library's: a missing key is 404, a refused conditional write 409, and what
 * only an administrator can fix (bucket, credentials, network) 503. The messages never carry
 * credentials: S3 error names and the bucket are all they show.
 */
export function convertS3Error(error: unknown, key: string, bucket: string): Error {
  if (error instanceof LibraryError) return error;
  const { name = '', code = '' } = shapeOf(error);
  const status = s3Status(error);
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket')) return new BlobNotFoundError(key);
  if (name === 'PreconditionFailed' || status === 412 || name === 'ConditionalRequestConflict') return new BlobExistsError(key);
  if (name === 'NoSuchBucket') return new BlobStoreUnavailableError(`the S3 bucket ${bucket} does not exist.`);
  if (ACCESS_NAMES.has(name) || status === 403)
    return new BlobStoreUnavailableError(`S3 refused access to bucket ${bucket} (${name || status}): check awsAccessId and awsSecretKey.`);
  if (NETWORK_CODES.has(code) || name === 'TimeoutError' || (status !== undefined && status >= 500)) {
    return new BlobStoreUnavailableError(`the S3 endpoint cannot be reached or failed (${code || name || status}).`);
  }
  return error instanceof Error ? error : new Error(String(error));
}
