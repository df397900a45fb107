import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { explicitEntry, metric, PUBLIC_OBJECTS_FOLDER, T0 } from './support/packages.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { FINAL_IMPORT_STATES, buildPackage, importFile, importToEnd, waitForMigration, type Json } from './support/migrations.js';
import { createFile, multipartBody, upload } from './support/shared-files.js';
import type { ConflictAction } from '../src/domain/mmp/types.js';
import type { MetadataObject } from '../src/domain/objects.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { must } from './support/must.js';

const PUBLIC_OBJECTS = PUBLIC_OBJECTS_FOLDER;
const REPORTS_FOLDER = 'D3C7D461F69C4610AA6BAA5EF51F4125';

const object = metric;
const entry = explicitEntry;

/** The five situations of a golden case, against four objects that already exist in the target. */
function cases(base: MetadataObject[]) {
  const [identical, newer, older, moved] = base as [MetadataObject, MetadataObject, MetadataObject, MetadataObject];
  return {
    fresh: object('Brand new'),
    // Same version: only force_replace writes it, which the description shows.
    identical: { ...identical, description: 'forced' },
    newer: { ...newer, version: newGuid(), name: `${newer.name} newer`, dateModified: T0 + 60_000 },
    older: { ...older, version: newGuid(), name: `${older.name} older`, dateModified: T0 - 60_000 },
    moved: { ...moved, folderId: REPORTS_FOLDER },
  };
}

type Expect = {
  fresh: boolean;
  identical: 'kept' | 'written' | 'deleted';
  newer: 'kept' | 'written' | 'copied' | 'deleted';
  older: 'kept' | 'written' | 'copied' | 'deleted';
  moved: 'kept' | 'written' | 'deleted';
  undo: boolean;
};

const GOLDEN: Record<ConflictAction, Expect> = {
  use_existing: { fresh: true, identical: 'kept', newer: 'kept', older: 'kept', moved: 'kept', undo: true },
  replace: { fresh: true, identical: 'kept', newer: 'written', older: 'written', moved: 'written', undo: true },
  force_replace: { fresh: true, identical: 'written', newer: 'written', older: 'written', moved: 'written', undo: true },
  use_newer: { fresh: true, identical: 'kept', newer: 'written', older: 'kept', moved: 'kept', undo: true },
  use_older: { fresh: true, identical: 'kept', newer: 'kept', older: 'written', moved: 'kept', undo: true },
  keep_both: { fresh: true, identical: 'kept', newer: 'copied', older: 'copied', moved: 'kept', undo: false },
  delete: { fresh: false, identical: 'deleted', newer: 'deleted', older: 'deleted', moved: 'deleted', undo: true },
};

for (const dialect of dialects()) {
  describe(`conflict rules, golden [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    const get = (id: string) => s.server.env.ctx.metadata.getObject(TUTORIAL_PROJECT_ID, id);
    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
    });
    after(() => s.close());

    for (const [action, expected] of Object.entries(GOLDEN) as Array<[ConflictAction, Expect]>) {
      it(`${action}: new, identical, newer, older and moved objects`, async () => {
        const base = [object(`${action} A`), object(`${action} B`), object(`${action} C`), object(`${action} D`)];
        const seeded = await importToEnd(s, token, await buildPackage(base.map((o) => entry(o, 'replace'))));
        assert.equal(seeded.importInfo.status, 'imported', seeded.importInfo.message);
        const c = cases(base);
        const result = await importToEnd(s, token, await buildPackage([c.fresh, c.identical, c.newer, c.older, c.moved].map((o) => entry(o, action))));
        assert.equal(result.importInfo.status, 'imported', result.importInfo.message);

        assert.equal((await get(c.fresh.id)) !== undefined, expected.fresh, 'new object');
        const identical = await get(c.identical.id);
        if (expected.identical === 'deleted') assert.equal(identical, undefined);
        else assert.equal(identical?.description, expected.identical === 'written' ? 'forced' : '');
        for (const key of ['newer', 'older'] as const) {
          const now = await get(c[key].id);
          const original = must(base[key === 'newer' ? 1 : 2], 'the base object for that case');
          if (expected[key] === 'deleted') assert.equal(now, undefined, key);
          else if (expected[key] === 'written') assert.deepEqual([now?.name, now?.version], [c[key].name, c[key].version], key);
          else assert.deepEqual([now?.name, now?.version], [original.name, original.version], key);
          if (expected[key] === 'copied') {
            const copies = await s.server.env.ctx.metadata.search({ projectId: TUTORIAL_PROJECT_ID, name: `${c[key].name} (1)`, offset: 0, limit: 5 });
            assert.equal(copies.total, 1, `${key}: keep_both saved the source beside the target`);
            assert.notEqual(must(copies.objects[0], 'at least one entry in copies.objects').id, c[key].id);
          }
        }
        const moved = await get(c.moved.id);
        if (expected.moved === 'deleted') assert.equal(moved, undefined);
        else assert.equal(moved?.folderId, expected.moved === 'written' ? REPORTS_FOLDER : PUBLIC_OBJECTS);

        const undoStorage = result.importInfo.undoStorage as Json;
        if (expected.undo) {
          assert.ok(undoStorage.path, 'undo package written');
          assert.ok(await (await s.server.env.ctx.storage.blobs()).head(undoStorage.path));
        } else {
          assert.deepEqual(undoStorage, {}, 'keep_both writes no undo');
          const [pkg, imp] = String(result.id).split(':');
          assert.equal(await (await s.server.env.ctx.storage.blobs()).head(`mstr/shared/migrations/undo/${pkg}/${imp}.mmp`), undefined);
        }
      });
    }

    it('per-object actions override the default action', async () => {
      const base = [object('override A'), object('override B')];
      await importToEnd(s, token, await buildPackage(base.map((o) => entry(o, 'replace'))));
      const changed = base.map((o) => ({ ...o, version: newGuid(), name: `${o.name} changed` }));
      const result = await importToEnd(
        s,
        token,
        await buildPackage(
          [entry(must(changed[0], 'at least one entry in changed'), 'replace'), entry(must(changed[1], 'an entry 1 in changed'), 'use_existing')],
          { settings: { defaultAction: 'replace', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] } },
        ),
      );
      assert.equal(result.importInfo.status, 'imported');
      assert.equal((await get(must(base[0], 'at least one entry in base').id))?.name, 'override A changed');
      assert.equal((await get(must(base[1], 'an entry 1 in base').id))?.name, 'override B');
    });

    it('delete fails while the target object still has dependents, and changes nothing', async () => {
      const used = object('used by another');
      const user = object('uses it', { uses: [used.id] });
      await importToEnd(s, token, await buildPackage([entry(used, 'replace'), entry(user, 'replace')]));
      const before = await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
      const result = await importToEnd(s, token, await buildPackage([entry(used, 'delete'), entry(object('new beside it'), 'replace')]));
      assert.equal(result.importInfo.status, 'import_failed');
      assert.match(result.importInfo.message, new RegExp(`${used.id}.*still used by ${user.id}`));
      assert.equal(await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), before);
    });

    it('a missing dependency fails the import, names the object, and changes nothing', async () => {
      const before = await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
      const orphan = object('orphan', { uses: [newGuid()] });
      const result = await importToEnd(s, token, await buildPackage([entry(object('fine'), 'replace'), entry(orphan, 'replace')]));
      assert.equal(result.importInfo.status, 'import_failed');
      assert.match(
        result.importInfo.message,
        new RegExp(`'orphan' \\(${orphan.id}\\) uses [0-9A-F]{32}, which is neither in the package nor in the target project`),
      );
      assert.deepEqual(result.importInfo.undoStorage, {});
      assert.equal(await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), before);
    });

    it('a dependency that comes in the same package is satisfied', async () => {
      const fact = object('new fact', { type: 13, subtype: 3328 });
      const metric = object('metric on new fact', { uses: [fact.id] });
      const result = await importToEnd(s, token, await buildPackage([entry(metric, 'replace'), entry(fact, 'replace')]));
      assert.equal(result.importInfo.status, 'imported', result.importInfo.message);
    });

    it('bad and tampered packages fail with a clear message and change nothing', async () => {
      const before = await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
      // Not a package at all: refused at upload, before any import.
      const garbage = Buffer.from('this is not a migration package at all');
      const file = await createFile(s, token, garbage);
      const refused = await expectLibraryError(await upload(s, token, file.id, multipartBody(garbage)), 400, 'ERR006');
      assert.match(refused.message, /not a migration package/);
      const good = await buildPackage([entry(object('tamper target'), 'replace')]);
      const tampered = Buffer.from(good);
      const middle = Math.floor(tampered.length / 2);
      tampered.writeUInt8(tampered.readUInt8(middle) ^ 0xff, middle);
      // A damaged package whose header still reads is refused by the import; one whose damage shows while the
      // header is read (the whole small package is one chunk) is refused at upload. Either way nothing changes.
      for (const bytes of [tampered, good.subarray(0, good.length - 40)]) {
        const damaged = await createFile(s, token, bytes);
        const res = await upload(s, token, damaged.id, multipartBody(bytes));
        if (res.status === 400) continue;
        assert.equal(res.status, 200, await res.text());
        const result = await waitForMigration(s, token, await importFile(s, token, damaged.id), (r) => FINAL_IMPORT_STATES.includes(r.importInfo.status));
        assert.equal(result.importInfo.status, 'import_failed');
      }
      assert.equal(await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), before);
    });
  });
}
