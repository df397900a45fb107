import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type ListMultipartUploadsCommandOutput,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  type MultipartUpload,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { isSafeKey, type BlobListing, type BlobStore, type ByteRange, type PutOptions, type StoredBlob } from '../blob-store.js';
import { BlobKeyError } from '../errors.js';
import { meterFor } from '../measure.js';
import { convertS3Error, isUnsupported, s3Status } from './errors.js';
import type { S3Location } from './location.js';

/** 8 MiB parts, two in flight: at most 16 MiB of a package in memory per upload. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * Blobs as objects in one bucket, under an optional prefix. A put streams through the meter into
 * a multipart upload (one PutObject when the body is smaller than a part): the object becomes
 * visible only when the upload completes, and a failed or aborted put aborts the multipart upload,
 * so nothing is left. The server hashes the bytes itself: S3 has no whole-object SHA-256.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 'S3' as const;

  constructor(
    private readonly client: S3Client,
    readonly location: S3Location,
    private readonly partSize = PART_SIZE,
  ) {}

  private objectKey(key: string): string {
    if (!isSafeKey(key)) throw new BlobKeyError(key);
    return this.location.prefix + key;
  }

  private convert(error: unknown, key: string): Error {
    return convertS3Error(error, key, this.location.bucket);
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<StoredBlob> {
    const objectKey = this.objectKey(key);
    const meter = meterFor(options);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.location.bucket, Key: objectKey, Body: meter, ...(options.createOnly ? { IfNoneMatch: '*' } : {}) },
      partSize: this.partSize,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const stopUpload = () => void upload.abort().catch(() => undefined);
    options.signal?.addEventListener('abort', stopUpload, { once: true });
    try {
      // The feed's error (too large, mismatch, client gone) is the real cause; the upload's is a consequence.
      const [fed, uploaded] = await Promise.allSettled([
        pipeline(body, meter, { signal: options.signal, end: true }).then(
          () => undefined,
          (e: unknown) => {
            meter.destroy(e instanceof Error ? e : new Error(String(e)));
            throw e;
          },
        ),
        upload.done(),
      ]);
      if (fed.status === 'rejected') throw fed.reason;
      if (uploaded.status === 'rejected') throw this.convert(uploaded.reason, key);
      return meter.stored();
    } finally {
      options.signal?.removeEventListener('abort', stopUpload);
    }
  }

  async get(key: string, options: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    const objectKey = this.objectKey(key);
    const range = options.range ? `bytes=${options.range.start}-${options.range.end}` : undefined;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: objectKey, Range: range }), { abortSignal: options.signal });
      if (!(out.Body instanceof Readable)) throw new Error('The S3 client returned a body that is not a Node.js stream.');
      return out.Body;
    } catch (error) {
      throw this.convert(error, key);
    }
  }

  async head(key: string): Promise<Omit<BlobListing, 'key'> | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
      return { size: out.ContentLength ?? 0, modifiedAt: out.LastModified?.getTime() ?? 0 };
    } catch (error) {
      if (s3Status(error) === 404 && !isMissingBucket(error)) return undefined;
      throw this.convert(error, key);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      const converted = this.convert(error, key);
      if (s3Status(error) !== 404 || isMissingBucket(error)) throw converted;
    }
  }

  async *list(prefix: string): AsyncIterable<BlobListing> {
    let token: string | undefined;
    do {
      const page = await this.client
        .send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.location.prefix + prefix, ContinuationToken: token }))
        .catch((error: unknown) => {
          throw this.convert(error, prefix);
        });
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield { key: object.Key.slice(this.location.prefix.length), size: object.Size ?? 0, modifiedAt: object.LastModified?.getTime() ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Aborts multipart uploads under our prefix with no activity since `staleBefore`: the newest of
   * their parts (ListParts) or, where ListParts is not implemented, their start. A server without
   * ListMultipartUploads has nothing we could clean up.
   */
  async cleanupTemporary(staleBefore: Date, keys: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      let page: ListMultipartUploadsCommandOutput;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.location.bucket, Prefix: this.location.prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
        );
      } catch (error) {
        if (isUnsupported(error)) return removed;
        throw this.convert(error, this.location.prefix);
      }
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId) continue;
        if (!keys.has(upload.Key.slice(this.location.prefix.length))) continue; // not ours to abort
        if ((await this.lastActivity(upload)) >= staleBefore.getTime()) continue;
        if (await this.abortUpload(upload.Key, upload.UploadId)) removed++;
      }
      const more = page.IsTruncated === true;
      keyMarker = more ? page.NextKeyMarker : undefined;
      uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return removed;
  }

  private async lastActivity(upload: MultipartUpload): Promise<number> {
    const started = upload.Initiated?.getTime() ?? 0;
    try {
      const parts = await this.client.send(new ListPartsCommand({ Bucket: this.location.bucket, Key: upload.Key, UploadId: upload.UploadId }));
      return Math.max(started, ...(parts.Parts ?? []).map((p) => p.LastModified?.getTime() ?? 0));
    } catch (error) {
      if (isUnsupported(error)) return started;
      throw this.convert(error, upload.Key ?? '');
    }
  }

  /** False when the server cannot abort (405) or the upload is gone already. */
  private async abortUpload(objectKey: string, uploadId: string): Promise<boolean> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.location.bucket, Key: objectKey, UploadId: uploadId }));
      return true;
    } catch (error) {
      if (isUnsupported(error) || s3Status(error) === 404) return false;
      throw this.convert(error, objectKey);
    }
  }

  /** Writes and deletes a small probe object: proves the bucket exists and the credentials may write. */
  async check(): Promise<void> {
    const probe = `${this.location.prefix}.packstore-probe-${randomBytes(6).toString('hex')}`;
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: probe, Body: 'probe' }));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: probe }));
    } catch (error) {
      throw this.convert(error, probe);
    }
  }
}

function isMissingBucket(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: string }).name === 'NoSuchBucket';
}
