import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../src/store/blob/s3/s3-blob-store.js';
import { s3ClientFor } from '../src/store/blob/s3/client.js';
import { BlobExistsError, BlobMismatchError, BlobStoreUnavailableError } from '../src/store/blob/errors.js';
import { must } from './support/must.js';

/**
 * What s3rver cannot show (it answers 405 to AbortMultipartUpload and ListParts, and ignores
 * checksum headers and If-None-Match): a test double of the S3 client's HTTP handler, the one
 * boundary below our code. Everything above it (the SDK, lib-storage, our store) is real.
 */
type Handler = Extract<NonNullable<S3ClientConfig['requestHandler']>, { handle: unknown }>;
type SentRequest = Parameters<Handler['handle']>[0];

interface Seen {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: Buffer;
}

type Answer = { status: number; body?: string; headers?: Record<string, string> };

const MiB = 1024 * 1024;
const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>${body}`;
const s3Error = (status: number, code: string): Answer => ({ status, body: xml(`<Error><Code>${code}</Code><Message>${code}</Message></Error>`) });
const SECRET = 'secret-that-must-not-leak';

async function bodyOf(request: SentRequest): Promise<Buffer> {
  const body: unknown = request.body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string' || body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }
  throw new Error(`unexpected request body ${typeof body}`);
}

function fakeS3(answer: (r: Seen) => Answer): { store: S3BlobStore; seen: Seen[] } {
  const seen: Seen[] = [];
  const handler = {
    async handle(request: SentRequest) {
      const r: Seen = { method: request.method, path: request.path, query: request.query ?? {}, headers: request.headers, body: await bodyOf(request) };
      seen.push(r);
      const a = answer(r);
      return {
        response: {
          statusCode: a.status,
          reason: '',
          headers: { 'content-type': 'application/xml', ...a.headers },
          body: Readable.from([Buffer.from(a.body ?? '')]),
        },
      };
    },
  } as unknown as Handler;
  const client = s3ClientFor(
    { s3Region: 'us-east-1', s3Endpoint: 'http://127.0.0.1:1', s3ForcePathStyle: true, awsAccessId: 'AKIATEST', awsSecretKey: SECRET },
    handler,
  );
  return { store: new S3BlobStore(client, { bucket: 'bucket', prefix: 'p/' }, 5 * MiB), seen };
}

/** A server that accepts multipart uploads and aborts. */
function multipartAnswers(r: Seen): Answer {
  if (r.method === 'POST' && 'uploads' in r.query)
    return {
      status: 200,
      body: xml('<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>k</Key><UploadId>U1</UploadId></InitiateMultipartUploadResult>'),
    };
  if (r.method === 'PUT' && r.query.partNumber) return { status: 200, headers: { etag: `"part${String(r.query.partNumber)}"` } };
  if (r.method === 'DELETE' && r.query.uploadId) return { status: 204 };
  if (r.method === 'POST' && r.query.uploadId)
    return { status: 200, body: xml('<CompleteMultipartUploadResult><Bucket>bucket</Bucket><Key>k</Key><ETag>"x"</ETag></CompleteMultipartUploadResult>') };
  if (r.method === 'PUT') return { status: 200, headers: { etag: '"single"' } };
  return s3Error(400, 'Unexpected');
}

const isAbort = (r: Seen) => r.method === 'DELETE' && r.query.uploadId === 'U1';
const isComplete = (r: Seen) => r.method === 'POST' && r.query.uploadId === 'U1';

/** Sends `bytes`, then fails a moment later (once a part is on its way), as a client that disconnects. */
function failingAfter(bytes: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) return void setTimeout(() => this.destroy(new Error('client went away')), 200);
      sent = true;
      this.push(bytes);
    },
  });
}

describe('S3 store at the edges s3rver does not cover', () => {
  it('aborts the multipart upload when the body fails, and never completes it', async () => {
    const { store, seen } = fakeS3(multipartAnswers);
    await assert.rejects(store.put('a.mmp', failingAfter(randomBytes(6 * MiB))), /client went away/);
    assert.ok(
      seen.some((r) => r.method === 'PUT' && r.query.partNumber === '1'),
      'a part was uploaded',
    );
    assert.ok(seen.some(isAbort), 'AbortMultipartUpload sent');
    assert.ok(!seen.some(isComplete), 'CompleteMultipartUpload never sent');
  });

  it('aborts instead of completing when the SHA-256 does not match at the end', async () => {
    const { store, seen } = fakeS3(multipartAnswers);
    await assert.rejects(store.put('a.mmp', Readable.from([randomBytes(6 * MiB)]), { expected: { sha256: '0'.repeat(64) } }), BlobMismatchError);
    assert.ok(seen.some(isAbort));
    assert.ok(!seen.some(isComplete));
  });

  it('sends bytes as they are: no checksum headers, no aws-chunked framing', async () => {
    const { store, seen } = fakeS3(multipartAnswers);
    const small = randomBytes(1000);
    await store.put('small.mmp', Readable.from([small]));
    const big = randomBytes(6 * MiB);
    await store.put('big.mmp', Readable.from([big]));
    const uploads = seen.filter((r) => r.method === 'PUT');
    assert.equal(uploads.length, 3, 'one PutObject and two parts');
    for (const r of uploads) {
      const names = Object.keys(r.headers).map((h) => h.toLowerCase());
      assert.deepEqual(
        names.filter(
          (h) => h.startsWith('x-amz-checksum') || h === 'x-amz-sdk-checksum-algorithm' || h === 'x-amz-trailer' || h === 'x-amz-decoded-content-length',
        ),
        [],
      );
      assert.doesNotMatch(r.headers['content-encoding'] ?? '', /aws-chunked/);
    }
    assert.deepEqual(must(uploads[0], 'at least one entry in uploads').body, small);
    assert.deepEqual(Buffer.concat(uploads.slice(1).map((r) => r.body)), big);
    assert.ok(seen.some(isComplete));
  });

  it('sends If-None-Match for createOnly, and a 412 answer means the blob exists', async () => {
    const { store, seen } = fakeS3((r) => (r.headers['if-none-match'] === '*' ? s3Error(412, 'PreconditionFailed') : multipartAnswers(r)));
    await assert.rejects(store.put('exists.mmp', Readable.from([randomBytes(10)]), { createOnly: true }), BlobExistsError);
    assert.equal(must(seen[0], 'at least one entry in seen').headers['if-none-match'], '*');
    await store.put('plain.mmp', Readable.from([randomBytes(10)]));
    assert.equal(must(seen.at(-1), 'a last entry in seen').headers['if-none-match'], undefined);
  });

  it('aborts only stale multipart uploads; without ListParts (405) their start time decides', async () => {
    const old = new Date(Date.now() - 3600_000).toISOString();
    const fresh = new Date().toISOString();
    const { store, seen } = fakeS3((r) => {
      if (r.method === 'GET' && 'uploads' in r.query) {
        return {
          status: 200,
          body: xml(
            `<ListMultipartUploadsResult><Bucket>bucket</Bucket><IsTruncated>false</IsTruncated><Upload><Key>p/old</Key><UploadId>OLD</UploadId><Initiated>${old}</Initiated></Upload><Upload><Key>p/new</Key><UploadId>NEW</UploadId><Initiated>${fresh}</Initiated></Upload></ListMultipartUploadsResult>`,
          ),
        };
      }
      if (r.method === 'GET' && r.query.uploadId) return s3Error(405, 'MethodNotAllowed');
      if (r.method === 'DELETE') return { status: 204 };
      return s3Error(400, 'Unexpected');
    });
    assert.equal(await store.cleanupTemporary(new Date(Date.now() - 60_000), new Set(['old', 'new'])), 1);
    assert.deepEqual(
      seen.filter((r) => r.method === 'DELETE').map((r) => r.query.uploadId),
      ['OLD'],
    );
    assert.equal(await store.cleanupTemporary(new Date(Date.now() - 60_000), new Set(['new'])), 0, "another environment's upload is left alone");
    assert.equal(seen.find((r) => r.method === 'GET' && 'uploads' in r.query)?.query.prefix, 'p/');
  });

  it('keeps an upload started long ago whose last part is recent (it is still running somewhere)', async () => {
    const old = new Date(Date.now() - 3600_000).toISOString();
    const { store, seen } = fakeS3((r) => {
      if (r.method === 'GET' && 'uploads' in r.query)
        return {
          status: 200,
          body: xml(
            `<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload><Key>p/slow</Key><UploadId>SLOW</UploadId><Initiated>${old}</Initiated></Upload></ListMultipartUploadsResult>`,
          ),
        };
      if (r.method === 'GET' && r.query.uploadId)
        return {
          status: 200,
          body: xml(
            `<ListPartsResult><Part><PartNumber>1</PartNumber><LastModified>${new Date().toISOString()}</LastModified><ETag>"e"</ETag><Size>5</Size></Part></ListPartsResult>`,
          ),
        };
      return s3Error(400, 'Unexpected');
    });
    assert.equal(await store.cleanupTemporary(new Date(Date.now() - 60_000), new Set(['slow'])), 0);
    assert.ok(!seen.some((r) => r.method === 'DELETE'));
  });

  it('has nothing to clean on a server without ListMultipartUploads (501)', async () => {
    const { store } = fakeS3(() => s3Error(501, 'NotImplemented'));
    assert.equal(await store.cleanupTemporary(new Date(), new Set(['x'])), 0);
  });

  it('turns refused credentials into a 503 that names the bucket but never the secret', async () => {
    const { store } = fakeS3(() => s3Error(403, 'SignatureDoesNotMatch'));
    const error = await store.get('x.mmp').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof BlobStoreUnavailableError, String(error));
    assert.match(error.message, /bucket bucket .*SignatureDoesNotMatch/);
    assert.doesNotMatch(error.message, new RegExp(SECRET));
  });
});
