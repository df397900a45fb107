import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { packageOfSize, newMetrics } from './support/packages.js';
import { buildPackage, importFile, json, waitForMigration, FINAL_IMPORT_STATES } from './support/migrations.js';
import { FILES, MULTIPART_TYPE, createFile, heldBody, metadataFor, multipartBody, sha256, upload, type FileJson } from './support/shared-files.js';

const SOURCE = { id: 'https://dev.example.com/MicroStrategyLibrary/', name: 'Development' };
const SOURCE_PROJECT = { id: 'B19DEDCC11D4E0EFC000EB9495D0F44F', name: 'MicroStrategy Tutorial' };
const SOURCE_CREATOR = { id: '54F3D26011D2896560009A8E67019608', name: 'Administrator' };

async function storedNames(s: TestServer): Promise<string[]> {
  const root = s.files.config.storageLocation;
  const walk = async (dir: string): Promise<string[]> => {
    if (!existsSync(dir)) return [];
    const out: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      out.push(...(entry.isDirectory() ? await walk(full) : [full]));
    }
    return out;
  };
  return (await walk(root)).filter((f) => f.endsWith('.mmp') || f.endsWith('.part'));
}

async function listed(s: TestServer, token: string, id: string): Promise<FileJson | undefined> {
  const page = (await (await s.request('GET', `${FILES}?limit=1000`, { token })).json()) as { data: FileJson[] };
  return page.data.find((f) => f.id === id);
}

for (const dialect of dialects()) {
  describe(`package lineage at upload [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    before(async () => {
      s = await startTestServer(dialect, { 'storage.sharedFileStore.migrations.packages.maxSize': '5000000' });
      token = await s.login();
    });
    after(() => s.close());

    it('refuses bytes that are not a package at once, with a 400 that says so, and keeps nothing', async () => {
      const garbage = randomBytes(3_000_000);
      const file = await createFile(s, token, garbage);
      const whole = multipartBody(garbage);
      const held = heldBody(whole.subarray(0, 256 * 1024), whole.subarray(256 * 1024));
      const answer = s.request('PUT', `${FILES}/${file.id}/binary`, { token, body: held.body, headers: MULTIPART_TYPE });
      // The answer arrives while most of the body is still held back: the header was judged from the first bytes.
      const res = await answer;
      held.release();
      const error = await expectLibraryError(res, 400, 'ERR006');
      assert.match(error.message, /not a migration package \(\.mmp\).*gzip/);
      assert.equal((await listed(s, token, file.id))?.existing, false);
      assert.deepEqual(await storedNames(s), []);
    });

    it('refuses a tar that does not start with the header, and a declared type the header contradicts', async () => {
      const security = await buildPackage(newMetrics(1, 'security'), { packageType: 'project_security' });
      const declaredProject = await createFile(s, token, security, { extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
      const refused = await expectLibraryError(await upload(s, token, declaredProject.id, multipartBody(security)), 400, 'ERR006');
      assert.match(refused.message, /declared as a project package, but its header says it is a project_security package/);
      assert.equal((await listed(s, token, declaredProject.id))?.existing, false);
      assert.deepEqual(await storedNames(s), []);
    });

    it('records the header with the file and fills in what the client left out', async () => {
      const bytes = await buildPackage(newMetrics(2, 'lineage'), { sourceEnvironment: SOURCE, packageType: 'project', name: 'Quarterly' });
      const body = metadataFor(bytes);
      delete body.environment;
      delete body.extraInfo;
      const created = await json(await s.request('POST', FILES, { token, json: body }), 200);
      assert.equal(created.source, undefined, 'nothing is known before the bytes arrive');
      const stored = (await json(await upload(s, token, created.id, multipartBody(bytes)), 200)) as FileJson;
      assert.deepEqual(stored.environment, SOURCE);
      assert.equal(stored.extraInfo.packageType, 'project');
      assert.equal(stored.source?.packageType, 'project');
      assert.deepEqual(stored.source?.environment, SOURCE);
      assert.deepEqual(stored.source?.project, SOURCE_PROJECT);
      assert.deepEqual(stored.source?.creator, SOURCE_CREATOR);
      assert.equal(stored.source?.name, 'Quarterly');
      assert.match(stored.source?.packageId ?? '', /^[0-9A-F]{32}$/);
      assert.deepEqual((await listed(s, token, created.id))?.source, stored.source);
    });

    it('carries the source environment and package id onto the import record', async () => {
      const bytes = await buildPackage(newMetrics(2, 'carried'), { sourceEnvironment: SOURCE });
      const file = await createFile(s, token, bytes);
      const stored = (await json(await upload(s, token, file.id, multipartBody(bytes)), 200)) as FileJson;
      const id = await importFile(s, token, file.id);
      const record = await waitForMigration(s, token, id, (r) => FINAL_IMPORT_STATES.includes(r.importInfo.status));
      assert.equal(record.importInfo.status, 'imported', record.importInfo.message);
      assert.deepEqual(record.packageInfo.source, stored.source);
      // The package came from its source (its id without the trailing slash, as every record keeps it), not from the uploading client.
      assert.deepEqual(record.packageInfo.environment, { id: SOURCE.id.replace(/\/$/, ''), name: SOURCE.name });
      assert.notDeepEqual(record.packageInfo.environment, record.importInfo.environment);
      const listedRecord = (
        await json(await s.request('GET', '/api/migrations?limit=1000&packageInfo.purpose=migration_from_shared_file_store', { token }), 200)
      ).data.find((r: { id: string }) => r.id === id);
      assert.deepEqual(listedRecord.packageInfo.source, stored.source);
    });

    it("answers a duplicate upload with the existing file's id in a warning", async () => {
      const bytes = await packageOfSize(2000);
      const first = await createFile(s, token, bytes);
      assert.equal(first.warning, undefined);
      assert.equal((await upload(s, token, first.id, multipartBody(bytes))).status, 200);
      const second = await createFile(s, token, bytes);
      assert.equal(second.warning?.code, 'duplicate');
      assert.equal(second.warning?.existingFileId, first.id);
      assert.match(second.warning?.message ?? '', new RegExp(sha256(bytes)));
      const stored = (await json(await upload(s, token, second.id, multipartBody(bytes)), 200)) as FileJson;
      assert.equal(stored.warning?.existingFileId, first.id);
    });
  });

  describe(`duplicate packages refused by setting [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    before(async () => {
      s = await startTestServer(dialect, { 'storage.sharedFileStore.migrations.packages.refuseDuplicates': 'true' });
      token = await s.login();
    });
    after(() => s.close());

    it('refuses a second file with the same sha256 (409), naming the file that holds it', async () => {
      const bytes = await packageOfSize(1500);
      const first = await createFile(s, token, bytes);
      assert.equal((await upload(s, token, first.id, multipartBody(bytes))).status, 200);
      const refused = await expectLibraryError(await s.request('POST', FILES, { token, json: metadataFor(bytes) }), 409, 'ERR015');
      assert.match(refused.message, new RegExp(`${first.id}.*refuseDuplicates`));
    });
  });
}
