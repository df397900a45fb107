import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite } from './support/server.js';
import { FILES, createFile, multipartBody, upload } from './support/shared-files.js';
import { MIGRATIONS, FINAL_IMPORT_STATES, buildPackage, createPackage, importFile, json, waitForMigration, type Json } from './support/migrations.js';
import { newMetrics } from './support/packages.js';

const ALL_PURPOSES = 'packageInfo.purpose=object_migration,project_merge,migration_from_shared_file_store';
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

for (const dialect of dialects()) {
  describe(`package and migration lists: search, filters, sort [${dialect}]`, () => {
    const t = serverPerSuite(dialect);
    const fileNames = ['Alpha sales', 'beta SALES', 'Gamma stock'];
    const files: Json[] = [];
    let created: Json;
    let between = 0;
    const migrations = async (query: string) => json(await t.s.request('GET', `${MIGRATIONS}?${ALL_PURPOSES}&${query}`, { token: t.token }), 200);
    const fileList = async (query: string) => json(await t.s.request('GET', `${FILES}?type=migrations.packages&${query}`, { token: t.token }), 200);

    before(async () => {
      for (const [i, name] of fileNames.entries()) {
        const bytes = await buildPackage(newMetrics(1, name));
        const file = await createFile(t.s, t.token, bytes, { name, extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
        assert.equal((await upload(t.s, t.token, file.id, multipartBody(bytes))).status, 200);
        files.push(file);
        if (i < 2) {
          const id = await importFile(t.s, t.token, file.id);
          const done = await waitForMigration(t.s, t.token, id, (r) => FINAL_IMPORT_STATES.includes(r.importInfo.status));
          assert.equal(done.importInfo.status, 'imported', done.importInfo.message);
        }
        if (i === 0) between = Date.now();
      }
      created = await createPackage(t.s, t.token, { name: 'Made here', tocView: { settings: {}, content: [{ id: YEAR, type: 12 }] } });
    });

    it('keeps the Library list as it was without the new parameters', async () => {
      const page = await migrations('');
      assert.equal(page.total, 3);
      assert.deepEqual(
        page.data.map((m: Json) => m.packageInfo.name),
        ['Made here', 'beta SALES', 'Alpha sales'],
        'newest first',
      );
      assert.ok(page.data.every((m: Json) => m.importInfo.creationDate && m.packageInfo.creator.name));
    });

    it('finds migrations by text, status, type, creator, origin and time, and sorts them', async () => {
      const names = async (query: string) => (await migrations(query)).data.map((m: Json) => m.packageInfo.name);
      assert.deepEqual(await names('q=SALES'), ['beta SALES', 'Alpha sales'], 'any case');
      assert.deepEqual(await names(`q=${created.id.slice(0, 12).toLowerCase()}`), ['Made here'], 'by id');
      assert.deepEqual(await names('status=imported'), ['beta SALES', 'Alpha sales']);
      assert.deepEqual(await names('status=created,import_failed'), ['Made here']);
      assert.deepEqual(await names('type=configuration'), []);
      assert.deepEqual(await names('creator=administrator&origin=created'), ['Made here']);
      assert.deepEqual(await names('origin=uploaded&sort=name'), ['Alpha sales', 'beta SALES'].sort());
      assert.deepEqual(await names(`from=${between}&origin=uploaded`), ['beta SALES']);
      assert.deepEqual(await names(`to=${new Date(between).toISOString()}`), ['Alpha sales']);
      assert.deepEqual(await names('sort=created'), ['Alpha sales', 'beta SALES', 'Made here']);
      const twoPages = [...(await names('sort=created&limit=2')), ...(await names('sort=created&offset=2&limit=2'))];
      assert.deepEqual(twoPages, ['Alpha sales', 'beta SALES', 'Made here']);
      assert.equal((await migrations('q=sales&limit=1')).total, 2, 'total counts every match, not the page');
    });

    it('finds packages by text, type, purpose, creator and time, and says where each was imported', async () => {
      const page = await fileList('');
      assert.equal(page.total, 3);
      const byName = new Map<string, Json>(page.data.map((f: Json) => [f.name, f]));
      assert.equal(byName.get('Gamma stock')?.importedInto, undefined, 'a file never imported keeps the Library shape');
      const into = byName.get('Alpha sales')?.importedInto;
      assert.equal(into.length, 1);
      assert.equal(into[0].status, 'imported');
      assert.equal(into[0].project.name, 'MicroStrategy Tutorial');
      assert.match(into[0].migrationId, /^[0-9A-F]{32}:[0-9A-F]{32}$/);
      const names = async (query: string) => (await fileList(query)).data.map((f: Json) => f.name);
      assert.deepEqual(await names('q=sales&sort=name'), ['Alpha sales', 'beta SALES'].sort());
      assert.deepEqual(await names(`q=${encodeURIComponent(files[2]?.id)}`), ['Gamma stock'], 'by its whole id');
      assert.deepEqual(await names(`q=${files[1]?.extraInfo.packageId.slice(0, 10).toLowerCase()}`), ['beta SALES'], 'by package id');
      assert.deepEqual(await names('packageType=configuration'), []);
      assert.deepEqual(await names('purpose=object_migration&sort=-name'), [...fileNames].sort().reverse());
      assert.deepEqual(await names('creator=ADMIN&sort=created'), fileNames);
      assert.deepEqual(await names(`to=${between}`), ['Alpha sales']);
    });

    it('refuses bad list parameters with 400 ERR006 naming the parameter', async () => {
      const cases: Array<[string, string, RegExp]> = [
        [MIGRATIONS, 'sort=size', /^sort must be one of -created/],
        [MIGRATIONS, 'status=DROP', /^status\[0\] must list statuses/],
        [MIGRATIONS, 'type=cube', /^type\[0\] must list package types/],
        [MIGRATIONS, 'origin=mars', /^origin must be one of created, uploaded, replicated/],
        [MIGRATIONS, 'from=yesterday', /^from must be a date/],
        [FILES, 'sort=-updated', /^sort must be one of -created/],
        [FILES, 'purpose=fun', /^purpose\[0\] must list package purposes/],
        [FILES, 'packageType=x', /^packageType\[0\] must list package types/],
        [FILES, 'to=31.12.2026', /^to must be a date/],
        [FILES, `q=${'q'.repeat(251)}`, /^q /],
      ];
      for (const [path, query, message] of cases) {
        const error = await expectLibraryError(await t.s.request('GET', `${path}?${query}`, { token: t.token }), 400, 'ERR006');
        assert.match(error.message, message, `${path}?${query}`);
      }
    });
  });
}
