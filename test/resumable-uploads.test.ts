import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { createFile, FILES, sha256, type FileJson } from './support/shared-files.js';
import { cuttingProxy, type CuttingProxy } from './support/cutting-proxy.js';
import { startLocalS3, type LocalS3 } from './support/s3.js';
import { sampleHeader, written } from './support/mmp.js';
import { newMetrics } from './support/packages.js';
import { UPLOADS_ROOT } from '../src/domain/storage-keys.js';
import { guidFromFileId } from '../src/domain/ids.js';
import { recoverSharedFiles, recoveryTimes } from '../src/store/shared-file-recovery.js';
import { must } from './support/must.js';

const TUS = { 'Tus-Resumable': '1.0.0' };
const CHUNK = { ...TUS, 'Content-Type': 'application/offset+octet-stream' };
const checksum = (bytes: Buffer) => `sha256 ${createHash('sha256').update(bytes).digest('base64')}`;

/** A real package, large enough that a cut leaves part of it on each side. */
let packageBytes: Buffer;

type Store = 'disk' | 'S3';

function s3Settings(s3: LocalS3): Record<string, string> {
  return {
    'storage.location': `s3://${s3.bucket}/env`,
    'storage.s3.endpoint': s3.endpoint,
    'storage.s3.forcePathStyle': 'true',
    'storage.s3.accessKeyId': s3.connection.awsAccessId,
    'storage.s3.secretAccessKey': s3.connection.awsSecretKey,
  };
}

/** Every part of every resumable upload the store holds, whatever the store. */
async function storedParts(s: TestServer): Promise<string[]> {
  const keys: string[] = [];
  for await (const blob of (await s.server.env.ctx.storage.blobs()).list(UPLOADS_ROOT)) keys.push(blob.key);
  return keys;
}

async function fileById(s: TestServer, token: string, id: string): Promise<FileJson> {
  const res = await s.request('GET', `${FILES}?limit=1000`, { token });
  const found = ((await res.json()) as { data: FileJson[] }).data.find((f) => f.id === id);
  assert.ok(found, `file ${id} listed`);
  return found;
}

async function createUpload(s: TestServer, token: string, file: FileJson, length = file.size): Promise<string> {
  const res = await s.request('POST', `${FILES}/${file.id}/uploads`, { token, headers: { ...TUS, 'Upload-Length': String(length) } });
  assert.equal(res.status, 201, await res.clone().text());
  const location = res.headers.get('location') ?? '';
  assert.ok(location.startsWith(`${FILES}/${file.id}/uploads/`), `Location ${location}`);
  return location;
}

function patch(s: TestServer, token: string, location: string, offset: number, bytes: Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return s.request('PATCH', location, { token, body: new Uint8Array(bytes), headers: { ...CHUNK, 'Upload-Offset': String(offset), ...headers } });
}

async function offsetOf(s: TestServer, token: string, location: string): Promise<number> {
  const res = await s.request('HEAD', location, { token, headers: TUS });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return Number(res.headers.get('upload-offset'));
}

/** Polls the server's record (not the clock) until the upload has kept some bytes. */
async function keptSomeBytes(s: TestServer, location: string): Promise<void> {
  const id = must(location.split('/').at(-1), 'an upload id at the end of the Location');
  for (let i = 0; i < 10_000; i++) {
    if (((await s.server.env.ctx.uploads.get(id))?.received ?? 0) > 0) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('the server kept nothing of the cut chunk');
}

/**
 * tus-js-client as a Node client uses it: a file stream, retries, and the hooks to watch each
 * request. Before it asks where to resume (HEAD), it waits until the server has finished with the
 * cut chunk: otherwise, on a busy machine, its retry may overtake the cut request's handler.
 */
function tusUpload(s: TestServer, url: string, token: string, file: FileJson, source: string, patchOffsets: number[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(source), {
      endpoint: `${url}${FILES}/${file.id}/uploads`,
      headers: { 'X-MSTR-AuthToken': token },
      uploadSize: file.size,
      retryDelays: [0, 50, 100, 200, 400],
      onBeforeRequest: async (req) => {
        if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
        if (req.getMethod() === 'HEAD') await keptSomeBytes(s, new URL(req.getURL()).pathname);
      },
      onError: reject,
      onSuccess: () => resolve(),
    });
    upload.start();
  });
}

before(async () => {
  packageBytes = await written(sampleHeader(), [newMetrics(3000, 'resumable')]);
});

for (const dialect of dialects()) {
  for (const store of ['disk', 'S3'] as Store[]) {
    describe(`resumable uploads (tus 1.0) [${dialect}, ${store}]`, () => {
      let s: TestServer;
      let s3: LocalS3 | undefined;
      let token: string;
      let proxy: CuttingProxy;
      let dir: string;
      let source: string;
      before(async () => {
        s3 = store === 'S3' ? await startLocalS3() : undefined;
        s = await startTestServer(dialect, s3 ? s3Settings(s3) : {});
        token = await s.login();
        // One cut, a third of the way into the first chunk: the client must resume where it was cut.
        proxy = await cuttingProxy(Number(new URL(s.url).port), Math.floor(packageBytes.length / 3), {
          upload: /PATCH [^ ]*\/uploads\/[0-9a-f]{32} /,
          maxCuts: 1,
        });
        dir = await mkdtemp(path.join(tmpdir(), 'packstore-tus-'));
        source = path.join(dir, 'package.mmp');
        await writeFile(source, packageBytes);
      });
      after(async () => {
        await proxy?.close();
        await s?.close();
        await s3?.close();
        await rm(dir, { recursive: true, force: true });
      });

      it('advertises tus 1.0, its extensions and sha256 checksums', async () => {
        const file = await createFile(s, token, packageBytes);
        const res = await s.request('OPTIONS', `${FILES}/${file.id}/uploads`);
        assert.equal(res.status, 204);
        assert.equal(res.headers.get('tus-resumable'), '1.0.0');
        assert.equal(res.headers.get('tus-version'), '1.0.0');
        assert.deepEqual(res.headers.get('tus-extension')?.split(','), ['creation', 'creation-with-upload', 'checksum', 'termination', 'expiration']);
        assert.equal(res.headers.get('tus-checksum-algorithm'), 'sha256');
      });

      it('resumes a cut upload with tus-js-client at the byte it reached, and stores the file as the multipart PUT does', async () => {
        const file = await createFile(s, token, packageBytes);
        const cutsBefore = proxy.cuts;
        const offsets: number[] = [];
        await tusUpload(s, proxy.url, token, file, source, offsets);
        assert.equal(proxy.cuts, cutsBefore + 1, 'the proxy cut the upload once');
        assert.equal(offsets[0], 0);
        // The last PATCH starts where the cut one stopped: past 0, before the end. (A PATCH sent while
        // the server still finished the cut one is refused with 409, and the client asks again.)
        const resumedAt = must(offsets.at(-1), 'an offset the client resumed at');
        assert.ok(resumedAt > 0 && resumedAt < file.size, `PATCH offsets ${offsets.join(', ')}`);

        const stored = await fileById(s, token, file.id);
        assert.equal(stored.existing, true);
        assert.equal(stored.sha256, sha256(packageBytes));
        const download = await s.request('GET', `${FILES}/${file.id}/binary`, { token });
        assert.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(packageBytes));
        assert.deepEqual(await storedParts(s), [], 'no part left once the file is whole');
      });

      it('takes the first bytes with the creation request, and the rest with checksummed chunks', async () => {
        const file = await createFile(s, token, packageBytes);
        const first = packageBytes.subarray(0, 1000);
        const res = await s.request('POST', `${FILES}/${file.id}/uploads`, {
          token,
          body: new Uint8Array(first),
          headers: { ...CHUNK, 'Upload-Length': String(file.size), 'Upload-Checksum': checksum(first) },
        });
        assert.equal(res.status, 201, await res.clone().text());
        assert.equal(res.headers.get('upload-offset'), '1000');
        assert.ok(Date.parse(res.headers.get('upload-expires') ?? '') > Date.now());
        const location = must(res.headers.get('location'), 'a Location header');
        const rest = packageBytes.subarray(1000);
        const done = await patch(s, token, location, 1000, rest, { 'Upload-Checksum': checksum(rest) });
        assert.equal(done.status, 204, await done.clone().text());
        assert.equal(done.headers.get('upload-offset'), String(file.size));
        assert.equal((await fileById(s, token, file.id)).existing, true);
      });

      it('refuses a chunk whose checksum is wrong (460) and keeps nothing of it', async () => {
        const file = await createFile(s, token, packageBytes);
        const location = await createUpload(s, token, file);
        const chunk = packageBytes.subarray(0, 5000);
        const res = await patch(s, token, location, 0, chunk, { 'Upload-Checksum': checksum(randomBytes(5000)) });
        assert.equal(res.status, 460);
        assert.equal(((await res.json()) as { code: string }).code, 'ERR006');
        assert.equal(await offsetOf(s, token, location), 0);
        assert.deepEqual(await storedParts(s), []);
        // The same chunk with its own checksum is taken.
        const retry = await patch(s, token, location, 0, chunk, { 'Upload-Checksum': checksum(chunk) });
        assert.equal(retry.status, 204);
        assert.equal(await offsetOf(s, token, location), 5000);
        await s.request('DELETE', location, { token, headers: TUS });
      });

      it('refuses a chunk at the wrong offset (409), an unknown version (412), and a wrong Upload-Length', async () => {
        const file = await createFile(s, token, packageBytes);
        const location = await createUpload(s, token, file);
        const wrong = await patch(s, token, location, 10, packageBytes.subarray(10, 20));
        await expectLibraryError(wrong, 409, 'ERR015');
        assert.equal(wrong.headers.get('upload-offset'), '0');
        const version = await patch(s, token, location, 0, packageBytes.subarray(0, 10), { 'Tus-Resumable': '0.2.2' });
        assert.equal(version.status, 412);
        assert.equal(version.headers.get('tus-version'), '1.0.0');
        const length = await s.request('POST', `${FILES}/${file.id}/uploads`, { token, headers: { ...TUS, 'Upload-Length': String(file.size + 1) } });
        await expectLibraryError(length, 400, 'ERR006');
        const tooMuch = await patch(s, token, location, 0, Buffer.concat([packageBytes, Buffer.from('x')]));
        assert.equal(tooMuch.status, 413);
        assert.equal(await offsetOf(s, token, location), 0);
        assert.deepEqual(await storedParts(s), []);
        await s.request('DELETE', location, { token, headers: TUS });
      });

      it('refuses the whole when it does not match the declared sha256, and keeps nothing', async () => {
        const altered = Buffer.from(packageBytes);
        altered.writeUInt8(altered.readUInt8(altered.length >> 1) ^ 0xff, altered.length >> 1);
        const file = await createFile(s, token, packageBytes);
        const location = await createUpload(s, token, file);
        assert.equal((await patch(s, token, location, 0, altered.subarray(0, 7000))).status, 204);
        const last = await patch(s, token, location, 7000, altered.subarray(7000));
        const error = await expectLibraryError(last, 400, 'ERR006');
        assert.match(error.message, /sha256 does not match/);
        assert.equal((await fileById(s, token, file.id)).existing, false);
        assert.equal((await s.request('HEAD', location, { token, headers: TUS })).status, 404);
        assert.deepEqual(await storedParts(s), []);
        const record = must(await s.server.env.ctx.files.get(must(guidFromFileId(file.id), 'a file GUID')), 'the file record');
        assert.equal(await (await s.server.env.ctx.storage.blobs()).head(record.path), undefined, 'no binary stored');
      });

      it('terminates an upload: what it received is removed', async () => {
        const file = await createFile(s, token, packageBytes);
        const location = await createUpload(s, token, file);
        assert.equal((await patch(s, token, location, 0, packageBytes.subarray(0, 4096))).status, 204);
        assert.equal((await storedParts(s)).length, 1);
        const res = await s.request('DELETE', location, { token, headers: TUS });
        assert.equal(res.status, 204);
        assert.equal((await s.request('HEAD', location, { token, headers: TUS })).status, 404);
        await expectLibraryError(await patch(s, token, location, 4096, packageBytes.subarray(4096)), 404, 'ERR006');
        assert.deepEqual(await storedParts(s), []);
        assert.equal((await fileById(s, token, file.id)).existing, false);
      });

      it('removes an unfinished upload with its parts once it expires, at the next recovery', async () => {
        const file = await createFile(s, token, packageBytes);
        const location = await createUpload(s, token, file);
        assert.equal((await patch(s, token, location, 0, packageBytes.subarray(0, 2048))).status, 204);
        const expires = Date.parse((await s.request('HEAD', location, { token, headers: TUS })).headers.get('upload-expires') ?? '');
        const times = recoveryTimes(s.files.config, false);
        // Before its expiry, recovery keeps it and its part, however old the part.
        await recoverSharedFiles(s.server.env.ctx, times, expires - 1000);
        assert.equal(await offsetOf(s, token, location), 2048);
        assert.equal((await storedParts(s)).length, 1);
        const report = await recoverSharedFiles(s.server.env.ctx, times, expires + 1000);
        assert.ok(report.uploadsExpired >= 1, JSON.stringify(report));
        assert.deepEqual(await storedParts(s), []);
        assert.equal((await s.request('HEAD', location, { token, headers: TUS })).status, 404);
      });
    });
  }
}
