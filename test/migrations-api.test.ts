import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite, startTestServer, type TestServer } from './support/server.js';
import { loginWith } from './support/shared-files.js';
import { MIGRATIONS, buildPackage, importToEnd, json, uploadAndImport, waitForMigration, type Json } from './support/migrations.js';
import { CONFIGURATION_PROJECT_ID, TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { must } from './support/must.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';
const DEMO_USER = '6C9DFE134D0F8764893B469525E38EB0';
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

function tocBody(content: Json[], type = 'project', settings: Json = {}): Json {
  return { packageInfo: { name: 'api test', type, tocView: { settings: { defaultAction: 'replace', ...settings }, content }, treeView: {} }, importInfo: {} };
}

/** No key of a record may be null: mstrio breaks on null objects and enums. */
function assertNoNulls(value: unknown, path = 'record'): void {
  assert.notEqual(value, null, `${path} is null`);
  if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) assertNoNulls(v, `${path}.${k}`);
}

function assertRecordShape(record: Json): void {
  assertNoNulls(record);
  assert.match(record.id, /^[0-9A-F]{32}:[0-9A-F]{32}$/);
  const p = record.packageInfo;
  for (const key of ['name', 'creator', 'creationDate', 'lastUpdatedDate', 'type']) assert.ok(key in p, `packageInfo.${key}`);
  assert.match(p.creationDate, DATE);
  assert.ok(['locked', 'created', 'create_failed', 'creating', 'empty', 'unknown'].includes(p.status));
  assert.ok(['project', 'configuration', 'project_security'].includes(p.type));
  assert.ok(typeof p.creator === 'object');
  const i = record.importInfo;
  assert.ok(i.id && i.environment, 'importInfo has id and environment');
  assert.ok(['pending', 'importing', 'imported', 'import_failed', 'undoing', 'undo_success', 'undo_failed'].includes(i.status));
  assert.equal(typeof record.version, 'string');
}

for (const dialect of dialects()) {
  describe(`Migrations API [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    let created: Json;
    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
      const res = await s.request('POST', MIGRATIONS, { token, headers: PROJECT, json: tocBody([{ id: YEAR, type: 12, includeDependents: true }]) });
      created = await waitForMigration(s, token, (await json(res, 201)).id, (r) => r.packageInfo.status !== 'creating');
    });
    after(() => s.close());

    it('creates a package with [R]-correct record fields and no nulls', async () => {
      assert.equal(created.packageInfo.status, 'created', created.packageInfo.message);
      assertRecordShape(created);
      assert.equal(created.packageInfo.purpose, 'object_migration');
      assert.deepEqual(created.packageInfo.project, { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' });
      assert.equal(created.importInfo.status, 'pending');
      assert.equal(created.importInfo.importRequestStatus, 'pending');
    });

    it('shows tocView and treeView only when asked', async () => {
      const all = await json(await s.request('GET', `${MIGRATIONS}/${created.id}?showContent=all`, { token }), 200);
      assert.ok(all.packageInfo.tocView.content.length > 1, 'dependencies were pulled in');
      assert.ok('treeView' in all.packageInfo);
      assert.equal(all.packageInfo.tocView.settings.defaultAction, 'replace');
      assert.ok(!('tocView' in created.packageInfo));
    });

    it('lists with total and data, filters by a comma list of purposes, and pages', async () => {
      const { id } = await uploadAndImport(s, token, await buildPackage([]));
      await waitForMigration(s, token, id, (r) => r.importInfo.status !== 'importing');
      const both = await json(
        await s.request('GET', `${MIGRATIONS}?offset=0&limit=1000&packageInfo.purpose=object_migration,project_merge,migration_from_shared_file_store`, {
          token,
          headers: PROJECT,
        }),
        200,
      );
      assert.equal(both.total, 2);
      both.data.forEach(assertRecordShape);
      assert.equal(both.data[0].id, id, 'newest first');
      const onlyFile = await json(await s.request('GET', `${MIGRATIONS}?packageInfo.purpose=migration_from_shared_file_store`, { token }), 200);
      assert.deepEqual(
        onlyFile.data.map((r: Json) => r.id),
        [id],
      );
      const paged = await json(
        await s.request('GET', `${MIGRATIONS}?offset=1&limit=1&packageInfo.purpose=object_migration,migration_from_shared_file_store`, { token }),
        200,
      );
      assert.equal(paged.total, 2);
      assert.deepEqual(
        paged.data.map((r: Json) => r.id),
        [created.id],
      );
      await expectLibraryError(await s.request('GET', `${MIGRATIONS}?limit=1001`, { token }), 400, 'ERR006');
      await expectLibraryError(await s.request('GET', `${MIGRATIONS}?packageInfo.purpose=bogus`, { token }), 400, 'ERR006');
    });

    it('answers unknown and malformed ids clearly', async () => {
      await expectLibraryError(await s.request('GET', `${MIGRATIONS}/${newGuid()}:${newGuid()}`, { token }), 404, 'ERR006');
      await expectLibraryError(await s.request('GET', `${MIGRATIONS}/not-an-id`, { token }), 400, 'ERR006');
      await expectLibraryError(await s.request('GET', `${MIGRATIONS}/packages/${newGuid()}/binary`, { token }), 404, 'ERR006');
      await expectLibraryError(await s.request('DELETE', `${MIGRATIONS}?packageId=${newGuid()}`, { token }), 404, 'ERR006');
    });

    it('rejects bad creation bodies naming the field', async () => {
      const bad = async (body: unknown, field: RegExp, headers: Record<string, string> = PROJECT) => {
        const err = await expectLibraryError(await s.request('POST', MIGRATIONS, { token, headers, json: body }), 400, 'ERR006');
        assert.match(err.message, field);
      };
      await bad({}, /packageInfo/);
      await bad(tocBody([{ id: 'nope', type: 12 }]), /content\[0\]\.id/);
      await bad(tocBody([{ id: YEAR, type: 12, action: 'smash' }]), /content\[0\]\.action/);
      await bad(tocBody([{ id: YEAR, type: 12 }], 'bogus'), /packageInfo\.type/);
      await bad(tocBody([{ id: YEAR, type: 12 }], 'project', { aclOnNewObjects: 'everything' }), /aclOnNewObjects/);
      await bad(tocBody([{ id: YEAR, type: 12 }]), /X-MSTR-ProjectID/, {});
      const badJson = await s.request('POST', MIGRATIONS, { token, headers: { ...PROJECT, 'Content-Type': 'application/json' }, body: '{"packageInfo":' });
      await expectLibraryError(badJson, 400, 'ERR006');
    });

    it('fails creation of a package whose object does not exist, naming it', async () => {
      const missing = newGuid();
      const res = await s.request('POST', MIGRATIONS, { token, headers: PROJECT, json: tocBody([{ id: missing, type: 4 }]) });
      const failed = await waitForMigration(s, token, (await json(res, 201)).id, (r) => r.packageInfo.status !== 'creating');
      assert.equal(failed.packageInfo.status, 'create_failed');
      assert.match(failed.packageInfo.message, new RegExp(missing));
    });

    it('moves the import request pending → requested → approved, locks the package, and refuses other moves with 409', async () => {
      const res = await s.request('POST', MIGRATIONS, { token, headers: PROJECT, json: tocBody([{ id: YEAR, type: 12 }]) });
      const id = (await json(res, 201)).id as string;
      await waitForMigration(s, token, id, (r) => r.packageInfo.status === 'created');
      const patch = (body: Json) => s.request('PATCH', `${MIGRATIONS}/${id}?migrationId=${id}`, { token, json: body });
      const refused = await expectLibraryError(await patch({ importInfo: { importRequestStatus: 'approved' } }), 409, 'ERR015');
      assert.match(refused.message, /pending/);
      const renamed = await json(await patch({ packageInfo: { name: 'renamed', status: 'ignored' }, somethingElse: true }), 200);
      assert.equal(renamed.packageInfo.status, 'created');
      await json(await patch({ importInfo: { environment: { id: 'http://target/', name: 'target' }, importRequestStatus: 'requested' } }), 200);
      const approved = await json(await patch({ importInfo: { importRequestStatus: 'approved' } }), 200);
      assert.equal(approved.packageInfo.status, 'locked');
      assert.equal(approved.importInfo.importRequestStatus, 'approved');
      const record = await json(await s.request('GET', `${MIGRATIONS}/${id}`, { token }), 200);
      assert.equal(record.packageInfo.name, 'renamed');
      assert.deepEqual(record.importInfo.environment, { id: 'http://target/', name: 'target' });
    });

    it('moves configuration objects between environments with a configuration package', async () => {
      const target = await startTestServer(dialect);
      try {
        await s.server.env.ctx.metadata.upsertObjects(CONFIGURATION_PROJECT_ID, [
          {
            ...must(await s.server.env.ctx.metadata.getObject(CONFIGURATION_PROJECT_ID, DEMO_USER), 'the demo user in the metadata'),
            name: 'Demo User (renamed)',
            version: newGuid(),
          },
        ]);
        const res = await s.request('POST', MIGRATIONS, { token, json: tocBody([{ id: DEMO_USER, type: 34 }], 'configuration') });
        const pkg = await waitForMigration(s, token, (await json(res, 201)).id, (r) => r.packageInfo.status !== 'creating');
        assert.equal(pkg.packageInfo.status, 'created', pkg.packageInfo.message);
        assert.ok(!('project' in pkg.packageInfo), 'configuration packages have no project');
        const bytes = Buffer.from(await (await s.request('GET', `${MIGRATIONS}/packages/${pkg.packageInfo.id}/binary`, { token })).arrayBuffer());
        const targetToken = await target.login();
        const imported = await importToEnd(target, targetToken, bytes, { type: 'configuration' });
        assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
        const user = await target.server.env.ctx.metadata.getObject(CONFIGURATION_PROJECT_ID, DEMO_USER);
        assert.equal(user?.name, 'Demo User (renamed)');
      } finally {
        await target.close();
      }
    });

    it('enforces the seed privileges on every migration endpoint, naming the privilege', async () => {
      const nobody = await loginWith(s, []);
      for (const [method, path] of [
        ['GET', MIGRATIONS],
        ['GET', `${MIGRATIONS}/${created.id}`],
        ['POST', MIGRATIONS],
        ['PATCH', `${MIGRATIONS}/${created.id}`],
        ['DELETE', `${MIGRATIONS}?packageId=${newGuid()}`],
        ['GET', `${MIGRATIONS}/packages/${created.packageInfo.id}/binary`],
      ] as const) {
        await expectLibraryError(
          await s.request(method, path, { token: nobody, headers: PROJECT, json: method === 'POST' || method === 'PATCH' ? {} : undefined }),
          403,
          'ERR014',
        );
      }
      const creator = await loginWith(s, ['CREATE_PACKAGE']);
      await json(await s.request('POST', MIGRATIONS, { token: creator, headers: PROJECT, json: tocBody([{ id: YEAR, type: 12 }]) }), 201);
      const fromFile = { packageInfo: { storage: { sharedFileStore: { files: { id: 'x' } } }, purpose: 'migration_from_shared_file_store' }, importInfo: {} };
      const refused = await expectLibraryError(await s.request('POST', MIGRATIONS, { token: creator, headers: PROJECT, json: fromFile }), 403, 'ERR014');
      assert.match(refused.message, /Manage Migration Packages/);
      assert.match(refused.message, /Bypass all objects security check/);
      await expectLibraryError(await s.request('GET', `${MIGRATIONS}/packages/${created.packageInfo.id}/binary`, { token: creator }), 403, 'ERR014');
      const manager = await loginWith(s, ['MANAGE_MIGRATION_PACKAGES']);
      assert.equal((await s.request('GET', `${MIGRATIONS}/packages/${created.packageInfo.id}/binary`, { token: manager })).status, 200);
      await expectLibraryError(await s.request('GET', MIGRATIONS, { token: 'expired-or-forged' }), 401, 'ERR009');
    });

    it('without Bypass, refuses to pull in a dependency the creator may not read', async () => {
      const metadata = s.server.env.ctx.metadata;
      const year = must(await metadata.getObject(TUTORIAL_PROJECT_ID, YEAR), 'Year in the metadata');
      const hiddenTable = must(
        year.uses.find((id) => id !== year.folderId),
        'a table that Year uses',
      );
      const table = must(await metadata.getObject(TUTORIAL_PROJECT_ID, hiddenTable), 'the hidden table in the metadata');
      await metadata.upsertObjects(TUTORIAL_PROJECT_ID, [
        { ...table, acl: table.acl.map((e) => ({ ...e, deny: e.trusteeId === 'C82C6B1011D2894CC0009D9F29718E4F' ? true : e.deny, rights: 255 })) },
      ]);
      const creator = await loginWith(s, ['CREATE_PACKAGE']);
      const res = await s.request('POST', MIGRATIONS, { token: creator, headers: PROJECT, json: tocBody([{ id: YEAR, type: 12, includeDependents: true }]) });
      const failed = await waitForMigration(s, token, (await json(res, 201)).id, (r) => r.packageInfo.status !== 'creating');
      assert.equal(failed.packageInfo.status, 'create_failed');
      assert.match(failed.packageInfo.message, /Bypass all objects security check/);
      await metadata.upsertObjects(TUTORIAL_PROJECT_ID, [table]);
    });
  });
}

for (const dialect of dialects()) {
  describe(`Packstore extensions beside the Migrations API [${dialect}]`, () => {
    const t = serverPerSuite(dialect);

    it('reports what an import did to each object', async () => {
      const year = must(await t.s.server.env.ctx.metadata.getObject(TUTORIAL_PROJECT_ID, YEAR), 'Year in the metadata');
      const bytes = await buildPackage([
        { action: 'replace', explicitIncluded: true, level: 'project_object', object: { ...year, name: 'Year (report test)', version: newGuid() } },
      ]);
      const imported = await importToEnd(t.s, t.token, bytes);
      const report = await json(await t.s.request('GET', `${MIGRATIONS}/${imported.id}/report`, { token: t.token }), 200);
      assert.equal(report.total, 1);
      assert.deepEqual(report.data[0], { id: YEAR, type: 12, name: 'Year (report test)', conflict: 'exists_differently', action: 'replace' });
    });

    it('answers GET /api/users/{id} for accounts and configuration users', async () => {
      const admin = await json(await t.s.request('GET', '/api/users/54F3D26011D2896560009A8E67019608', { token: t.token }), 200);
      assert.deepEqual([admin.name, admin.username, admin.type, admin.subtype], ['Administrator', 'administrator', 34, 8704]);
      const demo = await json(await t.s.request('GET', `/api/users/${DEMO_USER}`, { token: t.token }), 200);
      assert.equal(demo.name, 'Demo User');
      await expectLibraryError(await t.s.request('GET', `/api/users/${newGuid()}`, { token: t.token }), 404, 'ERR006');
      await expectLibraryError(await t.s.request('GET', '/api/users/nope', { token: t.token }), 400, 'ERR006');
    });
  });
}
