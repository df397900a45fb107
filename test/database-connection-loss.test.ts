import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { dialects, createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { connectDatabase } from '../src/store/db/connect.js';
import { isDatabaseUnavailable } from '../src/store/db/availability.js';
import { must } from './support/must.js';

/**
 * A PostgreSQL restart cuts every connection, also one a transaction holds between two queries.
 * Found by the fault suite: such a client emitted 'error' with nobody listening and the node died.
 * (PostgreSQL only: SQLite has no connection to lose.)
 */
for (const dialect of dialects().filter((d) => d === 'postgres')) {
  describe(`database connection loss [${dialect}]`, () => {
    let env: TestEnvironmentFiles | undefined;
    after(() => env?.dispose());

    it('a connection cut while a transaction holds it fails that transaction as unreachable; the process and the pool live on', async () => {
      env = await createTestEnvironmentFiles(dialect);
      const url = env.config.databaseUrl;
      const handle = connectDatabase(url);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const outcome = await handle.db.connection().execute(async (conn) => {
          const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn);
          const pid = must(rows[0], 'at least one entry in rows').pid;
          await admin.query('SELECT pg_terminate_backend($1)', [pid]);
          // While the backend goes, its client sits idle in our hands and receives the termination.
          for (let i = 0; i < 400; i++) {
            const alive = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
            if (alive.rowCount === 0) break;
          }
          return sql`SELECT 1`.execute(conn).then(
            () => 'answered',
            (error: unknown) => error,
          );
        });
        assert.ok(isDatabaseUnavailable(outcome), `the next query fails as unreachable, got ${String(outcome)}`);
        const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(handle.db);
        assert.equal(must(rows[0], 'at least one entry in rows').one, 1, 'the pool replaced the lost connection');
      } finally {
        await admin.end();
        await handle.db.destroy();
      }
    });
  });
}
