import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dialects, POSTGRES_ADMIN_URL } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { FILES, STORAGE, createFile, loginWith, metadataFor, multipartBody, upload, uploadedFile } from './support/shared-files.js';

const NOT_CONFIGURED = 'The Storage Service is not configured properly, please contact your administrator to configure Storage Service';
const NO_DATABASE = 'The API requires MicroStrategy Storage Service. Please contact your administrator.';

type StorageJson = { sharedFileStore: Record<string, unknown> };

for (const dialect of dialects()) {
  describe(`storage configuration [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
    });
    after(() => s.close());

    const read = async () => (await (await s.request('GET', STORAGE, { token })).json()) as StorageJson;
    const patch = (body: unknown, t = token) => s.request('PATCH', STORAGE, { token: t, json: body });
    const validate = (body: unknown) => s.request('POST', `${STORAGE}/validation`, { token, json: body });
    const local = () => ({ type: 'file_system', alias: 'local', location: s.files.config.storageLocation });

    it('comes configured with a folder under the data dir', async () => {
      const res = await s.request('GET', STORAGE, { token, headers: { 'X-MSTR-ProjectID': 'B19DEDCC11D4E0EFC000EB9495D0F44F' } });
      assert.equal(res.status, 200);
      const { sharedFileStore } = (await res.json()) as StorageJson;
      assert.deepEqual(sharedFileStore, {
        type: 'file_system',
        alias: 'local',
        location: path.join(s.files.dataDir, 'storage'),
        s3Region: '',
        awsAccessId: '',
        awsSecretKey: '',
        s3Endpoint: '',
        s3ForcePathStyle: false,
        azureStorageAccountName: '',
        azureSecretKey: '',
        gcsServiceAccountKey: '',
        configured: true,
      });
    });

    it('applies a partial PATCH and ignores `configured`', async () => {
      assert.equal((await patch({ sharedFileStore: { alias: 'fs', configured: false } })).status, 204);
      const { sharedFileStore } = await read();
      assert.equal(sharedFileStore.alias, 'fs');
      assert.equal(sharedFileStore.type, 'file_system');
      assert.equal(sharedFileStore.configured, true);
    });

    it('keeps S3 settings, masks their secret, and reports them as not configured without a bucket', async () => {
      const s3 = {
        type: 'S3',
        alias: 'aws',
        location: '',
        s3Region: 'eu-west-1',
        awsAccessId: 'AKIA1',
        awsSecretKey: 'very-secret',
        s3Endpoint: 'http://127.0.0.1:9',
      };
      assert.equal((await patch({ sharedFileStore: s3 })).status, 204);
      const shown = (await read()).sharedFileStore;
      assert.equal(shown.type, 'S3');
      assert.equal(shown.awsAccessId, 'AKIA1');
      assert.equal(shown.awsSecretKey, '********');
      assert.equal(shown.configured, false);
      assert.doesNotMatch(JSON.stringify(shown), /very-secret/);

      const error = await expectLibraryError(await validate({ sharedFileStore: {} }), 400, 'ERR006');
      assert.match(error.message, /sharedFileStore\.location is required for S3 storage/);
      const unreachable = await expectLibraryError(await validate({ sharedFileStore: { location: 's3://bucket/prefix' } }), 400, 'ERR006');
      assert.match(unreachable.message, /s3:\/\/bucket\/prefix cannot be written .*cannot be reached/);
      assert.doesNotMatch(unreachable.message, /very-secret/);
      for (const [method, url, body] of [
        ['GET', `${FILES}?type=migrations.packages`, undefined],
        ['POST', FILES, metadataFor(randomBytes(5))],
        ['GET', `${FILES}/${Buffer.from(`migrations.packages:${'A'.repeat(32)}`).toString('base64')}/binary`, undefined],
      ] as const) {
        const unavailable = await expectLibraryError(await s.request(method, url, { token, json: body }), 503, 'ERR016');
        assert.equal(unavailable.message, NOT_CONFIGURED);
      }

      // mstrio's update without arguments sends the whole object back, masked secret included.
      assert.equal((await patch({ sharedFileStore: { ...shown, alias: 'aws2' } })).status, 204);
      assert.equal((await s.server.env.ctx.storage.settings()).awsSecretKey, 'very-secret');
      assert.equal((await patch({ sharedFileStore: local() })).status, 204);
      assert.equal((await read()).sharedFileStore.configured, true);
      const file = await createFile(s, token, randomBytes(5));
      assert.equal(file.existing, false);
    });

    it('answers 503 with the Library text while storage is unset', async () => {
      assert.equal((await patch({ sharedFileStore: { type: 'unset' } })).status, 204);
      assert.equal((await read()).sharedFileStore.configured, false);
      const error = await expectLibraryError(
        await s.request('DELETE', `${FILES}/${Buffer.from(`migrations.packages:${'B'.repeat(32)}`).toString('base64')}`, { token }),
        503,
        'ERR016',
      );
      assert.equal(error.message, NOT_CONFIGURED);
      assert.equal((await patch({ sharedFileStore: local() })).status, 204);
    });

    it('validates a folder by writing to it, and names what is wrong', async () => {
      const folder = path.join(s.files.dataDir, 'elsewhere');
      assert.equal((await validate({ sharedFileStore: { type: 'file_system', location: folder } })).status, 204);
      assert.ok(existsSync(folder));
      const blocker = path.join(s.files.dataDir, 'a-file');
      await writeFile(blocker, 'x');
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ type: 'file_system', location: path.join(blocker, 'sub') }, /sharedFileStore\.location .* cannot be written/],
        [{ type: 'file_system', location: 'relative/dir' }, /sharedFileStore\.location "relative\/dir" is refused: it must be an absolute folder path/],
        [{ type: 'unset' }, /sharedFileStore\.type is unset/],
        [{ type: 'GCS' }, /sharedFileStore\.type GCS is not supported/],
        [{ type: 'S3', s3Region: '', awsAccessId: '', awsSecretKey: '' }, /sharedFileStore\.s3Region is required/],
        [{ type: 's3' }, /sharedFileStore\.type must be one of unset, unknown, file_system, S3, Azure, GCS/],
        [{ type: 'file_system', location: 5 }, /sharedFileStore\.location must be a string/],
      ];
      for (const [body, message] of cases) {
        const error = await expectLibraryError(await validate({ sharedFileStore: body }), 400, 'ERR006');
        assert.match(error.message, message);
      }
      await expectLibraryError(await validate({ type: 'file_system' }), 400, 'ERR006');
      assert.equal((await read()).sharedFileStore.type, 'file_system', 'validation changes nothing');
    });

    it('refuses locations outside the allowed roots or in system folders, names the rule and creates nothing', async () => {
      const outside = await mkdtemp(path.join(tmpdir(), 'packstore-outside-'));
      try {
        const file = path.join(s.files.dataDir, 'regular-file');
        await writeFile(file, 'x');
        await mkdir(path.join(s.files.dataDir, 'links'), { recursive: true });
        await symlink('/etc', path.join(s.files.dataDir, 'links', 'to-etc'));
        await symlink(outside, path.join(s.files.dataDir, 'links', 'to-outside'));
        const cases: Array<[string, RegExp]> = [
          ['/', /is a system folder/],
          ['/etc', /inside the system folder \/etc/],
          ['/etc/packstore/new', /inside the system folder \/etc/],
          [file, /is a file, not a folder/],
          [path.join(file, 'below'), /is a file, not a folder/],
          // Refused by the request-wide check before any storage rule, naming the field.
          [`${s.files.dataDir}/a\u0000b`, /^sharedFileStore\.location must not contain control characters/],
          [`${s.files.dataDir}/a\nb`, /^sharedFileStore\.location must not contain control characters/],
          [path.join(s.files.dataDir, 'links', 'to-etc', 'mstr'), /inside the system folder \/etc/],
          [path.join(s.files.dataDir, 'links', 'to-outside', 'new'), /is not inside an allowed root \(storage\.allowedRoots: /],
          [path.join(outside, 'new'), /is not inside an allowed root/],
          [path.join(s.files.dataDir, '..', path.basename(outside)), /is not inside an allowed root/],
        ];
        for (const [location, rule] of cases) {
          for (const res of [
            await patch({ sharedFileStore: { type: 'file_system', location } }),
            await validate({ sharedFileStore: { type: 'file_system', location } }),
          ]) {
            const error = await expectLibraryError(res, 400, 'ERR006');
            assert.match(error.message, /^sharedFileStore\.location (.* is refused: |must not contain control characters)/);
            assert.match(error.message, rule, location);
          }
        }
        assert.equal(existsSync(path.join(outside, 'new')), false, 'nothing is created for a refused location');
        assert.equal(existsSync(path.join(outside, '.tmp')), false);
        assert.equal((await read()).sharedFileStore.location, s.files.config.storageLocation, 'PATCH changed nothing');
        // Inside the data dir (the default root), a new folder is fine.
        assert.equal((await patch({ sharedFileStore: { type: 'file_system', location: path.join(s.files.dataDir, 'moved') } })).status, 204);
        assert.equal((await patch({ sharedFileStore: local() })).status, 204, 'the configured location stays allowed');
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
    });

    it('refuses malformed PATCH bodies', async () => {
      const typeError = await expectLibraryError(await patch({ sharedFileStore: { type: 'FILE_SYSTEM' } }), 400, 'ERR006');
      assert.match(typeError.message, /sharedFileStore\.type/);
      const pathError = await expectLibraryError(await patch({ sharedFileStore: { location: 'data' } }), 400, 'ERR006');
      assert.match(pathError.message, /sharedFileStore\.location/);
      await expectLibraryError(await patch({ sharedFileStore: { s3ForcePathStyle: 'yes' } }), 400, 'ERR006');
      await expectLibraryError(await patch([]), 400, 'ERR006');
      assert.equal((await read()).sharedFileStore.configured, true);
    });

    it('is for Environment Administrators only', async () => {
      const manager = await loginWith(s, ['MANAGE_MIGRATION_PACKAGES']);
      for (const res of [
        await s.request('GET', STORAGE, { token: manager }),
        await patch({ sharedFileStore: { alias: 'x' } }, manager),
        await s.request('POST', `${STORAGE}/validation`, { token: manager, json: { sharedFileStore: local() } }),
      ]) {
        const error = await expectLibraryError(res, 403, 'ERR014');
        assert.match(error.message, /Environment Administrator/);
      }
      const admin = await loginWith(s, ['ADMINISTER_ENVIRONMENT']);
      assert.equal((await s.request('GET', STORAGE, { token: admin })).status, 200);
    });
  });
}

for (const dialect of dialects()) {
  describe(`storage roots [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    let other: string;
    before(async () => {
      other = await mkdtemp(path.join(tmpdir(), 'packstore-root-'));
      s = await startTestServer(dialect, { 'storage.allowedRoots': `/, ${other}` });
      token = await s.login();
    });
    after(async () => {
      await s.close();
      await rm(other, { recursive: true, force: true });
    });

    it('takes folders in any configured root, and never a system folder even when a root covers it', async () => {
      const patch = (location: string) => s.request('PATCH', STORAGE, { token, json: { sharedFileStore: { type: 'file_system', location } } });
      assert.equal((await patch(path.join(other, 'packages'))).status, 204);
      for (const location of ['/', '/etc', '/usr/local/share/x', '/proc/self', '/var/lib', '/root/x']) {
        const error = await expectLibraryError(await patch(location), 400, 'ERR006');
        assert.match(error.message, /system folder/, location);
      }
    });
  });
}

if (dialects().includes('postgres')) {
  describe('storage service database outage [postgres]', () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer('postgres');
    });
    after(() => s.close());

    it('answers 503 with the Library text when the database is gone', async () => {
      const token = await s.login();
      const file = await uploadedFile(s, token);
      const database = new URL(s.files.config.databaseUrl).pathname.slice(1);
      const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      for (const res of [
        await s.request('GET', `${FILES}?type=migrations.packages`, { token }),
        await s.request('GET', `${FILES}/${file.id}/binary`, { token }),
        await upload(s, token, file.id, multipartBody(randomBytes(5))),
        await s.request('GET', STORAGE, { token }),
      ]) {
        const error = await expectLibraryError(res, 503, 'ERR016');
        assert.equal(error.message, NO_DATABASE);
      }
    });
  });
}
