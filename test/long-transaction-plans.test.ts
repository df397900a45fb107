import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/store/db/schema.js';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { metric } from './support/packages.js';
import { MetadataRepository } from '../src/store/metadata/repository.js';
import { stableGuid } from '../src/domain/stable-ids.js';

const KNOWN_PROJECT = stableGuid('plans-test-known-project');
const NEW_PROJECT = stableGuid('plans-test-new-project');
const WRITTEN = 5_000;
const LOOKED_UP = 200;

/** Rows of `objects` this transaction's index scans have fetched so far (PostgreSQL counts them per transaction, as it goes). */
async function rowsFetched(trx: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: string | null }>`
    SELECT idx_tup_fetch AS n FROM pg_stat_xact_user_tables WHERE relname = 'objects'`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Writes WRITTEN objects into a project the statistics have never seen, as an import into a new project does,
 * then looks LOOKED_UP of them up by id; answers how many rows the look-up's index scans fetched. Rolled back.
 */
async function lookUpInGrowingProject(s: TestServer, repoFor: (trx: Kysely<Database>) => Promise<MetadataRepository>): Promise<number> {
  let read = 0;
  const rollback = new Error('rollback');
  await assert.rejects(
    s.server.env.ctx.database.db.transaction().execute(async (trx) => {
      const repo = await repoFor(trx);
      const objects = Array.from({ length: WRITTEN }, (_, i) => metric(`written ${i}`));
      await repo.upsertObjects(NEW_PROJECT, objects);
      const wanted = objects.slice(0, LOOKED_UP).map((o) => o.id);
      const before = await rowsFetched(trx);
      const found = await repo.getStoredObjects(NEW_PROJECT, wanted);
      read = (await rowsFetched(trx)) - before;
      assert.equal(found.size, LOOKED_UP);
      throw rollback;
    }),
    (error) => error === rollback,
  );
  return read;
}

if (dialects().includes('postgres')) {
  describe('a long transaction looks objects up by their key in a project the statistics do not know [postgres]', () => {
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

    it("fetches one row an id, not every row the transaction wrote (an import's look-ups stay flat as it grows)", async () => {
      const read = await lookUpInGrowingProject(s, (trx) => MetadataRepository.forLongTransaction(trx));
      assert.ok(read >= LOOKED_UP && read < 2 * LOOKED_UP, `the look-up of ${LOOKED_UP} ids fetched ${read} rows`);
    });

    it('would read the whole project with plans made for the project id (why long transactions plan for any)', async () => {
      const read = await lookUpInGrowingProject(s, async (trx) => new MetadataRepository(trx));
      assert.ok(read >= WRITTEN, `the look-up fetched ${read} rows`);
    });
  });
}
