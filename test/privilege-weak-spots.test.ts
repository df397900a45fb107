import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite } from './support/server.js';
import { loginWith } from './support/shared-files.js';
import { MIGRATIONS, json, waitForMigration, type Json } from './support/migrations.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

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
