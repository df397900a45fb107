import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { FILES, createFile, multipartBody, upload } from './support/shared-files.js';
import { MIGRATIONS, json, undo, waitForMigration, type Json } from './support/migrations.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

async function firstReport(s: TestServer, token: string): Promise<Json> {
  const found = await json(await s.request('GET', '/api/searches/results?type=3&limit=5', { token, headers: PROJECT }), 200);
  const report = (found.result as Json[])[0];
  assert.ok(report, 'the Tutorial has reports');
  return report;
}

for (const dialect of dialects()) {
  describe(`the seed's migration across two environments [${dialect}]`, () => {
    let source: TestServer;
    let target: TestServer;
    let sourceToken: string;
    let targetToken: string;
    before(async () => {
      [source, target] = await Promise.all([startTestServer(dialect), startTestServer(dialect)]);
      [sourceToken, targetToken] = await Promise.all([source.login(), target.login()]);
    });
    after(async () => {
      await Promise.all([source?.close(), target?.close()]);
    });

    it('creates, downloads, uploads, imports, follows, undoes and deletes a package', async () => {
      const fingerprintBefore = await target.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
      // Somebody changes the Year attribute in the source.
      const renamed = await json(
        await source.request('PUT', `/api/objects/${YEAR}?type=12`, { token: sourceToken, headers: PROJECT, json: { name: 'Calendar Year' } }),
        200,
      );
      const report = await firstReport(source, sourceToken);

      // Source: create a package of the report with its dependencies, plus the changed attribute.
      const created = await json(
        await source.request('POST', `${MIGRATIONS}?unlockOnStart=True`, {
          token: sourceToken,
          headers: { ...PROJECT, Prefer: 'respond-async' },
          json: {
            packageInfo: {
              name: 'seed package',
              environment: { id: `${source.url}/`, name: `${source.url}/` },
              tocView: {
                settings: { defaultAction: 'use_existing', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] },
                content: [
                  { id: report.id, type: 3, includeDependents: true, action: 'replace' },
                  { id: YEAR, type: 12, includeDependents: false, action: 'replace' },
                ],
              },
              treeView: {},
              type: 'project',
            },
            importInfo: {},
          },
        }),
        201,
      );
      assert.match(created.id, /^[0-9A-F]{32}:[0-9A-F]{32}$/);
      assert.equal(created.packageInfo.status, 'creating');
      const ready = await waitForMigration(source, sourceToken, created.id, (r) => r.packageInfo.status !== 'creating');
      assert.equal(ready.packageInfo.status, 'created', ready.packageInfo.message);
      assert.equal(ready.packageInfo.progress, 100);
      assert.match(ready.packageInfo.storage.path, /^mstr\/shared\/migrations\/packages\/\d{4}-\d{2}-\d{2}\/[0-9A-F]{32}\.mmp$/);
      const toc = await json(await source.request('GET', `${MIGRATIONS}/${created.id}?showContent=tocview`, { token: sourceToken, headers: PROJECT }), 200);
      const rows = toc.packageInfo.tocView.content as Json[];
      assert.ok(rows.some((r) => r.id === report.id && r.explicitIncluded === true));
      assert.ok(
        rows.some((r) => r.explicitIncluded === false && r.action === 'use_existing'),
        'dependencies come with the default action',
      );

      // Step 1: download from the source.
      const download = await source.request('GET', `${MIGRATIONS}/packages/${ready.packageInfo.id}/binary`, { token: sourceToken, headers: { Accept: '*/*' } });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-disposition'), 'attachment; filename=seed package.mmp');
      const bytes = Buffer.from(await download.arrayBuffer());
      assert.equal(bytes.length, ready.packageInfo.storage.size);

      // Steps 2–3: metadata and binary on the target.
      const file = await createFile(target, targetToken, bytes, {
        name: 'seed package',
        extraInfo: { packageType: 'project', packagePurpose: 'object_migration' },
      });
      const uploaded = await json(await upload(target, targetToken, file.id, multipartBody(bytes)), 200);
      assert.equal(uploaded.existing, true);
      assert.equal(uploaded.sha256, createHash('sha256').update(bytes).digest('hex'));

      // Step 4: start the import.
      const started = await json(
        await target.request('POST', `${MIGRATIONS}?unlockOnStart=True`, {
          token: targetToken,
          headers: { ...PROJECT, Prefer: 'respond-async' },
          json: {
            packageInfo: { storage: { sharedFileStore: { files: { id: file.id } } }, purpose: 'migration_from_shared_file_store' },
            importInfo: { environment: { id: `${target.url}/`, name: 'target' }, project: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } },
          },
        }),
        201,
      );
      assert.equal(started.packageInfo.id, file.extraInfo.packageId);
      assert.equal(started.packageInfo.status, 'locked');
      assert.equal(started.importInfo.importRequestStatus, 'approved');

      // Step 5: follow it.
      const imported = await waitForMigration(target, targetToken, started.id, (r) => !['pending', 'importing'].includes(r.importInfo.status));
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      assert.equal(imported.packageInfo.purpose, 'migration_from_shared_file_store');
      assert.equal(imported.packageInfo.replicated, true);
      assert.equal(imported.packageInfo.storage.path, file.path);
      assert.equal(imported.importInfo.progress, 100);
      const [pkgId, impId] = String(started.id).split(':');
      assert.equal(imported.importInfo.undoStorage.path, `mstr/shared/migrations/undo/${pkgId}/${impId}.mmp`);
      assert.ok(imported.importInfo.undoStorage.size > 0);
      const year = await json(await target.request('GET', `/api/objects/${YEAR}?type=12`, { token: targetToken, headers: PROJECT }), 200);
      assert.equal(year.name, 'Calendar Year');
      assert.equal(year.version, renamed.version);

      // Undo restores the target exactly.
      const undone = await undo(target, targetToken, started.id);
      assert.equal(undone.importInfo.status, 'undo_success', undone.importInfo.message);
      assert.equal(await target.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), fingerprintBefore);

      // Delete: the uploaded file, then the migration record; a second delete is "already deleted".
      assert.equal((await target.request('DELETE', `${FILES}/${file.id}`, { token: targetToken })).status, 204);
      assert.equal((await target.request('DELETE', `${MIGRATIONS}?packageId=${pkgId}`, { token: targetToken, headers: PROJECT })).status, 204);
      await expectLibraryError(await target.request('DELETE', `${MIGRATIONS}?packageId=${pkgId}`, { token: targetToken }), 404, 'ERR006');
      await expectLibraryError(await target.request('GET', `${MIGRATIONS}/${started.id}`, { token: targetToken }), 404, 'ERR006');
    });
  });
}
