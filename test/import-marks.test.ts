import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/store/db/schema.js';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { metric } from './support/packages.js';
import { MetadataRepository } from '../src/store/metadata/repository.js';
import { ImportMarks } from '../src/store/import-marks.js';
import { stableGuid } from '../src/domain/stable-ids.js';
import { requirementsOf } from '../src/domain/engine/plan.js';
import type { MetadataObject } from '../src/domain/objects.js';

const PROJECT = stableGuid('import-marks-test-project');
const FOLDER = stableGuid('import-marks-test-folder');

/** Runs `fn` inside a transaction that always rolls back, as an import's dry run does. */
async function rolledBack(s: TestServer, fn: (marks: ImportMarks, repo: MetadataRepository) => Promise<void>): Promise<void> {
  const rollback = new Error('rollback');
  await assert.rejects(
    s.server.env.ctx.database.db.transaction().execute(async (trx) => {
      await fn(await ImportMarks.open(trx), MetadataRepository.forLongTransaction(trx));
      throw rollback;
    }),
    (error) => error === rollback,
  );
}

/** Writes the objects and notes what they need, in order, as an import's page does. */
async function write(marks: ImportMarks, repo: MetadataRepository, objects: MetadataObject[]): Promise<void> {
  await repo.upsertObjects(PROJECT, objects);
  await marks.need(objects.flatMap(requirementsOf));
}

for (const dialect of dialects()) {
  describe(`import marks: missing dependencies and blocked deletes in SQL [${dialect}]`, () => {
    let s: TestServer;
    const folder = metric('folder', { type: 8, subtype: 2048, id: FOLDER, folderId: null });
    const stored = metric('stored', { folderId: FOLDER });
    const user = metric('user of stored', { folderId: FOLDER, uses: [stored.id] });
    before(async () => {
      s = await startTestServer(dialect);
      await s.server.env.ctx.metadata.upsertObjects(PROJECT, [folder, stored, user]);
    });
    after(() => s.close());

    it('finds nothing when every use and folder is in the project or written', async () => {
      await rolledBack(s, async (marks, repo) => {
        const later = metric('written later', { folderId: FOLDER });
        await write(marks, repo, [metric('uses stored and later', { folderId: FOLDER, uses: [stored.id, later.id] })]);
        await write(marks, repo, [later]);
        assert.equal(await marks.firstMissing(PROJECT), undefined);
        assert.equal(await marks.firstBlockedDelete(PROJECT), undefined);
      });
    });

    it('names the first need in package order that is missing, by the first object that needs it', async () => {
      await rolledBack(s, async (marks, repo) => {
        const absent = stableGuid('absent');
        const first = metric('first orphan', { folderId: FOLDER, uses: [stored.id, absent] });
        await write(marks, repo, [metric('fine', { folderId: FOLDER }), first]);
        await write(marks, repo, [metric('second orphan', { folderId: FOLDER, uses: [absent, stableGuid('also absent')] })]);
        assert.deepEqual(await marks.firstMissing(PROJECT), { by: { id: first.id, name: 'first orphan' }, id: absent });
      });
    });

    it('finds a missing folder, and a dependency the same import deleted', async () => {
      await rolledBack(s, async (marks, repo) => {
        const homeless = metric('homeless', { folderId: stableGuid('no such folder') });
        await write(marks, repo, [homeless]);
        assert.deepEqual(await marks.firstMissing(PROJECT), { by: { id: homeless.id, name: 'homeless' }, id: homeless.folderId });
      });
      await rolledBack(s, async (marks, repo) => {
        await repo.deleteObjects(PROJECT, [stored.id]);
        await marks.deleted([stored.id]);
        const needsStored = metric('needs stored', { folderId: FOLDER, uses: [stored.id] });
        await write(marks, repo, [needsStored]);
        assert.deepEqual(await marks.firstMissing(PROJECT), { by: { id: needsStored.id, name: 'needs stored' }, id: stored.id });
      });
    });

    it('finds a delete that objects left in the project still use, and not one whose users went too', async () => {
      await rolledBack(s, async (marks, repo) => {
        await repo.deleteObjects(PROJECT, [stored.id]);
        await marks.deleted([stored.id]);
        assert.deepEqual(await marks.firstBlockedDelete(PROJECT), { id: stored.id, users: [user.id] });
      });
      await rolledBack(s, async (marks, repo) => {
        await repo.deleteObjects(PROJECT, [user.id, stored.id]);
        await marks.deleted([user.id, stored.id]);
        assert.equal(await marks.firstBlockedDelete(PROJECT), undefined);
      });
    });

    it('leaves no table behind: closed before commit, or rolled back', async () => {
      /** The marks' tables as the transaction's own connection sees them (temporary tables are per connection). */
      const tablesLeft = async (trx: Kysely<Database>) =>
        dialect === 'postgres'
          ? (
              await sql<{
                t: string | null;
              }>`SELECT to_regclass('pg_temp.import_needs')::text AS t UNION ALL SELECT to_regclass('pg_temp.import_deletes')::text`.execute(trx)
            ).rows.filter((r) => r.t !== null).length
          : (await sql<{ name: string }>`SELECT name FROM temp.sqlite_master WHERE name IN ('import_needs', 'import_deletes')`.execute(trx)).rows.length;
      await s.server.env.ctx.database.db.transaction().execute(async (trx) => {
        const marks = await ImportMarks.open(trx);
        await marks.deleted([stored.id]);
        assert.equal(await tablesLeft(trx), 2);
        await marks.close();
        assert.equal(await tablesLeft(trx), 0, 'close drops both tables before commit');
      });
      await rolledBack(s, (marks) => marks.deleted([stored.id]));
      // SQLite's one writer connection runs every transaction, so this looks where the rolled-back tables were.
      await s.server.env.ctx.database.db.transaction().execute(async (trx) => {
        assert.equal(await tablesLeft(trx), 0, 'nothing is left on the connection after a rollback');
      });
    });
  });
}
