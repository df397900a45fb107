import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dialects } from './support/env.js';
import { packageOfSize } from './support/packages.js';
import { keyTag } from '../src/store/blob/local-disk.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import {
  BOUNDARY,
  FILES,
  MULTIPART_TYPE,
  createFile,
  heldBody,
  loginWith,
  metadataFor,
  multipartBody,
  sha256,
  upload,
  uploadedFile,
  type FileJson,
} from './support/shared-files.js';
import { must } from './support/must.js';

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

function innerGuid(fileId: string): string {
  return Buffer.from(fileId, 'base64').toString('utf8').replace('migrations.packages:', '');
}

function blobPath(s: TestServer, file: FileJson): string {
  return path.join(s.files.config.storageLocation, file.path);
}

async function temporaryFiles(s: TestServer): Promise<string[]> {
  const dir = path.join(s.files.config.storageLocation, '.tmp');
  return existsSync(dir) ? readdir(dir) : [];
}

async function getFile(s: TestServer, token: string, id: string): Promise<FileJson | undefined> {
  const res = await s.request('GET', `${FILES}?type=migrations.packages&limit=1000`, { token });
  const body = (await res.json()) as { data: FileJson[] };
  return body.data.find((f) => f.id === id);
}

for (const dialect of dialects()) {
  describe(`shared file store [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    before(async () => {
      s = await startTestServer(dialect, { 'storage.sharedFileStore.migrations.packages.maxSize': '1000000' });
      token = await s.login();
    });
    after(() => s.close());

    it('runs the seed flow: metadata, upload, download, list, delete', async () => {
      const bytes = await packageOfSize(600);
      const created = await createFile(s, token, bytes, { name: 'ProjectMigration_success_upload' });
      const guid = innerGuid(created.id);
      assert.match(guid, /^[0-9A-F]{32}$/);
      assert.equal(created.id.length, 72);
      assert.equal(created.path, `mstr/shared/migrations/packages/${new Date().toISOString().slice(0, 10)}/${guid}.mmp`);
      assert.equal(created.existing, false);
      assert.equal(created.type, 'migrations.packages');
      assert.equal(created.extension, 'mmp');
      assert.equal(created.size, bytes.length);
      assert.equal(created.sha256, sha256(bytes));
      assert.deepEqual(created.creator, { id: '54F3D26011D2896560009A8E67019608', name: 'Administrator' });
      assert.deepEqual(created.environment, { id: 'http://127.0.0.1:8765/MicroStrategyLibrary', name: 'source' });
      assert.match(created.creationDate, DATE);
      assert.equal(created.lastUpdatedDate, created.creationDate);
      assert.match(created.extraInfo.packageId, /^[0-9A-F]{32}$/);
      assert.notEqual(created.extraInfo.packageId, guid);
      assert.equal(created.extraInfo.packageType, 'project');
      assert.equal(created.extraInfo.packagePurpose, 'migration_from_shared_file_store');

      const res = await upload(s, token, created.id, multipartBody(bytes));
      assert.equal(res.status, 200);
      const stored = (await res.json()) as FileJson;
      assert.equal(stored.existing, true);
      assert.equal(stored.id, created.id);
      assert.equal(stored.creationDate, created.creationDate);
      assert.match(stored.lastUpdatedDate, DATE);
      assert.deepEqual(stored.extraInfo, created.extraInfo);

      const download = await s.request('GET', `${FILES}/${created.id}/binary`, { token, headers: { Accept: '*/*' } });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'application/octet-stream');
      assert.equal(download.headers.get('content-length'), String(bytes.length));
      assert.equal(download.headers.get('content-disposition'), 'attachment; filename=ProjectMigration_success_upload.mmp');
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);
      assert.deepEqual(await getFile(s, token, created.id), stored);

      const deleted = await s.request('DELETE', `${FILES}/${created.id}`, { token });
      assert.equal(deleted.status, 204);
      assert.equal(existsSync(blobPath(s, stored)), false);
      assert.equal(await getFile(s, token, created.id), undefined);
      const gone = await expectLibraryError(await s.request('GET', `${FILES}/${created.id}/binary`, { token }), 404, 'ERR006');
      assert.notEqual(gone.message, 'HTTP 404 Not Found');
    });

    it('keeps the blob key equal to the path, findable by package id', async () => {
      const file = await uploadedFile(s, token);
      const byPackage = await s.server.env.ctx.files.findByPackageId(file.extraInfo.packageId);
      assert.equal(byPackage?.path, file.path);
      assert.equal((await s.server.env.ctx.files.get(innerGuid(file.id)))?.existing, true);
      assert.ok(existsSync(blobPath(s, file)));
    });

    it('checks every metadata field with 400 ERR006 naming it', async () => {
      const bytes = randomBytes(10);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ type: 'migrations.other' }, 'type'],
        [{ type: undefined }, 'type'],
        [{ extension: 'zip' }, 'extension'],
        [{ size: 0 }, 'size'],
        [{ size: 1.5 }, 'size'],
        [{ size: '10' }, 'size'],
        [{ size: 1000001 }, 'size'],
        [{ sha256: 'abc' }, 'sha256'],
        [{ sha256: 'z'.repeat(64) }, 'sha256'],
        [{ name: '' }, 'name'],
        [{ name: 'x'.repeat(251) }, 'name'],
        [{ name: 42 }, 'name'],
        [{ environment: { id: 'http://x' } }, 'environment.name'],
        [{ environment: { name: 'x' } }, 'environment.id'],
        [{ extraInfo: { packageType: 'projects', packagePurpose: 'object_migration' } }, 'extraInfo.packageType'],
        [{ extraInfo: { packageType: 'project', packagePurpose: 'migration_group' } }, 'extraInfo.packagePurpose'],
      ];
      for (const [override, field] of cases) {
        const res = await s.request('POST', FILES, { token, json: metadataFor(bytes, override) });
        const body = await expectLibraryError(res, 400, 'ERR006');
        assert.ok(body.message.startsWith(field), `${JSON.stringify(override)}: "${body.message}" should name ${field}`);
      }
      await expectLibraryError(await s.request('POST', FILES, { token, json: [1] }), 400, 'ERR006');
      await expectLibraryError(await s.request('POST', FILES, { token, body: '{"name":', headers: { 'Content-Type': 'application/json' } }), 400, 'ERR006');
    });

    it('accepts every package type and purpose, upper-case hashes, and names up to 250 characters', async () => {
      const bytes = randomBytes(10);
      for (const packageType of ['project', 'project_security', 'configuration']) {
        for (const packagePurpose of ['object_migration', 'project_merge', 'migration_from_shared_file_store']) {
          const file = await createFile(s, token, bytes, { extraInfo: { packageType, packagePurpose } });
          assert.deepEqual([file.extraInfo.packageType, file.extraInfo.packagePurpose], [packageType, packagePurpose]);
        }
      }
      const long = await createFile(s, token, bytes, { name: 'n'.repeat(250), sha256: sha256(bytes).toUpperCase(), size: 1000000 });
      assert.equal(long.name.length, 250);
      assert.equal(long.sha256, sha256(bytes));
    });

    it('names a file sent with name null (as mstrio does) after its own id', async () => {
      const bytes = await packageOfSize(10);
      const file = await createFile(s, token, bytes, { name: null });
      assert.equal(file.name, `uploaded_${innerGuid(file.id)}`);
      const res = await upload(s, token, file.id, multipartBody(bytes));
      assert.equal(res.status, 200);
      const download = await s.request('GET', `${FILES}/${file.id}/binary`, { token });
      assert.equal(download.headers.get('content-disposition'), `attachment; filename=uploaded_${innerGuid(file.id)}.mmp`);
    });

    it('keeps the download header valid whatever the name holds', async () => {
      const bytes = await packageOfSize(10);
      const file = await createFile(s, token, bytes, { name: 'Ünïcode 包 "q";x' });
      assert.equal(file.name, 'Ünïcode 包 "q";x');
      assert.equal((await upload(s, token, file.id, multipartBody(bytes))).status, 200);
      const download = await s.request('GET', `${FILES}/${file.id}/binary`, { token });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-disposition'), 'attachment; filename=_n_code _ _q__x.mmp');
    });

    it('keeps nothing when the size or the hash do not match', async () => {
      // Large enough that the header is read from the first chunks, long before the altered last byte arrives.
      const bytes = await packageOfSize(500_000);
      const n = bytes.length;
      const altered = Buffer.from(bytes);
      altered.writeUInt8(altered.readUInt8(n - 1) ^ 0xff, n - 1);
      const file = await createFile(s, token, bytes);
      const attempts: Array<[Buffer, RegExp]> = [
        [bytes.subarray(0, n - 1), new RegExp(`size.*expected ${n}, got ${n - 1}`)],
        [Buffer.concat([bytes, Buffer.from('x')]), new RegExp(`size.*expected ${n}, got more than ${n}`)],
        [Buffer.concat([bytes, randomBytes(200_000)]), new RegExp(`size.*expected ${n}, got more than ${n}`)],
        [altered, new RegExp(`sha256.*expected ${sha256(bytes)}, got [0-9a-f]{64}`)],
      ];
      for (const [body, message] of attempts) {
        const error = await expectLibraryError(await upload(s, token, file.id, multipartBody(body)), 400, 'ERR006');
        assert.match(error.message, message);
        assert.deepEqual(await getFile(s, token, file.id), file, 'the metadata row is unchanged');
        assert.equal(existsSync(blobPath(s, file)), false, 'no blob');
        assert.deepEqual(await temporaryFiles(s), [], 'no temporary file');
      }
      const res = await upload(s, token, file.id, multipartBody(bytes));
      assert.equal(res.status, 200, 'a failed upload releases the file for the next one');
    });

    it('refuses malformed multipart bodies with 400 ERR006 and keeps nothing', async () => {
      const bytes = await packageOfSize(300);
      const file = await createFile(s, token, bytes);
      const whole = multipartBody(bytes);
      const twoFiles = Buffer.concat([whole.subarray(0, whole.length - BOUNDARY.length - 6), multipartBody(bytes).subarray(0)]);
      const field = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--${BOUNDARY}--\r\n`);
      const attempts: Array<[string, Buffer, Record<string, string>]> = [
        ['no boundary', whole, { 'Content-Type': 'multipart/form-data' }],
        ['truncated in the file', whole.subarray(0, 200), MULTIPART_TYPE],
        ['truncated before the end of the part', whole.subarray(0, whole.length - BOUNDARY.length - 8), MULTIPART_TYPE],
        ['two file parts', twoFiles, MULTIPART_TYPE],
        ['wrong field name', multipartBody(bytes, 'package'), MULTIPART_TYPE],
        ['a field, not a file', field, MULTIPART_TYPE],
        ['no parts', Buffer.from(`--${BOUNDARY}--\r\n`), MULTIPART_TYPE],
        ['not multipart', Buffer.from('{}'), { 'Content-Type': 'application/json' }],
      ];
      for (const [what, body, headers] of attempts) {
        const res = await upload(s, token, file.id, body, headers);
        const text = await res.text();
        assert.equal(res.status, 400, `${what}: ${res.status} ${text}`);
        assert.equal((JSON.parse(text) as { code: string }).code, 'ERR006', what);
        assert.equal(existsSync(blobPath(s, file)), false, what);
        assert.deepEqual(await temporaryFiles(s), [], what);
      }
      assert.equal((await getFile(s, token, file.id))?.existing, false);
    });

    it('answers 409 to a second upload of a stored file', async () => {
      const bytes = await packageOfSize(50);
      const file = await uploadedFile(s, token, bytes);
      const again = await expectLibraryError(await upload(s, token, file.id, multipartBody(bytes)), 409, 'ERR015');
      assert.match(again.message, /already has its binary/);
    });

    it('lets exactly one of two concurrent uploads win; the other gets 409', async () => {
      const bytes = await packageOfSize(64 * 1024);
      const file = await createFile(s, token, bytes);
      const whole = multipartBody(bytes);
      const first = heldBody(whole.subarray(0, 30_000), whole.subarray(30_000));
      const firstResponse = s.request('PUT', `${FILES}/${file.id}/binary`, { token, body: first.body, headers: MULTIPART_TYPE });
      // The first upload holds the claim once its row says so; then the second one races it.
      for (
        let i = 0;
        i < 200 &&
        !(await s.server.env.ctx.database.db.selectFrom('files').select('upload_claim').where('guid', '=', innerGuid(file.id)).executeTakeFirst())
          ?.upload_claim;
        i++
      ) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const second = await upload(s, token, file.id, whole);
      const conflict = await expectLibraryError(second, 409, 'ERR015');
      assert.match(conflict.message, /in progress/);
      first.release();
      assert.equal((await firstResponse).status, 200);
      const both = await Promise.all([upload(s, token, file.id, whole), upload(s, token, file.id, whole)]);
      assert.deepEqual(
        both.map((r) => r.status),
        [409, 409],
      );
    });

    it('resolves a true race of two uploads to one 200 and one 409', async () => {
      const bytes = await packageOfSize(2000);
      const file = await createFile(s, token, bytes);
      const results = await Promise.all([upload(s, token, file.id, multipartBody(bytes)), upload(s, token, file.id, multipartBody(bytes))]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    });

    it('serves byte ranges so a broken download can resume', async () => {
      const bytes = await packageOfSize(1000);
      const n = bytes.length;
      const file = await uploadedFile(s, token, bytes);
      const url = `${FILES}/${file.id}/binary`;
      const part = await s.request('GET', url, { token, headers: { Range: 'bytes=100-199' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 100-199/${n}`);
      assert.equal(part.headers.get('content-length'), '100');
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200));
      const rest = await s.request('GET', url, { token, headers: { Range: 'bytes=600-', 'If-Range': `"${file.sha256}"` } });
      assert.equal(rest.status, 206);
      assert.deepEqual(Buffer.from(await rest.arrayBuffer()), bytes.subarray(600));
      const suffix = await s.request('GET', url, { token, headers: { Range: 'bytes=-10' } });
      assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), bytes.subarray(n - 10));
      const stale = await s.request('GET', url, { token, headers: { Range: 'bytes=600-', 'If-Range': '"other"' } });
      assert.equal(stale.status, 200);
      assert.equal((await stale.arrayBuffer()).byteLength, n);
      const outside = await s.request('GET', url, { token, headers: { Range: `bytes=${n}-` } });
      assert.equal(outside.headers.get('content-range'), `bytes */${n}`);
      await expectLibraryError(outside, 416, 'ERR006');
    });

    it('answers HEAD with the headers of the download, without reading the file', async () => {
      const bytes = await packageOfSize(900_000);
      const file = await uploadedFile(s, token, bytes);
      const url = `${FILES}/${file.id}/binary`;
      const get = await s.request('GET', url, { token });
      await get.arrayBuffer();
      const bytesRead = async () => Number(/^rchar: (\d+)$/m.exec(await readFile('/proc/self/io', 'utf8'))?.[1]);
      const before = await bytesRead();
      const head = await s.request('HEAD', url, { token });
      const read = (await bytesRead()) - before;
      assert.equal(head.status, 200);
      for (const name of ['content-length', 'etag', 'accept-ranges', 'content-disposition']) assert.equal(head.headers.get(name), get.headers.get(name), name);
      assert.equal(head.headers.get('content-length'), String(bytes.length));
      assert.equal((await head.arrayBuffer()).byteLength, 0);
      assert.ok(read < bytes.length / 10, `HEAD read ${read} bytes of a ${bytes.length}-byte file`);
      // A file whose bytes left the store answers HEAD as it answers GET.
      await rm(blobPath(s, file));
      const [gone, goneHead] = [await s.request('GET', url, { token }), await s.request('HEAD', url, { token })];
      assert.equal(gone.status, 404);
      assert.equal(goneHead.status, 404);
    });

    it('lists newest first with offset and limit, and checks them', async () => {
      const a = await createFile(s, token, randomBytes(5));
      await new Promise((r) => setTimeout(r, 5));
      const b = await createFile(s, token, randomBytes(5));
      const res = await s.request('GET', `${FILES}?offset=0&limit=2&type=migrations.packages`, { token });
      const page = (await res.json()) as { total: number; data: FileJson[] };
      assert.deepEqual(
        page.data.map((f) => f.id),
        [b.id, a.id],
      );
      assert.ok(page.total >= 2);
      const next = (await (await s.request('GET', `${FILES}?offset=1&limit=1`, { token })).json()) as { total: number; data: FileJson[] };
      assert.deepEqual(
        next.data.map((f) => f.id),
        [a.id],
      );
      assert.equal(next.total, page.total);
      const all = (await (await s.request('GET', FILES, { token })).json()) as { data: FileJson[] };
      assert.equal(all.data.length, Math.min(page.total, 100));
      for (const query of ['offset=-1', 'offset=x', 'limit=0', 'limit=1001', 'limit=1.5', 'type=other']) {
        const error = await expectLibraryError(await s.request('GET', `${FILES}?${query}`, { token }), 400, 'ERR006');
        assert.ok(error.message.startsWith(must(query.split('=')[0], 'the query parameter name')), error.message);
      }
    });

    it('answers 404 ERR006 for unknown or foreign file ids', async () => {
      const unknown = Buffer.from(`migrations.packages:${'A'.repeat(32)}`).toString('base64');
      for (const id of [unknown, 'not-an-id', Buffer.from(`other.type:${'A'.repeat(32)}`).toString('base64')]) {
        const del = await expectLibraryError(await s.request('DELETE', `${FILES}/${id}`, { token }), 404, 'ERR006');
        assert.notEqual(del.message, 'HTTP 404 Not Found');
        await expectLibraryError(await s.request('GET', `${FILES}/${id}/binary`, { token }), 404, 'ERR006');
        await expectLibraryError(await upload(s, token, id, multipartBody(Buffer.from('x'))), 404, 'ERR006');
      }
      const pending = await createFile(s, token, randomBytes(5));
      const noBinary = await expectLibraryError(await s.request('GET', `${FILES}/${pending.id}/binary`, { token }), 404, 'ERR006');
      assert.match(noBinary.message, /no binary yet/);
    });

    it('requires the seed privileges on every endpoint', async () => {
      const file = await uploadedFile(s, token);
      const none = await loginWith(s, []);
      const manage = await loginWith(s, ['MANAGE_MIGRATION_PACKAGES']);
      const admin = await loginWith(s, ['ADMINISTER_ENVIRONMENT']);
      const body = metadataFor(randomBytes(5));
      const calls: Array<[string, string, (t: string) => Promise<Response>]> = [
        ['create', 'both', (t) => s.request('POST', FILES, { token: t, json: body })],
        ['upload', 'both', (t) => upload(s, t, file.id, multipartBody(randomBytes(5)))],
        ['delete', 'both', (t) => s.request('DELETE', `${FILES}/${file.id}`, { token: t })],
        ['download', 'manage', (t) => s.request('GET', `${FILES}/${file.id}/binary`, { token: t })],
        ['list', 'manage', (t) => s.request('GET', FILES, { token: t })],
      ];
      for (const [what, needs, call] of calls) {
        const denied = await expectLibraryError(await call(none), 403, 'ERR014');
        assert.match(denied.message, /Manage Migration Packages/, what);
        const adminOnly = await expectLibraryError(await call(admin), 403, 'ERR014');
        assert.match(adminOnly.message, /Manage Migration Packages/, what);
        const manageOnly = await call(manage);
        if (needs === 'both') {
          const error = await expectLibraryError(manageOnly, 403, 'ERR014');
          assert.match(error.message, /Environment Administrator/, what);
        } else {
          assert.equal(manageOnly.status, 200, what);
          await manageOnly.arrayBuffer();
        }
        await expectLibraryError(await call(''), 401, 'ERR009');
      }
    });
  });

  describe(`shared file store limits and restart [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect, { 'storage.sharedFileStore.migrations.packages.maxNumber': '2' });
    });
    // The restart test reopens the same files, so dispose of them explicitly.
    after(async () => {
      await s.close();
      await s.files.dispose();
    });

    it('refuses new metadata past maxNumber, naming the limit and its key', async () => {
      const token = await s.login();
      const first = await createFile(s, token, randomBytes(5));
      await createFile(s, token, randomBytes(5));
      const refused = await expectLibraryError(await s.request('POST', FILES, { token, json: metadataFor(randomBytes(5)) }), 400, 'ERR006');
      assert.match(refused.message, /maximum of 2 /);
      assert.match(refused.message, /storage\.sharedFileStore\.migrations\.packages\.maxNumber/);
      assert.equal((await s.request('DELETE', `${FILES}/${first.id}`, { token })).status, 204);
      await createFile(s, token, randomBytes(5));
    });

    it('cleans up after a restart: temporary uploads, missing binaries, stale claims', async () => {
      let token = await s.login();
      for (const f of ((await (await s.request('GET', FILES, { token })).json()) as { data: FileJson[] }).data) {
        await s.request('DELETE', `${FILES}/${f.id}`, { token });
      }
      const kept = await uploadedFile(s, token, await packageOfSize(100));
      const lostBytes = await packageOfSize(100);
      const lost = await uploadedFile(s, token, lostBytes);
      await s.stop();

      const root = s.files.config.storageLocation;
      await mkdir(path.join(root, '.tmp'), { recursive: true });
      // An upload of this environment cut by the stop, and what is not ours in the same folder.
      const abandoned = `${keyTag(lost.path)}.${randomBytes(12).toString('hex')}.part`;
      const longAgo = new Date(Date.now() - 3600_000);
      for (const name of [abandoned, 'foreign.part', `${keyTag('another/environment.mmp')}.${randomBytes(12).toString('hex')}.part`]) {
        await writeFile(path.join(root, '.tmp', name), randomBytes(1000));
        // Nodes share the storage: only what is older than the stale age counts as abandoned.
        await utimes(path.join(root, '.tmp', name), longAgo, longAgo);
      }
      await rm(blobPath(s, lost));
      s = await startTestServer(dialect, {}, s.files);
      token = await s.login();

      assert.equal((await temporaryFiles(s)).length, 2);
      assert.ok(!(await temporaryFiles(s)).includes(abandoned));
      assert.equal((await getFile(s, token, kept.id))?.existing, true);
      assert.equal((await getFile(s, token, lost.id))?.existing, false);
      await expectLibraryError(await s.request('GET', `${FILES}/${lost.id}/binary`, { token }), 404, 'ERR006');

      // A claim left behind by an interrupted upload is cleared at the next start: at once on SQLite (one
      // node), and once two leases have passed where another node might still be writing (PostgreSQL).
      const claimedAt = dialect === 'sqlite' ? Date.now() : Date.now() - (2 * s.files.config.leaseSeconds + 1) * 1000;
      assert.equal(await s.server.env.ctx.files.claimUpload(innerGuid(lost.id), 'interrupted', claimedAt), true);
      await expectLibraryError(await upload(s, token, lost.id, multipartBody(lostBytes)), 409, 'ERR015');
      await s.stop();
      s = await startTestServer(dialect, {}, s.files);
      token = await s.login();
      const res = await upload(s, token, lost.id, multipartBody(lostBytes));
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as FileJson).existing, true);
    });
  });
}
