import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dialects, createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { packageOfSize } from './support/packages.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { FILES, createFile, multipartBody, upload } from './support/shared-files.js';
import { MIGRATIONS, importFile, json, uploadAndImport, waitForMigration, undo, type Json } from './support/migrations.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';

const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';
const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const TMPFS_BYTES = 2 * 1024 * 1024;

/** A tiny tmpfs (root only, as CI runs); undefined where this machine cannot mount one. */
function mountTmpfs(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fills the disk to its last block, as another program writing beside the server would. */
async function fill(dir: string): Promise<string> {
  const filler = path.join(dir, 'filler');
  const handle = await open(filler, 'a');
  try {
    for (const size of [64 * 1024, 4096, 512]) {
      for (;;) {
        try {
          await handle.write(Buffer.alloc(size));
        } catch {
          break; // ENOSPC: nothing of this size fits any more
        }
      }
    }
  } finally {
    await handle.close();
  }
  return filler;
}

async function alive(s: TestServer): Promise<void> {
  assert.equal((await s.request('GET', '/api/status')).status, 200, 'the server still answers');
}

for (const dialect of dialects()) {
  describe(`a full disk [${dialect}]`, () => {
    let dir = '';
    let mounted = false;
    let files: TestEnvironmentFiles;
    let s: TestServer;
    let token = '';

    before(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'packstore-tmpfs-'));
      mounted = mountTmpfs(dir);
      if (!mounted) {
        if (process.env.CI) throw new Error('CI runs as root and must be able to mount a tmpfs for the full-disk tests');
        return;
      }
      files = await createTestEnvironmentFiles(dialect, { 'storage.location': dir });
      s = await startTestServer(dialect, {}, files);
      token = await s.login();
    });

    after(async () => {
      if (mounted) {
        await s.close();
        await files.dispose();
        execFileSync('umount', [dir]);
      }
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses an upload larger than the free space with 507, keeps nothing, and stays up', async (t) => {
      if (!mounted) return t.skip('no tmpfs here (not root)');
      const bytes = await packageOfSize(TMPFS_BYTES + 512 * 1024);
      const file = await createFile(s, token, bytes);
      const error = await expectLibraryError(await upload(s, token, file.id, multipartBody(bytes)), 507, 'ERR016');
      assert.match(error.message, /no space left/i);
      const listed = (await json(await s.request('GET', FILES, { token }), 200)) as { data: Array<{ id: string; existing: boolean }> };
      assert.equal(listed.data.find((f) => f.id === file.id)?.existing, false);
      assert.deepEqual(
        (await readdir(path.join(dir, '.tmp'))).filter((n) => n.endsWith('.part')),
        [],
        'no partial upload left',
      );
      assert.equal((await s.request('DELETE', `${FILES}/${file.id}`, { token })).status, 204);
      await alive(s);
    });

    it('fails package creation, import, undo and validation on a full disk with a clear message, and stays up', async (t) => {
      if (!mounted) return t.skip('no tmpfs here (not root)');
      // Upload and import while there is room: the imported package and its undo are what later jobs read.
      const source = await createPackageOf(s, token);
      const bytes = Buffer.from(await (await s.request('GET', `${MIGRATIONS}/packages/${source.packageInfo.id}/binary`, { token })).arrayBuffer());
      const first = await uploadAndImport(s, token, bytes);
      const imported = await waitForMigration(s, token, first.id, (r: Json) => r.importInfo.status !== 'importing');
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      const second = await uploadAndImport(s, token, bytes);
      await waitForMigration(s, token, second.id, (r: Json) => r.importInfo.status !== 'importing');
      const before = await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);

      const filler = await fill(dir);
      try {
        // Creation writes the package: create_failed, naming the cause.
        const res = await s.request('POST', MIGRATIONS, {
          token,
          headers: PROJECT,
          json: {
            packageInfo: { name: 'full', type: 'project', purpose: 'project_merge', tocView: { settings: { defaultAction: 'replace' } } },
            importInfo: {},
          },
        });
        const created = await waitForMigration(s, token, (await json(res, 201)).id as string, (r: Json) => r.packageInfo.status !== 'creating');
        assert.equal(created.packageInfo.status, 'create_failed');
        assert.match(created.packageInfo.message, /no space left/i);
        const tocLeft = await s.server.env.ctx.database.db
          .selectFrom('package_toc')
          .select('seq')
          .where('package_id', '=', String(created.packageInfo.id))
          .execute();
        assert.deepEqual(tocLeft, [], 'a failed creation leaves none of its toc rows');
        await alive(s);

        // An import writes its undo package: import_failed, the project unchanged.
        const again = await importFile(s, token, first.fileId);
        const failed = await waitForMigration(s, token, again, (r: Json) => r.importInfo.status !== 'importing');
        assert.equal(failed.importInfo.status, 'import_failed');
        assert.match(failed.importInfo.message, /no space left/i);
        assert.equal(await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), before);
        await alive(s);

        // Undo and validation write nothing here: they end as they would on any disk.
        const undone = await undo(s, token, second.id);
        assert.equal(undone.importInfo.status, 'undo_success', undone.importInfo.message);
        const [packageId] = first.id.split(':');
        const record = {
          id: `${packageId}:${newGuid()}`,
          packageInfo: { id: packageId, name: 'full', type: 'project', status: 'created', storage: { path: first.path, size: bytes.length } },
          importInfo: { project: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } },
        };
        assert.equal((await s.request('PUT', `${MIGRATIONS}/${record.id}/validation`, { token, headers: PROJECT, json: record })).status, 202);
        const validated = await waitForMigration(s, token, record.id, (r: Json) => r.validation?.status !== 'validating');
        assert.equal(validated.validation.status, 'validated', validated.validation.message);
        await alive(s);
      } finally {
        await rm(filler, { force: true });
      }
    });
  });
}

async function createPackageOf(s: TestServer, token: string): Promise<Json> {
  const res = await s.request('POST', MIGRATIONS, {
    token,
    headers: PROJECT,
    json: { packageInfo: { name: 'year', type: 'project', tocView: { content: [{ id: YEAR, type: 12 }] } }, importInfo: {} },
  });
  const record = await waitForMigration(s, token, (await json(res, 201)).id as string, (r: Json) => r.packageInfo.status !== 'creating');
  assert.equal(record.packageInfo.status, 'created', record.packageInfo.message);
  return record;
}
