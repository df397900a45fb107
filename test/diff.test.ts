import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { explicitEntry, metric, T0 } from './support/packages.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { buildPackage, dryRun, importToEnd, json, type Json } from './support/migrations.js';
import { createFile, multipartBody, upload } from './support/shared-files.js';
import type { ConflictAction } from '../src/domain/mmp/types.js';
import type { AclEntry, MetadataObject } from '../src/domain/objects.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { cliHome } from './support/cli-client.js';

const REPORTS_FOLDER = 'D3C7D461F69C4610AA6BAA5EF51F4125';
const DIFF = '/api/migrations/diff';
const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };

const object = metric;
const entry = explicitEntry;
const ace = (trusteeId: string, rights: number, deny = false): AclEntry => ({
  deny,
  type: 1,
  rights,
  trusteeId,
  trusteeName: `user ${trusteeId.slice(0, 4)}`,
  trusteeType: 34,
  trusteeSubtype: 8704,
  inheritable: false,
});

/** The diff's action for each situation, per rule: new, identical, newer, older, moved. */
const GOLDEN: Record<ConflictAction, [string, string, string, string, string]> = {
  use_existing: ['create', 'keep', 'keep', 'keep', 'keep'],
  replace: ['create', 'keep', 'replace', 'replace', 'move'],
  force_replace: ['create', 'replace', 'replace', 'replace', 'replace'],
  use_newer: ['create', 'keep', 'replace', 'keep', 'keep'],
  use_older: ['create', 'keep', 'keep', 'replace', 'keep'],
  keep_both: ['create', 'keep', 'copy', 'copy', 'keep'],
  delete: ['skip', 'delete', 'delete', 'delete', 'delete'],
};
/** Validation reports the same effects under the Library's action names. */
const REPORTED: Record<string, string> = {
  create: 'create',
  replace: 'replace',
  move: 'move',
  keep: 'use_existing',
  copy: 'keep_both',
  delete: 'delete',
  skip: 'none',
};

for (const dialect of dialects()) {
  describe(`diff preview [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    const fingerprint = () => s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
    const uploaded = async (bytes: Buffer): Promise<{ id: string; path: string }> => {
      const file = await createFile(s, token, bytes, { name: 'to diff', extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
      assert.equal((await upload(s, token, file.id, multipartBody(bytes))).status, 200);
      return file;
    };
    const diffFile = async (fileId: string, query = ''): Promise<Json> =>
      json(
        await s.request('POST', `${DIFF}${query}`, {
          token,
          headers: PROJECT,
          json: { packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } } }, importInfo: { project: { id: TUTORIAL_PROJECT_ID } } },
        }),
        200,
      );
    const page = async (id: string, query = ''): Promise<Json> => json(await s.request('GET', `${DIFF}/${id}${query}`, { token }), 200);
    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
    });
    after(() => s.close());

    for (const [action, expected] of Object.entries(GOLDEN) as Array<[ConflictAction, string[]]>) {
      it(`${action}: the diff's actions are validation's, and the target is untouched`, async () => {
        const base = [object(`${action} A`), object(`${action} B`), object(`${action} C`), object(`${action} D`)];
        assert.equal((await importToEnd(s, token, await buildPackage(base.map((o) => entry(o, 'replace'))))).importInfo.status, 'imported');
        const [identical, newer, older, moved] = base as [MetadataObject, MetadataObject, MetadataObject, MetadataObject];
        const situations = [
          object('Brand new'),
          { ...identical, description: 'forced' },
          { ...newer, version: newGuid(), name: `${newer.name} newer`, dateModified: T0 + 60_000 },
          { ...older, version: newGuid(), name: `${older.name} older`, dateModified: T0 - 60_000 },
          { ...moved, folderId: REPORTS_FOLDER },
        ];
        const file = await uploaded(await buildPackage(situations.map((o) => entry(o, action))));
        const before = await fingerprint();
        const diff = await diffFile(file.id);
        assert.equal(await fingerprint(), before, 'a diff changes nothing in the target');
        assert.equal(diff.status, 'done');
        assert.equal(diff.stale, false);
        assert.deepEqual(
          diff.objects.map((o: Json) => o.action),
          expected,
        );
        assert.equal(diff.summary.total, 5);
        for (const a of new Set(expected)) assert.equal(diff.summary.byAction[a], expected.filter((e) => e === a).length, a);
        assert.deepEqual(diff.summary.byType, { 4: 5 });

        // Validation is the import engine's dry run over the same bytes: the same effect for every object.
        const validated = await dryRun(s, file.path);
        assert.deepEqual(
          validated.outcomes.map((o) => o.action),
          expected.map((a) => REPORTED[a]),
        );
        assert.equal(await fingerprint(), before);

        const [fresh, same, newerRow, , movedRow] = diff.objects as Json[];
        if (expected[0] === 'create') assert.ok(fresh?.changes.some((c: Json) => c.field === 'name' && c.before === null && c.after === 'Brand new'));
        if (expected[1] === 'keep') assert.deepEqual(same?.changes, []);
        if (expected[2] === 'replace')
          assert.deepEqual(
            newerRow?.changes.find((c: Json) => c.field === 'name'),
            { field: 'name', before: newer.name, after: `${newer.name} newer` },
          );
        if (expected[2] === 'copy') assert.match(newerRow?.targetId, /^[0-9A-F]{32}$/);
        if (expected[4] === 'move')
          assert.deepEqual(movedRow?.changes, [{ field: 'folder', before: '/Public Objects', after: '/Public Objects/Shared Reports' }]);
        if (expected[1] === 'delete') assert.ok(same?.changes.some((c: Json) => c.field === 'version' && c.after === null));
      });
    }

    it('every kind of field: name, description, folder, definition paths, ACL, dependencies, owner, version, dates', async () => {
      const [used, unused, added] = [object('dep kept'), object('dep dropped'), object('dep added')];
      const [alice, bob, carol] = [newGuid(), newGuid(), newGuid()];
      const original = object('fields', {
        description: 'old text',
        definition: { formula: 'Sum(a)', options: { level: 1, keep: true }, items: [1, 2] },
        uses: [used.id, unused.id].sort(),
        acl: [ace(alice, 1), ace(bob, 3)],
      });
      await importToEnd(s, token, await buildPackage([entry(used, 'replace'), entry(unused, 'replace'), entry(added, 'replace'), entry(original, 'replace')]));
      const changed: MetadataObject = {
        ...original,
        name: 'fields renamed',
        description: 'new text',
        folderId: REPORTS_FOLDER,
        version: newGuid(),
        ownerId: newGuid(),
        ownerName: 'Somebody',
        dateCreated: T0 + 1000,
        dateModified: T0 + 2000,
        definition: { formula: 'Sum(b)', options: { level: 2, keep: true }, items: [1, 2, 3] },
        uses: [used.id, added.id].sort(),
        acl: [ace(alice, 7), ace(carol, 1, true)],
      };
      const diff = await diffFile(
        (
          await uploaded(
            await buildPackage([entry(changed, 'force_replace')], {
              settings: { defaultAction: 'force_replace', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] },
            }),
          )
        ).id,
      );
      const view = (e: AclEntry) => ({ trustee: e.trusteeName, trusteeId: e.trusteeId, deny: e.deny, rights: e.rights, inheritable: false });
      const expected = [
        { field: 'name', before: 'fields', after: 'fields renamed' },
        { field: 'description', before: 'old text', after: 'new text' },
        { field: 'folder', before: '/Public Objects', after: '/Public Objects/Shared Reports' },
        { field: 'definition.formula', before: 'Sum(a)', after: 'Sum(b)' },
        { field: 'definition.items[2]', before: null, after: 3 },
        { field: 'definition.options.level', before: 1, after: 2 },
        ...[
          { field: `acl[deny:${carol}]`, before: null, after: view(ace(carol, 1, true)) },
          { field: `acl[grant:${alice}]`, before: view(ace(alice, 1)), after: view(ace(alice, 7)) },
          { field: `acl[grant:${bob}]`, before: view(ace(bob, 3)), after: null },
        ].sort((x, y) => (x.field < y.field ? -1 : 1)),
        ...[
          { field: `dependencies[${unused.id}]`, before: unused.id, after: null },
          { field: `dependencies[${added.id}]`, before: null, after: added.id },
        ].sort((x, y) => (x.field < y.field ? -1 : 1)),
        { field: 'owner', before: 'Administrator', after: 'Somebody' },
        { field: 'version', before: original.version, after: changed.version },
        { field: 'dateCreated', before: new Date(T0).toISOString(), after: new Date(T0 + 1000).toISOString() },
        { field: 'dateModified', before: new Date(T0).toISOString(), after: new Date(T0 + 2000).toISOString() },
      ];
      assert.deepEqual(diff.objects[0].changes, expected);
    });

    it('objects on later pages get their destination folders as the first page read them: the same path and inherited ACL', async () => {
      // Two pages (a page holds at most 2,000 objects), new objects alternating between two folders of the target.
      const objects = Array.from({ length: 2_002 }, (_, i) => object(`paged ${i}`, i % 2 ? { folderId: REPORTS_FOLDER } : {}));
      const bytes = await buildPackage(
        objects.map((o) => entry(o, 'replace')),
        { settings: { defaultAction: 'replace', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['inherit_acl_as_dest_folder'] } },
      );
      const diff = await diffFile((await uploaded(bytes)).id, '?limit=2');
      const [first, second] = diff.objects as Json[];
      const [third, fourth] = (await page(diff.id, '?offset=2000&limit=2')).objects as Json[];
      const field = (row: Json | undefined, name: string) => row?.changes.filter((c: Json) => c.field === name || c.field.startsWith(`${name}[`));
      assert.deepEqual(
        [first, second, third, fourth].map((row) => [row?.action, field(row, 'folder')?.[0]?.after]),
        [
          ['create', '/Public Objects'],
          ['create', '/Public Objects/Shared Reports'],
          ['create', '/Public Objects'],
          ['create', '/Public Objects/Shared Reports'],
        ],
      );
      const inherited = field(first, 'acl');
      assert.ok(inherited.length > 0 && inherited.every((c: Json) => c.before === null));
      assert.notDeepEqual(
        inherited.map((c: Json) => c.field),
        objects[0]?.acl.map((e) => `acl[${e.deny ? 'deny' : 'grant'}:${e.trusteeId}]`),
        "the folder's ACL, not the object's own",
      );
      assert.deepEqual(field(third, 'acl'), inherited);
      assert.deepEqual(field(fourth, 'acl'), field(second, 'acl'));
    });

    it('a folder the target lacks is named by the package for the objects before it in its page (another slice)', async () => {
      const folder: MetadataObject = { ...object('Brought Along'), type: 8, subtype: 2048 };
      const inside = Array.from({ length: 600 }, (_, i) => object(`inside ${i}`, { folderId: folder.id }));
      const diff = await diffFile((await uploaded(await buildPackage([...inside, folder].map((o) => entry(o, 'replace'))))).id, '?limit=1');
      const last = (await page(diff.id, '?offset=599&limit=2')).objects as Json[];
      assert.deepEqual(
        [diff.objects[0], ...last].map((row: Json) => [row.name, row.changes.find((c: Json) => c.field === 'folder')?.after]),
        [
          ['inside 0', '/Public Objects/Brought Along'],
          ['inside 599', '/Public Objects/Brought Along'],
          ['Brought Along', '/Public Objects'],
        ],
      );
    });

    it('pages and filters by action, type and name; says when the target changed since (stale)', async () => {
      const existing = object('stale target');
      await importToEnd(s, token, await buildPackage([entry(existing, 'replace')]));
      const folder = object('stale folder', { type: 8, subtype: 2048, definition: {} });
      const entries = [
        entry({ ...existing, version: newGuid(), name: 'stale target changed' }, 'replace'),
        entry(folder, 'replace'),
        ...Array.from({ length: 6 }, (_, i) => entry(object(`stale new ${i}`), 'replace')),
      ];
      const diff = await diffFile((await uploaded(await buildPackage(entries))).id, '?limit=3');
      assert.equal(diff.total, 8);
      assert.equal(diff.objects.length, 3);
      assert.deepEqual(
        (await page(diff.id, '?offset=6&limit=3')).objects.map((o: Json) => o.name),
        ['stale new 4', 'stale new 5'],
      );
      assert.deepEqual(
        (await page(diff.id, '?action=replace')).objects.map((o: Json) => o.name),
        ['stale target changed'],
      );
      assert.deepEqual(
        (await page(diff.id, '?type=8')).objects.map((o: Json) => o.id),
        [folder.id],
      );
      const searched = await page(diff.id, '?q=NEW%205&action=create,replace');
      assert.deepEqual([searched.total, searched.objects[0].name], [1, 'stale new 5']);
      assert.equal((await page(diff.id)).stale, false);

      await importToEnd(s, token, await buildPackage([entry({ ...existing, version: newGuid(), description: 'changed meanwhile' }, 'force_replace')]));
      const reread = await page(diff.id);
      assert.equal(reread.stale, true);
      assert.notEqual(reread.currentFingerprint, reread.targetFingerprint);
      assert.equal(reread.targetFingerprint, diff.targetFingerprint);
    });

    it('undo: what undoing an import would restore, before anyone approves it', async () => {
      const replaced = object('undo replaced');
      await importToEnd(s, token, await buildPackage([entry(replaced, 'replace')]));
      const created = object('undo created');
      const imported = await importToEnd(
        s,
        token,
        await buildPackage([entry(created, 'replace'), entry({ ...replaced, version: newGuid(), description: 'imported' }, 'replace')]),
      );
      assert.equal(imported.importInfo.status, 'imported');
      const before = await fingerprint();
      const diff = await json(await s.request('POST', DIFF, { token, json: { packageInfo: { id: imported.id }, undo: true } }), 200);
      assert.equal(await fingerprint(), before);
      assert.equal(diff.source.undo, true);
      const byName = new Map((diff.objects as Json[]).map((o) => [o.name, o]));
      assert.equal(byName.get('undo created')?.action, 'delete');
      const restore = byName.get('undo replaced');
      assert.ok(restore);
      assert.equal(restore.action, 'replace');
      assert.deepEqual(
        restore.changes.find((c: Json) => c.field === 'description'),
        { field: 'description', before: 'imported', after: '' },
      );
      assert.equal(restore.blocked, undefined);

      // The same migration's package, diffed again now that it is imported: everything is kept.
      const again = await json(await s.request('POST', DIFF, { token, headers: PROJECT, json: { packageInfo: { id: imported.id } } }), 200);
      assert.deepEqual(
        again.objects.map((o: Json) => o.action),
        ['keep', 'keep'],
      );
    });

    it('CLI: packstore migrations diff prints a readable summary (no colours off a terminal), filters, and --json', async () => {
      const home = await cliHome();
      try {
        assert.equal((await home.run(['login', s.url, '--profile', 'p'])).code, 0);
        const kept = object('cli kept');
        await importToEnd(s, token, await buildPackage([entry(kept, 'replace')]));
        const file = await uploaded(
          await buildPackage([entry({ ...kept, version: newGuid(), name: 'cli kept renamed' }, 'replace'), entry(object('cli new'), 'replace')]),
        );
        const text = await home.run(['migrations', 'diff', file.id, '--project', 'MicroStrategy Tutorial', '--profile', 'p']);
        assert.equal(text.code, 0, text.stderr);
        assert.ok(!text.stdout.includes('\u001b['), 'no colours when stdout is not a terminal');
        assert.match(text.stdout, /^diff [0-9A-F]{32}: 2 objects\n {2}by action: create 1, replace 1\n {2}by type: type 4: 2\n/);
        assert.match(text.stdout, new RegExp(`replace ${kept.id}  cli kept renamed \\(type 4\\)\n    name: cli kept → cli kept renamed\n`));
        const filtered = await home.json<Json>([
          'migrations',
          'diff',
          file.id,
          '--project',
          TUTORIAL_PROJECT_ID,
          '--action',
          'create',
          '--type',
          '4',
          '--profile',
          'p',
        ]);
        assert.deepEqual(
          filtered.objects.map((o: Json) => o.name),
          ['cli new'],
        );
        assert.equal(filtered.stale, false);
        const bad = await home.run(['migrations', 'diff', file.id, '--project', TUTORIAL_PROJECT_ID, '--action', 'rename', '--profile', 'p']);
        assert.equal(bad.code, 2);
      } finally {
        await home.dispose();
      }
    });

    it('unknown ids: 404; bad bodies and queries: 400, in the Library error shape', async () => {
      await expectLibraryError(await s.request('GET', `${DIFF}/${newGuid()}`, { token }), 404, 'ERR006');
      await expectLibraryError(await s.request('GET', `${DIFF}/not-an-id`, { token }), 400, 'ERR006');
      await expectLibraryError(
        await s.request('POST', DIFF, { token, headers: PROJECT, json: { packageInfo: { storage: { sharedFileStore: { files: { id: 'F'.repeat(32) } } } } } }),
        404,
        'ERR006',
      );
      await expectLibraryError(
        await s.request('POST', DIFF, { token, headers: PROJECT, json: { packageInfo: { id: `${newGuid()}:${newGuid()}` } } }),
        404,
        'ERR006',
      );
      await expectLibraryError(await s.request('POST', DIFF, { token, headers: PROJECT, json: { packageInfo: { id: 'nonsense' } } }), 400, 'ERR006');
      await expectLibraryError(await s.request('POST', DIFF, { token, headers: PROJECT, json: {} }), 400, 'ERR006');
      await expectLibraryError(await s.request('POST', DIFF, { token, headers: PROJECT, json: { packageInfo: {} } }), 400, 'ERR006');
      const file = await uploaded(await buildPackage([entry(object('errors'), 'replace')]));
      await expectLibraryError(
        await s.request('POST', DIFF, { token, json: { packageInfo: { storage: { sharedFileStore: { files: { id: file.id } } } } } }),
        400,
        'ERR006',
      );
      await expectLibraryError(
        await s.request('POST', DIFF, {
          token,
          json: { packageInfo: { storage: { sharedFileStore: { files: { id: file.id } } } }, importInfo: { project: { id: newGuid() } } },
        }),
        404,
        'ERR006',
      );
      const diff = await diffFile(file.id);
      await expectLibraryError(await s.request('GET', `${DIFF}/${diff.id}?action=rename`, { token }), 400, 'ERR006');
      await expectLibraryError(await s.request('GET', `${DIFF}/${diff.id}?limit=5000`, { token }), 400, 'ERR006');
    });
  });

  describe(`diff preview of a large package: 202, then paged [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    before(async () => {
      s = await startTestServer(dialect, { 'diff.syncMaxBytes': '0' });
      token = await s.login();
    });
    after(() => s.close());

    it('answers 202 with an id, and the job fills the pages', async () => {
      const bytes = await buildPackage(Array.from({ length: 120 }, (_, i) => entry(object(`async ${i}`), 'replace')));
      const file = await createFile(s, token, bytes, { name: 'async', extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
      assert.equal((await upload(s, token, file.id, multipartBody(bytes))).status, 200);
      const started = await json(
        await s.request('POST', DIFF, { token, headers: PROJECT, json: { packageInfo: { storage: { sharedFileStore: { files: { id: file.id } } } } } }),
        202,
      );
      assert.equal(started.status, 'running');
      let done: Json | undefined;
      for (let i = 0; i < 400 && !done; i++) {
        const res = await s.request('GET', `${DIFF}/${started.id}?limit=50`, { token });
        if (res.status === 200) done = await json(res, 200);
        else {
          assert.equal(res.status, 202);
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, 25));
        }
      }
      assert.ok(done, 'the diff job finished');
      assert.equal(done.status, 'done');
      assert.deepEqual([done.total, done.objects.length, done.summary.byAction.create], [120, 50, 120]);
    });
  });
}
