import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { serverPerSuite, type TestServer } from './support/server.js';
import { createFile, multipartBody, upload } from './support/shared-files.js';
import { MIGRATIONS, json, waitForMigration, type Json } from './support/migrations.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { must } from './support/must.js';
import { tempFileSpool } from '../src/store/temp-spool.js';
import { spooledLines } from '../src/domain/mmp/spool.js';
import { sql } from 'kysely';
import { PackageTocRepository } from '../src/store/package-toc.js';
import { newGuid } from '../src/domain/ids.js';
import { sampleEntry, tocRow } from './support/mmp.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };

async function tocView(s: TestServer, token: string, id: string): Promise<Json[]> {
  const record = await json(await s.request('GET', `${MIGRATIONS}/${id}?showContent=tocview`, { token, headers: PROJECT }), 200);
  return record.packageInfo.tocView.content as Json[];
}

async function stored(s: TestServer, packageId: string) {
  const db = s.server.env.ctx.database.db;
  const rows = await db.selectFrom('package_toc').select(['seq', 'object_id']).where('package_id', '=', packageId).orderBy('seq').execute();
  const record = await db.selectFrom('packages').select(['toc', 'toc_rows']).where('id', '=', packageId).executeTakeFirstOrThrow();
  return { rows, record };
}

for (const dialect of dialects()) {
  describe(`a package's table of contents as rows [${dialect}]`, () => {
    const sourceSuite = serverPerSuite(dialect);
    const targetSuite = serverPerSuite(dialect);

    it('is written as package_toc rows by the creation and the import, shown from them, and still read from an old JSON column', async () => {
      const [source, sourceToken, target, targetToken] = [sourceSuite.s, sourceSuite.token, targetSuite.s, targetSuite.token];
      const found = await json(await source.request('GET', '/api/searches/results?type=3&limit=5', { token: sourceToken, headers: PROJECT }), 200);
      const report = must((found.result as Json[])[0], 'a report in the Tutorial');
      const created = await json(
        await source.request('POST', `${MIGRATIONS}?unlockOnStart=True`, {
          token: sourceToken,
          headers: { ...PROJECT, Prefer: 'respond-async' },
          json: {
            packageInfo: {
              name: 'toc rows',
              environment: { id: `${source.url}/`, name: `${source.url}/` },
              tocView: {
                settings: { defaultAction: 'use_existing', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] },
                content: [{ id: report.id, type: 3, includeDependents: true, action: 'replace' }],
              },
              treeView: {},
              type: 'project',
            },
            importInfo: {},
          },
        }),
        201,
      );
      const ready = await waitForMigration(source, sourceToken, created.id, (r) => r.packageInfo.status !== 'creating');
      assert.equal(ready.packageInfo.status, 'created', ready.packageInfo.message);
      const packageId = String(ready.packageInfo.id);

      // Creation: one row per object, in package order; the old JSON column stays empty.
      const shown = await tocView(source, sourceToken, created.id);
      assert.ok(shown.length > 1, 'the report comes with its dependencies');
      const made = await stored(source, packageId);
      assert.deepEqual(
        made.rows.map((r) => [Number(r.seq), r.object_id]),
        shown.map((r, i) => [i, r.id]),
      );
      assert.deepEqual({ toc: made.record.toc, rows: Number(made.record.toc_rows) }, { toc: null, rows: shown.length });

      // Imported here, into the project it came from: the rows the creation wrote stay as they are, not written again
      // (a name changed in the stored row is still there after the import).
      const db = source.server.env.ctx.database.db;
      const nameFirstRow = (name: string) => db.updateTable('package_toc').set({ name }).where('package_id', '=', packageId).where('seq', '=', 0).execute();
      await nameFirstRow('left by the creation');
      const importedHere = await json(
        await source.request('PUT', `${MIGRATIONS}/${created.id}`, {
          token: sourceToken,
          headers: PROJECT,
          json: { ...ready, packageInfo: { ...ready.packageInfo, replicated: true } },
        }),
        201,
      );
      const doneHere = await waitForMigration(source, sourceToken, importedHere.id, (r) => !['pending', 'importing'].includes(r.importInfo.status));
      assert.equal(doneHere.importInfo.status, 'imported', doneHere.importInfo.message);
      const kept = await stored(source, packageId);
      assert.deepEqual(kept.rows, made.rows);
      assert.equal(Number(kept.record.toc_rows), shown.length);
      assert.equal((await tocView(source, sourceToken, created.id))[0]?.name, 'left by the creation');
      await nameFirstRow(String(shown[0]?.name));

      // Import elsewhere: the target's record shows the same rows, written by the import.
      const bytes = Buffer.from(
        await (await source.request('GET', `${MIGRATIONS}/packages/${packageId}/binary`, { token: sourceToken, headers: { Accept: '*/*' } })).arrayBuffer(),
      );
      const file = await createFile(target, targetToken, bytes, {
        name: 'toc rows',
        extraInfo: { packageType: 'project', packagePurpose: 'object_migration' },
      });
      await json(await upload(target, targetToken, file.id, multipartBody(bytes)), 200);
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
      const imported = await waitForMigration(target, targetToken, started.id, (r) => !['pending', 'importing'].includes(r.importInfo.status));
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      const importedRows = await tocView(target, targetToken, started.id);
      assert.deepEqual(
        importedRows.map((r) => [r.id, r.name, r.version, r.type, r.subtype, r.action, r.explicitIncluded, r.level]),
        shown.map((r) => [r.id, r.name, r.version, r.type, r.subtype, r.action, r.explicitIncluded, r.level]),
      );
      const importedStored = await stored(target, String(imported.packageInfo.id));
      assert.equal(importedStored.rows.length, shown.length);
      assert.equal(Number(importedStored.record.toc_rows), shown.length);

      // A record written by an older version: its toc is the JSON column, and it still shows.
      const oldToc = shown.map((r) => ({
        id: r.id,
        type: r.type,
        subtype: r.subtype,
        name: r.name,
        version: r.version,
        action: r.action,
        explicitIncluded: r.explicitIncluded,
        level: r.level,
      }));
      await db.deleteFrom('package_toc').where('package_id', '=', packageId).execute();
      await db
        .updateTable('packages')
        .set({ toc: JSON.stringify(oldToc), toc_rows: null })
        .where('id', '=', packageId)
        .execute();
      assert.deepEqual(await tocView(source, sourceToken, created.id), shown);

      // Deleting the record deletes its rows.
      assert.equal(
        (await target.request('DELETE', `${MIGRATIONS}?packageId=${String(imported.packageInfo.id)}`, { token: targetToken, headers: PROJECT })).status,
        204,
      );
      const left = await target.server.env.ctx.database.db
        .selectFrom('package_toc')
        .select('seq')
        .where('package_id', '=', String(imported.packageInfo.id))
        .execute();
      assert.deepEqual(left, []);
    });

    // SQLite runs one write transaction at a time: there the second simply waits for the first.
    it('lets two imports of one package write its rows at once, each in its own transaction', { skip: dialect !== 'postgres' }, async () => {
      const db = targetSuite.s.server.env.ctx.database.db;
      const packageId = newGuid();
      const rows = [sampleEntry(), sampleEntry()].map(tocRow);
      let releaseFirst: () => void = () => undefined;
      const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstWrote: () => void = () => undefined;
      const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
      const first = db.transaction().execute(async (trx) => {
        const tocs = new PackageTocRepository(trx);
        await tocs.clear(packageId);
        await tocs.append(packageId, 0, rows);
        firstWrote();
        await firstMayCommit; // the rest of its pages
      });
      await firstHasWritten;
      const second = db.transaction().execute(async (trx) => {
        const tocs = new PackageTocRepository(trx);
        await tocs.clear(packageId);
        await tocs.append(packageId, 0, rows);
      });
      // The second waits on the first's rows: then the first commits.
      for (;;) {
        const waiting = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%package_toc%'`.execute(
          db,
        );
        if ((waiting.rows[0]?.n ?? 0) > 0) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      releaseFirst();
      await Promise.all([first, second]);
      const stored = await db.selectFrom('package_toc').select(['seq', 'object_id']).where('package_id', '=', packageId).orderBy('seq').execute();
      assert.deepEqual(
        stored.map((r) => r.object_id),
        rows.map((r) => r.id),
      );
      await db.deleteFrom('package_toc').where('package_id', '=', packageId).execute();
    });
  });
}

describe('the temporary file a reader or writer spools its toc rows to', () => {
  it('reads back what was written, in order, as often as asked, across its read size; closing twice is safe', async () => {
    const spool = await tempFileSpool();
    const lines: string[] = [];
    for (let page = 0; page < 30; page += 1) {
      const rows = Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ n: page * 2_000 + i, name: `row é ${'x'.repeat(i % 40)}` }));
      lines.push(...rows);
      await spool.write(Buffer.from(`${rows.join('\n')}\n`));
    }
    for (let time = 0; time < 2; time += 1) {
      let n = 0;
      for await (const row of spooledLines<{ n: number; name: string }>(spool)) {
        assert.equal(JSON.stringify(row), lines[n]);
        n += 1;
      }
      assert.equal(n, 60_000);
    }
    await spool.close();
    await spool.close();
  });
});
