import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite, startTestServer, type TestServer } from './support/server.js';
import { MIGRATIONS, createPackage, importToEnd, json, undo, uploadAndImport, waitForMigration, type Json } from './support/migrations.js';
import { archiveOf, jsonPart, manifestPart, pagePart, sampleHeader } from './support/mmp.js';
import { createFile, multipartBody, upload } from './support/shared-files.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { must } from './support/must.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

/** Imports on the target from the source record, as migrate() does (the two share storage here). */
async function importReplicated(target: TestServer, token: string, record: Json, project: string): Promise<Json> {
  const res = await target.request('PUT', `${MIGRATIONS}/${record.id}?generateUndo=True`, {
    token,
    headers: { 'X-MSTR-ProjectID': project },
    json: { ...record, packageInfo: { ...record.packageInfo, replicated: true } },
  });
  await json(res, 201);
  return waitForMigration(target, token, record.id, (r) => !['pending', 'importing'].includes(r.importInfo.status), project);
}

for (const dialect of dialects()) {
  describe(`migration flows [${dialect}]`, () => {
    const t = serverPerSuite(dialect);

    it('merges the whole Tutorial into an empty project, then undoes it', async () => {
      const empty = newGuid();
      await growProject(t.s.server.env.ctx.metadata, { projectId: empty, objects: 1 });
      const before = await t.s.server.env.ctx.metadata.fingerprint(empty);
      const record = await createPackage(t.s, t.token, {
        purpose: 'project_merge',
        tocView: {
          settings: {
            defaultAction: 'replace',
            aclOnNewObjects: 'keep_acl_as_source_object',
            updateSchema: 'recal_table_logical_size',
            validateDependencies: true,
            translationAction: 'existing',
          },
        },
      });
      assert.equal(record.packageInfo.purpose, 'project_merge');
      const count = await t.s.server.env.ctx.metadata.countObjects(TUTORIAL_PROJECT_ID);
      assert.equal(record.packageInfo.tocView.content.length, count, 'every object of the project');
      const merged = await importReplicated(t.s, t.token, record, empty);
      assert.equal(merged.importInfo.status, 'imported', merged.importInfo.message);
      assert.equal(await t.s.server.env.ctx.metadata.countObjects(empty), count);
      const undone = await undo(t.s, t.token, record.id, empty);
      assert.equal(undone.importInfo.status, 'undo_success', undone.importInfo.message);
      assert.equal(await t.s.server.env.ctx.metadata.fingerprint(empty), before);
    });

    it('merges into a changed project with folder, type and object actions, then undoes it', async () => {
      const metadata = t.s.server.env.ctx.metadata;
      const copy = newGuid();
      for await (const page of metadata.iterateObjects(TUTORIAL_PROJECT_ID, 500)) await metadata.upsertObjects(copy, page);
      await metadata.createProject({
        id: copy,
        name: 'Tutorial copy',
        description: '',
        dateCreated: 0,
        dateModified: 0,
        ownerId: '54F3D26011D2896560009A8E67019608',
        ownerName: 'Administrator',
      });
      const year = must(await metadata.getObject(copy, YEAR), 'Year in the metadata');
      const metrics = (await metadata.search({ projectId: copy, type: [4], offset: 0, limit: 50 })).objects.filter((m) => m.subtype === 1024).slice(0, 2);
      const targetMetric = must(metrics[0], 'a metric in the copy');
      const sourceMetric = must(metrics[1], 'a second metric in the copy');
      // The target changed: Year renamed, one metric changed; the source changed another metric.
      await metadata.upsertObjects(copy, [
        { ...year, name: 'Target Year', version: newGuid() },
        { ...targetMetric, name: 'target metric', version: newGuid() },
      ]);
      await metadata.upsertObjects(TUTORIAL_PROJECT_ID, [{ ...sourceMetric, name: 'source metric', version: newGuid() }]);
      const before = await metadata.fingerprint(copy);
      const record = await createPackage(t.s, t.token, {
        purpose: 'project_merge',
        tocView: {
          settings: {
            defaultAction: 'replace',
            aclOnNewObjects: ['keep_acl_as_source_object'],
            objectTypeActions: [{ type: 4, subtype: 1024, action: 'use_existing' }],
            objectActions: [{ id: sourceMetric.id, action: 'replace' }],
          },
        },
      });
      const rows = record.packageInfo.tocView.content as Json[];
      assert.equal(
        must(
          rows.find((r) => r.id === targetMetric.id),
          'the metric in the table of contents',
        ).action,
        'use_existing',
        'type action',
      );
      assert.equal(
        must(
          rows.find((r) => r.id === sourceMetric.id),
          'the metric in the table of contents',
        ).action,
        'replace',
        'object action wins over the type action',
      );
      const merged = await importReplicated(t.s, t.token, record, copy);
      assert.equal(merged.importInfo.status, 'imported', merged.importInfo.message);
      assert.equal(must(await metadata.getObject(copy, YEAR), 'Year in the metadata').name, 'Year', 'default action replace');
      assert.equal(must(await metadata.getObject(copy, targetMetric.id), 'the target metric in the copy').name, 'target metric', 'use_existing for metrics');
      assert.equal(must(await metadata.getObject(copy, sourceMetric.id), 'the source metric in the copy').name, 'source metric');
      const undone = await undo(t.s, t.token, record.id, copy);
      assert.equal(undone.importInfo.status, 'undo_success', undone.importInfo.message);
      assert.equal(await metadata.fingerprint(copy), before);
      await metadata.upsertObjects(TUTORIAL_PROJECT_ID, [sourceMetric]);
    });

    it('predicts the import with validation: the same outcome for every object', async () => {
      const metadata = t.s.server.env.ctx.metadata;
      const target = newGuid();
      for await (const page of metadata.iterateObjects(TUTORIAL_PROJECT_ID, 500))
        await metadata.upsertObjects(
          target,
          page.filter((o) => o.type !== 4),
        );
      await metadata.createProject({
        id: target,
        name: 'Target without metrics',
        description: '',
        dateCreated: 0,
        dateModified: 0,
        ownerId: '54F3D26011D2896560009A8E67019608',
        ownerName: 'Administrator',
      });
      const year = must(await metadata.getObject(target, YEAR), 'Year in the metadata');
      await metadata.upsertObjects(target, [{ ...year, version: newGuid(), name: 'changed' }]);
      const report = must((await metadata.search({ projectId: TUTORIAL_PROJECT_ID, type: [3], offset: 0, limit: 1 })).objects[0], 'a report in the Tutorial');
      const record = await createPackage(t.s, t.token, {
        tocView: {
          settings: { defaultAction: 'replace' },
          content: [
            { id: report.id, type: 3, includeDependents: true },
            { id: YEAR, type: 12 },
          ],
        },
      });
      const validate = await t.s.request('PUT', `${MIGRATIONS}/${record.id}/validation`, {
        token: t.token,
        headers: { 'X-MSTR-ProjectID': target },
        json: record,
      });
      assert.equal(validate.status, 202);
      const validated = await waitForMigration(t.s, t.token, record.id, (r) => r.validation?.status !== 'validating', target);
      assert.equal(validated.validation.status, 'validated', validated.validation.message);
      const ctx = t.s.server.env.ctx;
      const [packageId, importId] = String(record.id).split(':') as [string, string];
      const reportOf = async () =>
        (await ctx.migrationService.report(packageId, importId, { offset: 0, limit: Number.MAX_SAFE_INTEGER, sort: 'package' })).data;
      const predicted = await reportOf();
      assert.ok(
        predicted.some((o) => o.conflict === 'new'),
        'metrics are new in the target',
      );
      assert.ok(predicted.some((o) => o.id === YEAR && o.conflict === 'exists_differently'));
      assert.ok(predicted.some((o) => o.conflict === 'exists_identically'));
      await json(await t.s.request('PATCH', `${MIGRATIONS}/${record.id}`, { token: t.token, json: { importInfo: { importRequestStatus: 'requested' } } }), 200);
      await json(await t.s.request('PATCH', `${MIGRATIONS}/${record.id}`, { token: t.token, json: { importInfo: { importRequestStatus: 'approved' } } }), 200);
      const imported = await importReplicated(t.s, t.token, { ...record, packageInfo: { ...record.packageInfo, status: 'locked' } }, target);
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      const actual = await reportOf();
      assert.deepEqual(actual, predicted);
      assert.ok(await ctx.migrations.getPackage(packageId));
    });

    it('refuses to validate a package that is no longer created, and reports a missing dependency without changing anything', async () => {
      const record = await createPackage(t.s, t.token, { tocView: { settings: {}, content: [{ id: YEAR, type: 12 }] } });
      await expectLibraryError(
        await t.s.request('PUT', `${MIGRATIONS}/${record.id}/validation`, {
          token: t.token,
          headers: PROJECT,
          json: { ...record, packageInfo: { ...record.packageInfo, status: 'locked' } },
        }),
        409,
        'ERR015',
      );
      const empty = newGuid();
      await growProject(t.s.server.env.ctx.metadata, { projectId: empty, objects: 1 });
      const before = await t.s.server.env.ctx.metadata.fingerprint(empty);
      assert.equal(
        (await t.s.request('PUT', `${MIGRATIONS}/${record.id}/validation`, { token: t.token, headers: { 'X-MSTR-ProjectID': empty }, json: record })).status,
        202,
      );
      const validated = await waitForMigration(t.s, t.token, record.id, (r) => r.validation?.status !== 'validating', empty);
      assert.equal(validated.validation.status, 'validation_failed');
      assert.match(validated.validation.message, /neither in the package nor in the target project/);
      assert.equal(await t.s.server.env.ctx.metadata.fingerprint(empty), before);
    });

    it('points to download and upload when the environments do not share storage', async () => {
      const other = await startTestServer(dialect);
      try {
        const record = await createPackage(t.s, t.token, { tocView: { settings: {}, content: [{ id: YEAR, type: 12 }] } });
        const refused = await expectLibraryError(
          await other.request('PUT', `${MIGRATIONS}/${record.id}`, {
            token: await other.login(),
            headers: PROJECT,
            json: { ...record, packageInfo: { ...record.packageInfo, replicated: true } },
          }),
          400,
          'ERR006',
        );
        assert.match(refused.message, /do not share storage.*Download the package/);
      } finally {
        await other.close();
      }
    });

    it('re-sending the import PUT does not import twice, and the target project can come from the body', async () => {
      const target = newGuid();
      await growProject(t.s.server.env.ctx.metadata, { projectId: target, objects: 1 });
      const record = await createPackage(t.s, t.token, { tocView: { settings: {}, content: [{ id: YEAR, type: 12, includeDependents: true }] } });
      const body = {
        ...record,
        packageInfo: { ...record.packageInfo, replicated: true },
        importInfo: { ...record.importInfo, project: { id: target, name: 'x' } },
      };
      assert.equal((await t.s.request('PUT', `${MIGRATIONS}/${record.id}`, { token: t.token, json: body })).status, 201);
      const again = await t.s.request('PUT', `${MIGRATIONS}/${record.id}`, { token: t.token, json: body });
      assert.equal(again.status, 201);
      const done = await waitForMigration(t.s, t.token, record.id, (r) => r.importInfo.status === 'imported', target);
      assert.equal(done.importInfo.project.id, target);
      assert.equal(await t.s.server.env.ctx.jobs.queue.pending(), 0);
      const jobs = await t.s.server.env.ctx.database.db
        .selectFrom('jobs')
        .select('id')
        .where('import_id', '=', must(String(record.id).split(':')[1], 'an import id after the colon'))
        .execute();
      assert.equal(jobs.length, 1, 'one import job');
    });

    it('edits a package only while it is created and not requested for import', async () => {
      const record = await createPackage(t.s, t.token, { tocView: { settings: {}, content: [{ id: YEAR, type: 12 }] } });
      const report = must(
        (await t.s.server.env.ctx.metadata.search({ projectId: TUTORIAL_PROJECT_ID, type: [3], offset: 0, limit: 1 })).objects[0],
        'a report in the Tutorial',
      );
      const edit = await json(
        await t.s.request('PUT', `${MIGRATIONS}/${record.id}/packageInfo`, {
          token: t.token,
          headers: PROJECT,
          json: { name: 'edited', type: 'project', tocView: { settings: {}, content: [{ id: report.id, type: 3 }] } },
        }),
        202,
      );
      assert.equal(edit.status, 'creating');
      const rebuilt = await waitForMigration(t.s, t.token, record.id, (r) => r.packageInfo.status !== 'creating');
      assert.equal(rebuilt.packageInfo.name, 'edited');
      await expectLibraryError(
        await t.s.request('PUT', `${MIGRATIONS}/${record.id}/packageInfo`, { token: t.token, json: { type: 'configuration' } }),
        400,
        'ERR006',
      );
      await json(await t.s.request('PATCH', `${MIGRATIONS}/${record.id}`, { token: t.token, json: { importInfo: { importRequestStatus: 'requested' } } }), 200);
      await expectLibraryError(
        await t.s.request('PUT', `${MIGRATIONS}/${record.id}/packageInfo`, { token: t.token, json: { tocView: { content: [{ id: YEAR, type: 12 }] } } }),
        409,
        'ERR015',
      );
    });

    it('certifies with the flat and the wrapped body, and with autoSync and no body', async () => {
      const record = await createPackage(t.s, t.token, { tocView: { settings: {}, content: [{ id: YEAR, type: 12 }] } });
      const path = `${MIGRATIONS}/${record.id}/packageInfo/certification`;
      const operator = { id: '54F3D26011D2896560009A8E67019608', name: null, fullName: null };
      assert.equal((await t.s.request('PATCH', path, { token: t.token, json: { status: 'requested', operator, lastUpdatedDate: null } })).status, 204);
      assert.equal(
        (
          await t.s.request('PATCH', path, {
            token: t.token,
            json: {
              packageInfo: {
                certification: { status: 'certified', operator: { id: operator.id, name: 'Administrator' }, lastUpdatedDate: '2024-01-02T03:04:05.678+0000' },
              },
            },
          })
        ).status,
        204,
      );
      assert.equal((await t.s.request('PATCH', `${path}?autoSync=True`, { token: t.token })).status, 204);
      const got = await json(await t.s.request('GET', `${MIGRATIONS}/${record.id}`, { token: t.token }), 200);
      assert.deepEqual(got.packageInfo.certification, {
        status: 'certified',
        operator: { id: operator.id, name: 'Administrator' },
        lastUpdatedDate: '2024-01-02T03:04:05.678+0000',
      });
      await expectLibraryError(await t.s.request('PATCH', path, { token: t.token, json: { status: 'blessed', operator } }), 400, 'ERR006');
    });

    it('refuses project_security packages holding anything but users and groups', async () => {
      const res = await t.s.request('POST', MIGRATIONS, {
        token: t.token,
        headers: PROJECT,
        json: { packageInfo: { type: 'project_security', tocView: { content: [{ id: YEAR, type: 12 }] } } },
      });
      const err = await expectLibraryError(res, 400, 'ERR006');
      assert.match(err.message, /only users and user groups/);
      await createPackage(t.s, t.token, {
        type: 'project_security',
        tocView: { settings: {}, content: [{ id: '6C9DFE134D0F8764893B469525E38EB0', type: 34 }] },
      });
    });
  });
}

for (const dialect of dialects()) {
  describe(`packages of other format versions [${dialect}]`, () => {
    const t = serverPerSuite(dialect);

    async function formatPackage(formatVersion: number): Promise<Buffer> {
      const year = must(await t.s.server.env.ctx.metadata.getObject(TUTORIAL_PROJECT_ID, YEAR), 'Year in the metadata');
      const entry = { action: 'replace', explicitIncluded: true, object: { ...year, name: `Year v${formatVersion}`, version: newGuid() } };
      const parts = [jsonPart('header.json', sampleHeader({ formatVersion })), pagePart(1, [entry])];
      return archiveOf([
        ...parts,
        manifestPart(parts, (m) => {
          delete m.sizes;
          m.toc = m.toc.map(({ level: _level, ...rest }) => rest as (typeof m.toc)[number]);
        }),
      ]);
    }

    it('imports an older package, but reports that it cannot be validated', async () => {
      const bytes = await formatPackage(1);
      const imported = await importToEnd(t.s, t.token, bytes);
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      const { id, path } = await uploadAndImport(t.s, t.token, bytes);
      await waitForMigration(t.s, t.token, id, (r) => r.importInfo.status !== 'importing');
      const [packageId] = id.split(':');
      const record = {
        id: `${packageId}:${newGuid()}`,
        packageInfo: { id: packageId, name: 'old', type: 'project', status: 'created', storage: { path, size: bytes.length } },
        importInfo: { project: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } },
      };
      assert.equal((await t.s.request('PUT', `${MIGRATIONS}/${record.id}/validation`, { token: t.token, headers: PROJECT, json: record })).status, 202);
      const validated = await waitForMigration(t.s, t.token, record.id, (r) => r.validation?.status !== 'validating');
      assert.equal(validated.validation.status, 'validation_failed');
      assert.match(validated.validation.message, /earlier platform version: it can be imported, but not validated/);
    });

    it('refuses a package of a newer format version at upload, changing nothing', async () => {
      const before = await t.s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
      const bytes = await formatPackage(3);
      const file = await createFile(t.s, t.token, bytes);
      const refused = await expectLibraryError(await upload(t.s, t.token, file.id, multipartBody(bytes)), 400, 'ERR006');
      assert.match(refused.message, /newer than this server reads/);
      assert.equal(await t.s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), before);
    });
  });
}
