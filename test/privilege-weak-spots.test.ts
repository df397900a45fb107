import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite } from './support/server.js';
import { loginWith } from './support/shared-files.js';
import { MIGRATIONS, buildPackage, importToEnd, json, undo, waitForMigration, type Json } from './support/migrations.js';
import { newMetrics } from './support/packages.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { holderId } from '../src/domain/migrations/holders.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

/** Weak spots an attacker found in the privileges (issue 11), each closed and proven over HTTP. */
for (const dialect of dialects()) {
  describe(`privilege weak spots [${dialect}]`, () => {
    const t = serverPerSuite(dialect);

    async function createdPackage(): Promise<Json> {
      const body = { packageInfo: { name: 'weak spots', type: 'project', tocView: { content: [{ id: YEAR, type: 12 }] } }, importInfo: {} };
      const id = (await json(await t.s.request('POST', MIGRATIONS, { token: t.token, headers: PROJECT, json: body }), 201)).id as string;
      const record = await waitForMigration(t.s, t.token, id, (r) => r.packageInfo.status !== 'creating');
      assert.equal(record.packageInfo.status, 'created', record.packageInfo.message);
      return record;
    }

    /** An administrator's import into the Tutorial that can still be undone. */
    async function undoableImport(): Promise<{ id: string; packageId: string; importId: string }> {
      const imported = await importToEnd(t.s, t.token, await buildPackage(newMetrics(1, 'undoable')));
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      assert.ok(imported.importInfo.undoStorage.path, 'an undo package was stored');
      return { id: imported.id, packageId: imported.packageInfo.id, importId: imported.importInfo.id };
    }

    it('needs Environment Administrator to delete a package whose import can still be undone, and says what would be lost', async () => {
      const imported = await undoableImport();
      const manager = await loginWith(t.s, ['MANAGE_MIGRATION_PACKAGES']);
      const refused = await expectLibraryError(await t.s.request('DELETE', `${MIGRATIONS}?packageId=${imported.packageId}`, { token: manager }), 403, 'ERR014');
      assert.match(refused.message, /Environment Administrator/);
      assert.ok(refused.message.includes(`undo package of import ${imported.importId} into project MicroStrategy Tutorial (${TUTORIAL_PROJECT_ID})`), refused.message);
      assert.match(refused.message, /so that import could no longer be undone/);
      const kept = await json(await t.s.request('GET', `${MIGRATIONS}/${imported.id}`, { token: manager }), 200);
      assert.equal(kept.importInfo.status, 'imported');
      assert.ok(kept.importInfo.undoStorage.path, 'the undo package is kept');

      const environmentAdmin = await loginWith(t.s, ['MANAGE_MIGRATION_PACKAGES', 'ADMINISTER_ENVIRONMENT']);
      assert.equal((await t.s.request('DELETE', `${MIGRATIONS}?packageId=${imported.packageId}`, { token: environmentAdmin })).status, 204);
      await expectLibraryError(await t.s.request('GET', `${MIGRATIONS}/${imported.id}`, { token: t.token }), 404, 'ERR006');
    });

    it('lets Manage Migration Packages alone delete a package once nothing can be undone any more', async () => {
      const imported = await undoableImport();
      assert.equal((await undo(t.s, t.token, imported.id)).importInfo.status, 'undo_success');
      const manager = await loginWith(t.s, ['MANAGE_MIGRATION_PACKAGES']);
      assert.equal((await t.s.request('DELETE', `${MIGRATIONS}?packageId=${imported.packageId}`, { token: manager })).status, 204);
      const created = await createdPackage();
      assert.equal((await t.s.request('DELETE', `${MIGRATIONS}?packageId=${created.packageInfo.id}`, { token: manager })).status, 204);
    });

    it('guards the older package API the same way: neither the package nor its import can be deleted with the undo', async () => {
      const imported = await undoableImport();
      const creator = await loginWith(t.s, ['CREATE_PACKAGE', 'APPLY_PACKAGE']);
      for (const path of [`/api/packages/${holderId(TUTORIAL_PROJECT_ID, imported.packageId)}`, `/api/packages/imports/${holderId(TUTORIAL_PROJECT_ID, imported.importId)}`]) {
        const refused = await expectLibraryError(await t.s.request('DELETE', path, { token: creator }), 403, 'ERR014');
        assert.match(refused.message, /so that import could no longer be undone/);
      }
      assert.equal((await json(await t.s.request('GET', `${MIGRATIONS}/${imported.id}`, { token: t.token }), 200)).importInfo.status, 'imported');
      assert.equal((await t.s.request('DELETE', `/api/packages/imports/${holderId(TUTORIAL_PROJECT_ID, imported.importId)}`, { token: t.token })).status, 202);
    });

    it('lets a client request a validation, but never set its result', async () => {
      const record = await createdPackage();
      const manager = await loginWith(t.s, ['MANAGE_MIGRATION_PACKAGES']);
      const patch = (token: string, status: string) => t.s.request('PATCH', `${MIGRATIONS}/${record.id}`, { token, json: { validation: { status } } });
      for (const token of [manager, t.token]) {
        for (const status of ['validated', 'validation_failed']) {
          const error = await expectLibraryError(await patch(token, status), 400, 'ERR006');
          assert.match(error.message, /^validation\.status cannot be set to /);
        }
      }
      assert.equal((await json(await t.s.request('GET', `${MIGRATIONS}/${record.id}`, { token: t.token }), 200)).validation, undefined);
      assert.equal((await json(await patch(manager, 'validating'), 200)).validation.status, 'validating');
      await expectLibraryError(await patch(t.token, 'validated'), 400, 'ERR006');
      assert.equal((await json(await t.s.request('GET', `${MIGRATIONS}/${record.id}`, { token: t.token }), 200)).validation.status, 'validating');
    });
  });
}
