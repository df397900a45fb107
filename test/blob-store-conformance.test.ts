import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sha256 } from './support/shared-files.js';
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import type { BlobStore } from '../src/store/blob/blob-store.js';
import { BlobExistsError, BlobMismatchError, BlobNotFoundError, BlobTooLargeError } from '../src/store/blob/errors.js';
import { keyTag, LocalDiskBlobStore } from '../src/store/blob/local-disk.js';
import { S3BlobStore } from '../src/store/blob/s3/s3-blob-store.js';
import { s3ClientFor } from '../src/store/blob/s3/client.js';
import { startLocalS3, type LocalS3 } from './support/s3.js';

const MiB = 1024 * 1024;

/** What a backend can show here; s3rver lacks conditional writes and multipart listing. */
interface Backend {
  name: string;
  store: BlobStore;
  enforcesCreateOnly: boolean;
  abortsStaleUploads: boolean;
  /** Leaves an unfinished upload that was last active `ageMs` ago. */
  /** Leaves what a put of `key` that never finished would leave, last touched `ageMs` ago. */
  leaveTemporary(key: string, ageMs: number): Promise<void>;
  close(): Promise<void>;
}

async function localBackend(): Promise<Backend> {
  const root = await mkdtemp(path.join(tmpdir(), 'packstore-blobs-'));
  return {
    name: 'local disk',
    store: new LocalDiskBlobStore(root),
    enforcesCreateOnly: true,
    abortsStaleUploads: true,
    async leaveTemporary(key, ageMs) {
      const file = path.join(root, '.tmp', `${keyTag(key)}.${randomBytes(12).toString('hex')}.part`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, randomBytes(100));
      const at = new Date(Date.now() - ageMs);
      await utimes(file, at, at);
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Backend(): Promise<Backend> {
  const s3: LocalS3 = await startLocalS3();
  const client = s3ClientFor(s3.connection);
  const location = { bucket: s3.bucket, prefix: 'conformance/' };
  return {
    name: 's3rver',
    store: new S3BlobStore(client, location, 5 * MiB),
    enforcesCreateOnly: false,
    abortsStaleUploads: false,
    async leaveTemporary(key) {
      await client.send(new CreateMultipartUploadCommand({ Bucket: location.bucket, Key: `${location.prefix}${key}` }));
    },
    async close() {
      client.destroy();
      await s3.close();
    },
  };
}

/** A body that sends `bytes` and then fails, as a client that disconnects does. */
function failingBody(bytes: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) {
        this.destroy(new Error('client went away'));
        return;
      }
      sent = true;
      this.push(bytes);
    },
  });
}

async function keys(store: BlobStore, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const blob of store.list(prefix)) found.push(blob.key);
  return found.sort();
}

for (const open of [localBackend, s3Backend]) {
  describe(`blob store conformance [${open.name.replace('Backend', '')}]`, () => {
    let b: Backend;
    let run: string;
    before(async () => {
      b = await open();
      run = `t/${randomBytes(4).toString('hex')}`;
    });
    after(() => b.close());

    it('puts, heads, gets and deletes, reporting size and SHA-256', async () => {
      const bytes = randomBytes(3000);
      const stored = await b.store.put(`${run}/a.mmp`, Readable.from([bytes]));
      assert.deepEqual(stored, { size: 3000, sha256: sha256(bytes) });
      assert.equal((await b.store.head(`${run}/a.mmp`))?.size, 3000);
      assert.deepEqual(await buffer(await b.store.get(`${run}/a.mmp`)), bytes);
      await b.store.delete(`${run}/a.mmp`);
      assert.equal(await b.store.head(`${run}/a.mmp`), undefined);
      await b.store.delete(`${run}/a.mmp`);
      await assert.rejects(b.store.get(`${run}/a.mmp`), BlobNotFoundError);
    });

    it('streams a body larger than one part and reads byte ranges of it', async () => {
      const bytes = randomBytes(11 * MiB);
      const chunks = Array.from({ length: 11 }, (_, i) => bytes.subarray(i * MiB, (i + 1) * MiB));
      const stored = await b.store.put(`${run}/big.mmp`, Readable.from(chunks), { expected: { size: bytes.length, sha256: sha256(bytes) } });
      assert.equal(stored.sha256, sha256(bytes));
      assert.deepEqual(await buffer(await b.store.get(`${run}/big.mmp`, { range: { start: 10, end: 19 } })), bytes.subarray(10, 20));
      const tail = await buffer(await b.store.get(`${run}/big.mmp`, { range: { start: 6 * MiB - 3, end: bytes.length - 1 } }));
      assert.deepEqual(tail, bytes.subarray(6 * MiB - 3));
    });

    it('lists blobs under a prefix with size and modification time', async () => {
      await b.store.put(`${run}/list/one.mmp`, Readable.from([randomBytes(10)]));
      await b.store.put(`${run}/list/sub/two.mmp`, Readable.from([randomBytes(20)]));
      await b.store.put(`${run}/listed-not.mmp`, Readable.from([randomBytes(5)]));
      assert.deepEqual(await keys(b.store, `${run}/list/`), [`${run}/list/one.mmp`, `${run}/list/sub/two.mmp`]);
      for await (const blob of b.store.list(`${run}/list/sub/`)) {
        assert.equal(blob.size, 20);
        assert.ok(Math.abs(blob.modifiedAt - Date.now()) < 120_000, 'a recent modification time');
      }
    });

    it('cuts off a body past maxBytes and keeps nothing', async () => {
      await assert.rejects(b.store.put(`${run}/large.mmp`, Readable.from([randomBytes(6 * MiB)]), { maxBytes: 6 * MiB - 1 }), BlobTooLargeError);
      assert.equal(await b.store.head(`${run}/large.mmp`), undefined);
    });

    it('keeps nothing when the size or SHA-256 does not match, even past one part', async () => {
      const bytes = randomBytes(6 * MiB);
      await assert.rejects(b.store.put(`${run}/m1.mmp`, Readable.from([bytes]), { expected: { sha256: sha256(randomBytes(4)) } }), BlobMismatchError);
      await assert.rejects(b.store.put(`${run}/m2.mmp`, Readable.from([bytes]), { expected: { size: bytes.length + 1 } }), BlobMismatchError);
      await assert.rejects(b.store.put(`${run}/m3.mmp`, Readable.from([bytes]), { expected: { size: 100 } }), BlobMismatchError);
      assert.deepEqual(await keys(b.store, `${run}/m`), []);
    });

    it('keeps nothing when the body fails or the put is aborted', async () => {
      await assert.rejects(b.store.put(`${run}/f.mmp`, failingBody(randomBytes(6 * MiB))), /client went away/);
      const controller = new AbortController();
      const endless = new Readable({
        read() {
          this.push(randomBytes(64 * 1024));
        },
      });
      const put = b.store.put(`${run}/aborted.mmp`, endless, { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(put);
      assert.equal(await b.store.head(`${run}/f.mmp`), undefined);
      assert.equal(await b.store.head(`${run}/aborted.mmp`), undefined);
    });

    it('replaces a blob, or refuses to with createOnly where the server enforces it', async () => {
      await b.store.put(`${run}/c.mmp`, Readable.from([Buffer.from('first')]));
      await b.store.put(`${run}/c.mmp`, Readable.from([Buffer.from('second')]));
      assert.equal((await buffer(await b.store.get(`${run}/c.mmp`))).toString(), 'second');
      if (!b.enforcesCreateOnly) return;
      await assert.rejects(b.store.put(`${run}/c.mmp`, Readable.from([Buffer.from('third')]), { createOnly: true }), BlobExistsError);
      assert.equal((await buffer(await b.store.get(`${run}/c.mmp`))).toString(), 'second');
      await b.store.put(`${run}/c-new.mmp`, Readable.from([Buffer.from('new')]), { createOnly: true });
    });

    it('cleans up stale unfinished uploads of the given keys only, never blobs', async () => {
      await b.store.put(`${run}/kept.mmp`, Readable.from([randomBytes(10)]));
      const ours = new Set([`${run}/stale.mmp`, `${run}/fresh.mmp`]);
      await b.leaveTemporary(`${run}/stale.mmp`, 3600_000);
      await b.leaveTemporary(`${run}/fresh.mmp`, 0);
      await b.leaveTemporary(`${run}/another-environments.mmp`, 3600_000);
      const removed = await b.store.cleanupTemporary(new Date(Date.now() - 60_000), ours);
      assert.equal(removed, b.abortsStaleUploads ? 1 : 0);
      assert.equal(await b.store.cleanupTemporary(new Date(Date.now() - 60_000), ours), 0, 'the fresh one is left to its node');
      assert.equal(await b.store.cleanupTemporary(new Date(Date.now() - 60_000), new Set([`${run}/kept.mmp`])), 0, 'a stored blob is no upload');
      assert.equal((await b.store.head(`${run}/kept.mmp`))?.size, 10);
      if (b.abortsStaleUploads) {
        assert.equal(
          await b.store.cleanupTemporary(new Date(Date.now() - 60_000), new Set([`${run}/another-environments.mmp`])),
          1,
          'left until its own environment asks',
        );
      }
    });

    it('refuses keys that leave the store', async () => {
      for (const key of ['../x', '/abs', 'a//b', 'a/./b', '']) {
        await assert.rejects(b.store.put(key, Readable.from([Buffer.from('x')])), /Invalid storage key/);
      }
    });
  });
}
