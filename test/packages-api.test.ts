import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite, type TestServer } from './support/server.js';
import { buildPackage, json, type Json } from './support/migrations.js';
import { newMetrics } from './support/packages.js';
import { BOUNDARY, MULTIPART_TYPE, multipartBody } from './support/shared-files.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { must } from './support/must.js';

const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

async function poll(s: TestServer, token: string, path: string, project: string, done: (b: Json) => boolean): Promise<Json> {
  for (let i = 0; i < 400; i++) {
    const body = await json(await s.request('GET', path, { token, headers: { 'X-MSTR-ProjectID': project } }), 200);
    if (done(body)) return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${path} never reached the expected state`);
}

for (const dialect of dialects()) {
  describe(`the older /api/packages holder API [${dialect}]`, () => {
    const t = serverPerSuite(dialect);

    it('creates, fills, shows, downloads, uploads, imports and deletes packages', async () => {
      const source = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
      const holder = await json(await t.s.request('POST', '/api/packages', { token: t.token, headers: source }), 201);
      assert.equal(holder.status, 'EMPTY');
      assert.equal(Buffer.from(holder.id, 'base64').toString().split(':')[0], TUTORIAL_PROJECT_ID);
      const filled = await json(
        await t.s.request('PUT', `/api/packages/${holder.id}`, {
          token: t.token,
          headers: { ...source, Prefer: 'respond-async' },
          json: {
            type: 'project',
            settings: { defaultAction: 'replace', aclOnReplacingObjects: 'use_existing', aclOnNewObjects: ['keep_acl_as_source_object'] },
            content: [{ id: YEAR, name: 'Year', type: 12, action: 'replace', includeDependents: true }],
          },
        }),
        202,
      );
      assert.equal(filled.status, 'PROCESSING');
      const ready = await poll(t.s, t.token, `/api/packages/${holder.id}?showContent=True`, TUTORIAL_PROJECT_ID, (b) => b.status !== 'PROCESSING');
      assert.equal(ready.status, 'READY');
      const year = must(
        (ready.content as Json[]).find((r) => r.id === YEAR),
        'Year in the package content',
      );
      assert.deepEqual([year.explicitIncluded, year.level, year.owner.id], [true, 'project_object', '54F3D26011D2896560009A8E67019608']);
      assert.match(year.dateModified, /\+0000$/);
      const bytes = Buffer.from(await (await t.s.request('GET', `/api/packages/${holder.id}/binary`, { token: t.token, headers: source })).arrayBuffer());
      assert.ok(bytes.length > 100);

      // A second project takes the binary through another holder and imports it.
      const target = newGuid();
      await growProject(t.s.server.env.ctx.metadata, { projectId: target, objects: 1 });
      const into = { 'X-MSTR-ProjectID': target };
      const second = await json(await t.s.request('POST', '/api/packages', { token: t.token, headers: into }), 201);
      const uploaded = await json(
        await t.s.request('PUT', `/api/packages/${second.id}/binary`, {
          token: t.token,
          headers: { ...into, ...MULTIPART_TYPE },
          body: multipartBody(bytes, 'file', BOUNDARY),
        }),
        200,
      );
      assert.equal(uploaded.status, 'READY');
      const started = await json(
        await t.s.request('POST', `/api/packages/imports?packageId=${encodeURIComponent(second.id)}&generateUndo=True`, {
          token: t.token,
          headers: { ...into, Prefer: 'respond-async' },
        }),
        202,
      );
      assert.deepEqual([started.status, started.undoPackageCreated, started.progress], ['PROCESSING', false, 0]);
      const imported = await poll(t.s, t.token, `/api/packages/imports/${started.id}`, target, (b) => b.status !== 'PROCESSING');
      assert.equal(imported.status, 'IMPORTED', imported.message);
      assert.equal(imported.undoPackageCreated, true);
      assert.equal((await t.s.server.env.ctx.metadata.getObject(target, YEAR))?.name, 'Year');
      assert.equal((await t.s.request('GET', `/api/packages/imports/${started.id}/undoPackage/binary`, { token: t.token, headers: into })).status, 200);
      assert.equal((await t.s.request('DELETE', `/api/packages/imports/${started.id}`, { token: t.token, headers: into })).status, 202);
      await expectLibraryError(await t.s.request('GET', `/api/packages/imports/${started.id}`, { token: t.token }), 404, 'ERR006');
      const deleted = await json(await t.s.request('DELETE', `/api/packages/${holder.id}`, { token: t.token, headers: source }), 202);
      assert.equal(deleted.status, 'DELETING');
      await expectLibraryError(await t.s.request('GET', `/api/packages/${holder.id}`, { token: t.token }), 404, 'ERR006');
    });

    it('shows the content of the package uploaded into a filled holder, not the content it was filled with', async () => {
      const source = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
      const holder = await json(await t.s.request('POST', '/api/packages', { token: t.token, headers: source }), 201);
      await json(
        await t.s.request('PUT', `/api/packages/${holder.id}`, {
          token: t.token,
          headers: { ...source, Prefer: 'respond-async' },
          json: { type: 'project', settings: {}, content: [{ id: YEAR, name: 'Year', type: 12, action: 'replace' }] },
        }),
        202,
      );
      const filled = await poll(t.s, t.token, `/api/packages/${holder.id}?showContent=True`, TUTORIAL_PROJECT_ID, (b) => b.status !== 'PROCESSING');
      assert.deepEqual(
        (filled.content as Json[]).map((r) => r.id),
        [YEAR],
      );
      const metrics = newMetrics(2, 'uploaded into a filled holder');
      await json(
        await t.s.request('PUT', `/api/packages/${holder.id}/binary`, {
          token: t.token,
          headers: { ...source, ...MULTIPART_TYPE },
          body: multipartBody(await buildPackage(metrics), 'file', BOUNDARY),
        }),
        200,
      );
      const uploaded = await json(await t.s.request('GET', `/api/packages/${holder.id}?showContent=True`, { token: t.token, headers: source }), 200);
      assert.ok(!(uploaded.content as Json[] | undefined)?.some((r) => r.id === YEAR), 'the content it was filled with is gone');
      const started = await json(
        await t.s.request('POST', `/api/packages/imports?packageId=${encodeURIComponent(holder.id)}`, {
          token: t.token,
          headers: { ...source, Prefer: 'respond-async' },
        }),
        202,
      );
      const imported = await poll(t.s, t.token, `/api/packages/imports/${started.id}`, TUTORIAL_PROJECT_ID, (b) => b.status !== 'PROCESSING');
      assert.equal(imported.status, 'IMPORTED', imported.message);
      const shown = await json(await t.s.request('GET', `/api/packages/${holder.id}?showContent=True`, { token: t.token, headers: source }), 200);
      assert.deepEqual(
        (shown.content as Json[]).map((r) => r.id),
        metrics.map((e) => e.object.id),
      );
    });

    it('refuses malformed ids and a package file that is not a package', async () => {
      await expectLibraryError(await t.s.request('GET', '/api/packages/not-base64!', { token: t.token }), 400, 'ERR006');
      await expectLibraryError(await t.s.request('GET', `/api/packages/${Buffer.from('x:y').toString('base64')}`, { token: t.token }), 400, 'ERR006');
      const holder = await json(await t.s.request('POST', '/api/packages', { token: t.token, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }), 201);
      await expectLibraryError(
        await t.s.request('PUT', `/api/packages/${holder.id}/binary`, {
          token: t.token,
          headers: MULTIPART_TYPE,
          body: multipartBody(Buffer.from('not a package')),
        }),
        400,
        'ERR006',
      );
      const after = await json(await t.s.request('GET', `/api/packages/${holder.id}`, { token: t.token }), 200);
      assert.equal(after.status, 'EMPTY', 'nothing was kept');
    });
  });
}
