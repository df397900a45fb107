import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { explicitEntry, metric } from './support/packages.js';
import { startTestServer, type TestServer } from './support/server.js';
import { buildPackage, dryRun, importToEnd, json, undo, type Json } from './support/migrations.js';
import { createFile, multipartBody, upload } from './support/shared-files.js';
import { PROJECT_ROOT_FOLDER_ID, TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { growProject } from '../src/store/metadata/seed-generator.js';

const DIFF = '/api/migrations/diff';
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

/**
 * Staleness (issue 18): a page read compares the project's revision, bumped by every write to its
 * objects in the write's transaction, with the one the diff was checked at; only when it moved is the
 * target's fingerprint taken again. A write elsewhere leaves the diff as it was.
 */
for (const dialect of dialects()) {
  describe(`diff staleness [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    const tutorial = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
    const revision = (projectId: string) => s.server.env.ctx.metadata.revision(projectId);
    const page = async (id: string): Promise<Json> => json(await s.request('GET', `${DIFF}/${id}?limit=1`, { token }), 200);
    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
    });
    after(() => s.close());

    it('a write to another project leaves a diff fresh; a write to the objects it read makes it stale', async () => {
      const other = newGuid();
      await growProject(s.server.env.ctx.metadata, { projectId: other, objects: 1 });
      const existing = metric('staleness target');
      await importToEnd(s, token, await buildPackage([explicitEntry(existing, 'replace')]));
      const bytes = await buildPackage([explicitEntry({ ...existing, version: newGuid(), name: 'staleness renamed' }, 'replace')]);
      const file = await createFile(s, token, bytes, { name: 'stale?', extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
      assert.equal((await upload(s, token, file.id, multipartBody(bytes))).status, 200);
      const diff = await json(
        await s.request('POST', DIFF, {
          token,
          headers: tutorial,
          json: { packageInfo: { storage: { sharedFileStore: { files: { id: file.id } } } }, importInfo: { project: { id: TUTORIAL_PROJECT_ID } } },
        }),
        200,
      );
      assert.equal(diff.stale, false);
      const taken = await revision(TUTORIAL_PROJECT_ID);

      // Another project: its revision moves, the diff's does not.
      const otherBefore = await revision(other);
      await json(
        await s.request('POST', '/api/folders', { token, headers: { 'X-MSTR-ProjectID': other }, json: { name: 'Elsewhere', parent: PROJECT_ROOT_FOLDER_ID } }),
        201,
      );
      assert.ok((await revision(other)) > otherBefore, 'a write through the API moves its project revision');
      assert.equal(await revision(TUTORIAL_PROJECT_ID), taken);
      const afterOther = await page(diff.id);
      assert.equal(afterOther.stale, false);
      assert.equal(afterOther.currentFingerprint, diff.targetFingerprint);

      // The same project, an object the diff did not read: the fingerprint is taken again, and holds.
      await json(await s.request('PUT', `/api/objects/${YEAR}?type=12`, { token, headers: tutorial, json: { description: 'not in the diff' } }), 200);
      assert.ok((await revision(TUTORIAL_PROJECT_ID)) > taken);
      assert.equal((await page(diff.id)).stale, false);

      // An object the diff read: stale, and it stays so on the next read.
      await json(await s.request('PUT', `/api/objects/${existing.id}?type=4`, { token, headers: tutorial, json: { description: 'changed meanwhile' } }), 200);
      const stale = await page(diff.id);
      assert.equal(stale.stale, true);
      assert.notEqual(stale.currentFingerprint, diff.targetFingerprint);
      assert.deepEqual(await page(diff.id), stale);
    });

    it('an import and its undo move the revision of their project; a validation (rolled back) does not', async () => {
      const before = await revision(TUTORIAL_PROJECT_ID);
      const bytes = await buildPackage([explicitEntry(metric('revision validated'), 'replace')]);
      const file = await createFile(s, token, bytes, { name: 'validated', extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
      assert.equal((await upload(s, token, file.id, multipartBody(bytes))).status, 200);
      const validated = await dryRun(s, file.path);
      assert.deepEqual(
        validated.outcomes.map((o) => o.action),
        ['create'],
      );
      assert.equal(await revision(TUTORIAL_PROJECT_ID), before, 'a rolled-back write leaves the revision');
      const imported = await importToEnd(s, token, await buildPackage([explicitEntry(metric('revision import'), 'replace')]));
      const afterImport = await revision(TUTORIAL_PROJECT_ID);
      assert.ok(afterImport > before);
      await undo(s, token, imported.id);
      assert.ok((await revision(TUTORIAL_PROJECT_ID)) > afterImport);
    });
  });
}
