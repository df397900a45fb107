import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import type { MetadataObject } from '../src/domain/objects.js';
import { defaultProjectAcl } from '../src/domain/acl.js';
import { stableGuid } from '../src/domain/stable-ids.js';
import type { MetadataRepository } from '../src/store/metadata/repository.js';

const PROJECT = stableGuid('repository-test-project');
const OTHER = stableGuid('repository-test-other');
const id = (n: number) => stableGuid(`repository-test-object:${n}`);

function object(n: number, overrides: Partial<MetadataObject> = {}): MetadataObject {
  return {
    id: id(n),
    type: 4,
    subtype: 1024,
    name: `Metric ${n}`,
    description: '',
    folderId: id(0),
    version: stableGuid(`v${n}`),
    dateCreated: 1_000_000 + n,
    dateModified: 2_000_000 + n,
    ownerId: '54F3D26011D2896560009A8E67019608',
    ownerName: 'Administrator',
    acl: defaultProjectAcl(false),
    definition: { formula: `Sum(F${n})`, nested: { b: 1, a: [n] } },
    uses: [],
    hidden: false,
    ...overrides,
  };
}

for (const dialect of dialects()) {
  describe(`metadata repository [${dialect}]`, () => {
    let s: TestServer;
    let repo: MetadataRepository;
    before(async () => {
      s = await startTestServer(dialect);
      repo = s.server.env.ctx.metadata;
    });
    after(() => s.close());

    it('writes and reads objects field for field', async () => {
      const folder = object(0, { type: 8, subtype: 2048, name: 'Root', folderId: null, hidden: true });
      const metric = object(1, { uses: [id(3), id(2), id(2)], description: 'Sum of sales' });
      await repo.upsertObjects(PROJECT, [folder, metric, object(2), object(3)]);
      assert.deepEqual(await repo.getObject(PROJECT, id(0)), folder);
      assert.deepEqual(await repo.getObject(PROJECT, id(1)), { ...metric, uses: [id(2), id(3)].sort() });
      assert.equal(await repo.getObject(OTHER, id(1)), undefined, 'objects belong to one project');
    });

    it('replaces objects and their dependency edges on upsert', async () => {
      await repo.upsertObjects(PROJECT, [object(1, { name: 'Renamed', uses: [id(3)] })]);
      assert.equal((await repo.getObject(PROJECT, id(1)))?.name, 'Renamed');
      const dependents = await repo.dependentsOf(PROJECT, [id(2), id(3)]);
      assert.equal(dependents.has(id(2)), false, 'the dropped edge is gone');
      assert.deepEqual(dependents.get(id(3)), [id(1)]);
    });

    it('reads, counts and iterates thousands of ids in batches', async () => {
      const many = Array.from({ length: 1200 }, (_, i) => object(100 + i, { uses: [id(2)] }));
      await repo.upsertObjects(OTHER, [object(2), ...many]);
      const found = await repo.getObjects(OTHER, [...many.map((o) => o.id), stableGuid('missing')]);
      assert.equal(found.size, 1200);
      assert.equal(await repo.countObjects(OTHER), 1201);
      assert.equal((await repo.dependentsOf(OTHER, [id(2)])).get(id(2))?.length, 1200);
      const seen: string[] = [];
      for await (const batch of repo.iterateObjects(OTHER, 250)) {
        assert.ok(batch.length <= 250);
        seen.push(...batch.map((o) => o.id));
      }
      assert.equal(seen.length, 1201);
      assert.deepEqual(seen, [...seen].sort(), 'ordered by id');
    });

    it('deletes objects with their edges', async () => {
      const ids = Array.from({ length: 600 }, (_, i) => id(100 + i));
      await repo.deleteObjects(OTHER, ids);
      assert.equal(await repo.countObjects(OTHER), 601);
      assert.equal((await repo.dependentsOf(OTHER, [id(2)])).get(id(2))?.length, 600);
    });

    it('searches by name (case-insensitive contains), type and folder', async () => {
      const sub = object(50, { type: 8, subtype: 2048, name: 'Sub 100%', folderId: id(0) });
      const deep = object(51, { name: 'Deep_metric', folderId: sub.id });
      await repo.upsertObjects(PROJECT, [sub, deep]);
      const byName = await repo.search({ projectId: PROJECT, name: 'METRIC', offset: 0, limit: 10 });
      assert.deepEqual(
        byName.objects.map((o) => o.name),
        ['Deep_metric', 'Metric 2', 'Metric 3'],
      );
      assert.equal((await repo.search({ projectId: PROJECT, name: '100%', offset: 0, limit: 10 })).total, 1, '% is literal');
      assert.equal((await repo.search({ projectId: PROJECT, name: 'p_m', offset: 0, limit: 10 })).total, 1, '_ is literal');
      const folders = await repo.search({ projectId: PROJECT, type: [8], offset: 0, limit: 10 });
      assert.deepEqual(folders.objects.map((o) => o.id).sort(), [id(0), id(50)].sort());
      const direct = await repo.search({ projectId: PROJECT, folderId: id(0), type: [4], offset: 0, limit: 10 });
      assert.equal(
        direct.objects.some((o) => o.id === deep.id),
        false,
      );
      const below = await repo.search({ projectId: PROJECT, folderId: id(0), recursive: true, type: [4], offset: 0, limit: 10 });
      assert.equal(
        below.objects.some((o) => o.id === deep.id),
        true,
      );
      const page = await repo.search({ projectId: PROJECT, type: [4], offset: 1, limit: 1 });
      assert.equal(page.total, 4);
      assert.equal(page.objects.length, 1);
    });

    it('rolls a failed transaction back completely, nested calls included', async () => {
      const before = await repo.countObjects(PROJECT);
      await assert.rejects(
        repo.transaction(async (trx) => {
          await trx.upsertObjects(PROJECT, [object(900, { uses: [id(2)] })]);
          await trx.transaction(async (inner) =>
            inner.createProject({ id: stableGuid('rolled-back'), name: 'X', description: '', dateCreated: 0, dateModified: 0, ownerId: id(0), ownerName: 'A' }),
          );
          assert.ok(await trx.getObject(PROJECT, id(900)), 'visible inside the transaction');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await repo.countObjects(PROJECT), before);
      assert.equal(await repo.getObject(PROJECT, id(900)), undefined);
      assert.equal(await repo.getProject(stableGuid('rolled-back')), undefined);
      assert.equal((await repo.dependentsOf(PROJECT, [id(2)])).has(id(2)), false);
    });

    it('fingerprints content, not project ids', async () => {
      const a = stableGuid('fingerprint-a');
      const b = stableGuid('fingerprint-b');
      const content = [object(1, { uses: [id(2)] }), object(2)];
      await repo.upsertObjects(a, content);
      await repo.upsertObjects(b, [...content].reverse());
      assert.equal(await repo.fingerprint(a), await repo.fingerprint(b));
      await repo.upsertObjects(b, [object(2, { definition: { nested: { a: [2], b: 2 }, formula: 'Sum(F2)' } })]);
      assert.notEqual(await repo.fingerprint(a), await repo.fingerprint(b));
      assert.match(await repo.fingerprint(stableGuid('empty')), /^[0-9a-f]{64}$/);
    });
  });
}
