import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { serverPerSuite } from './support/server.js';
import { createFile, multipartBody, upload } from './support/shared-files.js';
import { FINAL_IMPORT_STATES, MIGRATIONS, header, json, waitForMigration } from './support/migrations.js';
import { archiveOf, sampleEntry, validParts } from './support/mmp.js';
import { CONFIGURATION_PROJECT_ID, CONFIGURATION_ROOT_FOLDER_ID, TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import type { PackageEntry } from '../src/domain/mmp/types.js';

/**
 * Hostile packages through the HTTP import path (the reader's own checks are in mmp-hostile.test.ts):
 * whatever the package says, the import ends, and nothing outside the target project changes.
 */
for (const dialect of dialects()) {
  describe(`hostile packages over HTTP [${dialect}]`, () => {
    const t = serverPerSuite(dialect);

    const fingerprints = async () => ({
      tutorial: await t.s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID),
      configuration: await t.s.server.env.ctx.metadata.fingerprint(CONFIGURATION_PROJECT_ID),
    });

    /** Uploads and imports into the Tutorial; returns the final import status, or the upload's refusal. */
    async function importHostile(entries: PackageEntry[][], spoil: (bytes: Buffer) => Buffer = (bytes) => bytes): Promise<{ status: string; message: string }> {
      const bytes = spoil(await archiveOf(validParts(entries, header({ sourceProject: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } }))));
      const file = await createFile(t.s, t.token, bytes, { name: 'hostile', extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
      const uploaded = await upload(t.s, t.token, file.id, multipartBody(bytes));
      if (uploaded.status !== 200) {
        assert.ok(uploaded.status >= 400 && uploaded.status < 500, `upload: ${uploaded.status}`);
        return { status: 'refused', message: ((await uploaded.json()) as { message: string }).message };
      }
      const res = await t.s.request('POST', `${MIGRATIONS}?unlockOnStart=True`, {
        token: t.token,
        headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID, Prefer: 'respond-async' },
        json: {
          packageInfo: { storage: { sharedFileStore: { files: { id: file.id } } }, purpose: 'migration_from_shared_file_store' },
          importInfo: { environment: { id: `${t.s.url}/`, name: 'target' }, project: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } },
        },
      });
      if (res.status !== 201) {
        assert.ok(res.status >= 400 && res.status < 500, `import: ${res.status}`);
        return { status: 'refused', message: ((await res.json()) as { message: string }).message };
      }
      const record = await waitForMigration(t.s, t.token, (await json(res, 201)).id as string, (r) => FINAL_IMPORT_STATES.includes(r.importInfo.status));
      return { status: record.importInfo.status as string, message: String(record.importInfo.message ?? '') };
    }

    it('never lets objects that point into another project change that project', async () => {
      const before = await fingerprints();
      const intoConfiguration = sampleEntry({ action: 'replace' });
      intoConfiguration.object = { ...intoConfiguration.object, folderId: CONFIGURATION_ROOT_FOLDER_ID, uses: [CONFIGURATION_ROOT_FOLDER_ID] };
      const result = await importHostile([[intoConfiguration]]);
      assert.ok(['refused', ...FINAL_IMPORT_STATES].includes(result.status), result.status);
      const after = await fingerprints();
      assert.equal(after.configuration, before.configuration, 'the configuration project is untouched');
      if (result.status !== 'imported') assert.equal(after.tutorial, before.tutorial, `a failed import changes nothing (${result.message})`);
    });

    it('fails an import whose one object is larger than an object may be, and changes nothing', async () => {
      const before = await fingerprints();
      const huge = sampleEntry({}, { formula: 'x'.repeat(17 * 1024 * 1024) });
      const result = await importHostile([[huge]]);
      assert.ok(result.status === 'refused' || result.status === 'import_failed', `${result.status}: ${result.message}`);
      assert.deepEqual(await fingerprints(), before);
    });

    it('fails an import of a package with bytes after its gzip stream, and changes nothing', async () => {
      const before = await fingerprints();
      const result = await importHostile([[sampleEntry()]], (bytes) => Buffer.concat([bytes, Buffer.alloc(4096)]));
      assert.ok(result.status === 'refused' || result.status === 'import_failed', `${result.status}: ${result.message}`);
      assert.match(result.message, /4096 bytes after the end of its gzip stream; nothing may follow it/);
      assert.deepEqual(await fingerprints(), before);
    });

    it('fails an import with duplicate object ids, and changes nothing', async () => {
      const before = await fingerprints();
      const entry = sampleEntry();
      const twin = sampleEntry({}, { formula: 'Avg(Revenue)' });
      twin.object = { ...twin.object, id: entry.object.id };
      const result = await importHostile([[entry], [twin]]);
      assert.ok(result.status === 'refused' || result.status === 'import_failed', `${result.status}: ${result.message}`);
      assert.match(result.message, /duplicate|twice|more than once/i);
      assert.deepEqual(await fingerprints(), before);
    });
  });
}
