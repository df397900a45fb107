import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dialects } from './support/env.js';
import { serverPerSuite } from './support/server.js';
import { buildPackage, importToEnd, undo } from './support/migrations.js';
import type { ConflictAction, PackageEntry } from '../src/domain/mmp/types.js';
import { TUTORIAL_PROJECT_ID, type MetadataObject } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { must } from './support/must.js';
import { PassThrough } from 'node:stream';
import { openPackage, writePackage } from '../src/domain/mmp/index.js';

const ACTIONS: ConflictAction[] = ['use_existing', 'replace', 'use_newer', 'use_older', 'force_replace', 'delete'];

interface Change {
  pick: number;
  action: ConflictAction;
  rename: boolean;
  later: boolean;
  move: boolean;
}

/** Turns random choices into a package over the target's own objects, plus some new ones. */
function packageFrom(pool: MetadataObject[], dependentIds: Set<string>, folders: string[], changes: Change[], fresh: number): PackageEntry[] {
  const seen = new Set<string>();
  const entries: PackageEntry[] = [];
  for (const c of changes) {
    const base = must(pool[c.pick % pool.length], 'a non-empty pool of objects');
    if (seen.has(base.id)) continue;
    seen.add(base.id);
    // Deleting an object that others use must fail; the round trip is about imports that succeed.
    const action = c.action === 'delete' && dependentIds.has(base.id) ? 'replace' : c.action;
    const object: MetadataObject = {
      ...base,
      ...(c.rename ? { name: `${base.name} v2`, version: newGuid() } : {}),
      dateModified: base.dateModified + (c.later ? 1000 : -1000),
      ...(c.move ? { folderId: must(folders[c.pick % folders.length], 'a non-empty list of folders') } : {}),
    };
    entries.push({ action, explicitIncluded: true, level: 'project_object', object });
  }
  for (let i = 0; i < fresh; i++) {
    const template = must(pool[i % pool.length], 'a non-empty pool of objects');
    entries.push({
      action: 'replace',
      explicitIncluded: true,
      level: 'project_object',
      object: { ...template, id: newGuid(), version: newGuid(), name: `new ${i}` },
    });
  }
  return entries;
}

for (const dialect of dialects()) {
  describe(`import then undo restores the project exactly [${dialect}]`, () => {
    const t = serverPerSuite(dialect);

    it('holds for random packages over the project (property)', async () => {
      const metadata = t.s.server.env.ctx.metadata;
      const pool: MetadataObject[] = [];
      for await (const page of metadata.iterateObjects(TUTORIAL_PROJECT_ID, 500)) pool.push(...page.filter((o) => o.type !== 8));
      const dependents = await metadata.dependentsOf(
        TUTORIAL_PROJECT_ID,
        pool.map((o) => o.id),
      );
      const folders = (await metadata.search({ projectId: TUTORIAL_PROJECT_ID, type: [8], offset: 0, limit: 50 })).objects.map((o) => o.id);
      const change = fc.record({ pick: fc.nat(), action: fc.constantFrom(...ACTIONS), rename: fc.boolean(), later: fc.boolean(), move: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 5 }), async (changes, fresh) => {
          const before = await metadata.fingerprint(TUTORIAL_PROJECT_ID);
          const entries = packageFrom(pool, new Set(dependents.keys()), folders, changes, fresh);
          const imported = await importToEnd(t.s, t.token, await buildPackage(entries));
          assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
          assert.notEqual(await metadata.fingerprint(TUTORIAL_PROJECT_ID), before, 'the import changed the project (it holds new objects)');
          const undone = await undo(t.s, t.token, imported.id);
          assert.equal(undone.importInfo.status, 'undo_success', undone.importInfo.message);
          assert.equal(await metadata.fingerprint(TUTORIAL_PROJECT_ID), before);
        }),
        { numRuns: 12 },
      );
    });

    it('refuses to undo when an imported object was changed since, and changes nothing', async () => {
      const pool = (await t.s.server.env.ctx.metadata.search({ projectId: TUTORIAL_PROJECT_ID, type: [4], offset: 0, limit: 1 })).objects;
      const target = must(pool[0], 'a non-empty pool of objects');
      const imported = await importToEnd(
        t.s,
        t.token,
        await buildPackage([
          { action: 'replace', explicitIncluded: true, level: 'project_object', object: { ...target, name: `${target.name} imported`, version: newGuid() } },
        ]),
      );
      assert.equal(imported.importInfo.status, 'imported');
      const edited = await t.s.request('PUT', `/api/objects/${target.id}?type=${target.type}`, {
        token: t.token,
        headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID },
        json: { name: 'edited after import' },
      });
      assert.equal(edited.status, 200);
      const before = await t.s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
      const undone = await undo(t.s, t.token, imported.id);
      assert.equal(undone.importInfo.status, 'undo_failed');
      assert.match(undone.importInfo.message, /changed after the import/);
      assert.equal(await t.s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), before);
    });

    it('refuses an undo package changed in storage, even one consistent with itself, and changes nothing', async () => {
      const metadata = t.s.server.env.ctx.metadata;
      const target = must((await metadata.search({ projectId: TUTORIAL_PROJECT_ID, type: [4], offset: 2, limit: 1 })).objects[0], 'a third metric');
      const imported = await importToEnd(
        t.s,
        t.token,
        await buildPackage([
          { action: 'replace', explicitIncluded: true, level: 'project_object', object: { ...target, name: `${target.name} imported`, version: newGuid() } },
        ]),
      );
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      const { path, sha256 } = imported.importInfo.undoStorage as { path: string; sha256: string };
      assert.match(sha256, /^[0-9a-f]{64}$/, 'the import records the sha256 of its undo package');
      // Whoever can write the storage rewrites the undo package: valid, with checksums to match, unsigned, putting back a definition of theirs.
      const blobs = await t.s.server.env.ctx.storage.blobs();
      const original = await openPackage(await blobs.get(path));
      const pages: PackageEntry[][] = [];
      for await (const page of original.entries()) pages.push(page.map((e) => ({ ...e, object: { ...e.object, definition: { formula: 'Sum(Planted)' } } })));
      const body = new PassThrough();
      const stored = blobs.put(path, body);
      await writePackage(
        body,
        original.header,
        (async function* () {
          yield* pages;
        })(),
      );
      await stored;
      const before = await metadata.fingerprint(TUTORIAL_PROJECT_ID);
      const undone = await undo(t.s, t.token, imported.id);
      assert.equal(undone.importInfo.status, 'undo_failed');
      assert.match(
        undone.importInfo.message,
        /undo package's sha256 is [0-9a-f]{64}, not [0-9a-f]{64} as the import recorded: it was changed or damaged in storage/,
      );
      assert.equal(await metadata.fingerprint(TUTORIAL_PROJECT_ID), before, 'the project is as it was');
      assert.equal((await metadata.getObject(TUTORIAL_PROJECT_ID, target.id))?.name, `${target.name} imported`);
    });

    it('refuses an undo request that skips "requested", naming the current state', async () => {
      const imported = await importToEnd(
        t.s,
        t.token,
        await buildPackage([
          {
            action: 'replace',
            explicitIncluded: true,
            level: 'project_object',
            object: {
              ...must(
                (await t.s.server.env.ctx.metadata.search({ projectId: TUTORIAL_PROJECT_ID, type: [4], offset: 1, limit: 1 })).objects[0],
                'a second metric in the Tutorial',
              ),
              version: newGuid(),
            },
          },
        ]),
      );
      const res = await t.s.request('PATCH', `/api/migrations/${imported.id}`, { token: t.token, json: { importInfo: { undoRequestStatus: 'approved' } } });
      assert.equal(res.status, 409);
      assert.match(((await res.json()) as { message: string }).message, /it is pending now/);
    });
  });
}
