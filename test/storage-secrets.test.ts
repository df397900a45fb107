import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { dialects } from './support/env.js';
import { packageOfSize } from './support/packages.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startLocalS3, type LocalS3 } from './support/s3.js';
import { FILES, STORAGE, uploadedFile } from './support/shared-files.js';
import { keyIdOf } from '../src/domain/secret-box.js';
import { SECRET_KEY_FILE } from '../src/store/secret-keys.js';

const SECRET = 'the-s3-secret-in-clear';

for (const dialect of dialects()) {
  describe(`stored storage secrets [${dialect}]`, () => {
    let s3: LocalS3;
    let first: TestServer;
    before(async () => {
      s3 = await startLocalS3();
      first = await startTestServer(dialect, {
        'storage.location': `s3://${s3.bucket}/env`,
        'storage.s3.endpoint': s3.endpoint,
        'storage.s3.forcePathStyle': 'true',
        'storage.s3.accessKeyId': s3.connection.awsAccessId,
        'storage.s3.secretAccessKey': SECRET,
      });
    });
    after(async () => {
      await first.close();
      await s3.close();
    });

    const storedRow = async (s: TestServer) => {
      const row = await s.server.env.ctx.database.db.selectFrom('storage_config').select('settings').executeTakeFirstOrThrow();
      return { text: row.settings, secret: (JSON.parse(row.settings) as { awsSecretKey: string }).awsSecretKey };
    };
    /** The same environment (data dir and database) started again with other secret keys. */
    const restart = (keys: { secretKey: string; previous?: string[] }) =>
      startTestServer(
        dialect,
        {},
        { ...first.files, config: { ...first.files.config, storageSecretKey: keys.secretKey, storagePreviousSecretKeys: keys.previous ?? [] } },
      );
    const downloads = async (s: TestServer, fileId: string, bytes: Buffer) => {
      const res = await s.request('GET', `${FILES}/${fileId}/binary`, { token: await s.login() });
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    };
    let keyFile: Buffer;
    let bytes: Buffer;
    let fileId = '';

    it('seals the S3 secret in the database under a key file made at first start, and S3 still works', async () => {
      const stored = await storedRow(first);
      assert.doesNotMatch(stored.text, new RegExp(SECRET));
      keyFile = await readFile(path.join(first.files.dataDir, SECRET_KEY_FILE));
      assert.equal(keyFile.length, 32);
      assert.equal((await stat(path.join(first.files.dataDir, SECRET_KEY_FILE))).mode & 0o777, 0o600);
      assert.match(stored.secret, new RegExp(`^enc:v1:${keyIdOf(keyFile)}:`));
      assert.equal((await first.server.env.ctx.storage.settings()).awsSecretKey, SECRET);
      const token = await first.login();
      const shown = (await (await first.request('GET', STORAGE, { token })).json()) as { sharedFileStore: { awsSecretKey: string; configured: boolean } };
      assert.equal(shown.sharedFileStore.awsSecretKey, '********');
      assert.equal(shown.sharedFileStore.configured, true);
      bytes = await packageOfSize(700);
      fileId = (await uploadedFile(first, token, bytes)).id;
      await downloads(first, fileId, bytes);

      assert.equal((await first.request('PATCH', STORAGE, { token, json: { sharedFileStore: { awsSecretKey: 'a-new-secret-value' } } })).status, 204);
      assert.doesNotMatch((await storedRow(first)).text, /a-new-secret-value/);
      assert.equal((await first.request('PATCH', STORAGE, { token, json: { sharedFileStore: { awsSecretKey: SECRET } } })).status, 204);
      await first.stop();
    });

    it('rotates: a new key with the old one as previous reads the secret and seals it again under the new key', async () => {
      const newKey = randomBytes(32);
      const rotated = await restart({ secretKey: newKey.toString('hex'), previous: [keyFile.toString('base64')] });
      try {
        assert.match((await storedRow(rotated)).secret, new RegExp(`^enc:v1:${keyIdOf(newKey)}:`));
        assert.equal((await rotated.server.env.ctx.storage.settings()).awsSecretKey, SECRET);
        await downloads(rotated, fileId, bytes);
      } finally {
        await rotated.stop();
      }
      // Once every node runs with the new key, the previous one can go.
      const after = await restart({ secretKey: newKey.toString('base64') });
      try {
        assert.equal((await after.server.env.ctx.storage.settings()).awsSecretKey, SECRET);
        await downloads(after, fileId, bytes);
      } finally {
        await after.stop();
      }
      // A node without the key reports the Storage Service as not configured instead of failing.
      const stranger = await restart({ secretKey: randomBytes(32).toString('hex') });
      try {
        const res = await stranger.request('GET', `${FILES}/${fileId}/binary`, { token: await stranger.login() });
        assert.equal(res.status, 503);
        assert.match((await storedRow(stranger)).secret, new RegExp(`^enc:v1:${keyIdOf(newKey)}:`), 'an unreadable secret is left as it is');
      } finally {
        await stranger.stop();
      }
    });

    it('reads a secret saved in clear by an older version, and seals it at the next start', async () => {
      const key = randomBytes(32).toString('hex');
      const older = await restart({ secretKey: key });
      const legacy = { ...(await older.server.env.ctx.storage.settings()), awsSecretKey: SECRET };
      await older.server.env.ctx.database.db
        .updateTable('storage_config')
        .set({ settings: JSON.stringify(legacy) })
        .execute();
      try {
        assert.equal((await older.server.env.ctx.storage.settings()).awsSecretKey, SECRET, 'loads in clear');
      } finally {
        await older.stop();
      }
      const next = await restart({ secretKey: key });
      try {
        assert.doesNotMatch((await storedRow(next)).text, new RegExp(SECRET));
        await downloads(next, fileId, bytes);
      } finally {
        await next.stop();
      }
    });
  });
}
