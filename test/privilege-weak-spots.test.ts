import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite } from './support/server.js';
import { loginWith } from './support/shared-files.js';
import { MIGRATIONS, buildPackage, importToEnd, json, undo, waitForMigration, type Json } from './support/migrations.js';
import { PUBLIC_OBJECTS_FOLDER, newMetrics } from './support/packages.js';
import { archiveOf, sampleEntry, sampleHeader, validParts } from './support/mmp.js';
import { CONFIGURATION_PROJECT_ID, CONFIGURATION_ROOT_FOLDER_ID, TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { holderId } from '../src/domain/migrations/holders.js';
import { newGuid } from '../src/domain/ids.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import type { PackageEntry, PackageType } from '../src/domain/mmp/types.js';
import { must } from './support/must.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';
const DEMO_USER = '6C9DFE134D0F8764893B469525E38EB0';

/** A new object of this type (a user, a security role, a project...) in a folder the target has, so only its kind can refuse it. */
function entryOfType(type: number, folderId: string): PackageEntry {
  const entry = sampleEntry();
  return { ...entry, level: type === 34 || type === 44 ? 'configuration_object' : 'project_object', object: { ...entry.object, type, subtype: 0, folderId } };
}

/** A well-formed package (true manifest and checksums) of this type whose pages hold these entries. */
function mixedPackage(packageType: PackageType, pages: PackageEntry[][]): Promise<Buffer> {
  return archiveOf(validParts(pages, sampleHeader({ packageType, ...(packageType === 'project' ? {} : { sourceProject: undefined }) })));
}

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
      assert.ok(
        refused.message.includes(`undo package of import ${imported.importId} into project MicroStrategy Tutorial (${TUTORIAL_PROJECT_ID})`),
        refused.message,
      );
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
      for (const path of [
        `/api/packages/${holderId(TUTORIAL_PROJECT_ID, imported.packageId)}`,
        `/api/packages/imports/${holderId(TUTORIAL_PROJECT_ID, imported.importId)}`,
      ]) {
        const refused = await expectLibraryError(await t.s.request('DELETE', path, { token: creator }), 403, 'ERR014');
        assert.match(refused.message, /so that import could no longer be undone/);
      }
      assert.equal((await json(await t.s.request('GET', `${MIGRATIONS}/${imported.id}`, { token: t.token }), 200)).importInfo.status, 'imported');
      assert.equal((await t.s.request('DELETE', `/api/packages/imports/${holderId(TUTORIAL_PROJECT_ID, imported.importId)}`, { token: t.token })).status, 202);
    });

    const fingerprints = async () => ({
      tutorial: await t.s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID),
      configuration: await t.s.server.env.ctx.metadata.fingerprint(CONFIGURATION_PROJECT_ID),
    });

    it('refuses an import that mixes project and configuration objects, naming the first misplaced one, and changes nothing', async () => {
      const cases: Array<{ type: PackageType; pages: PackageEntry[][]; misplaced: number }> = [
        { type: 'project', pages: [newMetrics(2, 'mixed'), [entryOfType(34, PUBLIC_OBJECTS_FOLDER)]], misplaced: 34 },
        { type: 'project', pages: [newMetrics(1, 'mixed'), [entryOfType(44, PUBLIC_OBJECTS_FOLDER)]], misplaced: 44 },
        { type: 'project', pages: [newMetrics(1, 'mixed'), [entryOfType(32, PUBLIC_OBJECTS_FOLDER)]], misplaced: 32 },
        { type: 'configuration', pages: [[entryOfType(34, CONFIGURATION_ROOT_FOLDER_ID)], [entryOfType(4, CONFIGURATION_ROOT_FOLDER_ID)]], misplaced: 4 },
        { type: 'project_security', pages: [[entryOfType(34, CONFIGURATION_ROOT_FOLDER_ID)], [entryOfType(12, CONFIGURATION_ROOT_FOLDER_ID)]], misplaced: 12 },
      ];
      for (const c of cases) {
        const before = await fingerprints();
        const misplaced = must(
          c.pages.flat().find((e) => e.object.type === c.misplaced),
          'the misplaced object in the pages',
        );
        const imported = await importToEnd(t.s, t.token, await mixedPackage(c.type, c.pages), { type: c.type });
        assert.equal(imported.importInfo.status, 'import_failed', `${c.type} with type ${c.misplaced}`);
        assert.ok(
          imported.importInfo.message.includes(`Object ${misplaced.object.id} (type ${c.misplaced}) does not belong in a ${c.type} package`),
          imported.importInfo.message,
        );
        assert.deepEqual(await fingerprints(), before, `${c.type} with type ${c.misplaced} changed nothing`);
      }
    });

    it('never creates a package of the wrong kind', async () => {
      const create = (type: string, content: Json[]) =>
        t.s.request('POST', MIGRATIONS, {
          token: t.token,
          headers: PROJECT,
          json: { packageInfo: { name: 'wrong kind', type, tocView: { content } }, importInfo: {} },
        });
      for (const [type, row] of [
        ['project', { id: DEMO_USER, type: 34 }],
        ['project', { id: TUTORIAL_PROJECT_ID, type: 32 }],
        ['configuration', { id: YEAR, type: 12 }],
      ] as const) {
        const error = await expectLibraryError(await create(type, [row]), 400, 'ERR006');
        assert.ok(error.message.includes(`content[0]: Object ${row.id} (type ${row.type}) does not belong in a ${type} package`), error.message);
      }
      // A project that holds a configuration object (as a hostile import could once leave one): creation fails, naming it.
      const project = newGuid();
      await growProject(t.s.server.env.ctx.metadata, { projectId: project, objects: 1 });
      const user = { ...entryOfType(34, PUBLIC_OBJECTS_FOLDER).object, folderId: null };
      await t.s.server.env.ctx.metadata.upsertObjects(project, [user]);
      const merge = { packageInfo: { name: 'merge', type: 'project', purpose: 'project_merge', tocView: { settings: {} } }, importInfo: {} };
      const id = (await json(await t.s.request('POST', MIGRATIONS, { token: t.token, headers: { 'X-MSTR-ProjectID': project }, json: merge }), 201))
        .id as string;
      const failed = await waitForMigration(t.s, t.token, id, (r) => r.packageInfo.status !== 'creating', project);
      assert.equal(failed.packageInfo.status, 'create_failed');
      assert.ok(failed.packageInfo.message.includes(`Object ${user.id} (type 34) does not belong in a project package`), failed.packageInfo.message);
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
