/**
 * bench:search — searches in a project of BENCH_PROJECT (default 1,000,000) generated objects, on
 * SQLite and PostgreSQL, through the search service (as the API runs them: browse rights, count,
 * page) against hand-written indexed SQL giving the same answer through the same driver: the rows of
 * the page and, where the page is full, the count of every match (the API answers `totalItems`).
 * Cases: the first page of a name-contains + type search, and a recursive dependents search of a
 * widely used object. BENCH_RUNS (default 40) timed runs each, after a warm-up. DIALECTS narrows.
 */
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openEnvironment } from '../src/server.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { seedObjectId } from '../src/domain/seed-objects.js';
import { createTestEnvironmentFiles, dialects } from '../test/support/env.js';
import { isPostgresUrl } from '../src/store/db/connect.js';
import type { Accessor } from '../src/domain/acl.js';
import type { SearchFilter } from '../src/domain/search/criteria.js';

const PROJECT_OBJECTS = Number(process.env.BENCH_PROJECT ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const WARM_UP = 5;
const PAGE = 50;
const PROJECT = 'A0000000000000000000000000000003';
/** An ordinary user (no Bypass): browse rights are checked as for anyone. */
const READER: Accessor = { userId: 'B0000000000000000000000000000001', userName: 'reader', groupIds: [], bypass: false };
const NEEDLE = '1234';
/** Table 1 of the first block: attributes, facts, metrics, reports and dashboards depend on it. */
const WIDELY_USED = seedObjectId(1);

interface Case {
  name: string;
  filter: SearchFilter;
  limit: number;
  /** The hand-written queries, the rows first (then the count, where the page is full); $1 is the project. */
  /** The page query, then the count queries. */
  sql: [string, ...string[]];
  params: unknown[];
}

const CASES: Case[] = [
  {
    name: `first page, name contains "${NEEDLE}", type 4`,
    filter: { name: NEEDLE, type: [4] },
    limit: PAGE,
    sql: [
      `SELECT * FROM objects WHERE project_id = $1 AND type = 4 AND lower(name) LIKE $2 ESCAPE '\\' ORDER BY name, id LIMIT ${PAGE}`,
      `SELECT count(*) AS n FROM objects WHERE project_id = $1 AND type = 4 AND lower(name) LIKE $2 ESCAPE '\\'`,
    ],
    params: [`%${NEEDLE}%`],
  },
  {
    name: 'recursive dependents of a widely used table',
    filter: { uses: { id: WIDELY_USED, recursive: true } },
    limit: -1,
    sql: [
      `WITH RECURSIVE walk(id) AS (
        SELECT object_id FROM object_uses WHERE project_id = $1 AND used_id = $2
        UNION SELECT u.object_id FROM object_uses u JOIN walk ON u.used_id = walk.id WHERE u.project_id = $1)
      SELECT o.* FROM objects o WHERE o.project_id = $1 AND o.id IN (SELECT id FROM walk) ORDER BY o.name, o.id`,
    ],
    params: [WIDELY_USED],
  },
];

function percentile(sorted: number[], p: number): number {
  // No samples, no percentile.
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(work: () => Promise<number>): Promise<{ p50: number; p95: number; rows: number }> {
  let rows = 0;
  for (let i = 0; i < WARM_UP; i++) rows = await work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    rows = await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), rows };
}

/** Runs a hand-written query through the dialect's own driver, with $n placeholders. */
async function rawRunner(url: string): Promise<{ run: (sql: string, params: unknown[]) => Promise<number>; close: () => Promise<void> }> {
  if (isPostgresUrl(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return { run: async (sql, params) => (await client.query(sql, params)).rows.length, close: () => client.end() };
  }
  const db = new SQLite(url, { readonly: true });
  const statements = new Map<string, SQLite.Statement>();
  return {
    run: async (sql, params) => {
      // SQLite's positional ? are bound in order: repeat each $n's value where it occurs.
      const order = [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]) - 1);
      const statement = statements.get(sql) ?? db.prepare(sql.replace(/\$\d+/g, '?'));
      statements.set(sql, statement);
      return statement.all(...order.map((i) => params[i])).length;
    },
    close: async () => {
      db.close();
    },
  };
}

async function benchDialect(dialect: 'sqlite' | 'postgres') {
  const files = await createTestEnvironmentFiles(dialect);
  const env = await openEnvironment(files.config, { env: { PACKSTORE_ADMIN_PASSWORD: 'bench-password' } });
  const rows: Array<Record<string, string | number>> = [];
  try {
    process.stderr.write(`[${dialect}] seeding a project of ${PROJECT_OBJECTS} objects…\n`);
    await growProject(env.ctx.metadata, { projectId: PROJECT, objects: PROJECT_OBJECTS });
    const service = env.ctx.search;
    const raw = await rawRunner(files.config.databaseUrl);
    try {
      for (const c of CASES) {
        const ours = await measure(async () => (await service.find(PROJECT, c.filter, { offset: 0, limit: c.limit }, READER)).objects.length);
        const baseline = await measure(async () => {
          const [rows, ...counts] = c.sql;
          const found = await raw.run(rows, [PROJECT, ...c.params]);
          for (const count of counts) await raw.run(count, [PROJECT, ...c.params]);
          return found;
        });
        if (ours.rows !== baseline.rows) throw new Error(`${c.name}: the service returned ${ours.rows} rows, the baseline ${baseline.rows}`);
        rows.push({
          dialect,
          case: c.name,
          rows: ours.rows,
          'p50 ms': ours.p50.toFixed(1),
          'p95 ms': ours.p95.toFixed(1),
          'SQL p50 ms': baseline.p50.toFixed(1),
          'SQL / ours (p50)': (baseline.p50 / ours.p50).toFixed(2),
        });
      }
    } finally {
      await raw.close();
    }
  } finally {
    await env.close();
    await files.dispose();
  }
  return rows;
}

const results = [];
for (const dialect of dialects()) results.push(...(await benchDialect(dialect)));
process.stdout.write(`\nbench:search — a project of ${PROJECT_OBJECTS} objects, ${RUNS} runs per case\n`);
console.table(results);
