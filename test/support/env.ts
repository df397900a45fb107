import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig, type PackstoreConfig } from '../../src/config/load.js';
import type { DialectName } from '../../src/store/db/connect.js';

/** Tests loop over these; DIALECTS=sqlite or DIALECTS=postgres narrows the run. */
export function dialects(): DialectName[] {
  const wanted = (process.env.DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim());
  const known = ['sqlite', 'postgres'] as const;
  // A typo must not quietly leave every dialect loop without tests.
  const unknown = wanted.filter((d) => !(known as readonly string[]).includes(d));
  if (unknown.length > 0 || wanted.length === 0) throw new Error(`DIALECTS must list sqlite and/or postgres; got ${JSON.stringify(process.env.DIALECTS)}.`);
  return known.filter((d) => wanted.includes(d));
}

export const POSTGRES_ADMIN_URL = process.env.PACKSTORE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestEnvironmentFiles {
  dataDir: string;
  config: PackstoreConfig;
  dispose(): Promise<void>;
}

/** A fresh data dir, and on PostgreSQL a fresh database, for one test environment. */
export async function createTestEnvironmentFiles(dialect: DialectName, overrides: Record<string, string> = {}): Promise<TestEnvironmentFiles> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'packstore-test-'));
  let databaseUrl = path.join(dataDir, 'packstore.sqlite');
  let dropDatabase = async () => undefined;
  if (dialect === 'postgres') {
    const name = `packstore_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    };
  }
  const config = loadConfig({ dataDir, env: {}, overrides: { 'database.url': databaseUrl, ...overrides } });
  return {
    dataDir,
    config,
    async dispose() {
      await dropDatabase();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
