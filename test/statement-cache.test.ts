import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { connectDatabase } from '../src/store/db/connect.js';
import { CACHED_SQL_CHARS, withStatementCache } from '../src/store/db/statement-cache.js';
import { must } from './support/must.js';

/** SQLite keeps statements prepared between queries (src/store/db/statement-cache.ts). */
describe('SQLite prepared statement cache', () => {
  it('reuses a statement, gives a fresh one while it is being iterated, keeps long ones within a budget, and follows schema changes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'packstore-statements-'));
    const file = path.join(dir, 'db.sqlite');
    const raw = new SQLite(file);
    const cache = withStatementCache(raw);
    try {
      raw.exec('create table t (n integer); insert into t values (1), (2), (3)');
      const text = 'select n from t where n > ? order by n';
      const first = cache.prepare(text);
      assert.equal(cache.prepare(text), first, 'the same SQL gets the prepared statement');
      const iterating = first.iterate([0]);
      assert.deepEqual(iterating.next().value, { n: 1 });
      const other = cache.prepare(text);
      assert.notEqual(other, first, 'a busy statement is not handed out again');
      assert.deepEqual(other.all([1]), [{ n: 2 }, { n: 3 }]);
      assert.deepEqual([...iterating], [{ n: 2 }, { n: 3 }], 'the iteration goes on undisturbed');
      assert.equal(cache.prepare(text), first, 'once iterated, the cached statement is used again');
    } finally {
      cache.close();
    }

    // Long statements of many lengths (a multi-row INSERT for every page's last chunk) are kept within a budget of
    // SQL text, least recently used out first; one longer than the whole budget is never kept.
    const budgeted = withStatementCache(new SQLite(file));
    try {
      const insertOf = (rows: number) => `insert into t (n) values ${Array.from({ length: rows }, () => '(0)').join(', ')}`;
      // Each a little over a third of the budget: two fit, three do not.
      const rowsPerStatement = Math.ceil(CACHED_SQL_CHARS / 3 / '(0), '.length) + 20;
      const lengths = Array.from({ length: 12 }, (_, i) => rowsPerStatement - i);
      const first = lengths.map((rows) => budgeted.prepare(insertOf(rows)));
      const at = (i: number) => must(lengths[i], 'a length');
      assert.equal(budgeted.prepare(insertOf(at(10))), first[10], 'the second most recent stays prepared');
      assert.equal(budgeted.prepare(insertOf(at(11))), first[11], 'the most recent stays prepared');
      assert.notEqual(budgeted.prepare(insertOf(at(9))), first[9], 'the third most recent was let go');
      const tooLong = insertOf(Math.ceil(CACHED_SQL_CHARS / '(0), '.length) + 1);
      assert.notEqual(budgeted.prepare(tooLong), budgeted.prepare(tooLong), 'a statement over the budget is prepared each time');
    } finally {
      budgeted.close();
    }

    // Through Kysely: a cached `select *` sees a column added after it was prepared.
    const db = connectDatabase(`sqlite:${file}`).db as unknown as Kysely<{ t: { n: number } }>;
    try {
      const star = () => sql<Record<string, number>>`select * from t where n = ${1}`.execute(db);
      assert.deepEqual((await star()).rows, [{ n: 1 }]);
      await sql`alter table t add column m integer default 7`.execute(db);
      assert.deepEqual((await star()).rows, [{ n: 1, m: 7 }]);
      assert.deepEqual(
        (await db.selectFrom('t').select('n').orderBy('n').execute()).map((r) => r.n),
        [1, 2, 3],
      );
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
