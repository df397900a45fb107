import { randomBytes } from 'node:crypto';
import { InvalidInputError, LibraryError } from './errors.js';

/**
 * The tus 1.0 resumable upload protocol (https://tus.io/protocols/resumable-upload), as far as
 * Packstore speaks it: core, creation, creation-with-upload, checksum (sha256), termination and
 * expiration. Pure header parsing and the errors the protocol names; the service does the work.
 */
export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = ['creation', 'creation-with-upload', 'checksum', 'termination', 'expiration'] as const;
export const TUS_CHECKSUM_ALGORITHMS = ['sha256'] as const;
/** The body type of every PATCH (and of a POST that carries the first bytes). */
export const TUS_BODY_TYPE = 'application/offset+octet-stream';

/** The headers every tus answer carries, so that a client can tell the protocol and its extensions. */
export function tusAdvertisement(): Record<string, string> {
  return {
    'Tus-Resumable': TUS_VERSION,
    'Tus-Version': TUS_VERSION,
    'Tus-Extension': TUS_EXTENSIONS.join(','),
    'Tus-Checksum-Algorithm': TUS_CHECKSUM_ALGORITHMS.join(','),
  };
}

/** A request for another protocol version: 412, naming the one this server speaks. */
export class TusVersionError extends LibraryError {
  constructor(sent: string | undefined) {
    super(
      412,
      'ERR006',
      `Tus-Resumable ${sent === undefined ? 'is missing' : `${JSON.stringify(sent)} is not supported`}: this server speaks tus ${TUS_VERSION}.`,
      { 'Tus-Version': TUS_VERSION },
    );
  }
}

/** The chunk's bytes do not match its Upload-Checksum: 460, as the checksum extension says. Nothing of it was kept. */
export class ChecksumMismatchError extends LibraryError {
  constructor(expected: string, actual: string) {
    super(460, 'ERR006', `The chunk's sha256 does not match its Upload-Checksum: expected ${expected}, got ${actual}. Nothing of it was kept; send it again.`);
  }
}

/** The client's offset is not where the upload stands: 409 with the real one, so that it can resume there. */
export class OffsetConflictError extends LibraryError {
  constructor(sent: number, actual: number) {
    super(409, 'ERR015', `Upload-Offset ${sent} does not match the upload, which has ${actual} bytes: ask with HEAD and continue from there.`, {
      'Upload-Offset': String(actual),
    });
  }
}

export function requireTusVersion(header: string | undefined): void {
  if (header !== TUS_VERSION) throw new TusVersionError(header);
}

function wholeNumber(name: string, header: string | undefined): number {
  if (header === undefined || !/^\d{1,16}$/.test(header))
    throw new InvalidInputError(`${name} must be a whole number of bytes${header === undefined ? '' : `, not ${JSON.stringify(header)}`}.`);
  const value = Number(header);
  if (!Number.isSafeInteger(value)) throw new InvalidInputError(`${name} ${header} is too large.`);
  return value;
}

export const parseUploadOffset = (header: string | undefined) => wholeNumber('Upload-Offset', header);
export const parseUploadLength = (header: string | undefined) => wholeNumber('Upload-Length', header);

/** Upload-Checksum: "sha256 <base64 digest>", as lower-case hex; undefined when the header is absent. */
export function parseUploadChecksum(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [algorithm, digest, extra] = header.trim().split(/\s+/);
  if (algorithm !== 'sha256' || extra !== undefined) {
    throw new InvalidInputError(`Upload-Checksum must be "sha256 <base64 digest>" (the only algorithm supported), not ${JSON.stringify(header)}.`);
  }
  const bytes = Buffer.from(digest ?? '', 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== digest)
    throw new InvalidInputError(`Upload-Checksum's digest must be the base64 of 32 bytes, not ${JSON.stringify(digest)}.`);
  return bytes.toString('hex');
}

/** The id of one upload (its Location's last segment), 32 lower-case hex characters. */
export function newUploadId(): string {
  return randomBytes(16).toString('hex');
}

export function isUploadId(value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value);
}

/** What an upload received so far: its parts, in order, each stored as its own blob. */
export interface UploadPart {
  key: string;
  size: number;
}

export interface ResumableUpload {
  id: string;
  /** The shared file whose binary this upload becomes. */
  fileGuid: string;
  length: number;
  /** Bytes received and kept (the tus Upload-Offset). */
  received: number;
  parts: UploadPart[];
  createdAt: number;
  /** Renewed by every chunk; past it, the upload and its parts are removed. */
  expiresAt: number;
}

export const isComplete = (upload: ResumableUpload) => upload.received === upload.length;
