import { ConflictError, InvalidInputError, NotFoundError, PayloadTooLargeError, ServiceUnavailableError } from '../../domain/errors.js';

export class BlobNotFoundError extends NotFoundError {
  constructor(key: string) {
    super(`The stored package ${key} does not exist.`);
  }
}

export class BlobTooLargeError extends PayloadTooLargeError {
  constructor(maxBytes: number) {
    super(`The upload is larger than the allowed ${maxBytes} bytes; it was cut off and nothing was kept.`);
  }
}

export class BlobMismatchError extends InvalidInputError {
  constructor(
    readonly field: 'size' | 'sha256',
    readonly expected: string | number,
    readonly actual: string | number,
  ) {
    super(`The uploaded file's ${field} does not match its metadata: expected ${expected}, got ${actual}. Nothing was kept.`);
  }
}

export class BlobKeyError extends InvalidInputError {
  constructor(key: string) {
    super(`Invalid storage key: ${JSON.stringify(key)}`);
  }
}

export class BlobExistsError extends ConflictError {
  constructor(key: string) {
    super(`The stored package ${key} exists already; it was not replaced.`);
  }
}

/** The store cannot be reached or refuses us (credentials, bucket, network): nothing the client can fix. */
export class BlobStoreUnavailableError extends ServiceUnavailableError {
  constructor(reason: string) {
    super(`The Storage Service cannot be used right now: ${reason}`);
  }
}
