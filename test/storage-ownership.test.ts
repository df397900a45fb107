import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dialects, createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { packageOfSize } from './support/packages.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { FILES, STORAGE, sha256, uploadedFile, type FileJson } from './support/shared-files.js';
import { MIGRATIONS, createPackage, json, waitForMigration, type Json } from './support/migrations.js';
import { recoverSharedFiles, recoveryTimes, type RecoveryReport } from '../src/store/shared-file-recovery.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { guidFromFileId } from '../src/domain/ids.js';
import { must } from './support/must.js';

const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';
const AN_HOUR = 3600_000;

/** Stale ages of seconds: 2 × lease + idle timeout = 3 s. */
const SHORT_STALE = { 'cluster.leaseSeconds': '1', 'http.idleTimeoutSeconds': '1' };
/** The test folders live under the system's temporary folder: storage may move among them. */
const ROOTS = { 'storage.allowedRoots': tmpdir() };

/** The periodic sweep as a node runs it, with the clock moved on: everything written so far is stale. */
function sweepLater(s: TestServer, by = AN_HOUR): Promise<RecoveryReport> {
  return recoverSharedFiles(s.server.env.ctx, recoveryTimes(s.files.config, false), Date.now() + by);
}

async function binary(s: TestServer, token: string, url: string): Promise<Buffer | number> {
  const res = await s.request('GET', url, { token });
  return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : res.status;
}

for (const dialect of dialects()) {
  describe(`storage ownership [${dialect}]`, () => {
    const cleanup: Array<() => Promise<void>> = [];
    after(async () => {
      for (const step of cleanup.reverse()) await step();
    });

    async function environment(
      storage: string,
      overrides: Record<string, string> = {},
    ): Promise<{ s: TestServer; token: string; files: TestEnvironmentFiles }> {
      const files = await createTestEnvironmentFiles(dialect, { 'storage.location': storage, ...SHORT_STALE, ...ROOTS, ...overrides });
      const s = await startTestServer(dialect, {}, files);
      cleanup.push(async () => {
        await s.close();
        await files.dispose();
      });
      return { s, token: await s.login(), files };
    }

    async function sharedFolder(): Promise<string> {
      const dir = await mkdtemp(path.join(tmpdir(), 'packstore-shared-'));
      cleanup.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    }

    it("two environments on one folder never delete each other's files, whatever their ages", async () => {
      const folder = await sharedFolder();
      const a = await environment(folder);
      const record = await createPackage(a.s, a.token, { tocView: { content: [{ id: YEAR, type: 12 }] } });
      const aPackage = await binary(a.s, a.token, `${MIGRATIONS}/packages/${record.packageInfo.id}/binary`);
      assert.ok(Buffer.isBuffer(aPackage));
      const aBytes = await packageOfSize(700);
      const aFile = await uploadedFile(a.s, a.token, aBytes);

      // B starts later on the same folder; one of its own uploads loses its record (a crash between the two deletes).
      const b = await environment(folder);
      const bOrphan = await uploadedFile(b.s, b.token, await packageOfSize(500));
      assert.equal(await b.s.server.env.ctx.files.delete(must(guidFromFileId(bOrphan.id), 'a GUID inside the file id of the orphan')), true);

      const bReport = await sweepLater(b.s);
      const aReport = await sweepLater(a.s);
      assert.equal(bReport.orphansRemoved, 1, 'B removes its own orphan');
      assert.ok(!existsSync(path.join(folder, bOrphan.path)));
      assert.equal(aReport.orphansRemoved, 0);
      assert.equal(aReport.markedMissing + bReport.markedMissing, 0);

      assert.deepEqual(await binary(a.s, a.token, `${MIGRATIONS}/packages/${record.packageInfo.id}/binary`), aPackage);
      assert.equal(((await binary(a.s, a.token, `${FILES}/${aFile.id}/binary`)) as Buffer).length, aBytes.length);

      // B imports A's package from the shared folder, as mstrio's migrate() does.
      const res = await b.s.request('PUT', `${MIGRATIONS}/${record.id}?generateUndo=True`, {
        token: b.token,
        headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID },
        json: { ...record, packageInfo: { ...record.packageInfo, replicated: true } },
      });
      await json(res, 201);
      const imported = await waitForMigration(b.s, b.token, record.id, (r: Json) => !['pending', 'importing'].includes(r.importInfo.status));
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);

      // The status B publishes for A is B's, and B keeps it while its record lives.
      assert.equal((await sweepLater(b.s)).orphansRemoved, 0);
      assert.equal((await sweepLater(a.s)).orphansRemoved, 0);
      assert.ok(Buffer.isBuffer(await binary(a.s, a.token, `${MIGRATIONS}/packages/${record.packageInfo.id}/binary`)));
    });

    it('refuses to move the storage while it holds files, so nothing is marked missing or deleted', async () => {
      const folder = await sharedFolder();
      const elsewhere = await sharedFolder();
      const e = await environment(folder);
      const bytes = await packageOfSize(800);
      const file = await uploadedFile(e.s, e.token, bytes);

      const refused = await expectLibraryError(
        await e.s.request('PATCH', STORAGE, { token: e.token, json: { sharedFileStore: { location: elsewhere } } }),
        409,
        'ERR015',
      );
      assert.match(refused.message, /holds 1 file\(s\) of this environment/);
      const settings = (await json(await e.s.request('GET', STORAGE, { token: e.token }), 200)) as { sharedFileStore: { location: string } };
      assert.equal(settings.sharedFileStore.location, folder);
      // A change that keeps the location (an alias) is fine.
      assert.equal((await e.s.request('PATCH', STORAGE, { token: e.token, json: { sharedFileStore: { alias: 'renamed' } } })).status, 204);

      // What is not ours, in our folder and in the one we were pointed at, outlives every sweep.
      const foreign = [
        path.join(folder, 'mstr/shared/migrations/packages/2020-01-01/foreign.mmp'),
        path.join(folder, 'mstr/shared/migrations/some/tree/file.bin'),
        path.join(folder, '.tmp', 'someone-elses.part'),
      ];
      const longAgo = new Date(Date.now() - AN_HOUR);
      for (const f of foreign) {
        await mkdir(path.dirname(f), { recursive: true });
        await writeFile(f, randomBytes(10));
        await utimes(f, longAgo, longAgo);
      }
      await e.s.stop();
      const restarted = await startTestServer(dialect, {}, e.files);
      cleanup.push(() => restarted.close());
      const token = await restarted.login();
      await sweepLater(restarted);
      for (const f of foreign) assert.ok(existsSync(f), `${f} is not ours and stays`);
      assert.deepEqual(await binary(restarted, token, `${FILES}/${file.id}/binary`), bytes);

      // Once the environment's files are gone, the location can change, and change back.
      assert.equal((await restarted.request('DELETE', `${FILES}/${file.id}`, { token })).status, 204);
      assert.equal((await restarted.request('PATCH', STORAGE, { token, json: { sharedFileStore: { location: elsewhere } } })).status, 204);
      const moved = await uploadedFile(restarted, token, await packageOfSize(300));
      assert.ok(existsSync(path.join(elsewhere, moved.path)));
      assert.equal((await restarted.request('DELETE', `${FILES}/${moved.id}`, { token })).status, 204);
      assert.equal((await restarted.request('PATCH', STORAGE, { token, json: { sharedFileStore: { location: folder } } })).status, 204);
      await sweepLater(restarted);
      for (const f of foreign) assert.ok(existsSync(f));
    });

    it("leaves a storage that lacks the environment's marker alone (an unmounted share), and finds everything when it is back", async () => {
      const folder = await sharedFolder();
      const e = await environment(folder);
      const bytes = await packageOfSize(900);
      const file = await uploadedFile(e.s, e.token, bytes);
      await e.s.stop();
      await rename(folder, `${folder}.away`);
      await mkdir(folder);
      const during = await startTestServer(dialect, {}, e.files);
      const token = await during.login();
      const report = await sweepLater(during);
      assert.match(report.skipped ?? '', /marker/);
      const listed = (await json(await during.request('GET', FILES, { token }), 200)) as { data: FileJson[] };
      assert.equal(listed.data.find((f) => f.id === file.id)?.existing, true, 'not marked missing');
      await during.stop();
      await rm(folder, { recursive: true });
      await rename(`${folder}.away`, folder);
      const back = await startTestServer(dialect, {}, e.files);
      cleanup.push(() => back.close());
      const downloaded = await binary(back, await back.login(), `${FILES}/${file.id}/binary`);
      assert.equal(sha256(downloaded as Buffer), sha256(bytes));
    });
  });
}
