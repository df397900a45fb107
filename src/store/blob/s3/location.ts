import { InvalidInputError } from '../../../domain/errors.js';

/** Where in S3 the shared file store lives: a bucket, and a key prefix ('' or ending in '/'). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The Library's `location` names the bucket for S3, optionally with a folder inside it:
 * `s3://bucket/some/prefix`, or the same without the scheme (`bucket/some/prefix`).
 */
export function parseS3Location(location: string): S3Location {
  const trimmed = location.trim().replace(/^s3:\/\//i, '');
  const [bucket = '', ...rest] = trimmed.split('/');
  if (!BUCKET.test(bucket)) {
    throw new InvalidInputError(`sharedFileStore.location must name an S3 bucket (s3://bucket or s3://bucket/prefix); got ${JSON.stringify(location)}.`);
  }
  const parts = rest.filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) throw new InvalidInputError(`sharedFileStore.location has an invalid prefix: ${JSON.stringify(location)}.`);
  return { bucket, prefix: parts.length > 0 ? `${parts.join('/')}/` : '' };
}
