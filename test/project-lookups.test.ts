import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/store/db/schema.js';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { metric } from './support/packages.js';
import { MetadataRepository } from '../src/store/metadata/repository.js';
import { stableGuid } from '../src/domain/stable-ids.js';

const KNOWN_PROJECT = stableGuid('lookups-test-known-project');
const NEW_PROJECT = stableGuid('lookups-test-new-project');
const WRITTEN = 5_000;
const LOOKED_UP = 200;

/** Rows of a table this transaction's index scans have fetched so far (PostgreSQL counts them per transaction, as it goes). */
async function rowsFetched(trx: Kysely<Database>, table: 'objects' | 'object_uses'): Promise<number> {
  const { rows } = await sql<{ n: string | null }>`
    SELECT idx_tup_fetch AS n FROM pg_stat_xact_user_tables WHERE relname = ${table}`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

/** How many rows of `table` the look-up fetched through indexes. */
async function fetchedBy(trx: Kysely<Database>, table: 'objects' | 'object_uses', lookUp: () => Promise<void>): Promise<number> {
  const before = await rowsFetched(trx, table);
  await lookUp();
  return (await rowsFetched(trx, table)) - before;
}

if (dialects().includes('postgres')) {
  describe('look-ups by id in a project the statistics do not know read only the rows asked for [postgres]', () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer('postgres');
      const { metadata } = s.server.env.ctx;
      await metadata.upsertObjects(
        KNOWN_PROJECT,
        Array.from({ length: 2_000 }, (_, i) => metric(`known ${i}`)),
      );
      await metadata.refreshStatistics(); // the statistics know one project, not the one the import writes
    });
    after(() => s.close());

    it("an import's look-ups and deletes of objects and of their users fetch one row an id, not every row it wrote (they stay flat as it grows)", async () => {
      const rollback = new Error('rollback');
      await assert.rejects(
        s.server.env.ctx.database.db.transaction().execute(async (trx) => {
          const repo = MetadataRepository.forLongTransaction(trx);
          // Each object uses the one before it: WRITTEN objects and WRITTEN - 1 edges in a project new to the statistics.
          const objects: ReturnType<typeof metric>[] = [];
          for (let i = 0; i < WRITTEN; i += 1) objects.push(metric(`written ${i}`, { uses: i > 0 ? [objects[i - 1]?.id ?? ''] : [] }));
          await repo.upsertObjects(NEW_PROJECT, objects);
          const wanted = objects.slice(0, LOOKED_UP).map((o) => o.id);
          let found = 0;
          const objectsRead = await fetchedBy(trx, 'objects', async () => {
            found = (await repo.getStoredObjects(NEW_PROJECT, wanted)).size;
          });
          assert.equal(found, LOOKED_UP);
          assert.ok(objectsRead >= LOOKED_UP && objectsRead < 2 * LOOKED_UP, `the look-up of ${LOOKED_UP} objects fetched ${objectsRead} rows`);
          let users = 0;
          const edgesRead = await fetchedBy(trx, 'object_uses', async () => {
            users = (await repo.dependentsOf(NEW_PROJECT, wanted)).size;
          });
          assert.equal(users, LOOKED_UP);
          assert.ok(edgesRead >= LOOKED_UP && edgesRead < 2 * LOOKED_UP, `the look-up of the users of ${LOOKED_UP} objects fetched ${edgesRead} rows`);
          // Deleting objects finds them, and their edges, by id the same way.
          const deleted = wanted.slice(0, 50);
          let edgesDeleted = 0;
          const objectsDeleted = await fetchedBy(trx, 'objects', async () => {
            edgesDeleted = await fetchedBy(trx, 'object_uses', () => repo.deleteObjects(NEW_PROJECT, deleted));
          });
          assert.ok(
            objectsDeleted >= deleted.length && objectsDeleted < 2 * deleted.length,
            `deleting ${deleted.length} objects fetched ${objectsDeleted} rows`,
          );
          assert.ok(edgesDeleted < 2 * deleted.length, `deleting the edges of ${deleted.length} objects fetched ${edgesDeleted} rows`);
          assert.equal((await repo.getStoredObjects(NEW_PROJECT, deleted)).size, 0);
          throw rollback;
        }),
        (error) => error === rollback,
      );
    });
  });
}
