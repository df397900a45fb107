import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FieldCheck } from '../src/domain/mmp/fields.js';
import { checkEntry, tocRowOf } from '../src/domain/mmp/entry-check.js';
import { checkManifest } from '../src/domain/mmp/manifest-check.js';
import { checkHeader } from '../src/domain/mmp/header-check.js';
import { explicitEntry, metric } from './support/packages.js';
import { newGuid } from '../src/domain/ids.js';

const WHERE = 'objects/00000002.ndjson line 7';
const ace = { deny: false, type: 1, rights: 1, trusteeId: newGuid(), trusteeName: 'a', trusteeType: 34, trusteeSubtype: 8704, inheritable: false };
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** The message a package entry fails with once `change` is made to its JSON. */
function entryFailure(change: (entry: Record<string, unknown>, object: Record<string, unknown>) => void): string {
  const entry = json(explicitEntry(metric('paths', { acl: [ace, ace], uses: [newGuid(), newGuid(), newGuid()].sort() }), 'replace'));
  change(entry, entry.object as Record<string, unknown>);
  try {
    checkEntry(new FieldCheck(WHERE), entry, 2);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no failure';
}

// Paths are composed only when a check fails: these pin the names they compose to.
describe('field paths in package errors', () => {
  it('name the field of an object, of an item of its lists and of an ACL entry', () => {
    assert.equal(
      entryFailure((_, o) => (o.name = 7)),
      `${WHERE}: object.name must be a string`,
    );
    assert.equal(
      entryFailure((_, o) => ((o.uses as unknown[])[2] = 'nope')),
      `${WHERE}: object.uses[2] must be 32 upper-case hex`,
    );
    assert.equal(
      entryFailure((_, o) => ((o.acl as Array<Record<string, unknown>>)[1] = { ...ace, rights: -1 })),
      `${WHERE}: object.acl[1].rights must be between 0 and 4294967295`,
    );
    assert.equal(
      entryFailure((_, o) => ((o.acl as Array<Record<string, unknown>>)[0] = { ...ace, extra: true })),
      `${WHERE}: object.acl[0].extra is not a known field`,
    );
    assert.equal(
      entryFailure((_, o) => (o.acl = [ace, 'x'])),
      `${WHERE}: object.acl[1] must be a JSON object`,
    );
    assert.equal(
      entryFailure((e) => (e.object = null)),
      `${WHERE}: object must be a JSON object`,
    );
    assert.equal(
      entryFailure((e) => (e.surprise = 1)),
      `${WHERE}: surprise is not a known field`,
    );
    assert.equal(
      entryFailure((_, o) => (o[''] = 1)),
      `${WHERE}: object."" is not a known field`,
    );
    assert.equal(
      entryFailure(() => undefined),
      'no failure',
    );
  });

  it("name a row of a manifest's toc and an item of the header's settings", () => {
    const row = json(tocRowOf(explicitEntry(metric('row'), 'replace')));
    assert.throws(
      () =>
        checkManifest(
          new FieldCheck('manifest.json'),
          { toc: [row, { ...row, version: 'v' }], counts: { objects: 2, entries: 2 }, checksums: {}, sizes: {} },
          2,
          10,
        ),
      { message: 'manifest.json: toc[1].version must be 32 upper-case hex' },
    );
    const header = {
      formatVersion: 2,
      platformVersion: '11.5.1000.0100',
      packageId: newGuid(),
      packageType: 'project',
      purpose: 'object_migration',
      name: 'paths',
      createdAt: '2024-01-01T00:00:00.000+0000',
      creator: { id: newGuid(), name: 'a' },
      sourceEnvironment: { id: 'http://source', name: 'source' },
      settings: {
        defaultAction: 'replace',
        aclOnReplacingObjects: 'replace',
        aclOnNewObjects: ['keep_acl_as_source_object'],
        objectActions: [
          { id: newGuid(), action: 'replace' },
          { id: 'bad', action: 'replace' },
        ],
      },
    };
    assert.throws(() => checkHeader(new FieldCheck('header.json'), header), { message: 'header.json: settings.objectActions[1].id must be 32 upper-case hex' });
    assert.throws(() => checkHeader(new FieldCheck('header.json'), { ...header, creator: { id: newGuid() } }), {
      message: 'header.json: creator.name must be a string',
    });
    const valid = { ...header, settings: { ...header.settings, objectActions: [] } };
    const failures = [
      { ...valid, undoOf: { packageId: newGuid(), importId: 'x' } },
      { ...valid, sourceEnvironment: { id: '', name: 'source' } },
      { ...valid, settings: { ...valid.settings, objectTypeActions: [{ type: 4, action: 'nope' }] } },
      { ...valid, settings: { ...valid.settings, folderActions: [{ id: newGuid(), action: 'replace', more: 1 }] } },
      valid,
    ].map((h) => {
      try {
        checkHeader(new FieldCheck('header.json'), h);
        return 'no failure';
      } catch (error) {
        return (error as Error).message.replace(/ (must|is) .*/, '');
      }
    });
    assert.deepEqual(failures, [
      'header.json: undoOf.importId',
      'header.json: sourceEnvironment.id',
      'header.json: settings.objectTypeActions[0].action',
      'header.json: settings.folderActions[0].more',
      'no failure',
    ]);
  });
});
